// Package picture draws the example programs' pictures as SVG, with the
// standard library only: a subscription's history time across, its end
// date and seats as step lines ([Subscription]), the same history date
// against date ([EndDates]), and a plan's trade-off between seats and end
// date ([Front]).
//
// Coordinates are whole pixels computed with integer arithmetic; text is
// XML-escaped; a long title breaks into two lines and ends in "…". Labels
// are placed greedily where they overlap no other label or point, cross no
// line of the plot and stay inside the plot (or its panel): first at twelve
// places next to the point, then at the nearest free place up to 72 pixels
// away, joined by a leader line that crosses no label and no other leader.
// A label with no room within that reach is left out (its point keeps a
// tooltip), and the legend says how many are shown. What a picture must
// show is labelled first: the chosen plan, what a question asks. Date axes
// tick on the first day of a month, every 1, 2, 3, 6 or 12 months or
// every few years, whichever gives at most about eight ticks.
package picture

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coterm/coterm/proration"
)

// The canvas and the plot area inside it, in pixels.
const (
	width      = 1000
	height     = 640
	plotLeft   = 100
	plotTop    = 56
	plotRight  = width - 40
	plotBottom = height - 170
	fontSize   = 12
	charWidth  = 7 // a generous average advance at fontSize, for layout
	lineHeight = 16
)

// Colours, chosen to stay apart for the common kinds of colour blindness.
const (
	colStep     = "#1f5fa8"
	colGrace    = "#f4d35e"
	colReadOnly = "#ee964b"
	colDeleted  = "#9a9a9a"
	colNoServe  = "#7a5c99"
	colProgram  = "#b8336a"
	colDiagonal = "#555555"
	colGrid     = "#e3e3e3"
	colChosen   = "#2a9d3f"
)

// canvas is an SVG document being written.
type canvas struct {
	b       strings.Builder
	placed  []rect // labels placed so far
	lines   []seg  // the lines drawn in the plot, which labels keep off
	area    rect   // where labels go: the plot, or a panel of it
	title   string
	leaders []seg // the leader lines drawn, which no other leader crosses
	bottom  int   // the document's height: the canvas's, or more for a long legend

	// placedAt and linesAt index placed and lines by column (see free):
	// the first nPlaced and nLines of them.
	placedAt, linesAt [][]int32
	nPlaced, nLines   int
}

// seg is a straight line from (x0, y0) to (x1, y1).
type seg struct{ x0, y0, x1, y1 int }

// crosses reports whether the segment s touches the rectangle r (its
// inside or its border).
func (s seg) crosses(r rect) bool {
	if max(s.x0, s.x1) < r.x0 || min(s.x0, s.x1) > r.x1 || max(s.y0, s.y1) < r.y0 || min(s.y0, s.y1) > r.y1 {
		return false // the bounding boxes are apart
	}
	// The segment's line separates the rectangle's corners unless all four
	// lie strictly on one side of it.
	side := func(x, y int) int64 {
		return int64(s.x1-s.x0)*int64(y-s.y0) - int64(s.y1-s.y0)*int64(x-s.x0)
	}
	a, b, c, d := side(r.x0, r.y0), side(r.x1, r.y0), side(r.x0, r.y1), side(r.x1, r.y1)
	return !(a > 0 && b > 0 && c > 0 && d > 0 || a < 0 && b < 0 && c < 0 && d < 0)
}

// line draws a line in the plot with the given attributes and keeps labels
// off it.
func (c *canvas) line(x0, y0, x1, y1 int, attrs string) {
	fmt.Fprintf(&c.b, `<line x1="%d" y1="%d" x2="%d" y2="%d" %s/>`+"\n", x0, y0, x1, y1, attrs)
	c.lines = append(c.lines, seg{x0, y0, x1, y1})
}

// free reports whether r overlaps no label or point placed and no line.
func (c *canvas) free(r rect) bool {
	c.index()
	for col := colOf(r.x0); col <= colOf(r.x1); col++ {
		for _, i := range c.placedAt[col] {
			if r.overlaps(c.placed[i]) {
				return false
			}
		}
		for _, i := range c.linesAt[col] {
			if c.lines[i].crosses(r) {
				return false
			}
		}
	}
	return true
}

