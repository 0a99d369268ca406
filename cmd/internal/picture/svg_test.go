package picture

import (
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// step is a Step with the lifecycle dates of the default policy (R8: 30 days
// of grace, read-only until 120 days after the end).
func step(at string, seats int, end, label string) Step {
	s := Step{At: day(at), Seats: seats, Label: label}
	if end != "" {
		s.End = day(end)
		s.DisabledFrom = addDays(s.End, 30)
		s.DeletedOn = addDays(s.End, 120)
	}
	return s
}

// manySteps is a long, active history: an activation, then n-1 alternating
// small adds and extends every ten days, the end date always ahead.
func manySteps(n int) []Step {
	start := day("2026-01-05")
	steps := []Step{step("2026-01-05", 100, "2027-01-05", "activate")}
	seats, end := 100, day("2027-01-05")
	for i := 1; i < n; i++ {
		at := addDays(start, 10*i)
		label := "add-seats"
		if i%2 == 0 {
			label = "extend-end"
			end = addDays(end, 25)
		} else {
			seats += 5
			end = addDays(end, -3)
		}
		s := Step{At: at, Seats: seats, End: end, DisabledFrom: addDays(end, 30), DeletedOn: addDays(end, 120), Label: label}
		steps = append(steps, s)
	}
	return steps
}

// frontChart is a front of nine plans with one chosen, today's subscription
// and the program year's end.
func frontChart() FrontChart {
	ends := []string{"2027-09-01", "2027-09-27", "2027-10-27", "2027-12-02", "2028-01-18", "2028-03-15", "2028-06-01", "2028-09-20", "2029-03-01"}
	var pts []Point
	for i, e := range ends {
		pts = append(pts, Point{Seats: 300 - 25*i, End: day(e), Plan: fmt.Sprintf("plan %d", i+1), Chosen: i == 5})
	}
	return FrontChart{Title: "Plans for 4 keys on 2026-12-01: seats against end date", Start: Point{Seats: 100, End: day("2027-03-01")},
		Points: pts, ProgramEnd: day("2028-03-01")}
}

// TestLegendNamesWhatIsDrawn: no "chosen" entry when no plan reaches the
// goal.
func TestLegendNamesWhatIsDrawn(t *testing.T) {
	ch := frontChart()
	svg, err := Front(ch)
	require.NoError(t, err)
	assert.Contains(t, svg, "the plan chosen for the goal")
	for i := range ch.Points {
		ch.Points[i].Chosen = false
	}
	svg, err = Front(ch)
	require.NoError(t, err)
	assert.NotContains(t, svg, "the plan chosen for the goal")
}

// historySteps is a history of four records: an import, an add and an
// extend on one day, a renew after the subscription expired.
func historySteps() []Step {
	return []Step{
		step("2026-03-01", 100, "2027-03-01", "import"),
		step("2026-12-01", 125, "2027-04-25", "add-seats"),
		step("2026-12-01", 125, "2027-07-08", "extend-end"),
		step("2027-09-20", 125, "2028-09-20", "renew as activate"),
	}
}

func goldenCases() map[string]func() (string, error) {
	return map[string]func() (string, error){
		"one-step": func() (string, error) {
			return Subscription(SubscriptionChart{Title: "contoso / M365-E3", Steps: []Step{step("2026-03-01", 100, "2027-03-01", "activate")}})
		},
		"history": func() (string, error) {
			return Subscription(SubscriptionChart{
				Title:      "contoso / M365-E3 <&>",
				Steps:      historySteps(),
				ProgramEnd: day("2028-03-01"),
			})
		},
		"200-steps": func() (string, error) {
			return Subscription(SubscriptionChart{Title: "fabrikam / Visio", Steps: manySteps(200), ProgramEnd: day("2030-06-30")})
		},
		"history-dates": func() (string, error) {
			return EndDates(SubscriptionChart{
				Title:      "contoso / M365-E3 <&>",
				Steps:      historySteps(),
				ProgramEnd: day("2028-03-01"),
			})
		},
		"asked": func() (string, error) {
			return Subscription(SubscriptionChart{
				Title: "contoso / M365-E3",
				Steps: []Step{step("2026-03-01", 100, "2027-03-01", "import"), step("2026-06-01", 125, "2027-04-25", "add-seats")},
				Asked: []Asked{
					{At: day("2026-12-01"), Seats: 150, End: day("2027-04-10"), Label: "if add licenses 25"},
					{At: day("2026-12-01"), Seats: 125, End: day("2027-06-25"), Label: "if extend end date 25"},
				},
				Target:     day("2027-06-01"),
				ProgramEnd: day("2027-06-30"),
			})
		},
		"front": func() (string, error) { return Front(frontChart()) },
		"front-one": func() (string, error) {
			return Front(FrontChart{Title: "one plan", Points: []Point{{Seats: 25, End: day("2027-12-01"), Chosen: true}}})
		},
	}
}

// TestGolden compares each picture with its golden file (go test -update
// rewrites them) and checks that it is well-formed XML.
func TestGolden(t *testing.T) {
	for name, draw := range goldenCases() {
		t.Run(name, func(t *testing.T) {
			got, err := draw()
			require.NoError(t, err)
			wellFormed(t, got)
			path := filepath.Join("testdata", name+".svg")
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, string(want), got, "go test ./internal/picture -update rewrites %s", path)
		})
	}
}

