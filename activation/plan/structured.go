package plan

import (
	"cmp"
	"math/bits"
	"slices"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
)

// space is one start of the structured search: the subscription after the
// optional activation step, and the keys left, most seats first.
type space struct {
	first    *Step                   // the activation step (R7), or nil
	base     activation.Subscription // the subscription the adds and extends start from
	a        int64                   // its seats, A
	w        int64                   // the seat-days of the base and the keys left: conserved under exact seat-days
	keys     []keyInfo               // the keys left, most seats first
	sums     []int64                 // every distinct sum of added seats, ascending
	masks    []uint32                // for each sum, the subset of keys added that reaches it (bit i: keys[i])
	baseDays int64                   // days from the plan's day to the base's end
	// byTerm, under the end-limit cap (R6, proration.CapEndLimit), lists the
	// keys by term, shortest first, most seats first within a term: the
	// order the extensions take, since each must end within its own term's
	// limit and the end only moves later. Nil under the per-key cap.
	byTerm []int
}

// extension returns the key the j-th extension of a plan redeems: keys in
// their order (most seats first), or reversed; under the end-limit cap the
// shortest terms first, the order within a term reversed or not.
func (sp *space) extension(j int, reversed bool) int {
	n := len(sp.keys)
	if sp.byTerm == nil {
		if reversed {
			return n - 1 - j
		}
		return j
	}
	if !reversed {
		return sp.byTerm[j]
	}
	// reverse within each run of one term
	lo := j
	for lo > 0 && sp.keys[sp.byTerm[lo-1]].term == sp.keys[sp.byTerm[j]].term {
		lo--
	}
	hi := j
	for hi < n-1 && sp.keys[sp.byTerm[hi+1]].term == sp.keys[sp.byTerm[j]].term {
		hi++
	}
	return sp.byTerm[lo+hi-j]
}

// structured returns the plans the structured search evaluates exactly for
// goal. See the package documentation, "How the planner searches".
func (c *planner) structured(goal Goal) []evaluated {
	var all []evaluated
	c.oneOrder = goal.Kind == TradeOff
	for _, sp := range c.spaces() {
		if c.p.CapRule == proration.CapEndLimit {
			sp.byTerm = make([]int, len(sp.keys))
			for i := range sp.byTerm {
				sp.byTerm[i] = i
			}
			slices.SortStableFunc(sp.byTerm, func(a, b int) int { return cmp.Compare(sp.keys[a].term, sp.keys[b].term) })
		}
		sp.enumerate()
		sp.baseDays = int64(proration.Days(c.at, sp.base.End))
		all = append(all, c.scan(sp, goal)...)
	}
	front := pareto(all)
	out := front[:0]
	for _, e := range front {
		if b, ok := c.build(e); ok {
			out = append(out, b)
		}
	}
	return out
}

// spaces returns the starts of the structured search: the subscription itself
// if it is Active, otherwise one activation per class of interchangeable keys.
func (c *planner) spaces() []*space {
	sorted := func(skip int) []keyInfo {
		ks := make([]keyInfo, 0, len(c.keys))
		for i, k := range c.keys {
			if i != skip {
				ks = append(ks, k)
			}
		}
		// Most seats first; under the end-limit cap (R6) the shorter term first
		// among equal seats, so that the subset kept for a sum leaves the keys
		// of the longest terms, whose limit lies latest, to extend.
		endLimit := c.p.CapRule == proration.CapEndLimit
		slices.SortStableFunc(ks, func(a, b keyInfo) int {
			if endLimit && a.seats == b.seats {
				return cmp.Compare(a.term, b.term)
			}
			return cmp.Compare(b.seats, a.seats)
		})
		return ks
	}
	if c.active {
		return []*space{{base: c.s, a: int64(c.s.Seats), w: c.start + c.worth, keys: sorted(-1)}}
	}
	var out []*space
	var tried uint64
	for j, k := range c.keys {
		if tried&(1<<k.class) != 0 {
			continue
		}
		tried |= 1 << k.class
		c.applies++
		o, err := c.p.Apply(c.s, k.tok, activation.Activate, c.at)
		if err != nil {
			continue
		}
		out = append(out, &space{
			first: &Step{Key: k.tok.Key, Op: activation.Activate, Outcome: o},
			base:  o.After, a: int64(o.After.Seats), w: c.worth, keys: sorted(j),
		})
	}
	return out
}

