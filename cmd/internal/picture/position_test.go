package picture

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedChart is the Office 365 IUR example (R14) over its program year: 100
// granted, 81 seats online from 2026-07-02 and 20 licences on premises from
// 2026-07-03, over by one from then on; and a second pool within its grant
// whose grant grows mid-year and whose French maximum binds.
func seedChart() PositionChart {
	return PositionChart{
		Title: "Munich: licence position on 2026-08-01 <&>",
		From:  day("2026-07-01"), To: day("2027-07-01"), At: day("2026-08-01"),
		Pools: []PoolChart{
			{
				Name: "Office",
				Steps: []PoolStep{
					{From: day("2026-07-01"), Granted: 100},
					{From: day("2026-07-02"), Online: 81, Granted: 100},
					{From: day("2026-07-03"), Online: 81, OnPremises: 20, Granted: 100, Excess: 1},
				},
				Maxima:   []Maximum{{Max: 500}, {Country: "DE", Max: 250}},
				Findings: []Mark{{Since: day("2026-07-03"), Label: "R14 over-entitlement", Title: "R14 over-entitlement in pool Office: 101 used of 100 granted, 1 uncovered; since 2026-07-03"}},
			},
			{
				Name: "Windows Server & <CALs>",
				Steps: []PoolStep{
					{From: day("2026-07-01"), Granted: 40, Online: 10},
					{From: day("2026-10-01"), Granted: 60, Online: 10, OnPremises: 35},
					{From: day("2027-02-15"), Granted: 60, Online: 30, OnPremises: 25, Excess: 5},
				},
				Maxima:   []Maximum{{Max: 70}, {Country: "DE", Max: 60}, {Country: "ES", Max: 60}, {Country: "FR", Max: 50}},
				Findings: []Mark{{Since: day("2027-02-15"), Label: "R15 over-country-maximum in FR", Title: "R15 over-country-maximum in FR"}},
			},
		},
		Other: []Mark{{Since: day("2026-09-01"), Label: "R19 mixed-skus", Title: "R19 mixed-skus on tenant contoso"}},
	}
}

// manyPools is n pools of 200 changes between them, with names of
// nameLen bytes and findings on some.
func manyPools(n, changes, nameLen int) PositionChart {
	ch := PositionChart{Title: strings.Repeat("Verwaltungsgesellschaft ", nameLen/24+1), From: day("2026-07-01"), To: day("2027-07-01"), At: day("2027-01-15")}
	for p := range n {
		name := fmt.Sprintf("pool %d ", p) + strings.Repeat("x", max(nameLen-8, 0))
		pc := PoolChart{Name: name, Maxima: []Maximum{{Max: int64(150 + 20*p)}, {Country: "DE", Max: 60}, {Country: "FR", Max: int64(30 + 5*p)}, {Country: "ES", Max: 60}}}
		for i := range changes / n {
			pc.Steps = append(pc.Steps, PoolStep{From: addDays(ch.From, i*360*n/changes), Online: int64((i*37 + p*11) % 120),
				OnPremises: int64((i*17 + p) % 40), Granted: int64(100 + 10*p + 10*(i/10)), Excess: int64(max(0, (i*37+p*11)%120+(i*17+p)%40-130-10*p))})
		}
		for i := range p % 3 {
			pc.Findings = append(pc.Findings, Mark{Since: addDays(ch.From, 40*i+p), Label: fmt.Sprintf("R1%d finding %d", 4+i, i), Title: "finding " + name})
		}
		ch.Pools = append(ch.Pools, pc)
	}
	return ch
}

