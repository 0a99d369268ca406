package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPlanReadme runs README's example of whatif plan as typed.
func TestPlanReadme(t *testing.T) { runReadme(t, "plan") }

func TestPlanCommand(t *testing.T) {
	stdout, _, err := whatif(t, cmd("plan", "-goal", "trade-off")...)
	require.NoError(t, err)
	assert.Contains(t, stdout, "175 seats until 2028-03-15: runs 14 days past its use rights")

	// The trade-off picture needs no book.
	svg := filepath.Join(t.TempDir(), "front.svg")
	_, _, err = whatif(t, cmd("plan", "-svg", svg)...)
	require.NoError(t, err)
	assert.Equal(t, 9, strings.Count(readSVG(t, svg), "</circle>"), "the nine plans of the front")

	stdout, _, err = whatif(t, cmd("plan", "-until", "2030-01-01")...)
	assert.Equal(t, 1, exitCode(err), "a goal no plan reaches: a negative answer")
	assert.Contains(t, stdout, "The nearest feasible plan follows; it does not reach the goal.")

	// A key pasted into -until is refused by the flag's name, never echoed.
	assertUsageError(t, cmd("plan", "-until="+clearKey), "-until: not a date")
	assertUsageError(t, []string{"plan", "-seats", "100", "-end", "2027-03-01", "-product", "M365-E3"}, "-keys: missing")
	assertUsageError(t, cmd("plan", "-key-seats", "25"), "-key-seats: unknown flag")
	assertUsageError(t, cmd("plan", "-goal", "latest-end"), "-goal latest-end: needs -target-seats")
}