// gridCol is the width of the columns that index what labels keep off:
// a label's room is compared only with what shares a column with it.
const gridCol = 32

func colOf(x int) int { return min(max(x, 0), width-1) / gridCol }

// index adds the points, labels and lines appended since the last call to
// the columns they cover.
func (c *canvas) index() {
	n := width/gridCol + 1
	if c.placedAt == nil {
		c.placedAt, c.linesAt = make([][]int32, n), make([][]int32, n)
	}
	for ; c.nPlaced < len(c.placed); c.nPlaced++ {
		p := c.placed[c.nPlaced]
		for col := colOf(p.x0); col <= colOf(p.x1); col++ {
			c.placedAt[col] = append(c.placedAt[col], int32(c.nPlaced))
		}
	}
	for ; c.nLines < len(c.lines); c.nLines++ {
		l := c.lines[c.nLines]
		for col := colOf(min(l.x0, l.x1)); col <= colOf(max(l.x0, l.x1)); col++ {
			c.linesAt[col] = append(c.linesAt[col], int32(c.nLines))
		}
	}
}

type rect struct {
	x0, y0, x1, y1 int
	label          bool // a label's room, not a point's
}

func (r rect) overlaps(s rect) bool {
	return r.x0 < s.x1 && s.x0 < r.x1 && r.y0 < s.y1 && s.y0 < r.y1
}

func newCanvas(title string) *canvas {
	c := &canvas{area: rect{x0: plotLeft, y0: plotTop, x1: plotRight, y1: plotBottom}, title: title, bottom: height}
	lines := titleLines(title)
	for i, l := range lines {
		c.text(plotLeft, 28-9*(len(lines)-1)+18*i, "start", "font-size=\"16\" font-weight=\"bold\"", l)
	}
	// The plot area is reserved: labels never cover the title.
	c.placed = append(c.placed, rect{x1: width, y1: 36})
	return c
}

// end returns the document: the header, as tall as what was drawn (at
// least the canvas's height), and the body.
// titleRunes is how many characters of the title fit on a line across the
// plot at its size (a generous 10 pixels each).
const titleRunes = (plotRight - plotLeft) / 10

// titleLines breaks a title into at most two lines that fit across the
// plot, at spaces where it can; a longer title ends in "…" (the document's
// <title> holds it whole).
func titleLines(title string) []string {
	r := []rune(title)
	var lines []string
	for len(r) > titleRunes && len(lines) < 1 {
		cut := titleRunes
		for i := titleRunes; i > titleRunes/2; i-- {
			if r[i] == ' ' {
				cut = i
				break
			}
		}
		lines = append(lines, string(r[:cut]))
		r = r[cut:]
		for len(r) > 0 && r[0] == ' ' {
			r = r[1:]
		}
	}
	if len(r) > titleRunes {
		r = append(r[:titleRunes-1], '…')
	}
	return append(lines, string(r))
}