// crowdedChart is a picture with what crowds one: a title of two lines,
// pools of the longest names, several findings begun on one day, an excess
// between two changes, maxima that six countries share and one equal to
// the worldwide maximum, and a finding of no pool with a long label.
func crowdedChart() PositionChart {
	long := strings.Repeat("Verwaltungsgesellschaft ", 11)[:256]
	ch := PositionChart{Title: long + "/ licence position", From: day("2026-07-01"), To: day("2027-07-01"), At: day("2026-12-01"),
		Other: []Mark{{Label: "R19 mixed-skus on " + long, Title: "R19"}}}
	for p := range 3 {
		pc := PoolChart{Name: fmt.Sprintf("%d ", p) + long[2:],
			Steps: []PoolStep{
				{From: day("2026-07-01"), Online: 40, Granted: 100},
				{From: day("2026-09-01"), Online: 90, OnPremises: 30, Granted: 100, Excess: 20},
				{From: day("2026-11-01"), Online: 60, OnPremises: 30, Granted: 120},
			},
			Maxima: []Maximum{{Max: 110}, {Country: "FR", Max: 110}, {Country: "DE", Max: 80}, {Country: "AT", Max: 80},
				{Country: "ES", Max: 80}, {Country: "IT", Max: 80}, {Country: "PL", Max: 80}, {Country: "NL", Max: 80}},
		}
		for i := range 3 {
			pc.Findings = append(pc.Findings, Mark{Since: day("2026-09-01"), Label: fmt.Sprintf("R1%d finding", 4+i), Title: fmt.Sprintf("finding %d", i)})
		}
		ch.Pools = append(ch.Pools, pc)
	}
	return ch
}

// TestPositionGolden compares the seed picture and the crowded one with
// their golden files (go test -update rewrites them) and checks that they
// are well-formed XML.
func TestPositionGolden(t *testing.T) {
	for name, ch := range map[string]PositionChart{"position": seedChart(), "position-crowded": crowdedChart()} {
		got, err := Position(ch)
		require.NoError(t, err)
		wellFormed(t, got)
		path := filepath.Join("testdata", name+".svg")
		if *update {
			require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, string(want), got, "go test ./internal/picture -update rewrites %s", path)
	}
}

// TestCrowded: the crowded picture's maxima are grouped, the excess between
// two changes ends the day before the next, the findings of one day are
// stacked, not drawn over each other, and the note of a finding of no pool
// is cut to fit.
func TestCrowded(t *testing.T) {
	c := positionChart(crowdedChart())
	svg := c.end()
	assert.Contains(t, svg, ">worldwide maximum 110<")
	assert.Contains(t, svg, ">maximum FR 110<")
	assert.Contains(t, svg, ">maximum AT, DE, ES and 3 more 80<")
	assert.Contains(t, svg, "<title>excess 20: 2026-09-01 … 2026-10-31</title>")
	marks := regexp.MustCompile(`<polygon points="(\d+),(\d+) [^"]*" fill="`+colFinding+`" stroke=`).FindAllStringSubmatch(svg, -1)
	require.Len(t, marks, 9)
	seen := map[string]bool{}
	for _, m := range marks {
		assert.False(t, seen[m[1]+","+m[2]], "two findings drawn at %s,%s", m[1], m[2])
		seen[m[1]+","+m[2]] = true
	}
	// No label covers a marker (its triangle: 12 pixels across, 10 down).
	for _, m := range marks {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		tri := rect{x0: x - 6, y0: y, x1: x + 6, y1: y + 10}
		for _, p := range c.placed {
			assert.False(t, p.label && p.overlaps(tri), "a label over the finding at %d,%d", x, y)
		}
	}
	note := regexp.MustCompile(`>(Not in a panel: [^<]*)<`).FindStringSubmatch(svg)
	require.NotNil(t, note)
	assert.True(t, strings.HasSuffix(note[1], "…"))
	assert.LessOrEqual(t, len([]rune(note[1])), len("Not in a panel: ")+(plotRight-plotLeft)/charWidth)
}

// TestMarkEdges: a finding begun before the days across is marked at the
// left edge, one begun on the last day inside the right edge.
func TestMarkEdges(t *testing.T) {
	ch := seedChart()
	ch.Pools[0].Findings = []Mark{{Since: day("2025-01-01"), Label: "early"}, {Label: "before the records"}, {Since: day("2027-06-30"), Label: "late"}}
	svg, err := Position(ch)
	require.NoError(t, err)
	marks := regexp.MustCompile(`<polygon points="(\d+),(\d+) (\d+),`).FindAllStringSubmatch(svg, -1)
	require.GreaterOrEqual(t, len(marks), 3)
	assert.Equal(t, strconv.Itoa(plotLeft), marks[0][1], "the left edge")
	assert.Equal(t, strconv.Itoa(plotLeft), marks[1][1], "stacked under it")
	assert.NotEqual(t, marks[0][2], marks[1][2])
	assert.Equal(t, strconv.Itoa(plotRight), marks[2][3], "inside the right edge")
	assert.Contains(t, svg, ">before the records since before the records<")
}

