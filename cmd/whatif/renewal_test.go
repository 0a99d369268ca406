package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRenewalReadme runs README's example of whatif renewal as typed.
func TestRenewalReadme(t *testing.T) { runReadme(t, "renewal") }

func TestRenewalCommand(t *testing.T) {
	stdout, _, err := whatif(t, cmd("renewal", "-policy", "open2014")...)
	require.NoError(t, err)
	assert.Contains(t, stdout, "No days lost from 2027-03-01 (new end 2028-03-01) to 2027-03-30 (new end 2028-03-01).")
	assert.Contains(t, stdout, "Renewing on 2027-01-30 instead loses 30 days.")

	// No subscription has nothing to renew: the message names the command.
	stdout, stderr, err := whatif(t, "renewal", "-seats", "0", "-product", "M365-E3")
	assert.Equal(t, 2, exitCode(err))
	assert.Empty(t, stdout)
	assert.Equal(t, "whatif: renewal: the subscription has none to renew (no seats, no end date)\n", stderr)

	assertUsageError(t, cmd("renewal", "-renewal"), "-renewal: unknown flag")
	assertUsageError(t, cmd("renewal", "-tenant", "contoso"), "-tenant: only with -book")
}
