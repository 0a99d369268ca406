package entitlement

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Cases that pin what the properties against the plain model reach only
// by chance: each names the rule and the numbers it holds.

// apOrg is the fixture with its countries' maximums changed by lim, and
// no one placed at Munich: of the Action Pack, only Paris's uses (FR, the
// second country by code after DE) could draw on Munich's lines, and R16
// forbids it.
func apOrg(lim func(*Pool)) Organisation {
	o := fixture()
	lim(&o.Pools[0])
	o.Placements = o.Placements[1:] // fabrikam at Paris only
	return o
}

// issueExcess lists each finding's issue and excess.
func issueExcess(fs []Finding) map[Issue]int64 {
	out := map[Issue]int64{}
	for _, f := range fs {
		out[f.Issue] += f.Excess
	}
	return out
}

// TestActionPackStaysInItsCountry (R15, R16): when a maximum binds, which
// one alone explains the shortfall is decided without letting a country's
// uses draw on another country's Action Pack: Munich's demonstration
// licences (bound to no maximum) never serve Paris, so the worldwide
// maximum alone, or France's alone, leaves Paris short, and is named.
func TestActionPackStaysInItsCountry(t *testing.T) {
	recs := Records{
		Grants: []Grant{grant("Munich", ap, Demonstration, 10), grant("Paris", ap, Core, 10)},
		Online: []Online{online("fabrikam", e3, 20)},
	}
	for _, c := range []struct {
		name string
		lim  func(*Pool)
		want map[Issue]int64
	}{
		{"the worldwide maximum", func(p *Pool) { p.WorldMax = 5 },
			map[Issue]int64{OverEntitlement: 10, OverWorldMax: 5, OutsideCountry: 10}},
		{"France's maximum", func(p *Pool) { p.Countries = []Limit{{Country: fr, Max: 5}} },
			map[Issue]int64{OverEntitlement: 10, OverCountryMax: 5, OutsideCountry: 10}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs, err := partner(t, apOrg(c.lim), recs).Check(bg, day("2026-08-01"))
			require.NoError(t, err)
			assert.Equal(t, c.want, issueExcess(fs), "%v", fs)
		})
	}
}

// TestPastYearEndStaysInItsCountry (R20, R16): the use a lapsed program
// year would still cover is counted with that year's Action Pack lines in
// their own country only: Munich's lapsed Action Pack would not cover
// Paris, so nothing is past its year's end; a lapsed competency would.
func TestPastYearEndStaysInItsCountry(t *testing.T) {
	lapsed := func(m Membership) (Organisation, Records) {
		o := apOrg(func(*Pool) {})
		old := Year{Membership: m, Start: day("2025-07-01"), End: day("2026-07-01")}
		o.Locations[1].Years = []Year{old}
		g := grant("Munich", m, Core, 10)
		g.Year = old.Start
		return o, Records{Grants: []Grant{g, grant("Paris", ap, Core, 5)}, Online: []Online{online("fabrikam", e3, 20)}}
	}
	o, recs := lapsed(ap)
	fs, err := partner(t, o, recs).Check(bg, day("2026-08-01"))
	require.NoError(t, err)
	assert.Equal(t, map[Issue]int64{OverEntitlement: 15}, issueExcess(fs), "%v", fs)

	o, recs = lapsed(gold)
	fs, err = partner(t, o, recs).Check(bg, day("2026-08-01"))
	require.NoError(t, err)
	assert.Equal(t, map[Issue]int64{OverEntitlement: 15, PastYearEnd: 10}, issueExcess(fs), "%v", fs)
}

