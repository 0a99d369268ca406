package picture

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coterm/coterm/cmd/internal/cli"
)

// PositionChart is what [Position] draws: a partner's licence position
// over the days From ≤ d < To, one panel per pool.
type PositionChart struct {
	Title    string
	From, To time.Time // the days across; From before To
	At       time.Time // the day asked, marked; zero for none
	Pools    []PoolChart
	// Other are findings of no pool shown in a panel: listed under the
	// legend with the day they began.
	Other []Mark
}

// PoolChart is one pool's panel.
type PoolChart struct {
	Name string
	// Steps are the pool's figures from each day they change, oldest
	// first, each until the next, the last until To. The figures before
	// the first step are zero.
	Steps []PoolStep
	// Maxima are the pool's maximums: each country's and the worldwide
	// one (R15).
	Maxima []Maximum
	// Findings are marked on the day each began.
	Findings []Mark
}

// PoolStep is a pool's position from a day on: the seats used online, the
// licences used on premises, the quantity granted, and the excess no
// assignment covers (R14–R16).
type PoolStep struct {
	From                                time.Time
	Online, OnPremises, Granted, Excess int64
}

// Maximum is a pool's maximum in a country (Country its code) or worldwide
// (Country empty).
type Maximum struct {
	Country string
	Max     int64
}

// Mark is a finding: Label says it in a few words ("R14
// over-entitlement"), Title in full (its tooltip); Since is the day it
// began, zero if before every record.
type Mark struct {
	Since        time.Time
	Label, Title string
}

// Colours of the position view, beside those of svg.go.
const (
	colOnline     = "#1f5fa8"
	colOnPremises = "#ee964b"
	colGranted    = "#1a1a1a"
	colCountryMax = "#b8336a"
	colWorldMax   = "#7a5c99"
	colFinding    = "#d62728"
	colAt         = "#2a9d3f"
)

// halo is the attributes of a label drawn over the areas: a white outline
// under its letters keeps it readable on any colour.
const halo = ` stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"`

// boldWidth is a generous average advance of a bold character at
// fontSize, for the headers.
const boldWidth = 8

// The layout of a panel, in pixels from its top: the header line, the plot,
// the date ticks and the note under it.
const (
	panelHeader = 26
	panelPlot   = 170
	panelGap    = 50 // from the plot's bottom to the next panel's header: ticks and a note
	panelHeight = panelHeader + panelPlot + panelGap
	firstPanel  = 44
)

// Position draws a partner's licence position over the program year, one
// panel per pool, the pools one above the other, time across: the seats
// used online and the licences used on premises as stacked areas in steps;
// the quantity granted as a step line (R14); each country's maximum and
// the worldwide maximum as labelled lines (R15; a maximum far above the
// rest is named under the panel instead, so that the use stays readable);
// a red strip on the days the pool's excess is above zero; each finding a
// marker on the day it began, its tooltip the finding in full; and the day
// asked. Every name is XML-escaped; a pool's name too long for its header
// ends in "…" (the header's tooltip holds it whole).
func Position(ch PositionChart) (string, error) {
	switch {
	case len(ch.Pools) == 0:
		return "", errors.New("picture: no pools to draw")
	case !ch.From.Before(ch.To):
		return "", errors.New("picture: the days across are empty (From is not before To)")
	}
	return positionChart(ch).end(), nil
}

// positionChart draws ch, which has pools and days.
func positionChart(ch PositionChart) *canvas {
	xa := newDateAxis(ch.From, ch.To, plotLeft, plotRight)
	c := newCanvas(ch.Title)
	marks, shown := 0, 0
	top := firstPanel + 18*(len(titleLines(ch.Title))-1)
	for _, p := range ch.Pools {
		m, s, h := c.poolPanel(ch, p, xa, top)
		marks, shown, top = marks+m, shown+s, top+h
	}
	c.area = rect{x0: plotLeft, y0: plotTop, x1: plotRight, y1: plotBottom}
	items := []legendItem{
		{boxSwatch(colOnline), "seats used online (R14)"},
		{boxSwatch(colOnPremises), "licences used on premises, on top (R14)"},
		{lineSwatch(colGranted, "", 2), "granted: the grants in force (R14)"},
		{lineSwatch(colCountryMax, "6 3", 2), "a country's maximum (R15)"},
		{lineSwatch(colWorldMax, "2 3", 2), "the worldwide maximum (R15)"},
		{`<rect x="0" y="3" width="24" height="6" fill="` + colFinding + `" fill-opacity="0.7"/>`, "days with an excess: use no assignment covers"},
		{`<polygon points="6,0 18,0 12,10" fill="` + colFinding + `"/>`, "a finding on the day asked, where it began (tooltip)"},
	}
	if !ch.At.IsZero() {
		items = append(items, legendItem{lineSwatch(colAt, "4 3", 2), "the day asked, " + dateString(ch.At)})
	}
	var notes []string
	if marks > 0 {
		notes = append(notes, labelled(marks, shown, "finding", " marked, every one labelled", "marked, labelled where there is room, all in their tooltips"))
	}
	for _, m := range ch.Other {
		notes = append(notes, "Not in a panel: "+fitText(m.Label+sinceText(m.Since), plotRight-plotLeft))
	}
	c.bottom = 0 // as tall as what is drawn
	c.legendAt(top+10, items, notes...)
	return c
}

