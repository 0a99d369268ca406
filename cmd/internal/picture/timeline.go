package picture

import (
	"fmt"
	"time"

	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/proration"
)

// Colours of the history's time-across view, beside those of svg.go.
const (
	colSeats  = "#1a7f7f" // the seats' step line
	colTarget = "#2a9d3f" // a question's target end date
	colAsked  = "#2a9d3f" // what a question considers
)

// The two panels of the time-across view, one above the other, sharing the
// day across: the end date in force, then the seats.
const (
	endTop      = plotTop
	endBottom   = plotTop + (plotBottom-plotTop)*58/100
	seatsTop    = endBottom + 26
	seatsBottom = plotBottom
)

// Subscription draws a subscription's history as an admin reads it: time
// across, and against it two step lines, the end date in force (above) and
// the seats (below), a step at each record, labelled with the seats and the
// operation; the lifecycle bands wherever the day passes the end date
// before the next record, each named by the service the policy gives in
// that state (R8, R22); the program year's end (R13) as a day and as an end
// date to reach; and, when a question asks, what it considers (Asked) and
// its target end date (Target). [EndDates] is the same history drawn date
// against date.
func Subscription(ch SubscriptionChart) (string, error) {
	return draw(len(ch.Steps), "steps", ch, subscription)
}