// TestRunsBeyondCountsItsCountrysActionPack (R20, R13): an online
// subscription's use rights end with the last year of the lines it may
// draw on — a competency anywhere in the organisation, the Action Pack in
// its own country — not with another country's Action Pack, even one that
// runs longer.
func TestRunsBeyondCountsItsCountrysActionPack(t *testing.T) {
	o := apOrg(func(*Pool) {})
	o.Locations[1].Years = []Year{yearOf(gold), {Membership: ap, Start: day("2026-07-01"), End: day("2028-01-01")}}
	sub := online("fabrikam", e3, 5)
	sub.Subscription.End = day("2027-12-01")
	recs := Records{Grants: []Grant{grant("Munich", ap, Core, 10), grant("Munich", gold, Core, 10)}, Online: []Online{sub}}
	fs, err := partner(t, o, recs).Check(bg, day("2026-08-01"))
	require.NoError(t, err)
	beyond := only(fs, RunsBeyond)
	require.Len(t, beyond, 1, "%v", fs)
	assert.Equal(t, "fabrikam", beyond[0].Tenant)
	assert.Equal(t, day("2027-07-01"), beyond[0].Deadline, "the competency's year, not Munich's Action Pack")
	assert.EqualValues(t, 5, beyond[0].Used)
}

// TestPastYearEndNamesYearsInOrder (R20): the lapsed program years a
// finding names are ordered by location, then the Action Pack before the
// competencies, these by name — whatever order they are found in (the
// check is made again and again, as that order can vary).
func TestPastYearEndNamesYearsInOrder(t *testing.T) {
	o := fixture()
	old := func(m Membership) Year { return Year{Membership: m, Start: day("2025-07-01"), End: day("2026-07-01")} }
	zeta, alpha := Membership{Program: Competency, Competency: "Zeta"}, Membership{Program: Competency, Competency: "Alpha"}
	o.Locations[1].Years = []Year{old(zeta), old(gold), old(ap), old(alpha)}
	o.Locations[2].Years = []Year{old(alpha)}
	var recs Records
	for _, g := range []Grant{grant("Munich", zeta, Core, 1), grant("Munich", gold, Core, 1), grant("Munich", ap, Core, 1),
		grant("Munich", alpha, Core, 1), grant("Paris", alpha, Core, 1)} {
		g.Year = day("2025-07-01")
		recs.Grants = append(recs.Grants, g)
	}
	recs.Online = []Online{online("contoso", e3, 10), online("fabrikam", e3, 10)}
	var want []string
	for _, y := range []YearAt{{"Munich", old(ap)}, {"Munich", old(alpha)}, {"Munich", old(gold)}, {"Munich", old(zeta)}, {"Paris", old(alpha)}} {
		want = append(want, y.Location+" "+y.Year.Membership.String())
	}
	p := partner(t, o, recs)
	for range 20 {
		fs, err := p.Check(bg, day("2026-08-01"))
		require.NoError(t, err)
		past := only(fs, PastYearEnd)
		require.Len(t, past, 1, "%v", fs)
		assert.EqualValues(t, 5, past[0].Excess)
		var got []string
		for _, y := range past[0].Years {
			got = append(got, y.Location+" "+y.Membership.String())
		}
		require.Equal(t, want, got)
	}
}

// TestPositionListsLinesInOrder: a pool's lines in force are listed by
// location (the organisation's order), then the Action Pack before the
// competencies, these by name, then by year and kind (core, toolkit,
// demonstration) — whatever order the grants come in, which a map can
// change from call to call.
func TestPositionListsLinesInOrder(t *testing.T) {
	o := fixture()
	alpha := Membership{Program: Competency, Competency: "Alpha"}
	o.Locations[1].Years = append(o.Locations[1].Years, yearOf(alpha))
	recs := Records{Grants: []Grant{
		grant("Paris", ap, Core, 1), grant("Munich", gold, Demonstration, 1), grant("Munich", gold, Toolkit, 1),
		grant("Munich", ap, Demonstration, 1), grant("Munich", gold, Core, 1), grant("Munich", alpha, Core, 1),
		grant("Munich", ap, Core, 1), grant("Seattle", gold, Core, 1),
	}}
	want := []string{"Seattle competency Cloud Productivity core", "Munich action-pack core", "Munich action-pack demonstration",
		"Munich competency Alpha core", "Munich competency Cloud Productivity core", "Munich competency Cloud Productivity toolkit",
		"Munich competency Cloud Productivity demonstration", "Paris action-pack core"}
	p := partner(t, o, recs)
	for range 20 {
		pos, err := p.Position(bg, day("2026-08-01"))
		require.NoError(t, err)
		var got []string
		for _, l := range pos.Pools[0].Grants {
			got = append(got, l.Line.Location+" "+l.Line.Membership.String()+" "+l.Line.Kind.String())
		}
		require.Equal(t, want, got)
	}
}

