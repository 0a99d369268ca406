package entitlement

import (
	"testing"

	"github.com/coterm/coterm/activation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// want is a finding as a table states it: the fields that identify it and
// its numbers.
type want struct {
	issue        Issue
	country      Country
	tenant       string
	limit, used  int64
	excess       int64
	short, never []string
	since        string
}

func (w want) check(t *testing.T, f Finding) {
	t.Helper()
	assert.Equal(t, w.issue.Rule(), f.Rule, "rule")
	assert.Equal(t, w.country, f.Country, "country")
	assert.Equal(t, w.tenant, f.Tenant, "tenant")
	assert.Equal(t, w.limit, f.Limit, "limit")
	assert.Equal(t, w.used, f.Used, "used")
	assert.Equal(t, w.excess, f.Excess, "excess")
	assert.Equal(t, w.short, refNames(f.Short), "short")
	assert.Equal(t, w.never, refNames(f.Uncoverable), "uncoverable")
	if w.since != "" {
		assert.Equal(t, w.since, date(f.Since), "since")
	}
}

func refNames(rs []Ref) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.String())
	}
	return out
}

const (
	contoso  = "online contoso O365-E3"
	fabrikam = "online fabrikam O365-E3"
	munich   = "on-premises Office Professional Plus + CALs at Munich"
	paris    = "on-premises Office Professional Plus + CALs at Paris"
	seattle  = "on-premises Office Professional Plus + CALs at Seattle"
)