// wellFormed decodes the whole document with encoding/xml and checks the
// root element.
func wellFormed(t *testing.T, doc string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	root := ""
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "well-formed XML")
		switch el := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				root = el.Name.Local
				assert.Equal(t, "http://www.w3.org/2000/svg", el.Name.Space)
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	assert.Equal(t, "svg", root)
	assert.Equal(t, 0, depth)
}

// TestLabelsDoNotOverlap: at 1, 5 and 200 records no two labels overlap, no
// line of the plot (steps, the program year's end, the front) crosses a
// label, and every label stays inside the plot; at 200 the legend says how
// many are shown.
func TestLabelsDoNotOverlap(t *testing.T) {
	check := func(t *testing.T, c *canvas) {
		t.Helper()
		labels := 0
		for i, a := range c.placed {
			if !a.label {
				continue
			}
			labels++
			require.True(t, a.x0 >= plotLeft && a.x1 <= plotRight && a.y0 >= plotTop && a.y1 <= plotBottom, "label %d inside the plot", i)
			for j, b := range c.placed {
				require.False(t, i != j && a.overlaps(b), "label %d overlaps %d (a label, a point or the title)", i, j)
			}
			for j, l := range c.lines {
				require.False(t, l.crosses(a), "label %d is crossed by line %d %v", i, j, l)
			}
		}
		assert.Positive(t, labels, "some label is shown")
	}
	for _, n := range []int{1, 5, 200} {
		for _, program := range []string{"2027-06-01", "2030-06-30"} {
			check(t, subscription(SubscriptionChart{Title: "t / p", Steps: manySteps(n), ProgramEnd: day(program)}))
			check(t, endDates(SubscriptionChart{Title: "t / p", Steps: manySteps(n), ProgramEnd: day(program)}))
		}
	}
	for _, c := range map[string]*canvas{
		"history": subscription(SubscriptionChart{Title: "t / p", Steps: []Step{
			step("2026-03-01", 100, "2027-03-01", "import"),
			step("2026-12-01", 125, "2027-04-25", "add-seats"),
			step("2026-12-01", 125, "2027-07-08", "extend-end"),
			step("2027-09-20", 125, "2028-09-20", "renew as activate"),
		}, ProgramEnd: day("2028-03-01")}),
		"front": front(frontChart()),
	} {
		check(t, c)
	}
	var pts []Point
	for i := range 60 {
		pts = append(pts, Point{Seats: 10 + i, End: addDays(day("2028-01-01"), -3*i)})
	}
	check(t, front(FrontChart{Title: "t", Points: pts, ProgramEnd: day("2027-12-01")}))
	svg, err := Subscription(SubscriptionChart{Title: "t / p", Steps: manySteps(200)})
	require.NoError(t, err)
	assert.Contains(t, svg, "200 records; ")
	assert.Contains(t, svg, "labelled (seats, operation) where there is room")
	assert.Equal(t, 400, strings.Count(svg, "</circle>"), "every record has its point on each panel")
	svg, err = EndDates(SubscriptionChart{Title: "t / p", Steps: manySteps(200)})
	require.NoError(t, err)
	assert.Equal(t, 200, strings.Count(svg, "</circle>"), "every record has its point")
}

