package plan

import (
	"slices"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/proration"
)

// plannedOps returns the operations a plan may use, in the order they are
// tried: AddSeats and ExtendEnd on an Active subscription, Activate on one
// that is not (R7). Renew is never planned: it replaces the seats (R9).
func plannedOps() [3]activation.Operation {
	return [3]activation.Operation{activation.AddSeats, activation.ExtendEnd, activation.Activate}
}

// node is a state of the exhaustive search: the keys used and the
// subscription they left, reached by redeeming key as op on the parent.
type node struct {
	sub    activation.Subscription
	used   uint32 // bit i: keys[i] redeemed; of interchangeable keys, always the first ones
	end    int64  // Days(at, sub.End)
	parent int32  // index in the previous layer; none for the root, which walk never reaches
	key    int8   // index of the key redeemed last
	op     activation.Operation
	seq    int32 // the order in which the kept path was generated: the tie-break
}

// nodeKey identifies the nodes the search keeps apart: the keys used, the
// seats and, unless dominance applies (see [planner.exhaustive]), the end.
type nodeKey struct {
	used  uint32
	seats int
	end   int64
}

// packKey packs the keys used and the seats of an Active node into one
// word, its identity under dominance: at most MaxKeys bits of keys, and
// seats below 2^32 (activation.MaxSeats is 10^9).
func packKey(used uint32, seats int) uint64 { return uint64(used)<<32 | uint64(uint32(seats)) }

// exhaustive returns the Pareto front of the pool — every plan no other
// plan beats on both seats and end date, most seats first — found over every
// order of the keys and every planned operation Policy.Apply accepts. See
// the package documentation, "How the planner searches", for why the
// dominance it uses loses no plan, and for the tie-break. Dominance is off
// (every end date kept) when endsInRange cannot rule out a date past the
// supported years, and under the end-limit reading of the cap
// (proration.CapEndLimit): the cases where a later end could fail a
// redemption.
//
// It is a breadth-first dynamic programme over the keys used: layer k holds
// the subscriptions k keys can leave. Interchangeable keys (same seats, term
// and product) are redeemed in the caller's order, so a set of keys used is
// a multiset. Two Active subscriptions with the same keys used and the same
// seats differ only in their end date, and the later one is at least as good
// for every continuation (every operation is monotone in the end date; the
// package documentation gives the argument), so only it is kept: at most 3^n nodes for n distinct keys
// (each key unused, added or extended).
func (c *planner) exhaustive() []evaluated {
	n := len(c.keys)
	prevSame := make([]int, n) // the previous key of the same class, or -1
	for i, k := range c.keys {
		prevSame[i] = -1
		for j := i - 1; j >= 0; j-- {
			if c.keys[j].class == k.class {
				prevSame[i] = j
				break
			}
		}
	}
	// Under the end-limit reading of the cap (R6) a later end can refuse an
	// extension an earlier one allows: dominance does not hold.
	dominance := c.endsInRange() && c.p.CapRule == proration.CapPerKey
	var activeOps []activation.Operation // the operations the table allows on an Active subscription
	probed := false
	all := plannedOps()

	layers := make([][]node, n+1)
	layers[0] = []node{{sub: c.s, end: c.daysTo(c.s)}}
	order := []int32{0}              // the current layer in the order of its paths
	packed := make(map[uint64]int32) // Active nodes under dominance
	exact := make(map[nodeKey]int32) // the others
	var seq int32
	for k := range n {
		cur, next := layers[k], make([]node, 0, 4*len(layers[k]))
		clear(packed)
		clear(exact)
		for _, pi := range order {
			par := &cur[pi]
			ops := all[:]
			if par.end > 0 && !par.sub.IsNone() {
				if !probed {
					probed = true
					for _, op := range all {
						if c.p.CheckOperation(par.sub, op, c.at) == nil {
							activeOps = append(activeOps, op)
						}
					}
				}
				ops = activeOps
			}
			for i, key := range c.keys {
				bit := uint32(1) << i
				if par.used&bit != 0 || (prevSame[i] >= 0 && par.used&(1<<prevSame[i]) == 0) {
					continue
				}
				for _, op := range ops {
					c.applies++
					out, err := c.p.Apply(par.sub, key.tok, op, c.at)
					if err != nil {
						continue
					}
					seq++
					ch := node{sub: out.After, used: par.used | bit, end: int64(out.NewRemaining),
						parent: pi, key: int8(i), op: op, seq: seq}
					var j int32
					var ok bool
					if dominance && ch.end > 0 {
						pk := packKey(ch.used, ch.sub.Seats)
						if j, ok = packed[pk]; !ok {
							packed[pk] = int32(len(next))
						}
					} else {
						nk := nodeKey{used: ch.used, seats: ch.sub.Seats, end: ch.end}
						if j, ok = exact[nk]; !ok {
							exact[nk] = int32(len(next))
						}
					}
					if !ok {
						next = append(next, ch)
					} else if ch.end > next[j].end { // ties keep the path generated first
						next[j] = ch
					}
				}
			}
		}
		// The next layer is visited in the order of its paths: by the
		// parent's position, then the key's, then the operation.
		order = make([]int32, len(next))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(a, b int32) int { return int(next[a].seq - next[b].seq) })
		layers[k+1] = next
	}

	finals := make([]evaluated, len(order))
	for i, j := range order {
		nd := &layers[n][j]
		finals[i] = evaluated{final: nd.sub, seats: int64(nd.sub.Seats), end: nd.end, node: j}
	}
	front := pareto(finals)
	out := front[:0]
	for _, e := range front {
		if e, ok := c.walk(layers, e); ok {
			out = append(out, e)
		}
	}
	return out
}

