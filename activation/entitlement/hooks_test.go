package entitlement

import (
	"context"
	"errors"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endService is a Service under which a subscription serves, fully, up to
// its end date and no longer, as volume licensing does.
type endService struct{}

func (endService) Serves(s activation.Subscription, on time.Time) (bool, error) {
	return on.Before(s.End), nil
}
func (endService) FullServiceEnds(s activation.Subscription) (time.Time, error) { return s.End, nil }
func (endService) Changes(s activation.Subscription) ([]time.Time, error) {
	return []time.Time{s.End}, nil
}

// The Service decides when seats are use and the last safe day (R21).
func TestServiceHook(t *testing.T) {
	o := online("contoso", e3, 80)
	o.Subscription.End = day("2026-09-01")
	recs := Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Online: []Online{o}}
	at := day("2026-09-15")

	pos, err := partner(t, fixture(), recs).Position(bg, at)
	require.NoError(t, err)
	assert.Equal(t, int64(80), pos.Pools[0].World.Online, "Expired still serves under the policy's lifecycle")

	org := fixture()
	org.Service = endService{}
	pos, err = partner(t, org, recs).Position(bg, at)
	require.NoError(t, err)
	assert.Zero(t, pos.Pools[0].World.Online, "no service after the end date")

	// R21: the last safe day follows FullServiceEnds.
	next := Year{Membership: gold, Start: day("2027-07-01"), End: day("2028-07-01")}
	org.Locations[1].Years = append(org.Locations[1].Years, next)
	tok := IssuedToken{Fingerprint: [32]byte{7}, Location: "Munich", Membership: gold, Year: next.Start, Pool: office}
	recs = Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Online: []Online{online("contoso", e3, 80)}, Tokens: []IssuedToken{tok}}
	fs, err := partner(t, org, recs).Check(bg, day("2027-07-01"))
	require.NoError(t, err)
	fs = only(fs, TokensNotEntered)
	require.Len(t, fs, 1)
	assert.Equal(t, "2027-06-30", date(fs[0].Deadline), "End − 1 when full service ends with the term")
	assert.True(t, fs[0].Lapsed)
}

// brokenSource fails in the middle of its online subscriptions.
type brokenSource struct{ Source }

var errStore = errors.New("store: connection reset")

func (b brokenSource) Online(ctx context.Context) iter.Seq2[Online, error] {
	return func(yield func(Online, error) bool) {
		if yield(online("contoso", e3, 1), nil) {
			yield(Online{}, errStore)
		}
	}
}

// An error of the Source is returned wrapped, never as bad input; a
// cancelled context stops the reading.
func TestSourceErrors(t *testing.T) {
	src := brokenSource{Records{Grants: []Grant{grant("Munich", gold, Core, 1)}}.Source()}
	p, err := New(fixture(), src)
	require.NoError(t, err)
	_, err = p.Position(bg, day("2026-08-01"))
	require.ErrorIs(t, err, errStore)
	assert.NotErrorIs(t, err, ErrInvalid)
	assert.Equal(t, "entitlement: reading online subscriptions: store: connection reset", err.Error())
	_, err = p.Check(bg, day("2026-08-01"))
	require.ErrorIs(t, err, errStore)
	_, _, err = p.WhatIf(bg, day("2026-08-01"), Scenario{})
	require.ErrorIs(t, err, errStore)

	ctx, cancel := context.WithCancel(bg)
	cancel()
	q := partner(t, fixture(), Records{Grants: []Grant{grant("Munich", gold, Core, 1)}})
	_, err = q.Position(ctx, day("2026-08-01"))
	require.ErrorIs(t, err, context.Canceled)
	_, err = q.Check(ctx, day("2026-08-01"))
	require.ErrorIs(t, err, context.Canceled)
}

// A cause from package activation is kept as it reads, its package's name
// included: a wrap adds context and cuts nothing.
func TestInputErrorCause(t *testing.T) {
	bad := online("contoso", e3, 1)
	bad.Subscription.End = time.Time{}
	_, err := partner(t, fixture(), Records{Online: []Online{bad}}).Position(bg, day("2026-08-01"))
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorIs(t, err, activation.ErrInvalid)
	assert.Equal(t, "entitlement: online[0].subscription: not valid: activation: invalid input: subscription: 1 seats without an end date", err.Error())
	assert.Equal(t, 1, strings.Count(err.Error(), "entitlement: "))
}