// TestPositionSplitsAGroupsFlowInOrder: uses of two countries drawing on
// the competency's lines (one group: any use may draw on any of them, R17)
// draw, country by country, on the lines in their order, each line up to
// its quantity: Munich's 5 seats take 5 of Seattle's 10, Paris's 8 the
// other 5 and 3 of Munich's line.
func TestPositionSplitsAGroupsFlowInOrder(t *testing.T) {
	recs := Records{
		Grants: []Grant{grant("Munich", gold, Core, 10), grant("Seattle", gold, Core, 10)},
		Online: []Online{online("contoso", e3, 5), online("fabrikam", e3, 8)},
	}
	pos, err := partner(t, fixture(), recs).Position(bg, day("2026-08-01"))
	require.NoError(t, err)
	pp := pos.Pools[0]
	draws := map[string][]string{}
	for _, u := range pp.Uses {
		assert.Equal(t, u.Quantity, u.Covered, "%v", u.Ref)
		for _, d := range u.Draws {
			draws[u.Ref.Tenant] = append(draws[u.Ref.Tenant], d.Line.Location+" "+itoa(d.Quantity))
		}
	}
	assert.Equal(t, map[string][]string{"contoso": {"Seattle 5"}, "fabrikam": {"Seattle 5", "Munich 3"}}, draws)
	var drawn []string
	for _, l := range pp.Grants {
		drawn = append(drawn, l.Line.Location+" "+itoa(l.Drawn)+"/"+itoa(l.Quantity))
	}
	assert.Equal(t, []string{"Seattle 10/10", "Munich 3/10"}, drawn)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestOrganisationOrdersAndChecksEveryDeclaration: a membership's years
// may be given in any order (they are ordered before overlaps are looked
// for, and an overlap is found whatever the order), and every other
// product is checked, not the first only.
func TestOrganisationOrdersAndChecksEveryDeclaration(t *testing.T) {
	o := fixture()
	next := Year{Membership: gold, Start: day("2027-07-01"), End: day("2028-07-01")}
	o.Locations[1].Years = []Year{next, yearOf(ap), yearOf(gold)}
	_, err := New(o, Records{}.Source())
	require.NoError(t, err, "years in reverse order do not overlap")
	o.Locations[1].Years = []Year{next, yearOf(ap), {Membership: gold, Start: day("2026-07-01"), End: day("2027-07-02")}}
	_, err = New(o, Records{}.Source())
	assertBad(t, err, ErrOverlap, "locations[1].years")

	o = fixture()
	o.OtherProducts = append(o.OtherProducts, Product{Name: "Power BI", SKU: OtherSKU}, Product{Name: e3, SKU: OtherSKU})
	_, err = New(o, Records{}.Source())
	assertBad(t, err, ErrDuplicate, "otherProducts[2].name")
}

// TestDeploymentQuantityBounds: a deployment of MaxQuantity licences is
// recorded, one more is refused.
func TestDeploymentQuantityBounds(t *testing.T) {
	dep := deploy("Munich", MaxQuantity)
	recs := Records{Grants: []Grant{grant("Munich", gold, Core, MaxQuantity)}, Deployments: []Deployment{dep}}
	pos, err := partner(t, fixture(), recs).Position(bg, day("2026-08-01"))
	require.NoError(t, err)
	assert.EqualValues(t, MaxQuantity, pos.Pools[0].World.OnPremises)
	recs.Deployments[0].Quantity++
	_, err = partner(t, fixture(), recs).Position(bg, day("2026-08-01"))
	assertBad(t, err, ErrInvalid, "deployments[0].quantity")
}

// TestRecordsStopAtACancelledContext: a Source in memory yields nothing
// but the context's error once the context is done, not even its first
// record.
func TestRecordsStopAtACancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(bg)
	cancel()
	src := Records{Grants: []Grant{grant("Munich", gold, Core, 1)}, Online: []Online{online("contoso", e3, 1)},
		Deployments: []Deployment{deploy("Munich", 1)}, Tokens: []IssuedToken{{Location: "Munich"}}}.Source()
	var got []error
	for _, err := range src.Grants(ctx) {
		got = append(got, err)
	}
	for _, err := range src.Online(ctx) {
		got = append(got, err)
	}
	for _, err := range src.Deployments(ctx) {
		got = append(got, err)
	}
	for _, err := range src.Tokens(ctx) {
		got = append(got, err)
	}
	assert.Equal(t, []error{context.Canceled, context.Canceled, context.Canceled, context.Canceled}, got)
}

