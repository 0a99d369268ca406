package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSVGDrawsTheQuestion: with -book, -svg draws what was asked on the
// subscription's history: each way the key of options could be redeemed,
// need-end's smallest key and its target end date.
func TestSVGDrawsTheQuestion(t *testing.T) {
	name := filepath.Join(t.TempDir(), "q.svg")
	_, _, err := whatif(t, append([]string{"options"}, bookArgs("-on", "2027-01-01", "-key-seats", "25", "-svg", name)...)...)
	require.NoError(t, err)
	svg := readSVG(t, name)
	assert.Contains(t, svg, "if add-seats with the 25 seats key: 155 seats until 2027-09-21")
	assert.Contains(t, svg, "if extend-end with the 25 seats key: 130 seats until 2027-11-10")
	assert.Contains(t, svg, "what the question considers, if redeemed that day")
	assert.NotContains(t, svg, "end date asked")

	_, _, err = whatif(t, append([]string{"need-end"}, bookArgs("-on", "2027-01-01", "-reach", "2028-06-01", "-svg", name)...)...)
	require.NoError(t, err)
	svg = readSVG(t, name)
	assert.Contains(t, svg, "end date asked 2028-06-01")
	assert.Contains(t, svg, "if extend-end with a 98 seats key: 130 seats until 2028-06-02")
	assert.Contains(t, svg, "the end date asked for")
}

// TestDidYouMeanBook: a -tenant with a stray space is not in the book, and
// the message names the closest tracked names; a tenant of words that is
// key-shaped in part is a name, not a key.
func TestDidYouMeanBook(t *testing.T) {
	_, stderr, err := whatif(t, "options", "-book", excelBook, "-tenant", "contoso ", "-product", "M365-E3", "-on", "2026-12-01", "-key-seats", "5")
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, stderr, `no such subscription in the book (tenants and products compare exactly, case included); did you mean -tenant "contoso" -product "M365-E3"?`)

	out, _, err := whatif(t, "options", "-book", excelBook, "-tenant", "Adams Baker Clark Davis Evans LLP", "-product", "M365-E3", "-on", "2026-12-01", "-key-seats", "5")
	require.NoError(t, err)
	assert.Contains(t, out, "40 seats")
}

// TestPlanTooltipsReadAsWords: the plan picture's tooltips keep "add
// licenses" next to a masked key: the output filter masks key-shaped runs
// that hold a digit only (the module's one rule).
func TestPlanTooltipsReadAsWords(t *testing.T) {
	name := filepath.Join(t.TempDir(), "front.svg")
	_, _, err := whatif(t, "plan", "-seats", "275", "-end", "2027-03-01", "-product", "M365-E3", "-on", "2026-12-01",
		"-keys", "25,50,100,200", "-until", "2028-03-01", "-svg", name)
	require.NoError(t, err)
	svg := readSVG(t, name)
	assert.Contains(t, svg, "add licenses XXXXX-XXXXX-XXXXX-XXXXX-KEY0")
	assert.NotContains(t, svg, "licXXXXX")
	assert.Contains(t, svg, ">chosen: ")
}
