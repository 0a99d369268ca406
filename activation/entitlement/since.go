package entitlement

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coterm/coterm/internal/daymath"
)

// Check returns the findings on day at (see [Issue] for each): over the
// entitlement and not covered (R14), over a maximum (R15), Action Pack
// licences needed outside their country (R16), mixed SKUs on a tenant
// (R19), use past the end of its use rights (R20) and tokens late or not
// entered (R21), each with its numbers, the uses that cause it and Since,
// the first day of the run of days up to at on which it holds. The findings
// are ordered by rule, issue, pool, country, tenant, product and year. A
// record that is not valid is an [*InputError]; an error of the Source is
// returned wrapped.
func (pt *Partner) Check(ctx context.Context, at time.Time) ([]Finding, error) {
	d, err := dayOf(top("at"), at)
	if err != nil {
		return nil, err
	}
	fs, err := pt.findingsAt(ctx, d, scope{tokens: true})
	if err != nil {
		return nil, err
	}
	if err := pt.since(ctx, d, fs); err != nil {
		return nil, err
	}
	slices.SortFunc(fs, compareFindings)
	return fs, nil
}

// key identifies a finding from one day to the next: its issue and what it
// is about, not its numbers.
type key struct {
	issue           Issue
	pool            string
	country         Country
	tenant, product string
	year            ProgramYear
}

func keyOf(f *Finding) key {
	k := key{issue: f.Issue, pool: f.Pool, country: f.Country, tenant: f.Tenant, product: f.Product}
	if f.Issue == TokensLate || f.Issue == TokensNotEntered {
		k.year = f.Years[0]
	}
	return k
}

// since sets each finding's Since. The records change what holds only on
// the days they name (a record's day, a program year's start or end, a
// subscription's end of service, a token's activate-by or redemption day),
// so what holds on day d holds until the next such day. since walks these
// days back from at, evaluates the day before each, and ends a finding's
// run where it no longer holds; only the pools (and the tokens) of the
// findings still open are evaluated.
func (pt *Partner) since(ctx context.Context, at daymath.Day, fs []Finding) error {
	open := map[key][]int{}
	for i := range fs {
		k := keyOf(&fs[i])
		open[k] = append(open[k], i)
	}
	if len(open) == 0 {
		return nil
	}
	days, err := pt.changeDays(ctx, at)
	if err != nil {
		return err
	}
	for _, e := range days {
		if len(open) == 0 {
			return nil
		}
		sc := scope{pools: make([]bool, len(pt.org.pools))}
		for k := range open {
			if k.pool != "" {
				sc.pools[pt.org.poolByName[k.pool]] = true
			}
			sc.tokens = sc.tokens || k.issue == TokensLate || k.issue == TokensNotEntered
		}
		var before []Finding
		if e-1 > daymath.MinDay {
			if before, err = pt.findingsAt(ctx, e-1, sc); err != nil {
				return err
			}
		}
		held := map[key]bool{}
		for i := range before {
			held[keyOf(&before[i])] = true
		}
		for k, is := range open {
			if held[k] {
				continue
			}
			for _, i := range is {
				fs[i].Since = e.Time()
			}
			delete(open, k)
		}
	}
	return nil
}

// changeDays returns the days up to at, latest first, on which what the
// records say can change.
func (pt *Partner) changeDays(ctx context.Context, at daymath.Day) ([]daymath.Day, error) {
	g := pt.org
	set := map[daymath.Day]bool{}
	add := func(ds ...daymath.Day) error {
		for _, d := range ds {
			if d != 0 && d <= at {
				set[d] = true
			}
		}
		return nil
	}
	for _, ys := range g.years {
		for _, y := range ys {
			add(y.start, y.end)
		}
	}
	// The streams in turn, each read once; the first error ends the scan.
	for _, read := range []func() error{
		func() error {
			return readAll(pt.src.Grants(ctx), "grants", g.grant, func(_ int, r grantRec) error { return add(r.day) })
		},
		func() error {
			return readAll(pt.src.Online(ctx), "online subscriptions", g.onlineStates(), func(_ int, r onlineRec) error {
				if add(r.from); r.sub.IsNone() {
					return nil
				}
				days, err := g.service.Changes(r.sub)
				if err != nil {
					return fmt.Errorf("entitlement: service of an online subscription: %w", err)
				}
				for _, d := range days {
					if err := add(daymath.Of(d)); err != nil {
						return err
					}
				}
				return nil
			})
		},
		func() error {
			return readAll(pt.src.Deployments(ctx), "deployments", g.deployment, func(_ int, r depRec) error { return add(r.day) })
		},
		func() error {
			return readAll(pt.src.Tokens(ctx), "tokens", g.token, func(_ int, r tokRec) error { return add(r.activateBy, r.redeemed) })
		},
	} {
		if err := read(); err != nil {
			return nil, err
		}
	}
	days := make([]daymath.Day, 0, len(set))
	for d := range set {
		days = append(days, d)
	}
	slices.SortFunc(days, func(a, b daymath.Day) int { return int(b - a) })
	return days, nil
}

// compareFindings orders findings by rule, issue, pool, country, tenant,
// product and year.
func compareFindings(a, b Finding) int {
	if c := int(a.Rule - b.Rule); c != 0 {
		return c
	}
	if c := int(a.Issue - b.Issue); c != 0 {
		return c
	}
	if c := strings.Compare(a.Pool, b.Pool); c != 0 {
		return c
	}
	if c := a.Country.compare(b.Country); c != 0 {
		return c
	}
	if c := strings.Compare(a.Tenant, b.Tenant); c != 0 {
		return c
	}
	if c := strings.Compare(a.Product, b.Product); c != 0 {
		return c
	}
	if len(a.Years) > 0 && len(b.Years) > 0 {
		return compareYears(a.Years[0], b.Years[0])
	}
	return 0
}