// TestSinceTheFirstDay: a finding that holds from the first day a record
// can name (0001-01-02) holds since that day; the day before it, the first
// of the calendar, is not evaluated.
func TestSinceTheFirstDay(t *testing.T) {
	o := fixture()
	first := Year{Membership: gold, Start: time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), End: time.Date(2, 1, 2, 0, 0, 0, 0, time.UTC)}
	for i := range o.Locations {
		o.Locations[i].Years = []Year{first}
	}
	g := grant("Munich", gold, Core, 10)
	g.Year = first.Start
	dep := deploy("Munich", 20)
	dep.Day = first.Start
	fs, err := partner(t, o, Records{Grants: []Grant{g}, Deployments: []Deployment{dep}}).Check(bg, time.Date(1, 6, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.Len(t, fs, 1, "%v", fs)
	assert.Equal(t, OverEntitlement, fs[0].Issue)
	assert.Equal(t, first.Start, fs[0].Since)
}

// TestSinceOfTokensNotEnteredAlone (R21): a year's new tokens not entered
// hold since the year began even when no other finding is open: the days
// before are evaluated with the tokens.
func TestSinceOfTokensNotEnteredAlone(t *testing.T) {
	o := fixture()
	next := Year{Membership: gold, Start: day("2027-07-01"), End: day("2028-07-01")}
	o.Locations[1].Years = append(o.Locations[1].Years, next)
	tok := IssuedToken{Location: "Munich", Membership: gold, Year: next.Start, Pool: office}
	tok.Fingerprint[0] = 9
	renewed := grant("Munich", gold, Core, 100)
	renewed.Year = next.Start
	recs := Records{Grants: []Grant{grant("Munich", gold, Core, 100), renewed}, Online: []Online{online("contoso", e3, 80)}, Tokens: []IssuedToken{tok}}
	fs, err := partner(t, o, recs).Check(bg, day("2027-10-01"))
	require.NoError(t, err)
	require.Equal(t, []Issue{TokensNotEntered}, issues(fs), "%v", fs)
	assert.Equal(t, "2027-07-01", date(fs[0].Since))
}

// TestFindingsOrder: Check orders its findings by rule, issue, pool,
// country, tenant, product and program year, whatever order they are
// found in — pools in the organisation's order, tenants and token groups
// as a map gives them, which can change from call to call.
func TestFindingsOrder(t *testing.T) {
	o := fixture()
	second := o.Pools[0]
	second.Name, second.Online, second.OnPremises = "apps", []Product{{Name: "Visio", SKU: Enterprise}}, []string{"Visio Pro"}
	o.Pools = append(o.Pools, second) // "office", then "apps"
	o.Placements = append(o.Placements, Placement{Tenant: "northwind", Location: "Munich"})
	next := Year{Membership: gold, Start: day("2026-07-01"), End: day("2027-07-01")}
	tok := func(loc string, n byte) IssuedToken {
		t := IssuedToken{Location: loc, Membership: gold, Year: next.Start, Pool: office, ActivateBy: day("2026-07-15")}
		t.Fingerprint[0] = n
		return t
	}
	visio := Grant{Location: "Seattle", Membership: gold, Year: next.Start, Pool: "apps", Kind: Core, Quantity: 1}
	recs := Records{
		Grants: []Grant{grant("Seattle", gold, Core, 1), visio},
		Online: []Online{online("contoso", e3, 2), online("contoso", dyn, 1), online("fabrikam", k1, 1), online("fabrikam", dyn, 1),
			online("northwind", "Visio", 3), online("zeta", e3, 1)},
		Tokens: []IssuedToken{tok("Paris", 2), tok("Munich", 1), tok("Seattle", 3)},
	}
	want := []string{
		"R14 over-entitlement apps", "R14 over-entitlement office", "R14 not-covered   zeta",
		"R19 mixed-skus   contoso", "R19 mixed-skus   fabrikam",
		"R21 tokens-late office  Munich", "R21 tokens-late office  Paris", "R21 tokens-late office  Seattle",
	}
	p := partner(t, o, recs)
	for range 20 {
		fs, err := p.Check(bg, day("2026-08-01"))
		require.NoError(t, err)
		var got []string
		for _, f := range fs {
			s := f.Rule.String() + " " + f.Issue.String() + " " + f.Pool
			if f.Tenant != "" {
				s += " " + f.Country.String() + " " + f.Tenant
			}
			if len(f.Years) > 0 {
				s += " " + f.Country.String() + " " + f.Years[0].Location
			}
			got = append(got, s)
		}
		require.Equal(t, want, got)
	}
}

// TestTokensDeadlinesAndRedemptionDay (R21): of a year's late tokens the
// finding's deadline is the earliest activate-by day; a new year's token
// redeemed on the day asked is entered on that day.
func TestTokensDeadlinesAndRedemptionDay(t *testing.T) {
	tok := func(n byte, by string) IssuedToken {
		t := IssuedToken{Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: office, ActivateBy: day(by)}
		t.Fingerprint[0] = n
		return t
	}
	for _, ts := range [][]IssuedToken{{tok(1, "2026-07-15"), tok(2, "2026-07-10")}, {tok(2, "2026-07-10"), tok(1, "2026-07-15")}} {
		fs, err := partner(t, fixture(), Records{Tokens: ts}).Check(bg, day("2026-08-01"))
		require.NoError(t, err)
		require.Equal(t, []Issue{TokensLate}, issues(fs))
		assert.Equal(t, "2026-07-10", date(fs[0].Deadline))
		assert.EqualValues(t, 2, fs[0].Used)
	}

	o := fixture()
	next := Year{Membership: gold, Start: day("2027-07-01"), End: day("2028-07-01")}
	o.Locations[1].Years = append(o.Locations[1].Years, next)
	newTok := IssuedToken{Location: "Munich", Membership: gold, Year: next.Start, Pool: office, Redeemed: day("2027-07-10")}
	newTok.Fingerprint[0] = 9
	recs := Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Online: []Online{online("contoso", e3, 80)}, Tokens: []IssuedToken{newTok}}
	p := partner(t, o, recs)
	for at, entered := range map[string]bool{"2027-07-09": false, "2027-07-10": true} {
		fs, err := p.Check(bg, day(at))
		require.NoError(t, err)
		assert.Equal(t, entered, len(only(fs, TokensNotEntered)) == 0, at)
	}
}