func (c *canvas) end() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="DejaVu Sans, Verdana, sans-serif" font-size="%d">
<title>%s</title>
<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>
`, width, c.bottom, width, c.bottom, fontSize, esc(c.title), width, c.bottom)
	b.WriteString(c.b.String())
	b.WriteString("</svg>\n")
	return b.String()
}

// esc escapes s for XML text and attributes.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) //nolint:errcheck // a strings.Builder does not fail
	return b.String()
}

func (c *canvas) text(x, y int, anchor, attrs, s string) {
	fmt.Fprintf(&c.b, `<text x="%d" y="%d" text-anchor="%s" %s>%s</text>`+"\n", x, y, anchor, attrs, esc(s))
}

func textWidth(s string) int { return utf8.RuneCountInString(s) * charWidth }

// reserve keeps labels off a point of radius r at (x, y).
func (c *canvas) reserve(x, y, r int) {
	c.placed = append(c.placed, rect{x0: x - r, y0: y - r, x1: x + r, y1: y + r})
}

// label places s near the point (x, y): above right, below right, above
// left, below left, farther above or below, centred above or below,
// whichever overlaps no label or point placed before, crosses no line drawn
// before and stays inside the area (the plot, or a panel of it); failing
// those, the nearest free place up to [leaderReach] pixels away, joined to
// the point by a thin leader line that crosses no label. It reports whether
// it found room: a label with room within that reach is never left out.
func (c *canvas) label(x, y int, s, attrs string) bool {
	return c.place(x, y, s, attrs, false)
}

// leaderReach is how far from its point a label may go, joined by a leader
// line, when none of the near places is free.
const leaderReach = 72

// mustLabel is label, but when no place is free it puts the label at the
// first near place inside the area anyway, on a white ground, over what is
// there: for the one label a picture must show (the chosen plan).
func (c *canvas) mustLabel(x, y int, s, attrs string) {
	c.place(x, y, s, attrs, true)
}

func (c *canvas) place(x, y int, s, attrs string, force bool) bool {
	w := textWidth(s)
	at := func(dx, dy int) rect { // the label's room, its left end and baseline at (x+dx, y+dy)
		return rect{x + dx - 3, y + dy - fontSize - 1, x + dx + w + 3, y + dy + 5, true}
	}
	inside := func(r rect) bool {
		return r.x0 >= c.area.x0 && r.x1 <= c.area.x1 && r.y0 >= c.area.y0 && r.y1 <= c.area.y1
	}
	type cand struct{ dx, dy int } // the label's left end and baseline, from the point
	near := []cand{{9, -8}, {9, 18}, {-9 - w, -8}, {-9 - w, 18}, {9, -24}, {9, 34}, {-9 - w, -24}, {-9 - w, 34},
		{-w / 2, -10}, {-w / 2, 22}, {-w / 2, -26}, {-w / 2, 38}}
	for _, d := range near {
		if r := at(d.dx, d.dy); inside(r) && c.free(r) {
			c.put(r, x+d.dx, y+d.dy, attrs, s, false)
			return true
		}
	}
	// Farther, with a leader: rings of growing distance, nearest first.
	for dist := 16; dist <= leaderReach; dist += 8 {
		for _, d := range ring(dist, w) {
			r := at(d[0], d[1])
			if !inside(r) || !c.free(r) {
				continue
			}
			// The leader stops 2 pixels short of the label's room.
			lx, ly := rect{r.x0 - 2, r.y0 - 2, r.x1 + 2, r.y1 + 2, false}.nearest(x, y)
			lead := seg{x, y, lx, ly}
			if c.crossesLabel(lead) || c.crossesLeader(lead) {
				continue
			}
			fmt.Fprintf(&c.b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#777777" stroke-width="0.8"/>`+"\n", x, y, lx, ly)
			c.lines = append(c.lines, lead)
			c.leaders = append(c.leaders, lead)
			c.put(r, x+d[0], y+d[1], attrs, s, false)
			return true
		}
	}
	if force {
		for _, d := range near {
			if r := at(d.dx, d.dy); inside(r) {
				c.put(r, x+d.dx, y+d.dy, attrs, s, true)
				return true
			}
		}
	}
	return false
}

