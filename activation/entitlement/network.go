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
	extra   []line  // lines added: the last lines of lapsed years (R20)
	demand  []int64 // nil: the problem's
}

// network is the flow network of a pool:
//
//	source → country c (capacity: the uses located in c)
//	  c → c′ (capacity: c's maximum) → bound lines: an Action Pack line of c's
//	    own country, or the hub of bound competency lines → line
//	    → world (capacity: the line's quantity) → sink (the worldwide maximum)
//	  c → unbound lines: an Action Pack line of c's own country, or the hub of
//	    unbound competency lines → line → sink (capacity: the line's quantity)
//
// An integral flow is an assignment of quantities of uses to lines that the
// sharing rules allow (R16, R17), within each line's quantity (R14) and
// each maximum, counted where the use is (R15), and every such assignment
// is a flow: the maximum flow is the most use any assignment covers.
type network struct {
	g                        graph
	s, t, world, hubB, hubF  int
	cin, cout                []int // per country
	src, capE, toHubB, toHub []int // per country: source edge, maximum edge, edges to the hubs
	worldE                   int
	lines                    []line
	lineE                    []int  // per line: line → world or sink
	fromHub                  []int  // per line: hub → line, -1 for an Action Pack line
	direct                   []draw // country → Action Pack line edges
}

// draw is an edge from a country to a line.
type draw struct{ country, line, e int }

// build makes p's network under o into n, reusing its storage.
func (n *network) build(o *org, p *problem, op opts) {
	g := &n.g
	g.reset(5)
	n.s, n.t, n.world, n.hubB, n.hubF = 0, 1, 2, 3, 4
	demand := op.demand
	if demand == nil {
		demand = p.demand
	}
	nc := len(p.countries)
	n.cin, n.cout = resize(n.cin, nc), resize(n.cout, nc)
	n.src, n.capE = resize(n.src, nc), resize(n.capE, nc)
	n.toHubB, n.toHub = resize(n.toHubB, nc), resize(n.toHub, nc)
	for c := range nc {
		n.cin[c], n.cout[c] = g.node(), g.node()
		n.src[c] = g.edge(n.s, n.cin[c], demand[c])
		m := inf
		if op.caps == allCaps || op.caps == onlyCountry && op.country == c {
			m = o.countryMax(p.pool, p.countries[c])
		}
		n.capE[c] = g.edge(n.cin[c], n.cout[c], m)
		n.toHubB[c] = g.edge(n.cout[c], n.hubB, inf)
		n.toHub[c] = g.edge(n.cin[c], n.hubF, inf)
	}
	wm := inf
	if op.caps == allCaps || op.caps == onlyWorld {
		wm = o.pools[p.pool].worldM
	}
	n.worldE = g.edge(n.world, n.t, wm)
	n.lines = append(append(n.lines[:0], p.lines...), op.extra...)
	n.lineE, n.fromHub, n.direct = n.lineE[:0], n.fromHub[:0], n.direct[:0]
	for i, l := range n.lines {
		v := g.node()
		bound := l.key.kind.Bound()
		from, out, hub := n.cout, n.world, n.hubB
		if !bound {
			from, out, hub = n.cin, n.t, n.hubF
		}
		n.lineE = append(n.lineE, g.edge(v, out, l.qty))
		if l.key.m.Program == Competency {
			n.fromHub = append(n.fromHub, g.edge(hub, v, inf))
			continue
		}
		n.fromHub = append(n.fromHub, -1)
		n.direct = append(n.direct, draw{l.country, i, g.edge(from[l.country], v, inf)})
		if c := op.apShare; c >= 0 && c != l.country {
			n.direct = append(n.direct, draw{c, i, g.edge(from[c], v, inf)})
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
// draw in the flow n holds: the direct edges, and the flow through each hub
// matched, in order, to the lines the hub feeds. Any such matching is a
// decomposition of the flow, since a hub bounds nothing.
func (n *network) split(nc int) [][]lineDraw {
	out := make([][]lineDraw, nc)
	for _, d := range n.direct {
		if f := n.g.flow(d.e); f > 0 {
			out[d.country] = append(out[d.country], lineDraw{d.line, f})
		}
	}
	for _, bound := range []bool{true, false} {
		in := n.toHub
		if bound {
			in = n.toHubB
		}
		c, left := 0, int64(0)
		for i, e := range n.fromHub {
			if e < 0 || n.lines[i].key.kind.Bound() != bound {
				continue
			}
			for f := n.g.flow(e); f > 0; {
				for left == 0 && c < nc {
					left = n.g.flow(in[c])
					if left == 0 {
						c++
					}
				}
				if c == nc { // cannot happen: flow is conserved at the hub
					break
				}
				k := min(f, left)
				out[c] = append(out[c], lineDraw{i, k})
				f, left = f-k, left-k
				if left == 0 {
					c++
				}
			}
		}
	}
	return out
}

// lineDraw is a quantity drawn on a line (an index in network.lines).
type lineDraw struct {
	line int
	qty  int64
}
