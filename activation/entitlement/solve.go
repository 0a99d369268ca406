package entitlement

// solution is a pool's answer on a day under every maximum.
type solution struct {
	max      int64        // the most use any assignment covers
	total    int64        // the use
	draws    [][]lineDraw // per use: the assignment found
	short    []bool       // per use: some maximum assignment leaves it short
	uncover  []bool       // per use: no assignment covers it in full
	headroom []int64      // per country
	world    int64        // worldwide headroom
	drawn    []int64      // per line
}

// solver holds the storage the flows of one evaluation reuse.
type solver struct {
	n, aux  network
	scratch graph
}

// solve answers p under every maximum:
//   - the maximum flow, and an assignment: each country's flow split among
//     its uses in order;
//   - which uses some maximum assignment leaves short: the uses of every
//     country whose node is reachable from the source in the residual
//     network (the source side of the minimal minimum cut, the same for
//     every maximum flow; a path there and the country's source edge form a
//     cycle that moves flow away from it);
//   - which of those no assignment covers in full: a use of quantity q in
//     country c is covered in full by some assignment iff the network with
//     only that use (supply q at c) carries q, and every use of c has the
//     same choices, so one flow per country with the largest use of c;
//   - the headroom: the flow added on the residual network by an unbounded
//     supply at one country (or at all of them).
func (s *solver) solve(g *org, p *problem) solution {
	n := &s.n
	sol := solution{max: n.solve(g, p, opts{caps: allCaps, apShare: -1})}
	nc := len(p.countries)
	for _, d := range p.demand {
		sol.total += d
	}
	sol.draws = make([][]lineDraw, len(p.uses))
	sol.drawn = make([]int64, len(p.lines))
	split := n.split(p)
	for i := range p.uses {
		u := &p.uses[i]
		need := u.qty
		for need > 0 && len(split[u.country]) > 0 {
			d := &split[u.country][0]
			k := min(need, d.qty)
			sol.draws[i] = append(sol.draws[i], lineDraw{d.line, k})
			sol.drawn[d.line] += k
			need, d.qty = need-k, d.qty-k
			if d.qty == 0 {
				split[u.country] = split[u.country][1:]
			}
		}
	}
	reach := n.g.reachable(n.s)
	sol.headroom = make([]int64, nc)
	for c := range nc {
		s.scratch.copyFrom(&n.g)
		s.scratch.cap[n.src[c]] += inf
		sol.headroom[c] = s.scratch.maxflow(n.s, n.t)
	}
	s.scratch.copyFrom(&n.g)
	for c := range nc {
		s.scratch.cap[n.src[c]] += inf
	}
	sol.world = s.scratch.maxflow(n.s, n.t)
	sol.short = make([]bool, len(p.uses))
	sol.uncover = make([]bool, len(p.uses))
	largest := make([]int64, nc)
	for i, u := range p.uses {
		if reach[n.cin[u.country]] {
			sol.short[i] = true
			largest[u.country] = max(largest[u.country], u.qty)
		}
	}
	for c := range nc {
		if largest[c] == 0 {
			continue
		}
		alone := make([]int64, nc)
		alone[c] = largest[c]
		m := s.aux.solve(g, p, opts{caps: allCaps, apShare: -1, demand: alone})
		for i, u := range p.uses {
			if u.country == c && u.qty > m {
				sol.uncover[i] = true
			}
		}
	}
	return sol
}
