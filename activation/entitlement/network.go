package entitlement

import "github.com/coterm/coterm/activation"

// problem is one pool on one day: its uses and the grant lines in force.
type problem struct {
	pool      int
	uses      []use     // in the order of their Refs
	countries []Country // every country with a use or a line, by code
	demand    []int64   // per country: the quantity of the uses located there
	lines     []line    // the lines in force, quantity > 0, in key order
}

// use is one use on the day: an online subscription's seats, or a licence's
// deployments at a location.
type use struct {
	ref     Ref
	loc     int
	country int // index in problem.countries
	qty     int64
	sub     activation.Subscription // an online use's state
}

// line is a grant line in force on the day.
type line struct {
	key     lineKey
	qty     int64
	country int // index in problem.countries of the line's location
}

// capMode says which maximums a network enforces.
type capMode int

const (
	allCaps     capMode = iota // every maximum (the partner's real position)
	noCaps                     // none: what the grants alone allow (R14)
	onlyCountry                // one country's maximum alone (R15)
	onlyWorld                  // the worldwide maximum alone (R15)
)

// opts are the variations of a pool's network that the findings compare.
type opts struct {
	caps    capMode
	country int     // the country of onlyCountry
	apShare int     // ≥ 0: this country's uses may draw on every Action Pack line (R16)
	demand  []int64 // nil: the problem's
}

// groupKey names a group of lines that no use can tell apart: the bound
// or the unbound lines of the competencies (country -1: any use may draw
// on them, R17), or of the Action Pack in one country (R16).
type groupKey struct {
	country int
	bound   bool
}

// group is one node of the network for the lines of a groupKey.
type group struct {
	key   groupKey
	node  int
	lines []int // indices in problem.lines, in order
}

// network is the flow network of a pool:
//
//	source → country c (capacity: the uses located in c)
//	  c → c′ (capacity: c's maximum) → a group of bound lines → world
//	    (capacity: the group's quantity) → sink (the worldwide maximum)
//	  c → a group of unbound lines → sink (capacity: the group's quantity)
//
// where c reaches the groups of the competencies and those of the Action
// Pack in c. An integral flow is an assignment of quantities of uses to
// lines that the sharing rules allow (R16, R17), within each line's
// quantity (R14) and each maximum, counted where the use is (R15): the
// lines of a group are interchangeable, so a group's flow splits among
// them in any way their quantities allow. And every such assignment is a
// flow. So the maximum flow is the most use any assignment covers.
type network struct {
	g           graph
	s, t, world int
	cin, cout   []int // per country
	src, capE   []int // per country: the source edge, the maximum's edge
	worldE      int
	groups      []group
	byKey       map[groupKey]int
	draws       []draw // country → group edges
}

// draw is an edge from a country to a group.
type draw struct{ country, group, e int }

// build makes p's network under op into n, reusing its storage.
func (n *network) build(o *org, p *problem, op opts) {
	g := &n.g
	g.reset(3)
	n.s, n.t, n.world = 0, 1, 2
	demand := op.demand
	if demand == nil {
		demand = p.demand
	}
	nc := len(p.countries)
	n.cin, n.cout = resize(n.cin, nc), resize(n.cout, nc)
	n.src, n.capE = resize(n.src, nc), resize(n.capE, nc)
	for c := range nc {
		n.cin[c], n.cout[c] = g.node(), g.node()
		n.src[c] = g.edge(n.s, n.cin[c], demand[c])
		m := inf
		if op.caps == allCaps || op.caps == onlyCountry && op.country == c {
			m = o.countryMax(p.pool, p.countries[c])
		}
		n.capE[c] = g.edge(n.cin[c], n.cout[c], m)
	}
	wm := inf
	if op.caps == allCaps || op.caps == onlyWorld {
		wm = o.pools[p.pool].worldM
	}
	n.worldE = g.edge(n.world, n.t, wm)
	n.groups = n.groups[:0]
	if n.byKey == nil {
		n.byKey = map[groupKey]int{}
	}
	clear(n.byKey)
	for i, l := range p.lines {
		k := groupKey{country: -1, bound: l.key.kind.Bound()}
		if l.key.m.Program == ActionPack {
			k.country = l.country
		}
		gi, ok := n.byKey[k]
		if !ok {
			gi = len(n.groups)
			n.byKey[k] = gi
			n.groups = append(n.groups, group{key: k})
		}
		n.groups[gi].lines = append(n.groups[gi].lines, i)
	}
	n.draws = n.draws[:0]
	for gi := range n.groups {
		gr := &n.groups[gi]
		gr.node = g.node()
		var q int64
		for _, i := range gr.lines {
			q += p.lines[i].qty
		}
		from, out := n.cout, n.world
		if !gr.key.bound {
			from, out = n.cin, n.t
		}
		g.edge(gr.node, out, q)
		for c := range nc {
			if gr.key.country < 0 || gr.key.country == c || op.apShare == c {
				n.draws = append(n.draws, draw{c, gi, g.edge(from[c], gr.node, inf)})
			}
		}
	}
}

// resize returns s with length n, reusing its storage.
func resize(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

// solve builds p's network under op and returns its maximum flow.
func (n *network) solve(o *org, p *problem, op opts) int64 {
	n.build(o, p, op)
	return n.g.maxflow(n.s, n.t)
}

// split returns, for each country, the quantities of each line its uses
// draw in the flow n holds: each group's flow, country by country in the
// order of the draws, matched in order to the group's lines up to their
// quantities. Any such matching is a decomposition of the flow, since the
// lines of a group are interchangeable.
func (n *network) split(p *problem) [][]lineDraw {
	out := make([][]lineDraw, len(p.countries))
	for gi, gr := range n.groups {
		li, left := 0, int64(0)
		if len(gr.lines) > 0 {
			left = p.lines[gr.lines[0]].qty
		}
		for _, d := range n.draws {
			if d.group != gi {
				continue
			}
			for f := n.g.flow(d.e); f > 0 && li < len(gr.lines); {
				k := min(f, left)
				out[d.country] = append(out[d.country], lineDraw{gr.lines[li], k})
				f, left = f-k, left-k
				if left == 0 {
					if li++; li < len(gr.lines) {
						left = p.lines[gr.lines[li]].qty
					}
				}
			}
		}
	}
	return out
}

// lineDraw is a quantity drawn on a line (an index in problem.lines).
type lineDraw struct {
	line int
	qty  int64
}