// walk redeems the path of the search that leads to the final node of e
// again through Policy.Apply, step by step, and records the steps.
func (c *planner) walk(layers [][]node, e evaluated) (evaluated, bool) {
	n := len(layers) - 1
	path := make([]*node, n)
	for k, i := n, e.node; k > 0; k-- {
		path[k-1] = &layers[k][i]
		i = layers[k][i].parent
	}
	e.steps = make([]Step, 0, n)
	sub := c.s
	for _, nd := range path {
		k := c.keys[nd.key]
		c.applies++
		out, err := c.p.Apply(sub, k.tok, nd.op, c.at)
		if err != nil || out.After != nd.sub { // cannot happen: the search applied this very step
			return evaluated{}, false
		}
		e.steps = append(e.steps, Step{Key: k.tok.Key, Op: nd.op, Outcome: out})
		sub = out.After
	}
	return e, true
}

// daysTo returns Days(at, s.End), 0 for a subscription without a term.
func (c *planner) daysTo(s activation.Subscription) int64 {
	if s.IsNone() {
		return 0
	}
	return int64(proration.Days(c.at, s.End))
}

// endsInRange reports whether no plan of the pool can reach an end date
// near the last supported year (proration.MaxYear), so that no redemption
// fails for its date and the dominance of the exhaustive search holds. It
// bounds every end date from above: the later of the subscription's end
// and the longest term from the day, plus for each key one extension at
// the cap, CapFactor × its term in months, and a month for rounding (an
// add never moves the end past the later of the current end and its term).
func (c *planner) endsInRange() bool {
	last := time.Date(proration.MaxYear, time.December, 31, 0, 0, 0, 0, time.UTC)
	horizon := int64(proration.Days(c.at, last))
	bound := max(c.daysTo(c.s), 0)
	var months int64
	for _, k := range c.keys {
		bound = max(bound, k.days)
		months += int64(max(c.p.CapFactor, proration.DefaultCapFactor))*k.term + 1
	}
	// a month has at most 31 days; 62 more days for the month proration
	// looks past the new end (R5) and a day of rounding per key
	bound += 31*months + 62 + int64(len(c.keys))
	return bound < horizon
}