// Each issue's one line, with its numbers, uses and day.
func TestFindingString(t *testing.T) {
	recs := Records{Grants: []Grant{grant("Munich", gold, Core, 100)},
		Online:      []Online{online("contoso", e3, 81), online("contoso", dyn, 2), online("northwind", e3, 4)},
		Deployments: []Deployment{deploy("Munich", 20)},
		Tokens: []IssuedToken{{Fingerprint: [32]byte{0xab, 0xcd}, Location: "Munich", Membership: gold, Year: day("2026-07-01"),
			Pool: office, ActivateBy: day("2026-07-20")}}}
	fs, err := partner(t, fixture(), recs).Check(bg, day("2026-08-01"))
	require.NoError(t, err)
	var lines []string
	for _, f := range fs {
		lines = append(lines, f.String())
	}
	assert.Equal(t, []string{
		"R14 over-entitlement in pool office: 101 used of 100 granted, 1 uncovered; uses left short: online contoso O365-E3, on-premises Office Professional Plus + CALs at Munich; since 2026-07-03",
		"R14 not-covered on tenant northwind: 4 seats placed at no location; uses left short: online northwind O365-E3; since 2026-07-02",
		"R19 mixed-skus on tenant contoso: 83 seats; products Dynamics 365, O365-E3; since 2026-07-02",
		"R21 tokens-late in pool office: 1 token not redeemed before activate-by 2026-07-20; year 2026-07-01–2027-07-01 of competency Cloud Productivity at Munich; token abcd000000000000; since 2026-07-20",
	}, lines)
}

// R22 in the position: seats are use on the days the policy's service per
// state is full or read-only. Under VolumeLicensing (90 days Expired with no
// service, then 60 days Disabled, read-only) a subscription ending
// 2026-09-01 is no use from 2026-09-01, use again from 2026-11-30 (Disabled)
// and no use from 2027-01-29 (Deleted); under PartnerCenter it is use up to
// 2026-12-29 (Deleted on day 120). A finding it causes while Disabled holds since DisabledFrom,
// and the last safe day for a new year's tokens is the day before the end
// date, when full service ends.
func TestServicePerChannel(t *testing.T) {
	o := online("contoso", e3, 80)
	o.Subscription.End = day("2026-09-01")
	recs := Records{Grants: []Grant{grant("Munich", gold, Core, 50)}, Online: []Online{o}}
	for _, c := range []struct {
		policy activation.Policy
		on     string
		use    int64
	}{
		{activation.VolumeLicensing(), "2026-08-31", 80},
		{activation.VolumeLicensing(), "2026-09-01", 0},
		{activation.VolumeLicensing(), "2026-11-29", 0},
		{activation.VolumeLicensing(), "2026-11-30", 80},
		{activation.VolumeLicensing(), "2027-01-28", 80},
		{activation.VolumeLicensing(), "2027-01-29", 0},
		{activation.PartnerCenter(), "2026-09-01", 80},
		{activation.PartnerCenter(), "2026-12-29", 80},
		{activation.PartnerCenter(), "2026-12-30", 0},
	} {
		org := fixture()
		org.Policy = c.policy
		pos, err := partner(t, org, recs).Position(bg, day(c.on))
		require.NoError(t, err)
		assert.Equal(t, c.use, pos.Pools[0].World.Online, "%s on %s", c.policy.Name, c.on)
	}

	org := fixture()
	org.Policy = activation.VolumeLicensing()
	fs, err := partner(t, org, recs).Check(bg, day("2026-12-15"))
	require.NoError(t, err)
	fs = only(fs, OverEntitlement)
	require.Len(t, fs, 1)
	assert.Equal(t, "2026-11-30", date(fs[0].Since), "over again since the Disabled days began, not since the first use")

	next := Year{Membership: gold, Start: day("2027-07-01"), End: day("2028-07-01")}
	org.Locations[1].Years = append(org.Locations[1].Years, next)
	tok := IssuedToken{Fingerprint: [32]byte{7}, Location: "Munich", Membership: gold, Year: next.Start, Pool: office}
	recs = Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Online: []Online{online("contoso", e3, 80)}, Tokens: []IssuedToken{tok}}
	fs, err = partner(t, org, recs).Check(bg, day("2027-07-01"))
	require.NoError(t, err)
	fs = only(fs, TokensNotEntered)
	require.Len(t, fs, 1)
	assert.Equal(t, "2027-06-30", date(fs[0].Deadline), "volume licensing: full service ends on the end date")
}
