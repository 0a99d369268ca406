package plan

import (
	"slices"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/proration"
)

// plannedOps returns the operations a plan may use, in the order they are
// tried: AddSeats and ExtendEnd on an Active subscription, Activate on one
// that is not (R7). Renew is never planned: it replaces the seats (R9).
func plannedOps() [3]activation.Operation {
	return [3]activation.Operation{activation.AddSeats, activation.ExtendEnd, activation.Activate}
}

// state identifies a node of the exhaustive search: the keys used and the
// subscription they left (its seats and end date as days from the plan's day).
type state struct {
	used  uint32
	seats int
	end   int64
	none  bool
}

// move is a reachable final point of a node and the first redemption towards it.
type move struct {
	seats, end int64 // final seats and final end (days from at)
	key        int   // index of the key redeemed first, -1 at the end
	op         activation.Operation
}

// search is the memoized exhaustive search over every order and operation.
type search struct {
	c    *planner
	full uint32
	memo map[state][]move
}

// exhaustive returns every plan on the Pareto front of the pool, found by
// trying every key in every order with every planned operation that
// Policy.Apply accepts. Interchangeable keys (same seats, term and product)
// are tried once per node.
func (c *planner) exhaustive() []evaluated {
	x := &search{c: c, full: 1<<len(c.keys) - 1, memo: make(map[state][]move)}
	root := c.stateOf(0, c.s)
	var out []evaluated
	for _, m := range x.front(root, c.s) {
		if e := x.walk(root, m); len(e.steps) > 0 {
			out = append(out, e)
		}
	}
	return out
}

// stateOf returns the search state of subscription s after the keys in used.
func (c *planner) stateOf(used uint32, s activation.Subscription) state {
	if s.IsNone() {
		return state{used: used, none: true}
	}
	return state{used: used, seats: s.Seats, end: int64(proration.Days(c.at, s.End))}
}

// front returns the Pareto front of the final points reachable from st.
func (x *search) front(st state, s activation.Subscription) []move {
	if st.used == x.full {
		return []move{{seats: int64(st.seats), end: st.end, key: -1}}
	}
	if f, ok := x.memo[st]; ok {
		return f
	}
	var cands []move
	var tried uint64 // classes tried at this node
	for i, k := range x.c.keys {
		if st.used&(1<<i) != 0 || tried&(1<<k.class) != 0 {
			continue
		}
		tried |= 1 << k.class
		for _, op := range plannedOps() {
			out, err := x.c.p.Apply(s, k.tok, op, x.c.at)
			if err != nil {
				continue
			}
			next := x.c.stateOf(st.used|1<<i, out.After)
			for _, m := range x.front(next, out.After) {
				cands = append(cands, move{seats: m.seats, end: m.end, key: i, op: op})
			}
		}
	}
	f := paretoMoves(cands)
	x.memo[st] = f
	return f
}

// walk turns the final point m of the root into the plan that reaches it,
// redeeming each first move again through Policy.Apply.
func (x *search) walk(st state, m move) evaluated {
	e := evaluated{seats: m.seats, end: m.end}
	sub := x.c.s
	for m.key >= 0 {
		k := x.c.keys[m.key]
		out, err := x.c.p.Apply(sub, k.tok, m.op, x.c.at)
		if err != nil { // cannot happen: the search applied this very move
			return evaluated{}
		}
		e.steps = append(e.steps, Step{Key: k.tok.Key, Op: m.op, Outcome: out})
		sub, e.final = out.After, out.After
		st = x.c.stateOf(st.used|1<<m.key, sub)
		if st.used == x.full {
			break
		}
		for _, n := range x.memo[st] {
			if n.seats == m.seats && n.end == m.end {
				m = n
				break
			}
		}
	}
	return e
}

// paretoMoves keeps the moves no other move beats on both final seats and
// final end, most seats first; of equal points the first.
func paretoMoves(ms []move) []move {
	slices.SortStableFunc(ms, func(a, b move) int {
		if a.seats != b.seats {
			return cmpInt(b.seats, a.seats)
		}
		return cmpInt(b.end, a.end)
	})
	var f []move
	for _, m := range ms {
		if len(f) == 0 || m.end > f[len(f)-1].end {
			f = append(f, m)
		}
	}
	return f
}