// firstMissing returns the index of the largest key not added by mask: keys
// are sorted by seats, most first, so it is the largest key left to extend.
func firstMissing(mask uint32) int { return bits.TrailingZeros32(^mask) }

// enumerate fills sp.sums and sp.masks with every distinct subset sum of the
// keys' seats, ascending, by merging the sorted sums of the first i keys with
// the same sums plus key i: 2^(n+1) steps for n keys, no sorting. Of subsets
// with equal sums it keeps the one whose largest extended key is smallest,
// the one the cap (R6) is most likely to accept; keys sorted by seats make
// that the subset with the longest run of the largest keys.
func (sp *space) enumerate() {
	n, total := int64(1), int64(0)
	for _, k := range sp.keys { // at most 2^i sums of i keys, and at most their seats + 1
		total += k.seats
		n = min(2*n, total+1)
	}
	sums, masks := make([]int64, 1, n), make([]uint32, 1, n)
	next, nmasks := make([]int64, 0, n), make([]uint32, 0, n)
	for i, k := range sp.keys {
		c, bit := k.seats, uint32(1)<<i
		// The first sum is 0, of no key, in every round; the rest merge
		// sums[1:] with sums + c. A key has at least one seat, so
		// sums[x] < sums[y] + c for x ≤ y: the second run ends last.
		next, nmasks = append(next[:0], 0), append(nmasks[:0], 0)
		l := len(sums)
		for x, y := 1, 0; y < l; {
			var s int64
			var m uint32
			if x < l && sums[x] <= sums[y]+c {
				s, m = sums[x], masks[x]
				x++
			} else {
				s, m = sums[y]+c, masks[y]|bit
				y++
			}
			if last := len(next) - 1; next[last] == s {
				if firstMissing(m) > firstMissing(nmasks[last]) {
					nmasks[last] = m
				}
				continue
			}
			next, nmasks = append(next, s), append(nmasks, m)
		}
		sums, next = next, sums
		masks, nmasks = nmasks, masks
	}
	sp.sums, sp.masks = sums, masks
}

// feasible reports whether adding the keys of sums[i] and extending the rest
// passes the seat limit and the cap (R6: under proration.CapPerKey every
// extended key at most CapFactor × the seats after the adds). Under
// proration.CapEndLimit the cap depends on the end dates the steps reach:
// evaluate decides it, redeeming the plan through Policy.Apply.
func (c *planner) feasible(sp *space, i int) bool {
	s := sp.a + sp.sums[i]
	if s > activation.MaxSeats {
		return false
	}
	if c.p.CapRule == proration.CapEndLimit {
		return true
	}
	f := firstMissing(sp.masks[i])
	return f >= len(sp.keys) || sp.keys[f].seats <= int64(c.p.CapFactor)*s
}

// estimate returns the days from the plan's day to the end date of a plan
// with seats sp.a + sums[i] under exact seat-days: W ÷ seats.
func (sp *space) estimate(i int) int64 { return sp.w / (sp.a + sp.sums[i]) }

// slack bounds, in days, how far the end of a plan the structured search
// evaluates can lie from its estimate W ÷ seats: a day for the estimate's
// floor, and per step the step's residue (Outcome.Residue) divided by the
// seats, which the adds never exceed: at most a day for rounding (R4, and
// R5 under exact seat-days) and, for an extension by calendar months (R5),
// calendarSlack days. These per-step bounds are the ones checkPlan verifies
// on every step of every plan the property tests draw; they are derived
// (see calendarSlack), not machine-proven.
func (c *planner) slack() int64 {
	per := int64(1)
	if c.p.Convention == proration.CalendarMonths {
		per = calendarSlack(c.p.CapFactor)
	}
	return 1 + per*int64(len(c.keys))
}

