package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOptionsReadme runs README's example of whatif options as typed.
func TestOptionsReadme(t *testing.T) { runReadme(t, "options") }

func TestOptionsCommand(t *testing.T) {
	stdout, stderr, err := whatif(t, cmd("options", "-key-seats", "301", "-key", clearKey)...)
	require.NoError(t, err, "a refusal is an answer")
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "Key: XXXXX-XXXXX-XXXXX-XXXXX-ABCDE, 301 seats, 12 months")
	assert.Contains(t, stdout, "extend-end refused: over the cap (R6): at most 300 seats\n")

	assertUsageError(t, []string{"options", "-seats", "100", "-end", "2027-03-01", "-product", "M365-E3"}, "-key-seats: missing")
	assertUsageError(t, cmd("options", "-svg", filepath.Join(t.TempDir(), "x.svg")), "-svg: needs -book")
	assertUsageError(t, cmd("options", "-until", "2028-03-01"), "-until: only with -book and -svg")
	assertUsageError(t, cmd("options", "-keys", "25"), "-keys: unknown flag")
	assertUsageError(t, cmd("options", "stray"), "unexpected argument")

	// With -book and -svg, the subscription's history with -until's line.
	svg := filepath.Join(t.TempDir(), "history.svg")
	_, _, err = whatif(t, "options", "-book", bookFile, "-tenant", "contoso", "-product", "M365-E3", "-on", "2027-01-01",
		"-key-seats", "25", "-svg", svg, "-until", "2027-12-31")
	require.NoError(t, err)
	assert.Contains(t, readSVG(t, svg), "contoso / M365-E3: end date and seats over time")
}