// TestGroupMaxima: one line per value, largest first, the worldwide
// maximum before a country's of the same value, more than four countries
// counted.
func TestGroupMaxima(t *testing.T) {
	got := groupMaxima([]Maximum{{Country: "FR", Max: 50}, {Max: 50}, {Country: "DE", Max: 90}, {Country: "AT", Max: 90},
		{Country: "ES", Max: 20}, {Country: "IT", Max: 20}, {Country: "PL", Max: 20}, {Country: "NL", Max: 20}, {Country: "BE", Max: 20}})
	var texts []string
	for _, m := range got {
		texts = append(texts, m.text)
	}
	assert.Equal(t, []string{"maximum AT, DE 90", "worldwide maximum 50", "maximum FR 50", "maximum BE, ES, IT and 2 more 20"}, texts)
	got = groupMaxima([]Maximum{{Country: "FR", Max: 5}, {Country: "DE", Max: 5}, {Country: "ES", Max: 5}, {Country: "IT", Max: 5}})
	assert.Equal(t, "maximum DE, ES, FR, IT 5", got[0].text, "four are named")
}

// TestScaleReach: a maximum up to one and a half times the use and the
// grant is on the scale, a larger one is named under the panel; a maximum
// the scale's top reaches is drawn.
func TestScaleReach(t *testing.T) {
	steps := []PoolStep{{From: day("2026-07-01"), Online: 100}}
	assert.Equal(t, int64(150), scaleTop(PoolChart{Maxima: []Maximum{{Max: 150}}}, steps))
	assert.Equal(t, int64(100), scaleTop(PoolChart{Maxima: []Maximum{{Max: 151}}}, steps))
	one := PositionChart{From: day("2026-07-01"), To: day("2027-07-01"), Pools: []PoolChart{{Name: "p",
		Steps: []PoolStep{{From: day("2026-07-01"), Online: 1}}, Maxima: []Maximum{{Max: 2}}}}}
	require.Equal(t, int64(2), newQtyScale(scaleTop(one.Pools[0], one.Pools[0].Steps), 1, 0).hi)
	svg, err := Position(one)
	require.NoError(t, err)
	assert.Contains(t, svg, ">worldwide maximum 2<")
	assert.NotContains(t, svg, "Above the scale")
	assert.NotContains(t, svg, "findings marked", "no finding, no note about them")
}

// TestFitText: a text that fits is kept, a longer one is cut to fit with
// "…".
func TestFitText(t *testing.T) {
	assert.Equal(t, "abc", fitText("abc", 3*charWidth))
	assert.Equal(t, "ab…", fitText("abcd", 3*charWidth))
	assert.Equal(t, "…", fitText("abcd", 0))
}

// TestPositionShows: the seed picture names what it draws: each pool, its
// figures on the day asked, the grant, the maximums, the finding with its
// tooltip, and the escaped names.
func TestPositionShows(t *testing.T) {
	svg, err := Position(seedChart())
	require.NoError(t, err)
	for _, want := range []string{
		"Pool Office: 81 online + 20 on premises of 100 granted, excess 1 on 2026-08-01",
		"Pool Windows Server &amp; &lt;CALs&gt;: 10 online + 0 on premises of 40 granted on 2026-08-01",
		">granted 100<", ">granted 60<",
		"Above the scale: worldwide maximum 500.", "Above the scale: maximum DE 250.",
		">worldwide maximum 70<", ">maximum DE, ES 60<", ">maximum FR 50<",
		"<title>R14 over-entitlement in pool Office: 101 used of 100 granted, 1 uncovered; since 2026-07-03</title>",
		">R14 over-entitlement since 2026-07-03<",
		"<title>excess 1: 2026-07-03 … 2027-06-30</title>",
		"Not in a panel: R19 mixed-skus since 2026-09-01",
		"2 findings marked, every one labelled.",
		"the day asked, 2026-08-01",
	} {
		assert.Contains(t, svg, want)
	}
	// The online area of the first pool: nothing on the first day, 81
	// seats from the second to the year's end.
	assert.Regexp(t, `<path d="M100 \d+ V\d+ H102 V\d+ H104 V\d+ H960 V\d+ Z" fill="`+colOnline, svg)
}