// TestTokensNotEnteredCountsTheSubscriptionsThatMayDraw (R21, R16, R17):
// the last safe day to enter a new year's tokens is set by the old year's
// subscriptions that could draw on its lines — placed anywhere in the
// organisation for a competency (the headquarters included), in the
// membership's own country for the Action Pack — the earliest of their
// last days of full service.
func TestTokensNotEnteredCountsTheSubscriptionsThatMayDraw(t *testing.T) {
	deadline := func(m Membership, place map[string]string, subs ...Online) []string {
		t.Helper()
		o := fixture()
		next := Year{Membership: m, Start: day("2027-07-01"), End: day("2028-07-01")}
		o.Locations[1].Years = append(o.Locations[1].Years, next)
		o.Placements = nil
		for tenant, loc := range place {
			o.Placements = append(o.Placements, Placement{Tenant: tenant, Location: loc})
		}
		tok := IssuedToken{Location: "Munich", Membership: m, Year: next.Start, Pool: office}
		tok.Fingerprint[0] = 9
		fs, err := partner(t, o, Records{Grants: []Grant{grant("Munich", m, Core, 100)}, Online: subs, Tokens: []IssuedToken{tok}}).
			Check(bg, day("2027-07-05"))
		require.NoError(t, err)
		var out []string
		for _, f := range only(fs, TokensNotEntered) {
			out = append(out, date(f.Deadline))
		}
		return out
	}
	contoso := online("contoso", e3, 10) // ends 2027-07-01: full service until 2027-07-30
	early := online("northwind", e3, 10)
	early.Subscription.End = day("2027-06-20") // full service until 2027-07-19
	assert.Equal(t, []string{"2027-07-30"}, deadline(gold, map[string]string{"contoso": "Seattle"}, contoso), "at the headquarters")
	assert.Equal(t, []string{"2027-07-30"}, deadline(gold, map[string]string{"contoso": "Paris"}, contoso), "a competency's, in another country")
	assert.Equal(t, []string{"2027-07-30"}, deadline(ap, map[string]string{"contoso": "Munich"}, contoso), "the Action Pack's, in its country")
	assert.Empty(t, deadline(ap, map[string]string{"contoso": "Paris"}, contoso), "the Action Pack's, in another country")
	assert.Equal(t, []string{"2027-07-19"}, deadline(gold, map[string]string{"contoso": "Munich", "northwind": "Paris"}, contoso, early), "the earliest")
	assert.Equal(t, []string{"2027-07-19"}, deadline(gold, map[string]string{"contoso": "Munich", "northwind": "Paris"}, early, contoso), "the earliest")
}

