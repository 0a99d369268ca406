package picture

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/proration"
)

// Step is a subscription's state after one record of its history.
type Step struct {
	At    time.Time // the day of the record
	Seats int       // 0 for no subscription
	End   time.Time // the end date after it; zero for no subscription
	// DisabledFrom and DeletedOn are its lifecycle dates after End (R8):
	// disabled from DisabledFrom, deleted on DeletedOn. Zero for none.
	DisabledFrom, DeletedOn time.Time
	// ExpiredService and DisabledService are the service of the grace and of
	// the disabled days under the policy (R8, R22: activation.Policy.Service);
	// zero means R8's: fully functional, then read-only.
	ExpiredService, DisabledService activation.Service
	Label                           string // what happened, e.g. "add-seats"
}

// band is how a lifecycle band is drawn: its colour, its tooltip and its
// legend entry, which name the service it gives (R8, R22).
type band struct{ colour, title, legend string }

// graceBand is the band of the days after the end date (Expired) with
// service sv.
func graceBand(sv activation.Service) band {
	switch sv {
	case activation.NoService:
		return band{colNoServe, "grace: expired, no service", "grace after the end date: expired, no service (R22)"}
	case activation.ReadOnlyService:
		return band{colReadOnly, "grace: expired, read-only", "grace after the end date: expired, read-only (R22)"}
	}
	return band{colGrace, "grace: expired, fully functional", "grace after the end date: expired, fully functional (R8)"}
}

// disabledBand is the band of the disabled days with service sv.
func disabledBand(sv activation.Service) band {
	if sv == activation.NoService {
		return band{colNoServe, "no service: disabled", "no service: disabled (R22)"}
	}
	return band{colReadOnly, "read-only: disabled", "read-only: disabled (R8)"}
}

// SubscriptionChart is what [Subscription] and [EndDates] draw.
type SubscriptionChart struct {
	Title      string    // the subscription, e.g. "contoso / M365-E3"
	Steps      []Step    // oldest first, at least one
	ProgramEnd time.Time // the program year's end (R13); zero if not given
	// Asked is what a question considers from a day on, drawn apart from
	// the history: each way a key could be redeemed (whatif options), the
	// smallest key that reaches a target (need-end). [Subscription] draws
	// them; [EndDates] does not.
	Asked []Asked
	// Target is the end date a question asks for (need-end -reach), drawn
	// as a line of the end date; zero if none.
	Target time.Time
}

// Asked is one outcome a question considers: on At, Label ("add licenses
// 25 seats") would give Seats until End.
type Asked struct {
	At, End time.Time
	Seats   int
	Label   string
}

// EndDates draws a subscription's end date against the day: x is the day, y the
// end date in force on that day, a step at each record labelled with the
// seats and the operation; the diagonal where the day reaches the end date;
// after an end date that passes before the next record, the lifecycle bands
// (grace, read-only, deleted; R8); and the program year's end (R13) when
// given. It is the second view of a history; [Subscription] is the first.
func EndDates(ch SubscriptionChart) (string, error) {
	return draw(len(ch.Steps), "steps", ch, endDates)
}