// calendarSlack bounds how many days an extension by calendar months (R5)
// can give more or fewer than the key's exact seat-days would: each term's
// worth of months can differ from the key's T days by up to 3 days (month
// lengths 28 … 31, clamping at the month's end, leap days), and an extension
// spans at most CapFactor terms (R6), plus 3 days for rounding and the
// fraction of a month: 3 + 3 × 3 = 12 days under the default cap.
func calendarSlack(capFactor int) int64 {
	return 3 + 3*int64(max(capFactor, proration.DefaultCapFactor))
}

// scan evaluates the candidates of sp that can matter for goal.
func (c *planner) scan(sp *space, goal Goal) []evaluated {
	var out []evaluated
	slack := c.slack()
	eval := func(i int) (evaluated, bool) {
		e, ok := c.evaluate(sp, sp.masks[i])
		if ok {
			out = append(out, e)
		}
		return e, ok
	}
	// latest evaluates the smallest seat counts, whose end is latest, until
	// the estimate cannot beat the best exact end; most evaluates the
	// largest feasible seat count.
	latest := func(from int) {
		best := int64(-1 << 62)
		for i := from; i < len(sp.sums); i++ {
			if !c.feasible(sp, i) {
				continue
			}
			if sp.estimate(i)+slack < best {
				break
			}
			if c.refined(sp, i)+c.refinedSlack() < best {
				continue
			}
			if e, ok := eval(i); ok {
				best = max(best, e.end)
			}
		}
	}
	most := func() {
		for i := len(sp.sums) - 1; i >= 0; i-- {
			if c.feasible(sp, i) {
				if _, ok := eval(i); ok {
					return
				}
			}
		}
	}
	switch goal.Kind {
	case MostSeats:
		target := int64(proration.Days(c.at, goal.End))
		for i := len(sp.sums) - 1; i >= 0; i-- {
			if !c.feasible(sp, i) || sp.estimate(i)+slack < target || c.refined(sp, i)+c.refinedSlack() < target {
				continue
			}
			if e, ok := eval(i); ok && e.end >= target {
				return out
			}
		}
		latest(0) // infeasible: the nearest plan is the latest end
	case LatestEnd:
		from, _ := slices.BinarySearch(sp.sums, int64(goal.Seats)-sp.a)
		n := len(out)
		latest(from)
		if len(out) == n {
			most() // infeasible: the nearest plan has the most seats
		}
	default: // TradeOff: the largest seat count for each estimated end
		last := int64(-1)
		for i := len(sp.sums) - 1; i >= 0; i-- {
			if est := sp.estimate(i); est > last && c.feasible(sp, i) {
				last = est
				eval(i)
			}
		}
	}
	return out
}

// evaluate redeems the keys of sp through Policy.Apply: the keys in mask are
// added first, most seats first (raising the cap, R6), then the others
// extend; both orders of the extensions are tried and the later end kept
// (only the first for the trade-off, which evaluates a plan per end date).
// For the trade-off, whose every evaluated plan is likely on the front, it
// records the steps as it goes; otherwise it records only the subscription
// each step leaves, and [planner.build] redeems the chosen plans again into
// steps.
func (c *planner) evaluate(sp *space, mask uint32) (evaluated, bool) {
	var steps []Step
	if c.oneOrder {
		steps = make([]Step, 0, len(sp.keys)+1)
		if sp.first != nil {
			steps = append(steps, *sp.first)
		}
	}
	sub := sp.base
	for i, k := range sp.keys {
		if mask&(1<<i) == 0 {
			continue
		}
		c.applies++
		o, err := c.p.Apply(sub, k.tok, activation.AddSeats, c.at)
		if err != nil {
			return evaluated{}, false
		}
		if steps != nil {
			steps = append(steps, Step{Key: k.tok.Key, Op: activation.AddSeats, Outcome: o})
		}
		sub = o.After
	}
	best, ok := c.extend(sp, sub, mask, false, steps)
	if !c.oneOrder && len(sp.keys)-bits.OnesCount32(mask) > 1 {
		if e, ok2 := c.extend(sp, sub, mask, true, nil); ok2 && (!ok || e.end > best.end) {
			best, ok = e, true
		}
	}
	return best, ok
}