// The documented scenarios of the rules R14 to R17, each a table row: the
// records, the day, and the findings of Check (all of them, in order).
func TestRulesPool(t *testing.T) {
	tests := []struct {
		name string
		org  func(*Organisation)
		recs Records
		at   string
		want []want
	}{
		{name: "R14 seed: 80 online + 20 on-premises of 100", at: "2026-08-01",
			recs: Records{Grants: []Grant{grant("Munich", gold, Core, 100)},
				Online: []Online{online("contoso", e3, 80)}, Deployments: []Deployment{deploy("Munich", 20)}}},
		{name: "R14 seed: 81 + 20 of 100 is over by one, both uses named", at: "2026-08-01",
			recs: Records{Grants: []Grant{grant("Munich", gold, Core, 100)},
				Online: []Online{online("contoso", e3, 81)}, Deployments: []Deployment{deploy("Munich", 20)}},
			want: []want{{issue: OverEntitlement, limit: 100, used: 101, excess: 1, short: []string{contoso, munich}, since: "2026-07-03"}}},
		{name: "R14 a use larger than every grant is uncoverable", at: "2026-08-01",
			recs: Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Online: []Online{online("contoso", e3, 150)}},
			want: []want{{issue: OverEntitlement, limit: 100, used: 150, excess: 50, never: []string{contoso}, since: "2026-07-02"}}},
		{name: "R14 a grant that grows during the year counts from its day", at: "2026-09-01",
			recs: Records{Grants: []Grant{grant("Munich", gold, Core, 100), withDay(grant("Munich", gold, Core, 20), "2026-09-01")},
				Online: []Online{online("contoso", e3, 100)}, Deployments: []Deployment{deploy("Munich", 20)}}},
		{name: "R14 the same, the day before it grows", at: "2026-08-31",
			recs: Records{Grants: []Grant{grant("Munich", gold, Core, 100), withDay(grant("Munich", gold, Core, 20), "2026-09-01")},
				Online: []Online{online("contoso", e3, 100)}, Deployments: []Deployment{deploy("Munich", 20)}},
			want: []want{{issue: OverEntitlement, limit: 100, used: 120, excess: 20, short: []string{contoso, munich}, since: "2026-07-03"}}},
		{name: "R15 a country maximum bounds what sharing brings into the country", at: "2026-08-01",
			org:  func(o *Organisation) { o.Pools[0].Countries = []Limit{{Country: de, Max: 50}} },
			recs: Records{Grants: []Grant{grant("Seattle", gold, Core, 100)}, Online: []Online{online("contoso", e3, 80)}},
			want: []want{{issue: OverCountryMax, country: de, limit: 50, used: 80, excess: 30, never: []string{contoso}}}},
		{name: "R15 the worldwide maximum", at: "2026-08-01",
			org: func(o *Organisation) { o.Pools[0].WorldMax = 90 },
			recs: Records{Grants: []Grant{grant("Seattle", gold, Core, 200)},
				Online: []Online{online("contoso", e3, 60), online("fabrikam", e3, 40)}},
			want: []want{{issue: OverWorldMax, limit: 90, used: 100, excess: 10, short: []string{contoso, fabrikam}}}},
		{name: "R15 maximums that cost something only together", at: "2026-08-01",
			// Without maximums 2 of the 3 are covered; the US maximum alone
			// or the German one alone still lets 2 be covered, both
			// together only 1.
			org: func(o *Organisation) {
				o.Pools[0].CountryMax = 1
				o.Pools[0].Countries = []Limit{{Country: de, Max: 0}}
			},
			recs: Records{Grants: []Grant{grant("Munich", gold, Core, 2)}, Deployments: []Deployment{deploy("Seattle", 2), deploy("Munich", 1)}},
			want: []want{
				{issue: OverEntitlement, limit: 2, used: 3, excess: 1, never: []string{munich, seattle}},
				{issue: OverMaxJointly, used: 3, excess: 1, never: []string{munich, seattle}},
			}},
		{name: "R15 demonstration and training licences are not bound to the maximums", at: "2026-08-01",
			org: func(o *Organisation) { o.Pools[0].Countries = []Limit{{Country: de, Max: 50}} },
			recs: Records{Grants: []Grant{grant("Seattle", gold, Core, 50), grant("Munich", gold, Demonstration, 50)},
				Online: []Online{online("contoso", e3, 100)}}},
		{name: "R15 toolkit licences are bound to the maximums", at: "2026-08-01",
			org:  func(o *Organisation) { o.Pools[0].Countries = []Limit{{Country: de, Max: 50}} },
			recs: Records{Grants: []Grant{grant("Munich", gold, Toolkit, 100)}, Online: []Online{online("contoso", e3, 80)}},
			want: []want{{issue: OverCountryMax, country: de, limit: 50, used: 80, excess: 30, never: []string{contoso}}}},
		{name: "R15 Action Pack licences are bound to the maximums too", at: "2026-08-01",
			org:  func(o *Organisation) { o.Pools[0].CountryMax = 10 },
			recs: Records{Grants: []Grant{grant("Munich", ap, Core, 100)}, Deployments: []Deployment{deploy("Munich", 20)}},
			want: []want{{issue: OverCountryMax, country: de, limit: 10, used: 20, excess: 10, never: []string{munich}}}},
		{name: "R16 Action Pack licences of France do not cover use in Germany", at: "2026-08-01",
			recs: Records{Grants: []Grant{grant("Paris", ap, Core, 100)}, Online: []Online{online("contoso", e3, 50)}},
			want: []want{
				{issue: OverEntitlement, limit: 100, used: 50, excess: 50, never: []string{contoso}},
				{issue: OutsideCountry, country: de, limit: 0, used: 50, excess: 50, never: []string{contoso}},
			}},
		{name: "R16 Action Pack licences cover use in their own country", at: "2026-08-01",
			recs: Records{Grants: []Grant{grant("Paris", ap, Core, 100)}, Online: []Online{online("fabrikam", e3, 50)}, Deployments: []Deployment{deploy("Paris", 50)}}},
		{name: "R16 and R17 together: sharing crosses countries where a greedy order fails", at: "2026-08-01",
			// Munich's use needs the competency licences; Paris's can take the
			// Action Pack licences of France: any order that gives the
			// competency licences to Paris first leaves Munich short.
			recs: Records{Grants: []Grant{grant("Seattle", gold, Core, 50), grant("Paris", ap, Core, 50)},
				Online: []Online{online("fabrikam", e3, 50), online("contoso", e3, 50)}}},
		{name: "R17 competency licences of the headquarters cover use at an associated location", at: "2026-08-01",
			recs: Records{Grants: []Grant{grant("Seattle", gold, Core, 100)}, Online: []Online{online("contoso", e3, 60)}, Deployments: []Deployment{deploy("Paris", 40)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := fixture()
			if tt.org != nil {
				tt.org(&o)
			}
			fs, err := partner(t, o, tt.recs).Check(bg, day(tt.at))
			require.NoError(t, err)
			fs = dropIssue(fs, RunsBeyond)
			require.Len(t, fs, len(tt.want), "findings %v", fs)
			for i, w := range tt.want {
				assert.Equal(t, w.issue, fs[i].Issue)
				w.check(t, fs[i])
			}
		})
	}
}

func withDay(g Grant, d string) Grant {
	g.Day = day(d)
	return g
}