// endDates draws ch, which has steps.
func endDates(ch SubscriptionChart) *canvas {
	steps := ch.Steps
	last := steps[len(steps)-1]
	lo, hi := steps[0].At, last.At
	for _, s := range steps {
		if !s.End.IsZero() && s.End.After(hi) {
			hi = s.End
		}
		if !s.DeletedOn.IsZero() && s.DeletedOn.After(hi) {
			hi = s.DeletedOn
		}
	}
	lo, hi = widen(lo, hi, ch.ProgramEnd)
	margin := proration.Days(lo, hi)/25 + 15
	lo, hi = addDays(lo, -margin), addDays(hi, margin)
	xa := newDateAxis(lo, hi, plotLeft, plotRight)
	ya := newDateAxis(lo, hi, plotBottom, plotTop)

	c := newCanvas(ch.Title + ": end date against the day")
	c.xDates(xa, "day (date of each redemption)")
	c.yDates(ya, "end date (first day without service)")

	c.bands(xa, steps, hi)
	c.line(xa.px(lo), ya.px(lo), xa.px(hi), ya.px(hi), `stroke="`+colDiagonal+`" stroke-dasharray="2 4"`)
	if !ch.ProgramEnd.IsZero() {
		y := ya.px(ch.ProgramEnd)
		c.line(plotLeft, y, plotRight, y, `stroke="`+colProgram+`" stroke-width="2" stroke-dasharray="8 4"`)
	}

	// The steps: the end date in force from each record to the next; the
	// last one runs until its end date meets the day.
	var path []byte
	px, py := 0, 0 // the path's pen
	for i, s := range steps {
		if s.End.IsZero() {
			continue
		}
		to := s.End
		if i+1 < len(steps) {
			to = steps[i+1].At
		}
		if to.Before(s.At) {
			to = s.At
		}
		y := ya.px(s.End)
		if len(path) == 0 || steps[i-1].End.IsZero() {
			path = fmt.Appendf(path, "M%d %d", xa.px(s.At), y)
			px = xa.px(s.At)
		} else {
			path = fmt.Appendf(path, " V%d", y)
			c.lines = append(c.lines, seg{px, py, px, y})
		}
		path = fmt.Appendf(path, " H%d", xa.px(to))
		c.lines = append(c.lines, seg{px, y, xa.px(to), y})
		px, py = xa.px(to), y
	}
	if len(path) > 0 {
		fmt.Fprintf(&c.b, `<path d="%s" fill="none" stroke="%s" stroke-width="2.5"/>`+"\n", path, colStep)
	}
	for _, s := range steps {
		x, y := xa.px(s.At), ya.px(s.At)
		what := "no subscription"
		if !s.End.IsZero() {
			y = ya.px(s.End)
			what = cli.Plural(s.Seats, "seat") + " until " + dateString(s.End)
		}
		fmt.Fprintf(&c.b, `<circle cx="%d" cy="%d" r="4" fill="%s"><title>%s</title></circle>`+"\n",
			x, y, colStep, esc(dateString(s.At)+": "+s.Label+" → "+what))
		c.reserve(x, y, 5)
	}
	if !ch.ProgramEnd.IsZero() {
		text := "program year ends " + dateString(ch.ProgramEnd) + " (R13)"
		c.label(plotRight-12-textWidth(text), ya.px(ch.ProgramEnd), text, `fill="`+colProgram+`"`)
	}
	// Labels: the last step first, then the first, then the rest in order,
	// each where it overlaps nothing placed before.
	shown := c.stepLabels(steps, func(s Step) (int, int) {
		if s.End.IsZero() {
			return xa.px(s.At), ya.px(s.At)
		}
		return xa.px(s.At), ya.px(s.End)
	})

	c.frame()
	items := []legendItem{
		{lineSwatch(colStep, "", 3), "end date in force (a step at each record)"},
		{dotSwatch(colStep, 4), "a redemption or import (tooltip: day, operation, result)"},
		{lineSwatch(colDiagonal, "2 4", 1), "the day itself: the end date is reached where a step meets it"},
	}
	items = append(items, bandItems(steps)...)
	items = append(items, legendItem{boxSwatch(colDeleted), "deleted (R8)"})
	c.legend(withProgramEnd(items, ch.ProgramEnd), labelled(len(steps), shown, "record",
		"; every one labelled with its seats and operation", "labelled (seats, operation) where there is room, the others in their tooltips"))
	return c
}

// withProgramEnd is items and, when a chart draws it, the program year's end.
func withProgramEnd(items []legendItem, end time.Time) []legendItem {
	if end.IsZero() {
		return items
	}
	return append(items, legendItem{lineSwatch(colProgram, "8 4", 2), "the program year's end: use rights end (R13)"})
}

// labelled is the legend's note on the labels of n things: all of them
// labelled, or only shown of them, with what is said of the others.
func labelled(n, shown int, thing, all, some string) string {
	if shown < n {
		return fmt.Sprintf("%s; %d %s.", cli.Plural(n, thing), shown, some)
	}
	return cli.Plural(n, thing) + all + "."
}

// bandItems returns the legend entries of the grace and disabled bands of
// steps, each band as its service makes it (R8, R22), in the order the steps
// first draw them; R8's two when no step has a term.
func bandItems(steps []Step) []legendItem {
	var grace, disabled []band
	for _, s := range steps {
		if s.End.IsZero() {
			continue
		}
		if g := graceBand(s.ExpiredService); !slices.Contains(grace, g) {
			grace = append(grace, g)
		}
		if d := disabledBand(s.DisabledService); !slices.Contains(disabled, d) {
			disabled = append(disabled, d)
		}
	}
	if len(grace) == 0 {
		grace, disabled = []band{graceBand(0)}, []band{disabledBand(0)}
	}
	items := make([]legendItem, 0, len(grace)+len(disabled))
	for _, b := range append(grace, disabled...) {
		items = append(items, legendItem{boxSwatch(b.colour), b.legend})
	}
	return items
}

