package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNeedEndReadme runs README's example of whatif need-end as typed.
func TestNeedEndReadme(t *testing.T) { runReadme(t, "need-end") }

func TestNeedEndCommand(t *testing.T) {
	// Beyond the cap and beyond add's limit: a negative answer.
	stdout, _, err := whatif(t, cmd("need-end", "-reach", "2031-01-01")...)
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, stdout, "but the cap (R6) allows at most 300 seats, which reach 2030-03-01.")

	js, _, err := whatif(t, cmd("need-end", "-json")...)
	require.NoError(t, err)
	var got struct {
		NeedEnd struct {
			Target      string `json:"target"`
			ExtendSeats int    `json:"extendSeats"`
		} `json:"needEnd"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &got), js)
	assert.Equal(t, "2029-06-01", got.NeedEnd.Target)
	assert.Equal(t, 225, got.NeedEnd.ExtendSeats)

	assertUsageError(t, []string{"need-end", "-seats", "100", "-end", "2027-03-01", "-product", "M365-E3"}, "-reach: missing")
	_, stderr, err := whatif(t, cmd("need-end", "-reach", "2029-02-30")...)
	assert.Equal(t, 2, exitCode(err))
	assert.Equal(t, "whatif: -reach: 2029-02-30: February 2029 has 28 days\n", stderr)
	assertUsageError(t, cmd("need-end", "-term", "24"), "-term: unknown flag")
	assertUsageError(t, cmd("need-end", "-until", "2028-03-01"), "-until: only with -book and -svg")
}