func dropIssue(fs []Finding, is Issue) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Issue != is {
			out = append(out, f)
		}
	}
	return out
}

// R14: a tenant placed at no location is not covered, reported apart: its
// seats are in no pool's figures and not in the excess.
func TestR14NotCovered(t *testing.T) {
	recs := Records{Grants: []Grant{grant("Munich", gold, Core, 100)},
		Online: []Online{online("contoso", e3, 80), online("northwind", e3, 30), online("northwind", k1, 5)}}
	p := partner(t, fixture(), recs)
	pos, err := p.Position(bg, day("2026-08-01"))
	require.NoError(t, err)
	assert.Equal(t, int64(80), pos.Pools[0].World.Online)
	assert.Zero(t, pos.Pools[0].Excess)
	assert.Equal(t, []Unplaced{
		{Ref: Ref{Tenant: "northwind", Product: e3}, Pool: office, Seats: 30},
		{Ref: Ref{Tenant: "northwind", Product: k1}, Pool: office, Seats: 5},
	}, pos.NotCovered)
	fs, err := p.Check(bg, day("2026-08-01"))
	require.NoError(t, err)
	fs = only(fs, NotCovered)
	require.Len(t, fs, 1)
	want{issue: NotCovered, tenant: "northwind", used: 35, short: []string{"online northwind O365-E3", "online northwind O365-K1"},
		since: "2026-07-02"}.check(t, fs[0])
}

// R19: on one tenant, other seats only of E or K SKUs.
func TestR19MixedSKUs(t *testing.T) {
	tests := []struct {
		name   string
		online []Online
		want   []string
	}{
		{"E and K together", []Online{online("contoso", e3, 10), online("contoso", k1, 5)}, nil},
		{"another SKU alone", []Online{online("contoso", dyn, 10)}, nil},
		{"E with another SKU", []Online{online("contoso", e3, 10), online("contoso", dyn, 3)}, []string{dyn, e3}},
		{"another SKU whose service ended does not count",
			[]Online{online("contoso", e3, 10), {From: day("2026-01-01"), Subscription: activation.Subscription{
				Tenant: "contoso", Product: dyn, Seats: 3, End: day("2026-02-01")}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Online: tt.online}
			fs, err := partner(t, fixture(), recs).Check(bg, day("2026-08-01"))
			require.NoError(t, err)
			fs = only(fs, MixedSKUs)
			if tt.want == nil {
				assert.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			assert.Equal(t, R19, fs[0].Rule)
			assert.Equal(t, tt.want, fs[0].Products)
			assert.Equal(t, int64(13), fs[0].Used)
			assert.Equal(t, "2026-07-02", date(fs[0].Since))
		})
	}
}

// R20: use rights end with the program year, online (R13 for each
// subscription) and on premises (not perpetual).
func TestR20(t *testing.T) {
	t.Run("a subscription past the year's end runs beyond its use rights", func(t *testing.T) {
		o := online("contoso", e3, 80)
		o.Subscription.End = day("2027-08-15")
		fs, err := partner(t, fixture(), Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Online: []Online{o}}).Check(bg, day("2026-08-01"))
		require.NoError(t, err)
		require.Equal(t, []Issue{RunsBeyond}, issues(fs))
		assert.Equal(t, R20, fs[0].Rule)
		assert.Equal(t, 45, fs[0].Days)
		assert.Equal(t, "2027-07-01", date(fs[0].Deadline))
		assert.Equal(t, "2026-07-02", date(fs[0].Since))
	})
	t.Run("a re-enrolment continues the use rights", func(t *testing.T) {
		org := fixture()
		org.Locations[1].Years = append(org.Locations[1].Years, Year{Membership: gold, Start: day("2027-07-01"), End: day("2028-07-01")})
		o := online("contoso", e3, 80)
		o.Subscription.End = day("2027-08-15")
		fs, err := partner(t, org, Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Online: []Online{o}}).Check(bg, day("2026-08-01"))
		require.NoError(t, err)
		assert.Empty(t, fs)
	})
	t.Run("on-premises use after the year ended, not renewed", func(t *testing.T) {
		recs := Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Deployments: []Deployment{deploy("Munich", 20)}}
		fs, err := partner(t, fixture(), recs).Check(bg, day("2027-07-10"))
		require.NoError(t, err)
		require.Equal(t, []Issue{OverEntitlement, PastYearEnd}, issues(fs))
		want{issue: PastYearEnd, used: 20, excess: 20, never: []string{munich}, since: "2027-07-01"}.check(t, fs[1])
		assert.Equal(t, []ProgramYear{{Location: "Munich", Membership: gold, Start: day("2026-07-01"), End: day("2027-07-01")}}, fs[1].Years)
	})
	t.Run("an online subscription still in service after the year ended", func(t *testing.T) {
		recs := Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Online: []Online{online("contoso", e3, 80)}}
		fs, err := partner(t, fixture(), recs).Check(bg, day("2027-07-20"))
		require.NoError(t, err)
		require.Equal(t, []Issue{OverEntitlement, PastYearEnd}, issues(fs))
		assert.Equal(t, int64(80), fs[1].Excess)
	})
}