// band shades the days [from, to) of the x axis, cut at until.
func (c *canvas) band(xa dateAxis, from, to, until time.Time, colour, title string) {
	if from.IsZero() || !from.Before(until) {
		return
	}
	if to.IsZero() || to.After(until) {
		to = until
	}
	if !from.Before(to) {
		return
	}
	x0, x1 := xa.px(from), xa.px(to)
	fmt.Fprintf(&c.b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" fill-opacity="0.45"><title>%s</title></rect>`+"\n",
		x0, plotTop, max(x1-x0, 1), plotBottom-plotTop, colour, esc(title+": "+dateString(from)+" … "+dateString(to)))
}

// addDays returns d moved by n days (exact in UTC, which has no daylight
// saving time).
// widen returns lo and hi widened to hold t, unless t is zero.
func widen(lo, hi, t time.Time) (time.Time, time.Time) {
	switch {
	case t.IsZero():
	case t.Before(lo):
		lo = t
	case t.After(hi):
		hi = t
	}
	return lo, hi
}

func addDays(d time.Time, n int) time.Time { return d.Add(time.Duration(n) * 24 * time.Hour) }

// Point is one plan on a trade-off front: the seats and end date it ends
// with.
type Point struct {
	Seats  int
	End    time.Time
	Plan   string // what the plan does, for the tooltip
	Chosen bool   // the plan the goal chose
}

// FrontChart is what [Front] draws.
type FrontChart struct {
	Title      string
	Start      Point     // today's subscription (Seats 0: none)
	Points     []Point   // the front, at least one
	ProgramEnd time.Time // the program year's end (R13); zero if not given
}

// Front draws a plan's trade-off: each plan no other beats on both seats and
// end date, seats across and end date up, today's subscription, and the
// program year's end (R13) when given.
func Front(ch FrontChart) (string, error) {
	return draw(len(ch.Points), "plans", ch, front)
}

