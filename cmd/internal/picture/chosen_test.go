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
	} {
		for _, view := range []func(SubscriptionChart) *canvas{subscription, endDates} {
			svg := view(SubscriptionChart{Title: "contoso / M365-E3", Steps: steps, ProgramEnd: day("2027-06-30")}).end()
			assert.Contains(t, svg, "2 records; every one labelled")
		}
	}
}