// R18: a toolkit only at an associated location, for a competency.
func TestR18Toolkit(t *testing.T) {
	for name, g := range map[string]Grant{
		"at the headquarters": grant("Seattle", gold, Toolkit, 10),
		"for the Action Pack": grant("Munich", ap, Toolkit, 10),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := partner(t, fixture(), Records{Grants: []Grant{g}}).Position(bg, day("2026-08-01"))
			require.ErrorIs(t, err, ErrToolkit)
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), "grants[0].kind")
		})
	}
	_, err := partner(t, fixture(), Records{Grants: []Grant{grant("Munich", gold, Toolkit, 10)}}).Position(bg, day("2026-08-01"))
	require.NoError(t, err)
}

// R21: tokens per program year, activated before their day, and each
// year's new tokens entered before the old year's subscriptions lapse.
func TestR21(t *testing.T) {
	tok := func(n byte, by, redeemed string) IssuedToken {
		t := IssuedToken{Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: office, ActivateBy: day(by)}
		t.Fingerprint[0] = n
		if redeemed != "" {
			t.Redeemed = day(redeemed)
		}
		return t
	}
	t.Run("late", func(t *testing.T) {
		recs := Records{Tokens: []IssuedToken{tok(1, "2026-09-01", ""), tok(2, "2026-09-01", "2026-08-31"), tok(3, "2026-09-01", "2026-09-01")}}
		p := partner(t, fixture(), recs)
		fs, err := p.Check(bg, day("2026-08-31"))
		require.NoError(t, err)
		assert.Empty(t, fs, "not late before the activate-by day")
		fs, err = p.Check(bg, day("2026-10-01"))
		require.NoError(t, err)
		require.Equal(t, []Issue{TokensLate}, issues(fs))
		assert.Equal(t, R21, fs[0].Rule)
		assert.Equal(t, int64(2), fs[0].Used, "one not redeemed, one redeemed on its activate-by day")
		assert.Equal(t, "2026-09-01", date(fs[0].Since))
		assert.Equal(t, "2026-09-01", date(fs[0].Deadline))
	})
	t.Run("not entered before the old year's subscriptions lapse", func(t *testing.T) {
		org := fixture()
		next := Year{Membership: gold, Start: day("2027-07-01"), End: day("2028-07-01")}
		org.Locations[1].Years = append(org.Locations[1].Years, next)
		newTok := IssuedToken{Location: "Munich", Membership: gold, Year: next.Start, Pool: office}
		newTok.Fingerprint[0] = 9
		recs := Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Online: []Online{online("contoso", e3, 80)}, Tokens: []IssuedToken{newTok}}
		p := partner(t, org, recs)
		for _, tc := range []struct {
			at     string
			lapsed bool
		}{{"2027-07-01", false}, {"2027-07-30", false}, {"2027-07-31", true}} {
			fs, err := p.Check(bg, day(tc.at))
			require.NoError(t, err)
			fs = only(fs, TokensNotEntered)
			require.Len(t, fs, 1, tc.at)
			// the subscription ends 2027-07-01; full service (Expired) for
			// 30 days under Partner Center: the last safe day is 2027-07-30
			assert.Equal(t, "2027-07-30", date(fs[0].Deadline), tc.at)
			assert.Equal(t, tc.lapsed, fs[0].Lapsed, tc.at)
			assert.Equal(t, "2027-07-01", date(fs[0].Since), tc.at)
		}
		newTok.Redeemed = day("2027-07-10")
		recs.Tokens = []IssuedToken{newTok}
		fs, err := partner(t, org, recs).Check(bg, day("2027-07-20"))
		require.NoError(t, err)
		assert.Empty(t, only(fs, TokensNotEntered))
	})
}