// front draws ch, which has points.
func front(ch FrontChart) *canvas {
	pts := slices.Clone(ch.Points)
	slices.SortFunc(pts, func(a, b Point) int { return a.Seats - b.Seats })
	minS, maxS := pts[0].Seats, pts[len(pts)-1].Seats
	lo, hi := pts[0].End, pts[0].End
	all := pts
	if ch.Start.Seats > 0 {
		all = append(slices.Clone(pts), ch.Start)
	}
	for _, p := range all {
		minS, maxS = min(minS, p.Seats), max(maxS, p.Seats)
		lo, hi = widen(lo, hi, p.End)
	}
	lo, hi = widen(lo, hi, ch.ProgramEnd)
	margin := proration.Days(lo, hi)/10 + 15
	lo, hi = addDays(lo, -margin), addDays(hi, margin)
	ya := newDateAxis(lo, hi, plotBottom, plotTop)
	sa := newSeatAxis(minS, maxS)

	c := newCanvas(ch.Title)
	c.xSeats(sa)
	c.yDates(ya, "end date (first day without service)")
	if !ch.ProgramEnd.IsZero() {
		y := ya.px(ch.ProgramEnd)
		c.line(plotLeft, y, plotRight, y, `stroke="`+colProgram+`" stroke-width="2" stroke-dasharray="8 4"`)
	}
	var path []byte
	for i, p := range pts {
		cmd := "L"
		if i == 0 {
			cmd = "M"
		} else {
			c.lines = append(c.lines, seg{sa.px(pts[i-1].Seats), ya.px(pts[i-1].End), sa.px(p.Seats), ya.px(p.End)})
		}
		path = fmt.Appendf(path, "%s%d %d ", cmd, sa.px(p.Seats), ya.px(p.End))
	}
	fmt.Fprintf(&c.b, `<path d="%s" fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="4 3"/>`+"\n", path[:len(path)-1], colStep)
	if ch.Start.Seats > 0 {
		x, y := sa.px(ch.Start.Seats), ya.px(ch.Start.End)
		fmt.Fprintf(&c.b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"><title>%s</title></rect>`+"\n",
			x-5, y-5, colDiagonal, esc("today: "+cli.Plural(ch.Start.Seats, "seat")+" until "+dateString(ch.Start.End)))
	}
	for _, p := range pts {
		r, col := 5, colStep
		if p.Chosen {
			r, col = 8, colChosen
		}
		fmt.Fprintf(&c.b, `<circle cx="%d" cy="%d" r="%d" fill="%s"><title>%s</title></circle>`+"\n",
			sa.px(p.Seats), ya.px(p.End), r, col, esc(cli.Plural(p.Seats, "seat")+" until "+dateString(p.End)+": "+p.Plan))
		c.reserve(sa.px(p.Seats), ya.px(p.End), r+1)
	}
	if ch.Start.Seats > 0 {
		c.reserve(sa.px(ch.Start.Seats), ya.px(ch.Start.End), 6)
	}
	// The chosen plan's label first: it is always shown.
	shown := 0
	pointText := func(p Point) string {
		text := cli.Plural(p.Seats, "seat") + " until " + dateString(p.End)
		if p.Chosen {
			text = "chosen: " + text
		}
		return text
	}
	for _, p := range pts {
		if p.Chosen {
			c.mustLabel(sa.px(p.Seats), ya.px(p.End), pointText(p), `fill="#1a1a1a" font-weight="bold"`)
			shown++
		}
	}
	if !ch.ProgramEnd.IsZero() {
		text := "program year ends " + dateString(ch.ProgramEnd) + " (R13)"
		c.label(plotRight-12-textWidth(text), ya.px(ch.ProgramEnd), text, `fill="`+colProgram+`"`)
	}
	if ch.Start.Seats > 0 {
		c.label(sa.px(ch.Start.Seats), ya.px(ch.Start.End), "today: "+cli.Plural(ch.Start.Seats, "seat")+" until "+dateString(ch.Start.End), `fill="#444444"`)
	}
	for _, p := range pts {
		if !p.Chosen && c.label(sa.px(p.Seats), ya.px(p.End), pointText(p), `fill="#1a1a1a"`) {
			shown++
		}
	}
	c.frame()
	// The legend names only what is drawn: no chosen plan when no plan
	// reaches the goal, no other plan when the chosen one is all, no
	// today's point for a subscription not yet there.
	var items []legendItem
	if slices.ContainsFunc(pts, func(p Point) bool { return !p.Chosen }) {
		items = append(items, legendItem{dotSwatch(colStep, 5), "a plan no other plan beats on both seats and end date"})
	}
	if slices.ContainsFunc(pts, func(p Point) bool { return p.Chosen }) {
		items = append(items, legendItem{dotSwatch(colChosen, 7), "the plan chosen for the goal"})
	}
	if ch.Start.Seats > 0 {
		items = append(items, legendItem{boxSwatch(colDiagonal), "today's subscription, before any key"})
	}
	if len(pts) > 1 {
		items = append(items, legendItem{lineSwatch(colStep, "4 3", 2), "the front: more seats cost end date"})
	}
	c.legend(withProgramEnd(items, ch.ProgramEnd), labelled(len(pts), shown, "plan",
		", every one labelled; the tooltip of a point names its keys", "labelled where there is room, all in their tooltips (keys and operations)"))
	return c
}

// seatAxis maps seat counts to pixels across the plot.
type seatAxis struct{ lo, hi, step int }

func newSeatAxis(minS, maxS int) seatAxis {
	span := maxS - minS
	step := 1
	for step*8 < span+1 {
		switch {
		case isPow10(step):
			step *= 2
		case isPow10(step / 2):
			step = step / 2 * 5
		default:
			step = step / 5 * 10
		}
	}
	lo := (minS - step) / step * step
	if lo < 0 {
		lo = 0
	}
	hi := (maxS + 2*step - 1) / step * step
	return seatAxis{lo: lo, hi: hi, step: step}
}

func isPow10(n int) bool {
	for n >= 10 && n%10 == 0 {
		n /= 10
	}
	return n == 1
}

func (a seatAxis) px(n int) int {
	return plotLeft + int(int64(n-a.lo)*int64(plotRight-plotLeft)/int64(a.hi-a.lo))
}

func (c *canvas) xSeats(a seatAxis) {
	for n := a.lo; n <= a.hi; n += a.step {
		x := a.px(n)
		fmt.Fprintf(&c.b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`+"\n", x, plotTop, x, plotBottom, colGrid)
		fmt.Fprintf(&c.b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000000"/>`+"\n", x, plotBottom, x, plotBottom+5)
		c.text(x, plotBottom+19, "middle", "", cli.Group(int64(n)))
	}
	c.text((plotLeft+plotRight)/2, plotBottom+40, "middle", `font-weight="bold"`, "seats after the plan")
}

// draw is the SVG document of chart ch, drawn by f, or an error when it has
// none of what it draws (n of them).
func draw[C any](n int, what string, ch C, f func(C) *canvas) (string, error) {
	if n == 0 {
		return "", errors.New("picture: no " + what + " to draw")
	}
	return f(ch).end(), nil
}
