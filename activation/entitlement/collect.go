package entitlement

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// state is what the records say on one day, gathered in one pass over the
// Source: memory in proportion to the subscriptions, deployment keys, grant
// lines and tokens, not to the records.
type state struct {
	day    daymath.Day
	subs   map[subKey]onlineRec // each subscription's latest state on or before day
	levels map[depKey]int64     // licences deployed on day
	lines  map[lineKey]int64    // grant lines in force on day
	total  map[lineKey]int64    // every grant line's whole quantity
	tokens []tokRec
}

// readErr wraps an error of the Source.
func readErr(what string, err error) error {
	return fmt.Errorf("entitlement: reading %s: %w", what, err)
}

// readAll reads a stream of records of one kind: it validates each with
// check and gives it, with its place, to do. It stops at the first error:
// of the Source (wrapped), of check or of do.
func readAll[T, R any](seq iter.Seq2[T, error], what string, check func(int, T) (R, error), do func(int, R) error) error {
	i := 0
	for x, err := range seq {
		if err != nil {
			return readErr(what, err)
		}
		r, err := check(i, x)
		if err != nil {
			return err
		}
		if do != nil {
			if err := do(i, r); err != nil {
				return err
			}
		}
		i++
	}
	return nil
}

// keepLatest keeps in m the latest state of r's subscription on or before
// day d: the one with the latest day, of those the last read.
func keepLatest(m map[subKey]onlineRec, r onlineRec, d daymath.Day) {
	if r.from > d {
		return
	}
	if old, ok := m[r.key]; !ok || old.from <= r.from {
		m[r.key] = r
	}
}

// collect reads src for day d, validating every record against g.
func collect(ctx context.Context, g *org, src Source, d daymath.Day) (*state, error) {
	st := &state{
		day: d, subs: map[subKey]onlineRec{}, levels: map[depKey]int64{},
		lines: map[lineKey]int64{}, total: map[lineKey]int64{},
	}
	err := readAll(src.Grants(ctx), "grants", g.grant, func(_ int, r grantRec) error {
		st.total[r.key] += r.qty
		if r.year.contains(d) && r.day <= d {
			st.lines[r.key] += r.qty
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A Source gives a subscription's states in a run (a Book does): the
	// run's latest state goes to the map once.
	var run onlineRec
	inRun := false
	err = readAll(src.Online(ctx), "online subscriptions", g.onlineStates(), func(_ int, r onlineRec) error {
		if r.from > d {
			return nil
		}
		if inRun && r.key != run.key {
			keepLatest(st.subs, run, d)
		} else if inRun && run.from > r.from {
			return nil
		}
		run, inRun = r, true
		return nil
	})
	if err != nil {
		return nil, err
	}
	if inRun {
		keepLatest(st.subs, run, d)
	}
	err = readAll(src.Deployments(ctx), "deployments", g.deployment, func(_ int, r depRec) error {
		if r.day <= d {
			st.levels[r.key] += r.delta
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k, n := range st.levels {
		if n < 0 {
			return nil, bad(ErrInvalid, top("deployments"), "more of pools[%d].onPremises[%d] removed than deployed at locations[%d] by %s",
				k.pool, k.lic, k.loc, d)
		}
	}
	seen := map[token.Fingerprint]bool{}
	err = readAll(src.Tokens(ctx), "tokens", g.token, func(i int, r tokRec) error {
		if seen[r.fp] {
			return bad(ErrDuplicate, item("tokens", i).at("fingerprint"), "a token already issued")
		}
		seen[r.fp] = true
		st.tokens = append(st.tokens, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// serves reports whether the online state r gives service on day d: it has
// a term and the Service says it serves on d.
func (g *org) serves(r onlineRec, d daymath.Day) (bool, error) {
	if r.sub.IsNone() {
		return false, nil
	}
	on, err := g.service.Serves(r.sub, d.Time())
	if err != nil {
		return false, fmt.Errorf("entitlement: service of an online subscription: %w", err)
	}
	return on, nil
}

// problems returns each pool's problem on st's day, and the online uses of
// pools whose tenant is placed nowhere.
func (g *org) problems(st *state) ([]problem, []Unplaced, error) {
	probs := make([]problem, len(g.pools))
	for p := range probs {
		probs[p].pool = p
	}
	var unplaced []Unplaced
	for k, r := range st.subs {
		if r.prod.pool < 0 {
			continue
		}
		on, err := g.serves(r, st.day)
		if err != nil {
			return nil, nil, err
		}
		if !on {
			continue
		}
		ref := Ref{Tenant: k.tenant, Product: k.product}
		l := g.placement(k)
		if l < 0 {
			unplaced = append(unplaced, Unplaced{Ref: ref, Pool: g.pools[r.prod.pool].name, Seats: int64(r.sub.Seats)})
			continue
		}
		pr := &probs[r.prod.pool]
		pr.uses = append(pr.uses, use{ref: ref, loc: l, qty: int64(r.sub.Seats), sub: r.sub})
	}
	for k, n := range st.levels {
		if n == 0 {
			continue
		}
		pr := &probs[k.pool]
		ref := Ref{Location: g.locs[k.loc].name, Licence: g.pools[k.pool].licences[k.lic]}
		pr.uses = append(pr.uses, use{ref: ref, loc: k.loc, qty: n})
	}
	for k, n := range st.lines {
		pr := &probs[k.pool]
		pr.lines = append(pr.lines, line{key: k, qty: n})
	}
	for p := range probs {
		g.index(&probs[p])
	}
	slices.SortFunc(unplaced, func(a, b Unplaced) int { return a.Ref.compare(b.Ref) })
	return probs, unplaced, nil
}

// index orders a problem's uses and lines and numbers its countries.
func (g *org) index(p *problem) {
	slices.SortFunc(p.uses, func(a, b use) int { return a.ref.compare(b.ref) })
	slices.SortFunc(p.lines, func(a, b line) int { return g.compareLines(a.key, b.key) })
	p.countries = p.countries[:0]
	for _, u := range p.uses {
		p.countries = append(p.countries, g.locs[u.loc].country)
	}
	for _, l := range p.lines {
		p.countries = append(p.countries, g.locs[l.key.loc].country)
	}
	slices.SortFunc(p.countries, Country.compare)
	p.countries = slices.Compact(p.countries)
	idx := func(c Country) int {
		i, _ := slices.BinarySearchFunc(p.countries, c, Country.compare)
		return i
	}
	p.demand = make([]int64, len(p.countries))
	for i := range p.uses {
		u := &p.uses[i]
		u.country = idx(g.locs[u.loc].country)
		p.demand[u.country] += u.qty
	}
	for i := range p.lines {
		p.lines[i].country = idx(g.locs[p.lines[i].key.loc].country)
	}
}

// compareLines orders lines by location, membership, year and kind.
func (g *org) compareLines(a, b lineKey) int {
	switch {
	case a.loc != b.loc:
		return a.loc - b.loc
	case a.m.Program != b.m.Program:
		return int(a.m.Program - b.m.Program)
	case a.m.Competency != b.m.Competency:
		if a.m.Competency < b.m.Competency {
			return -1
		}
		return 1
	case a.year != b.year:
		return int(a.year - b.year)
	}
	return int(a.kind - b.kind)
}
