package picture

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crowdedFront is a front of n plans a seat apart with the chosen one in
// the middle, where the program year's end crosses it.
func crowdedFront(n int) FrontChart {
	var pts []Point
	for i := range n {
		pts = append(pts, Point{Seats: 275 + 25*i, End: addDays(day("2028-07-14"), -12*i), Plan: fmt.Sprintf("plan %d", i), Chosen: i == n/2})
	}
	return FrontChart{Title: "crowded", Start: Point{Seats: 275, End: day("2027-03-01")}, Points: pts,
		ProgramEnd: pts[n/2].End}
}

// TestChosenAlwaysLabelled: the chosen plan is labelled, before any other
// point, however crowded the front.
func TestChosenAlwaysLabelled(t *testing.T) {
	for _, n := range []int{3, 16, 40, 120} {
		svg, err := Front(crowdedFront(n))
		require.NoError(t, err)
		i := strings.Index(svg, ">chosen: ")
		require.Positive(t, i, "%d plans: the chosen plan is labelled", n)
		other := regexp.MustCompile(`<text[^>]*>[0-9,]+ seats until `).FindStringIndex(svg)
		if other != nil {
			assert.Less(t, i, other[0], "%d plans: the chosen plan's label comes first", n)
		}
	}
}

// TestLabelWithRoomKept: a label that has room near its point, farther
// than the first places tried, is shown with a leader line rather than
// left out; every label of a two-record history (an import, then a renew)
// is shown.
func TestLabelWithRoomKept(t *testing.T) {
	for _, steps := range [][]Step{
		{step("2026-01-15", 100, "2027-01-15", "import"), step("2027-01-20", 100, "2028-01-20", "renew as activate")},
		{step("2026-01-15", 100, "2027-01-15", "import"), step("2026-01-16", 100, "2027-01-16", "renew")},
		// The near places of the import's label are all taken (the program
		// year's end, its label, the steps): it goes a little farther.
		{step("2026-01-15", 100, "2027-01-15", "import"), step("2027-05-25", 100, "2028-05-25", "renew as activate")},
	} {
		for _, view := range []func(SubscriptionChart) *canvas{subscription, endDates} {
			for _, program := range []string{"2026-06-30", "2027-06-30"} {
				svg := view(SubscriptionChart{Title: "contoso / M365-E3", Steps: steps, ProgramEnd: day(program)}).end()
				assert.Contains(t, svg, "2 records; every one labelled", "program year %s", program)
			}
		}
	}
}

// TestTitleLines: a long title breaks at a space into two lines that fit
// across the plot, the rest cut with "…".
func TestTitleLines(t *testing.T) {
	assert.Equal(t, []string{"contoso / M365-E3"}, titleLines("contoso / M365-E3"))
	long := strings.Repeat("Verwaltungsgesellschaft ", 12) + "/ M365-E3"
	lines := titleLines(long)
	require.Len(t, lines, 2)
	for _, l := range lines {
		assert.LessOrEqual(t, len([]rune(l)), titleRunes)
	}
	assert.True(t, strings.HasSuffix(lines[1], "…"))
	assert.True(t, strings.HasSuffix(lines[0], "Verwaltungsgesellschaft"))
	one := strings.Repeat("x", 2*titleRunes+5)
	assert.Equal(t, []string{one[:titleRunes], one[titleRunes:2*titleRunes-1] + "…"}, titleLines(one))
}