// put writes the label s with its baseline's left end at (x, y) in the
// room r, on a white ground when over is set.
func (c *canvas) put(r rect, x, y int, attrs, s string, over bool) {
	if over {
		fmt.Fprintf(&c.b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#ffffff" fill-opacity="0.9"/>`+"\n", r.x0, r.y0, r.x1-r.x0, r.y1-r.y0)
	}
	c.placed = append(c.placed, r)
	fmt.Fprintf(&c.b, `<text x="%d" y="%d" %s>%s</text>`+"\n", x, y, attrs, esc(s))
}

// ring returns the offsets (the label's left end and baseline from the
// point) of a label of width w whose room lies about dist pixels from the
// point, every 8 pixels around, in a fixed order.
func ring(dist, w int) [][2]int {
	var out [][2]int
	for off := -dist; off <= dist; off += 8 {
		out = append(out,
			[2]int{9 + off/2, -dist},     // above
			[2]int{9 + off/2, dist + 10}, // below
			[2]int{dist, off + 4},        // right
			[2]int{-dist - w, off + 4},   // left
		)
	}
	return out
}

// crossesLeader reports whether s crosses a leader line drawn before (they
// may share the point they start from).
func (c *canvas) crossesLeader(s seg) bool {
	for _, l := range c.leaders {
		if (l.x0 != s.x0 || l.y0 != s.y0) && s.intersects(l) {
			return true
		}
	}
	return false
}

// intersects reports whether the segments s and t touch.
func (s seg) intersects(t seg) bool {
	orient := func(ax, ay, bx, by, cx, cy int) int64 {
		v := int64(bx-ax)*int64(cy-ay) - int64(by-ay)*int64(cx-ax)
		switch {
		case v > 0:
			return 1
		case v < 0:
			return -1
		}
		return 0
	}
	d1 := orient(s.x0, s.y0, s.x1, s.y1, t.x0, t.y0)
	d2 := orient(s.x0, s.y0, s.x1, s.y1, t.x1, t.y1)
	d3 := orient(t.x0, t.y0, t.x1, t.y1, s.x0, s.y0)
	d4 := orient(t.x0, t.y0, t.x1, t.y1, s.x1, s.y1)
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	// Collinear or touching: the bounding boxes decide.
	box := max(s.x0, s.x1) >= min(t.x0, t.x1) && max(t.x0, t.x1) >= min(s.x0, s.x1) &&
		max(s.y0, s.y1) >= min(t.y0, t.y1) && max(t.y0, t.y1) >= min(s.y0, s.y1)
	return box && (d1 == 0 || d2 == 0 || d3 == 0 || d4 == 0)
}

// nearest returns the point of r's border nearest to (x, y).
func (r rect) nearest(x, y int) (int, int) {
	return min(max(x, r.x0), r.x1), min(max(y, r.y0), r.y1)
}

// crossesLabel reports whether s crosses a label placed.
func (c *canvas) crossesLabel(s seg) bool {
	c.index()
	for col := colOf(min(s.x0, s.x1)); col <= colOf(max(s.x0, s.x1)); col++ {
		for _, i := range c.placedAt[col] {
			if p := c.placed[i]; p.label && s.crosses(p) {
				return true
			}
		}
	}
	return false
}

// dateAxis maps dates in [lo, hi] to pixels in [p0, p1].
type dateAxis struct {
	lo, hi time.Time
	span   int // days, at least 1
	p0, p1 int
}

func newDateAxis(lo, hi time.Time, p0, p1 int) dateAxis {
	span := proration.Days(lo, hi)
	if span < 1 {
		span = 1
	}
	return dateAxis{lo: lo, hi: hi, span: span, p0: p0, p1: p1}
}

func (a dateAxis) px(d time.Time) int {
	return a.p0 + proration.Days(a.lo, d)*(a.p1-a.p0)/a.span
}

// ticks returns the first days of months in [lo, hi] to mark, at most about
// eight, and whether they are whole years.
func (a dateAxis) ticks() (ts []time.Time, years bool) {
	months := a.span / 30
	step := 0
	for _, s := range []int{1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200} {
		if months/s <= 8 {
			step = s
			break
		}
	}
	if step == 0 {
		step = 1200
	}
	y, m, _ := a.lo.Date()
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	for n := 0; ; n++ {
		t := proration.AddMonths(first, n)
		if t.After(a.hi) || n > 12*10000 {
			break
		}
		if t.Before(a.lo) {
			continue
		}
		idx := t.Year()*12 + int(t.Month()) - 1
		if idx%step == 0 {
			ts = append(ts, t)
		}
	}
	return ts, step >= 12
}

func tickLabel(t time.Time, years bool) string {
	if years {
		return strconv.Itoa(t.Year())
	}
	return t.Format("2006-01")
}

// xDates draws the horizontal date axis with its grid and caption.
func (c *canvas) xDates(a dateAxis, caption string) {
	c.xDatesIn(a, plotTop, plotBottom)
	c.text((plotLeft+plotRight)/2, plotBottom+40, "middle", `font-weight="bold"`, caption)
}

// xDatesIn draws the date axis's grid from top to bottom and its ticks
// under bottom, without a caption.
func (c *canvas) xDatesIn(a dateAxis, top, bottom int) {
	ts, years := a.ticks()
	for _, t := range ts {
		x := a.px(t)
		fmt.Fprintf(&c.b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`+"\n", x, top, x, bottom, colGrid)
		fmt.Fprintf(&c.b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000000"/>`+"\n", x, bottom, x, bottom+5)
		c.text(x, bottom+19, "middle", "", tickLabel(t, years))
	}
}

// yDates draws the vertical date axis (later dates up) with its grid and
// caption.
func (c *canvas) yDates(a dateAxis, caption string) {
	ts, years := a.ticks()
	for _, t := range ts {
		c.yTick(a.px(t), tickLabel(t, years))
	}
	c.yCaption(caption, plotTop, plotBottom)
}

// yTick draws a grid line across the plot at y, with its tick and label.
func (c *canvas) yTick(y int, label string) {
	fmt.Fprintf(&c.b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`+"\n", plotLeft, y, plotRight, y, colGrid)
	fmt.Fprintf(&c.b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000000"/>`+"\n", plotLeft-5, y, plotLeft, y)
	c.text(plotLeft-8, y+4, "end", "", label)
}

// yCaption writes a vertical axis's caption, centred on top … bottom.
func (c *canvas) yCaption(caption string, top, bottom int) {
	fmt.Fprintf(&c.b, `<text x="%d" y="%d" text-anchor="middle" font-weight="bold" transform="rotate(-90 %d %d)">%s</text>`+"\n",
		24, (top+bottom)/2, 24, (top+bottom)/2, esc(caption))
}

func (c *canvas) frame() {
	fmt.Fprintf(&c.b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#000000"/>`+"\n",
		plotLeft, plotTop, plotRight-plotLeft, plotBottom-plotTop)
}

// legendItem is one entry of the legend: a swatch and its text.
type legendItem struct {
	swatch string // an SVG fragment drawn at the origin, 24 × 12
	text   string
}

func lineSwatch(colour string, dash string, widthPx int) string {
	d := ""
	if dash != "" {
		d = ` stroke-dasharray="` + dash + `"`
	}
	return fmt.Sprintf(`<line x1="0" y1="6" x2="24" y2="6" stroke="%s" stroke-width="%d"%s/>`, colour, widthPx, d)
}

func boxSwatch(colour string) string {
	return fmt.Sprintf(`<rect x="0" y="0" width="24" height="12" fill="%s" fill-opacity="0.6" stroke="%s"/>`, colour, colour)
}

func dotSwatch(colour string, r int) string {
	return fmt.Sprintf(`<circle cx="12" cy="6" r="%d" fill="%s"/>`, r, colour)
}

// legend draws the items in two columns below the axis caption, and notes
// underneath.
func (c *canvas) legend(items []legendItem, notes ...string) {
	c.legendAt(plotBottom+62, items, notes...)
}

// legendAt is legend with its heading's baseline at y0.
func (c *canvas) legendAt(y0 int, items []legendItem, notes ...string) {
	colW := (plotRight - plotLeft) / 2
	fmt.Fprintf(&c.b, `<text x="%d" y="%d" font-weight="bold">Legend</text>`+"\n", plotLeft, y0)
	for i, it := range items {
		x := plotLeft + (i%2)*colW
		y := y0 + 10 + (i/2)*lineHeight
		fmt.Fprintf(&c.b, `<g transform="translate(%d %d)">%s</g>`+"\n", x, y, it.swatch)
		c.text(x+32, y+11, "start", "", it.text)
	}
	y := y0 + 10 + ((len(items)+1)/2)*lineHeight + 14
	for _, n := range notes {
		c.text(plotLeft, y, "start", `fill="#444444"`, n)
		y += lineHeight
	}
	c.bottom = max(c.bottom, y)
}

func dateString(d time.Time) string { return d.Format(time.DateOnly) }
