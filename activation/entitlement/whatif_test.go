package entitlement

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// combined is all use on the day: every pool's, online and on premises,
// and the online seats placed nowhere.
func combined(pos Position) int64 {
	var n int64
	for _, p := range pos.Pools {
		n += p.World.Online + p.World.OnPremises
	}
	for _, u := range pos.NotCovered {
		n += u.Seats
	}
	return n
}

// Moving users between online and on-premises use never changes the
// combined total (R14: they decrement each other), and WhatIf records
// nothing.
func TestPropertyMoveKeepsTheTotal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := drawCase(t)
		p, err := New(c.org, c.recs.Source())
		require.NoError(t, err)
		before, err := p.Position(bg, c.at)
		require.NoError(t, err)
		var serving []Ref
		for _, u := range before.Pools[0].Uses {
			if u.Ref.Online() {
				serving = append(serving, u.Ref)
			}
		}
		for _, u := range before.NotCovered {
			serving = append(serving, u.Ref)
		}
		if len(serving) == 0 {
			t.Skip("no subscription in service")
		}
		sub := rapid.SampledFrom(serving).Draw(t, "subscription")
		m := Move{Tenant: sub.Tenant, Product: sub.Product, Location: rapid.SampledFrom(names(c.org)).Draw(t, "location"),
			Licence: "L", Users: rapid.IntRange(1, 4).Draw(t, "users"), ToOnline: rapid.Bool().Draw(t, "to online"), Day: c.at}
		after, _, err := p.WhatIf(bg, c.at, Scenario{Moves: []Move{m}})
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid, "only a move the records cannot take is refused")
			return
		}
		require.Equal(t, combined(before), combined(after))
		again, err := p.Position(bg, c.at)
		require.NoError(t, err)
		require.Equal(t, before, again, "nothing recorded")
	})
}

// What-if scenarios that cannot be: a clear error, naming the field under
// "scenario", never a name.
func TestWhatIfRefusals(t *testing.T) {
	recs := Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Online: []Online{online("contoso", e3, 80)},
		Deployments: []Deployment{deploy("Munich", 20)}}
	p := partner(t, fixture(), recs)
	move := func(edit func(*Move)) Scenario {
		m := Move{Tenant: "contoso", Product: e3, Location: "Munich", Licence: proPl, Users: 10, Day: day("2026-08-01")}
		edit(&m)
		return Scenario{Moves: []Move{m}}
	}
	tests := []struct {
		name  string
		sc    Scenario
		kind  error
		field string
	}{
		{"zero users", move(func(m *Move) { m.Users = 0 }), ErrInvalid, "scenario.moves[0].users"},
		{"more users than seats", move(func(m *Move) { m.Users = 81 }), ErrInvalid, "scenario.moves[0].users"},
		{"an unknown product", move(func(m *Move) { m.Product = "Nowhere" }), ErrUnknown, "scenario.moves[0].product"},
		{"an unknown licence", move(func(m *Move) { m.Licence = "Nowhere" }), ErrUnknown, "scenario.moves[0].licence"},
		{"an unknown location", move(func(m *Move) { m.Location = "Nowhere" }), ErrUnknown, "scenario.moves[0].location"},
		{"a tenant named like a key", move(func(m *Move) { m.Tenant = pastedKey }), ErrInvalid, "scenario.moves[0].tenant"},
		{"to a subscription with no term", move(func(m *Move) { m.Tenant, m.ToOnline = "fabrikam", true }), ErrInvalid, "scenario.moves[0]"},
		{"more removed than deployed", move(func(m *Move) { m.Users, m.ToOnline = 21, true }), ErrInvalid, "deployments"},
		{"a year at an unknown location", Scenario{Years: []YearAt{{Location: "Nowhere", Year: yearOf(gold)}}}, ErrUnknown, "scenario.years[0].location"},
		{"a year that overlaps", Scenario{Years: []YearAt{{Location: "Munich", Year: yearOf(gold)}}}, ErrOverlap, "scenario.locations[1].years"},
		{"a grant of zero", Scenario{Grants: []Grant{grant("Munich", gold, Core, 0)}}, ErrInvalid, "scenario.grants[0].quantity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pos, fs, err := p.WhatIf(bg, day("2026-08-01"), tt.sc)
			assert.Zero(t, pos)
			assert.Nil(t, fs)
			assertBad(t, err, tt.kind, tt.field)
		})
	}
}

// A move to online and back, and deploying more: the position that would
// follow.
func TestWhatIfScenarios(t *testing.T) {
	recs := Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Online: []Online{online("contoso", e3, 80)},
		Deployments: []Deployment{deploy("Munich", 20)}}
	p := partner(t, fixture(), recs)
	at := day("2026-08-01")
	pos, fs, err := p.WhatIf(bg, at, Scenario{Moves: []Move{
		{Tenant: "contoso", Product: e3, Location: "Munich", Licence: proPl, Users: 20, ToOnline: true, Day: day("2026-07-20")},
	}})
	require.NoError(t, err)
	assert.Empty(t, fs)
	assert.Equal(t, int64(100), pos.Pools[0].World.Online)
	assert.Zero(t, pos.Pools[0].World.OnPremises)
	assert.Empty(t, pos.Pools[0].Uses[1:], "no licence deployed any more")

	pos, fs, err = p.WhatIf(bg, at, Scenario{Moves: []Move{
		{Tenant: "contoso", Product: e3, Location: "Munich", Licence: proPl, Users: 80, Day: day("2026-07-20")},
	}})
	require.NoError(t, err)
	assert.Empty(t, fs)
	assert.Zero(t, pos.Pools[0].World.Online, "a subscription left with no seats has none")
	assert.Equal(t, int64(100), pos.Pools[0].World.OnPremises)

	pos, fs, err = p.WhatIf(bg, at, Scenario{Deployments: []Deployment{deploy("Paris", 5)}})
	require.NoError(t, err)
	assert.Equal(t, int64(5), pos.Pools[0].Excess)
	require.Equal(t, []Issue{OverEntitlement}, issues(fs))
	assert.Equal(t, int64(5), fs[0].Excess)
}