// TestPositionLabels: with 1, 3 and 10 pools of 200 changes, names of 256
// bytes, no two labels overlap, no line crosses a label, every label stays
// inside its panel, and a pool's header fits across the plot.
func TestPositionLabels(t *testing.T) {
	for _, n := range []int{1, 3, 10} {
		for _, nameLen := range []int{8, 256} {
			ch := manyPools(n, 200, nameLen)
			c := positionChart(ch)
			for i, a := range c.placed {
				if !a.label {
					continue
				}
				require.True(t, a.x0 >= plotLeft && a.x1 <= plotRight, "label %d inside the plot across", i)
				for j, b := range c.placed {
					require.False(t, i != j && a.overlaps(b), "%d pools: label %d overlaps %d", n, i, j)
				}
				for j, l := range c.lines {
					require.False(t, l.crosses(a), "%d pools: label %d is crossed by line %d", n, i, j)
				}
			}
			svg := c.end()
			wellFormed(t, svg)
			headers := regexp.MustCompile(`</title>(Pool [^<]*)</text>`).FindAllStringSubmatch(svg, -1)
			require.Len(t, headers, n)
			for _, h := range headers {
				assert.LessOrEqual(t, boldWidth*len([]rune(h[1])), plotRight-plotLeft, "the header fits: %s", h[1])
			}
			assert.Equal(t, n, strings.Count(svg, `fill="`+colOnline+`" fill-opacity="0.55"`), "an online area per pool")
		}
	}
}

func TestPositionErrors(t *testing.T) {
	_, err := Position(PositionChart{From: day("2026-07-01"), To: day("2027-07-01")})
	assert.EqualError(t, err, "picture: no pools to draw")
	_, err = Position(PositionChart{From: day("2026-07-01"), To: day("2026-07-01"), Pools: []PoolChart{{Name: "p"}}})
	assert.Error(t, err)
	// A pool without steps draws an empty panel.
	svg, err := Position(PositionChart{From: day("2026-07-01"), To: day("2027-07-01"), Pools: []PoolChart{{Name: "p"}}})
	require.NoError(t, err)
	wellFormed(t, svg)
}

// TestClampSteps: steps before the days across start on the first day
// (the last of them holds), steps from the last day on are dropped.
func TestClampSteps(t *testing.T) {
	got := clampSteps([]PoolStep{
		{From: day("2026-01-01"), Online: 1}, {From: day("2026-06-01"), Online: 2},
		{From: day("2026-08-01"), Online: 3}, {From: day("2027-07-01"), Online: 4},
	}, day("2026-07-01"), day("2027-07-01"))
	assert.Equal(t, []PoolStep{{From: day("2026-07-01"), Online: 2}, {From: day("2026-08-01"), Online: 3}}, got)
}

// TestQtyScale: at most five steps of 1, 2 or 5 times a power of ten, the
// top above the largest quantity, and pixels inside the scale for any
// quantity.
func TestQtyScale(t *testing.T) {
	for _, c := range []struct{ top, hi, step int64 }{
		{0, 1, 1}, {4, 5, 1}, {5, 6, 1}, {6, 8, 2}, {101, 150, 50}, {250, 300, 50}, {999, 1000, 200}, {1_000_000_000, 1_200_000_000, 200_000_000},
	} {
		s := newQtyScale(c.top, 200, 0)
		assert.Equal(t, c.hi, s.hi, "top %d", c.top)
		assert.Equal(t, c.step, s.step, "top %d", c.top)
		assert.Equal(t, 200, s.px(0))
		assert.Equal(t, 0, s.px(s.hi))
		assert.Equal(t, 0, s.px(s.hi+1), "clamped")
	}
	big := newQtyScale(1<<61, 100, 0)
	assert.InDelta(t, 50, big.px(big.hi/2), 1, "large quantities do not overflow")
}