// subscription draws ch, which has steps.
func subscription(ch SubscriptionChart) *canvas {
	lo, hi := acrossDays(ch)
	xa := newDateAxis(lo, hi, plotLeft, plotRight)
	steps := ch.Steps

	// The end dates up, the seats up.
	var elo, ehi time.Time
	maxSeats := 1
	note := func(end time.Time, seats int) {
		if end.IsZero() {
			return
		}
		if elo.IsZero() {
			elo, ehi = end, end
		}
		elo, ehi = widen(elo, ehi, end)
		maxSeats = max(maxSeats, seats)
	}
	for _, s := range steps {
		note(s.End, s.Seats)
	}
	for _, a := range ch.Asked {
		note(a.End, a.Seats)
	}
	note(ch.ProgramEnd, 0)
	note(ch.Target, 0)
	if elo.IsZero() {
		elo, ehi = lo, hi
	}
	em := proration.Days(elo, ehi)/10 + 15
	ya := newDateAxis(addDays(elo, -em), addDays(ehi, em), endBottom, endTop)
	sa := newSeatScale(maxSeats, seatsBottom, seatsTop)

	c := newCanvas(ch.Title + ": end date and seats over time")
	c.xDates(xa, "day")
	ts, years := ya.ticks()
	for _, t := range ts {
		c.yTick(ya.px(t), tickLabel(t, years))
	}
	c.yCaption("end date", endTop, endBottom)
	for n := sa.lo; n <= sa.hi; n += sa.step {
		c.yTick(sa.px(n), cli.Group(int64(n)))
	}
	c.yCaption("seats", seatsTop, seatsBottom)
	// The gap between the panels is no plot.
	fmt.Fprintf(&c.b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#ffffff"/>`+"\n", plotLeft-4, endBottom+1, plotRight-plotLeft+8, seatsTop-endBottom-2)
	c.placed = append(c.placed, rect{x0: plotLeft, y0: endBottom, x1: plotRight, y1: seatsTop})

	c.bands(xa, steps, hi)
	// The day itself in the end-date panel: where a step meets it, the end
	// date is reached.
	d0, d1 := lo, hi
	if ya.lo.After(d0) {
		d0 = ya.lo
	}
	if ya.hi.Before(d1) {
		d1 = ya.hi
	}
	if d0.Before(d1) {
		c.line(xa.px(d0), ya.px(d0), xa.px(d1), ya.px(d1), `stroke="`+colDiagonal+`" stroke-dasharray="2 4"`)
	}
	if !ch.ProgramEnd.IsZero() {
		x, y := xa.px(ch.ProgramEnd), ya.px(ch.ProgramEnd)
		c.line(x, plotTop, x, plotBottom, `stroke="`+colProgram+`" stroke-width="1.5" stroke-dasharray="8 4"`)
		c.line(plotLeft, y, plotRight, y, `stroke="`+colProgram+`" stroke-width="2" stroke-dasharray="8 4"`)
	}
	if !ch.Target.IsZero() {
		y := ya.px(ch.Target)
		c.line(plotLeft, y, plotRight, y, `stroke="`+colTarget+`" stroke-width="2" stroke-dasharray="3 3"`)
	}

	// The two step lines, until the next record; the last until the
	// subscription is deleted (or the axis ends).
	c.stepLine(steps, xa, hi, func(s Step) int { return ya.px(s.End) }, colStep)
	c.stepLine(steps, xa, hi, func(s Step) int { return sa.px(s.Seats) }, colSeats)
	for _, s := range steps {
		what := "no subscription"
		if !s.End.IsZero() {
			what = cli.Plural(s.Seats, "seat") + " until " + dateString(s.End)
		}
		tip := esc(dateString(s.At) + ": " + s.Label + " → " + what)
		x := xa.px(s.At)
		for _, y := range []int{ya.px(s.End), sa.px(s.Seats)} {
			if s.End.IsZero() {
				y = sa.px(0)
			}
			fmt.Fprintf(&c.b, `<circle cx="%d" cy="%d" r="4" fill="%s"><title>%s</title></circle>`+"\n", x, y, colStep, tip)
			c.reserve(x, y, 5)
		}
	}
	// What the question considers: a hollow point on each panel and a
	// dashed line until its end date.
	for _, a := range ch.Asked {
		x, ye, ys := xa.px(a.At), ya.px(a.End), sa.px(a.Seats)
		xe := xa.px(a.End)
		if xe < x {
			xe = x
		}
		for _, y := range []int{ye, ys} {
			c.line(x, y, xe, y, `stroke="`+colAsked+`" stroke-width="2" stroke-dasharray="6 3"`)
			fmt.Fprintf(&c.b, `<circle cx="%d" cy="%d" r="5" fill="#ffffff" stroke="%s" stroke-width="2"><title>%s</title></circle>`+"\n",
				x, y, colAsked, esc(dateString(a.At)+": "+a.Label+" → "+cli.Plural(a.Seats, "seat")+" until "+dateString(a.End)))
			c.reserve(x, y, 6)
		}
	}

	c.area = rect{x0: plotLeft, y0: endTop, x1: plotRight, y1: endBottom}
	for _, a := range ch.Asked {
		c.mustLabel(xa.px(a.At), ya.px(a.End), a.Label+": "+cli.Plural(a.Seats, "seat")+" until "+dateString(a.End), `fill="`+colAsked+`" font-weight="bold"`)
	}
	if !ch.Target.IsZero() {
		text := "end date asked " + dateString(ch.Target)
		c.label(plotLeft+12, ya.px(ch.Target), text, `fill="`+colTarget+`"`)
	}
	if !ch.ProgramEnd.IsZero() {
		text := "program year ends " + dateString(ch.ProgramEnd) + " (R13)"
		c.label(plotRight-12-textWidth(text), ya.px(ch.ProgramEnd), text, `fill="`+colProgram+`"`)
	}
	shown := c.stepLabels(steps, func(s Step) (int, int) {
		if s.End.IsZero() {
			return xa.px(s.At), endBottom - 8
		}
		return xa.px(s.At), ya.px(s.End)
	})
	c.area = rect{x0: plotLeft, y0: plotTop, x1: plotRight, y1: plotBottom}

	c.panelFrame(endTop, endBottom)
	c.panelFrame(seatsTop, seatsBottom)
	items := []legendItem{
		{lineSwatch(colStep, "", 3), "end date in force (a step at each record)"},
		{lineSwatch(colSeats, "", 3), "seats (a step at each record)"},
		{dotSwatch(colStep, 4), "a redemption or import (tooltip: day, operation, result)"},
		{lineSwatch(colDiagonal, "2 4", 1), "the day itself: the end date is reached where a step meets it"},
	}
	items = append(items, bandItems(steps)...)
	items = append(items, legendItem{boxSwatch(colDeleted), "deleted (R8)"})
	if !ch.ProgramEnd.IsZero() {
		items = append(items, legendItem{lineSwatch(colProgram, "8 4", 2), "the program year's end (R13): the day, and the end date to reach"})
	}
	if !ch.Target.IsZero() {
		items = append(items, legendItem{lineSwatch(colTarget, "3 3", 2), "the end date asked for"})
	}
	if len(ch.Asked) > 0 {
		items = append(items, legendItem{`<circle cx="12" cy="6" r="5" fill="#ffffff" stroke="` + colAsked + `" stroke-width="2"/>`, "what the question considers, if redeemed that day"})
	}
	c.legend(items, labelled(len(steps), shown, "record",
		"; every one labelled with its seats and operation", "labelled (seats, operation) where there is room, the others in their tooltips"))
	return c
}

// acrossDays returns the first and last day across: from the first record
// to the last lifecycle date, what a question asks and the program year's
// end, with a margin.
func acrossDays(ch SubscriptionChart) (lo, hi time.Time) {
	last := ch.Steps[len(ch.Steps)-1]
	lo, hi = ch.Steps[0].At, last.At
	for _, d := range []time.Time{last.End, last.DeletedOn, ch.ProgramEnd} {
		lo, hi = widen(lo, hi, d)
	}
	for _, a := range ch.Asked {
		lo, hi = widen(lo, hi, a.At)
		lo, hi = widen(lo, hi, a.End)
	}
	margin := proration.Days(lo, hi)/25 + 15
	return addDays(lo, -margin), addDays(hi, margin)
}

// stepLine draws a step line through the steps that have a subscription,
// at the height y gives, each until the next record, the last until it is
// deleted or the axis ends at hi.
func (c *canvas) stepLine(steps []Step, xa dateAxis, hi time.Time, y func(Step) int, colour string) {
	var path []byte
	px, py := 0, 0
	for i, s := range steps {
		if s.End.IsZero() {
			path = fmt.Appendf(path, " ")
			px = 0
			continue
		}
		to := hi
		switch {
		case i+1 < len(steps):
			to = steps[i+1].At
		case !s.DeletedOn.IsZero() && s.DeletedOn.Before(hi):
			to = s.DeletedOn
		}
		if to.Before(s.At) {
			to = s.At
		}
		x0, x1, yy := xa.px(s.At), xa.px(to), y(s)
		path = c.stepSeg(path, px == 0, px, py, x0, x1, yy)
		px, py = x1, yy
	}
	fmt.Fprintf(&c.b, `<path d="%s" fill="none" stroke="%s" stroke-width="2.5"/>`+"\n", path, colour)
}

// stepSeg appends to path one step of a step line: from the pen (px, py),
// or from nowhere when first, to the height y at x0, then across to x1; it
// keeps labels off both segments.
func (c *canvas) stepSeg(path []byte, first bool, px, py, x0, x1, y int) []byte {
	if first {
		path = fmt.Appendf(path, "M%d %d", x0, y)
	} else {
		path = fmt.Appendf(path, " V%d", y)
		c.lines = append(c.lines, seg{px, py, px, y})
	}
	c.lines = append(c.lines, seg{x0, y, x1, y})
	return fmt.Appendf(path, " H%d", x1)
}

// stepLabels labels the steps at the points at gives: the last step first,
// then the first, then the rest in order. It returns how many it showed.
func (c *canvas) stepLabels(steps []Step, at func(Step) (int, int)) int {
	order := []int{len(steps) - 1}
	for i := 0; i < len(steps)-1; i++ {
		order = append(order, i)
	}
	shown := 0
	seen := make([]bool, len(steps))
	for _, i := range order {
		if seen[i] {
			continue
		}
		seen[i] = true
		s := steps[i]
		x, y := at(s)
		text := s.Label + ": none"
		if !s.End.IsZero() {
			text = cli.Plural(s.Seats, "seat") + ", " + s.Label
		}
		if c.label(x, y, text, `fill="#1a1a1a"`) {
			shown++
		}
	}
	return shown
}

// bands shades the lifecycle states across the plot: wherever the day
// passes a step's end date before the next record, its grace, disabled and
// deleted days, each as the policy serves them (R8, R22).
func (c *canvas) bands(xa dateAxis, steps []Step, hi time.Time) {
	for i, s := range steps {
		if s.End.IsZero() {
			continue
		}
		until := hi
		if i+1 < len(steps) {
			until = steps[i+1].At
		}
		g, d := graceBand(s.ExpiredService), disabledBand(s.DisabledService)
		c.band(xa, s.End, s.DisabledFrom, until, g.colour, g.title)
		c.band(xa, s.DisabledFrom, s.DeletedOn, until, d.colour, d.title)
		c.band(xa, s.DeletedOn, hi, until, colDeleted, "deleted")
	}
}

// panelFrame draws the frame of a panel of the plot.
func (c *canvas) panelFrame(top, bottom int) {
	fmt.Fprintf(&c.b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#000000"/>`+"\n",
		plotLeft, top, plotRight-plotLeft, bottom-top)
}

// seatScale maps seat counts 0 … hi to pixels from p0 (0 seats) to p1.
type seatScale struct{ lo, hi, step, p0, p1 int }

// newSeatScale is a scale from 0 to at least maxSeats, with at most five
// steps of 1, 2 or 5 times a power of ten.
func newSeatScale(maxSeats, p0, p1 int) seatScale {
	a := newSeatAxis(0, maxSeats)
	step := a.step
	for (maxSeats+step-1)/step > 5 {
		step *= 2
	}
	hi := (maxSeats/step + 1) * step
	return seatScale{lo: 0, hi: hi, step: step, p0: p0, p1: p1}
}

func (s seatScale) px(n int) int {
	return s.p0 + int(int64(n-s.lo)*int64(s.p1-s.p0)/int64(s.hi-s.lo))
}