// extend extends sub with the keys not in mask, most seats first (or fewest
// first when reversed), appending the steps to steps unless it is nil.
func (c *planner) extend(sp *space, sub activation.Subscription, mask uint32, reversed bool, steps []Step) (evaluated, bool) {
	for j := range sp.keys {
		i := sp.extension(j, reversed)
		if mask&(1<<i) != 0 {
			continue
		}
		c.applies++
		o, err := c.p.Apply(sub, sp.keys[i].tok, activation.ExtendEnd, c.at)
		if err != nil {
			return evaluated{}, false
		}
		if steps != nil {
			steps = append(steps, Step{Key: sp.keys[i].tok.Key, Op: activation.ExtendEnd, Outcome: o})
		}
		sub = o.After
	}
	return evaluated{final: sub, seats: int64(sub.Seats), end: int64(proration.Days(c.at, sub.End)),
		sp: sp, mask: mask, reversed: reversed, steps: steps}, true
}

// build redeems the plan e found by the structured search again, step by
// step through Policy.Apply, and records the steps.
func (c *planner) build(e evaluated) (evaluated, bool) {
	if e.steps != nil { // recorded by evaluate
		return e, true
	}
	sp := e.sp
	steps := make([]Step, 0, len(sp.keys)+1)
	if sp.first != nil {
		steps = append(steps, *sp.first)
	}
	sub := sp.base
	redeem := func(i int, op activation.Operation) bool {
		k := sp.keys[i]
		c.applies++
		o, err := c.p.Apply(sub, k.tok, op, c.at)
		if err != nil {
			return false
		}
		steps = append(steps, Step{Key: k.tok.Key, Op: op, Outcome: o})
		sub = o.After
		return true
	}
	n := len(sp.keys)
	for i := range n {
		if e.mask&(1<<i) != 0 && !redeem(i, activation.AddSeats) {
			return evaluated{}, false
		}
	}
	for j := range n {
		i := sp.extension(j, e.reversed)
		if e.mask&(1<<i) == 0 && !redeem(i, activation.ExtendEnd) {
			return evaluated{}, false
		}
	}
	if sub != e.final {
		return evaluated{}, false
	}
	e.steps = steps
	return e, true
}

// refined returns a closer estimate than [space.estimate] of the days to the
// end date of the canonical plan of sums[i] under calendar months (R5): the
// adds as one blend (R4), then the extensions as one extension by their
// months in total, Σ C × term ÷ seats. It falls back to the estimate when
// the totals leave what proration accepts (more than MaxSeats, or more months
// than MaxCapFactor × the seats, or past the supported years), and under
// exact seat-days.
func (c *planner) refined(sp *space, i int) int64 {
	c.refines++
	est := sp.estimate(i)
	if c.p.Convention != proration.CalendarMonths {
		return est
	}
	seats, mask := sp.a+sp.sums[i], sp.masks[i]
	w := sp.a * sp.baseDays
	var months int64
	for j, k := range sp.keys {
		if mask&(1<<j) != 0 {
			w += k.seats * k.days
		} else {
			months += k.seats * k.term
		}
	}
	r := daymath.Rounding(c.p.Rounding).Div(w, seats)
	if months == 0 {
		return r
	}
	if seats > proration.MaxSeats || months > proration.MaxSeats {
		// proration refuses these too, but int would wrap them first on a
		// 32-bit platform into totals it accepts.
		return est
	}
	x, err := proration.Extend(proration.ExtendInput{
		End: daymath.AddDays(c.at, int(r)), At: c.at, Seats: int(seats), KeySeats: int(months), TermMonths: 1,
		CapFactor: proration.MaxCapFactor, Rounding: c.p.Rounding,
	})
	if err != nil {
		return est
	}
	return r + int64(x.AddedDays)
}

// refinedSlack is the margin, in days, by which an exact plan's end may lie
// beyond [planner.refined] and still be evaluated: rounding of each step and
// calendar months chained one extension after another rather than added at
// once. It is a measured margin, not a proven bound: a plan it skips could
// end later than refined + refinedSlack, which is one reason the structured
// search is not guaranteed optimal (see the package documentation).
func (c *planner) refinedSlack() int64 { return 2 + int64(len(c.keys))/2 }