// poolPanel draws pool p's panel with its header's top at top; it returns
// how many findings it marked, how many of them it labelled, and its
// height.
func (c *canvas) poolPanel(ch PositionChart, p PoolChart, xa dateAxis, top int) (marks, shown, height int) {
	ptop, pbot := top+panelHeader, top+panelHeader+panelPlot
	c.area = rect{x0: plotLeft, y0: ptop, x1: plotRight, y1: pbot}
	steps := clampSteps(p.Steps, ch.From, ch.To)
	ya := newQtyScale(scaleTop(p, steps), pbot, ptop+8)
	c.header(ch, p, steps, top)
	c.xDatesIn(xa, ptop, pbot)
	for n := int64(0); n <= ya.hi; n += ya.step {
		c.yTick(ya.px(n), cli.Group(n))
	}
	c.yCaption("seats, licences", ptop, pbot)

	c.areas(steps, xa, ya, ch.To)
	c.excess(steps, xa, ch.To, pbot)
	c.stepPath(steps, xa, ya, ch.To, func(s PoolStep) int64 { return s.Granted }, colGranted)
	type labelAt struct {
		y    int
		text string
		col  string
	}
	var maxLabels []labelAt
	for _, m := range groupMaxima(p.Maxima) {
		if m.max > ya.hi {
			continue
		}
		y := ya.px(m.max)
		col, dash := colCountryMax, "6 3"
		if m.world {
			col, dash = colWorldMax, "2 3"
		}
		c.line(plotLeft, y, plotRight, y, `stroke="`+col+`" stroke-width="2" stroke-dasharray="`+dash+`"`)
		maxLabels = append(maxLabels, labelAt{y, m.text, col})
	}
	if !ch.At.IsZero() && !ch.At.Before(ch.From) && ch.At.Before(ch.To) {
		// Labels may cross the day asked: a dashed line stays readable
		// under text, and it would keep every label off its side.
		x := xa.px(ch.At)
		fmt.Fprintf(&c.b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2" stroke-dasharray="4 3"/>`+"\n", x, ptop, x, pbot, colAt)
	}
	marks, pins := c.findingMarks(p.Findings, xa, ch.From, ptop)
	// Labels at the right end: the granted quantity first, then the
	// maxima; then the findings.
	if len(steps) > 0 {
		s := steps[len(steps)-1]
		text := "granted " + cli.Group(s.Granted)
		c.label(plotRight-24-textWidth(text), ya.px(s.Granted), text, `fill="`+colGranted+`"`+halo)
	}
	for _, l := range maxLabels {
		c.label(plotRight-24-textWidth(l.text), l.y, l.text, `fill="`+l.col+`"`+halo)
	}
	for _, pin := range pins {
		if c.label(pin.x, pin.y, pin.text, `fill="`+colFinding+`"`+halo) {
			shown++
		}
	}
	c.panelFrame(ptop, pbot)
	notes := aboveScale(p.Maxima, ya)
	for i, n := range notes {
		c.text(plotLeft, pbot+40+16*i, "start", `fill="#444444"`, n)
	}
	return marks, shown, panelHeight + 16*len(notes)
}

// header writes the panel's header: the pool and its figures on the day
// asked (the last step on or before it), the name cut to fit.
func (c *canvas) header(ch PositionChart, p PoolChart, steps []PoolStep, top int) {
	var s PoolStep
	for _, st := range steps {
		if !ch.At.IsZero() && st.From.After(ch.At) {
			break
		}
		s = st
	}
	figures := fmt.Sprintf(": %s online + %s on premises of %s granted", cli.Group(s.Online), cli.Group(s.OnPremises), cli.Group(s.Granted))
	if s.Excess > 0 {
		figures += ", excess " + cli.Group(s.Excess)
	}
	if !ch.At.IsZero() {
		figures += " on " + dateString(ch.At)
	}
	room := plotRight - plotLeft - boldWidth*utf8.RuneCountInString("Pool "+figures)
	full := "Pool " + p.Name + figures
	fmt.Fprintf(&c.b, `<text x="%d" y="%d" font-weight="bold"><title>%s</title>%s</text>`+"\n",
		plotLeft, top+panelHeader-8, esc(full), esc("Pool "+fitText(p.Name, max(room, 10*boldWidth)/boldWidth*charWidth)+figures))
}

// fitText returns s, or its beginning and "…" where it is wider than px.
func fitText(s string, px int) string {
	r := []rune(s)
	n := px / charWidth
	if len(r) <= n {
		return s
	}
	return string(r[:max(n-1, 0)]) + "…"
}

// clampSteps returns the steps inside [from, to): a step before from
// starts at from (the last such one holds there), a step on or after to is
// dropped.
func clampSteps(steps []PoolStep, from, to time.Time) []PoolStep {
	var out []PoolStep
	for _, s := range steps {
		if !s.From.Before(to) {
			break
		}
		if s.From.Before(from) {
			s.From = from
		}
		if n := len(out); n > 0 && !out[n-1].From.Before(s.From) {
			out[n-1] = s
			continue
		}
		out = append(out, s)
	}
	return out
}

// scaleTop is the largest quantity the panel's scale must show: the use
// and the grant on every day, and each maximum not far above them (at most
// one and a half times).
func scaleTop(p PoolChart, steps []PoolStep) int64 {
	var top int64
	for _, s := range steps {
		top = max(top, s.Online+s.OnPremises, s.Granted)
	}
	for _, m := range p.Maxima {
		if m.Max <= top+top/2 {
			top = max(top, m.Max)
		}
	}
	return top
}

// aboveScale returns the notes of the maxima the panel's scale ya does not
// reach.
func aboveScale(ms []Maximum, ya qtyScale) []string {
	var notes []string
	for _, m := range groupMaxima(ms) {
		if m.max > ya.hi {
			notes = append(notes, "Above the scale: "+m.text+".")
		}
	}
	return notes
}

// maxLine is the maxima of one value: the countries that have it, and
// whether it is the worldwide one.
type maxLine struct {
	max   int64
	world bool
	text  string
}

// groupMaxima merges the countries of one maximum into one line ("max DE,
// FR 250"), the worldwide maximum apart, largest first.
func groupMaxima(ms []Maximum) []maxLine {
	byMax := map[int64][]string{}
	var out []maxLine
	for _, m := range ms {
		if m.Country == "" {
			out = append(out, maxLine{max: m.Max, world: true, text: "worldwide maximum " + cli.Group(m.Max)})
			continue
		}
		byMax[m.Max] = append(byMax[m.Max], m.Country)
	}
	for v, cs := range byMax {
		slices.Sort(cs)
		cs = slices.Compact(cs)
		names := strings.Join(cs, ", ")
		if len(cs) > 4 {
			names = strings.Join(cs[:3], ", ") + fmt.Sprintf(" and %d more", len(cs)-3)
		}
		out = append(out, maxLine{max: v, text: "maximum " + names + " " + cli.Group(v)})
	}
	slices.SortFunc(out, func(a, b maxLine) int {
		switch {
		case a.max != b.max:
			return cmp.Compare(b.max, a.max)
		case a.world != b.world:
			if a.world {
				return -1
			}
			return 1
		}
		return strings.Compare(a.text, b.text)
	})
	return out
}

// areas draws the online use from 0 and the on-premises use on top of it,
// as step shapes, each step until the next, the last until to.
func (c *canvas) areas(steps []PoolStep, xa dateAxis, ya qtyScale, to time.Time) {
	if len(steps) == 0 {
		return
	}
	base := ya.px(0)
	ends := make([]int, len(steps))
	for i := range steps {
		if i+1 < len(steps) {
			ends[i] = xa.px(steps[i+1].From)
		} else {
			ends[i] = xa.px(to)
		}
	}
	on := fmt.Appendf(nil, "M%d %d", xa.px(steps[0].From), base)
	for i, s := range steps {
		on = fmt.Appendf(on, " V%d H%d", ya.px(s.Online), ends[i])
	}
	on = fmt.Appendf(on, " V%d Z", base)
	fmt.Fprintf(&c.b, `<path d="%s" fill="%s" fill-opacity="0.55" stroke="%s" stroke-width="1"/>`+"\n", on, colOnline, colOnline)
	prem := fmt.Appendf(nil, "M%d %d", xa.px(steps[0].From), ya.px(steps[0].Online))
	for i, s := range steps {
		prem = fmt.Appendf(prem, " V%d H%d", ya.px(s.Online+s.OnPremises), ends[i])
	}
	for i := len(steps) - 1; i >= 0; i-- {
		prem = fmt.Appendf(prem, " V%d H%d", ya.px(steps[i].Online), xa.px(steps[i].From))
	}
	prem = fmt.Appendf(prem, " Z")
	fmt.Fprintf(&c.b, `<path d="%s" fill="%s" fill-opacity="0.55" stroke="%s" stroke-width="1"/>`+"\n", prem, colOnPremises, colOnPremises)
}

// excess draws a strip along the panel's bottom on the days the excess is
// above zero, with the excess in its tooltip.
func (c *canvas) excess(steps []PoolStep, xa dateAxis, to time.Time, bottom int) {
	for i, s := range steps {
		if s.Excess <= 0 {
			continue
		}
		end := to
		if i+1 < len(steps) {
			end = steps[i+1].From
		}
		x0, x1 := xa.px(s.From), xa.px(end)
		fmt.Fprintf(&c.b, `<rect x="%d" y="%d" width="%d" height="6" fill="%s" fill-opacity="0.7"><title>%s</title></rect>`+"\n",
			x0, bottom-6, max(x1-x0, 1), colFinding, esc("excess "+cli.Group(s.Excess)+": "+dateString(s.From)+" … "+dateString(addDays(end, -1))))
	}
}

// stepPath draws the step line of the quantity v gives, and keeps labels
// off it.
func (c *canvas) stepPath(steps []PoolStep, xa dateAxis, ya qtyScale, to time.Time, v func(PoolStep) int64, colour string) {
	if len(steps) == 0 {
		return
	}
	var path []byte
	px, py := 0, 0
	for i, s := range steps {
		x0, x1, y := xa.px(s.From), xa.px(to), ya.px(v(s))
		if i+1 < len(steps) {
			x1 = xa.px(steps[i+1].From)
		}
		path = c.stepSeg(path, i == 0, px, py, x0, x1, y)
		px, py = x1, y
	}
	fmt.Fprintf(&c.b, `<path d="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", path, colour)
}

// pin is where a finding's label goes.
type pin struct {
	x, y int
	text string
}

// findingMarks draws each finding as a marker on the day it began (the
// panel's left edge if before from), hanging from the panel's top, those
// of one place stacked; it returns how many it drew and where to label
// them.
func (c *canvas) findingMarks(ms []Mark, xa dateAxis, from time.Time, top int) (int, []pin) {
	var pins []pin
	used := map[int]int{} // x → markers there
	for _, m := range ms {
		x := plotLeft
		if !m.Since.IsZero() && m.Since.After(from) {
			x = xa.px(m.Since)
		}
		x = min(max(x, plotLeft+6), plotRight-6)
		y := top + 2 + 12*used[x]
		used[x]++
		fmt.Fprintf(&c.b, `<polygon points="%d,%d %d,%d %d,%d" fill="%s" stroke="#ffffff" stroke-width="0.8"><title>%s</title></polygon>`+"\n",
			x-6, y, x+6, y, x, y+10, colFinding, esc(m.Title))
		c.placed = append(c.placed, rect{x0: x - 7, y0: y - 1, x1: x + 7, y1: y + 11})
		pins = append(pins, pin{x: x, y: y + 5, text: m.Label + sinceText(m.Since)})
	}
	return len(ms), pins
}

// sinceText is " since DAY", or " since before the records".
func sinceText(d time.Time) string {
	if d.IsZero() {
		return " since before the records"
	}
	return " since " + dateString(d)
}

// qtyScale maps quantities 0 … hi to pixels from p0 (0) to p1, in steps
// of 1, 2 or 5 times a power of ten, at most five of them.
type qtyScale struct {
	hi, step int64
	p0, p1   int
}

func newQtyScale(top int64, p0, p1 int) qtyScale {
	step := int64(1)
	for mult := 0; (top+step-1)/step > 5; mult = (mult + 1) % 3 {
		if mult == 1 {
			step = step / 2 * 5
		} else {
			step *= 2
		}
	}
	hi := (top/step + 1) * step
	return qtyScale{hi: hi, step: step, p0: p0, p1: p1}
}

// px is the pixel of n, clamped to the scale; exact in int64 for any
// quantity the library gives (it scales both down when they are large).
func (s qtyScale) px(n int64) int {
	n = min(max(n, 0), s.hi)
	hi := s.hi
	for hi > 1<<40 {
		n, hi = n>>1, hi>>1
	}
	return s.p0 + int(n*int64(s.p1-s.p0)/hi)
}