func TestErrors(t *testing.T) {
	_, err := Subscription(SubscriptionChart{})
	assert.Error(t, err)
	_, err = Front(FrontChart{})
	assert.Error(t, err)
}

func TestTicks(t *testing.T) {
	a := newDateAxis(day("2026-01-15"), day("2026-07-15"), 0, 600)
	ts, years := a.ticks()
	assert.False(t, years)
	require.NotEmpty(t, ts)
	assert.Equal(t, "2026-02-01", dateString(ts[0]))
	assert.LessOrEqual(t, len(ts), 9)
	a = newDateAxis(day("2020-01-15"), day("2035-07-15"), 0, 600)
	ts, years = a.ticks()
	assert.True(t, years)
	assert.LessOrEqual(t, len(ts), 9)
	for _, tk := range ts {
		assert.Equal(t, 1, tk.Day())
	}
}

// TestLegendNamesTheService: the bands and their legend say what the policy
// serves while expired and while disabled (R8, R22): fully functional, then
// read-only by default; no service while expired under volume licensing.
func TestLegendNamesTheService(t *testing.T) {
	st := step("2026-03-01", 100, "2027-03-01", "activate")
	svg, err := Subscription(SubscriptionChart{Title: "t", Steps: []Step{st}})
	require.NoError(t, err)
	assert.Contains(t, svg, "grace after the end date: expired, fully functional (R8)")
	assert.Contains(t, svg, "read-only: disabled (R8)")
	assert.NotContains(t, svg, "no service")

	st.ExpiredService, st.DisabledService = activation.NoService, activation.ReadOnlyService
	svg, err = Subscription(SubscriptionChart{Title: "t", Steps: []Step{st}})
	require.NoError(t, err)
	assert.Contains(t, svg, "grace after the end date: expired, no service (R22)")
	assert.Contains(t, svg, "grace: expired, no service: 2027-03-01 … 2027-03-31")
	assert.Contains(t, svg, `fill="`+colNoServe+`"`)
	assert.Contains(t, svg, "read-only: disabled (R8)")
	assert.NotContains(t, svg, "fully functional")

	st.ExpiredService, st.DisabledService = activation.ReadOnlyService, activation.NoService
	svg, err = Subscription(SubscriptionChart{Title: "t", Steps: []Step{st}})
	require.NoError(t, err)
	assert.Contains(t, svg, "grace after the end date: expired, read-only (R22)")
	assert.Contains(t, svg, "no service: disabled (R22)")
	assert.NotContains(t, svg, "read-only: disabled")

	// Two policies' steps in one chart: each band as its step's service,
	// each legend entry once.
	a, b := step("2026-03-01", 100, "2027-03-01", "import"), step("2027-09-01", 100, "2028-09-01", "activate")
	b.DisabledService = activation.NoService
	svg, err = Subscription(SubscriptionChart{Title: "t", Steps: []Step{a, b}})
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(svg, "grace after the end date: expired, fully functional (R8)"))
	assert.Contains(t, svg, "read-only: disabled (R8)")
	assert.Contains(t, svg, "no service: disabled (R22)")

	svg, err = Subscription(SubscriptionChart{Title: "t", Steps: []Step{step("2026-03-01", 0, "", "import")}})
	require.NoError(t, err)
	assert.Contains(t, svg, "grace after the end date: expired, fully functional (R8)", "no term: R8's legend")
}

// TestStepsOfService: StepsOf takes the service from the policy (R22).
func TestStepsOfService(t *testing.T) {
	o, err := activation.VolumeLicensing().Apply(activation.Subscription{Product: "P"},
		token.Token{Key: token.MustParseKey("FAKE0-KEY00-NOT00-REAL0-PIC01"), Product: "P", Seats: 5}, activation.Activate, day("2026-03-01"))
	require.NoError(t, err)
	recs := []activation.Record{{Outcome: o}}
	steps := StepsOf(activation.VolumeLicensing(), recs)
	require.Len(t, steps, 1)
	assert.Equal(t, activation.NoService, steps[0].ExpiredService)
	assert.Equal(t, activation.ReadOnlyService, steps[0].DisabledService)
	assert.Equal(t, day("2027-03-01"), steps[0].End)
	steps = StepsOf(activation.PartnerCenter(), recs)
	assert.Equal(t, activation.FullService, steps[0].ExpiredService)
}