// TestWhatIfMoveBoundsAndEveryRecord (R14): a move of 1 user, and of
// MaxQuantity users off a subscription of that many seats, are taken, one
// more is refused; and every record a scenario adds counts, not only its
// first.
func TestWhatIfMoveBoundsAndEveryRecord(t *testing.T) {
	big := online("contoso", e3, MaxQuantity)
	p := partner(t, fixture(), Records{Grants: []Grant{grant("Munich", gold, Core, 10)}, Online: []Online{big}})
	move := func(users int) Move {
		return Move{Tenant: "contoso", Product: e3, Location: "Munich", Licence: proPl, Users: users, Day: day("2026-07-15")}
	}
	for _, users := range []int{1, MaxQuantity} {
		pos, _, err := p.WhatIf(bg, day("2026-08-01"), Scenario{Moves: []Move{move(users)}})
		require.NoError(t, err, "%d users", users)
		w := pos.Pools[0].World
		assert.EqualValues(t, MaxQuantity-users, w.Online, "%d users", users)
		assert.EqualValues(t, users, w.OnPremises, "%d users", users)
	}
	_, _, err := p.WhatIf(bg, day("2026-08-01"), Scenario{Moves: []Move{move(MaxQuantity + 1)}})
	assertBad(t, err, ErrInvalid, "scenario.moves[0].users")

	pos, _, err := p.WhatIf(bg, day("2026-08-01"), Scenario{
		Grants:      []Grant{grant("Paris", gold, Core, 5), grant("Seattle", gold, Core, 7)},
		Deployments: []Deployment{deploy("Paris", 2), deploy("Seattle", 3)},
	})
	require.NoError(t, err)
	w := pos.Pools[0].World
	assert.EqualValues(t, 22, w.Granted, "10 recorded, 5 and 7 added")
	assert.EqualValues(t, 5, w.OnPremises, "2 and 3 added")
}
