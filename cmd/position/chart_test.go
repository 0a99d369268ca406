package main

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/picture"
)

// TestChartEveryDay: the picture's steps, computed on the days the records
// change only, are the position of every day of the program year, under a
// policy whose expired days serve (partner-center) and one whose do not
// (volume-licensing, R22): subscriptions that expire in the year stop
// counting on a day no record names.
func TestChartEveryDay(t *testing.T) {
	ctx := context.Background()
	for _, policy := range []activation.Policy{activation.PartnerCenter(), activation.VolumeLicensing()} {
		o := bigOrg(4, 120, 0)
		cfg := config{policy: policy}
		r, err := load(ctx, cfg, o.json(t), cli.NewOutput(io.Discard))
		require.NoError(t, err)
		at := mustDate("2027-01-15")
		pos, err := r.partner.Position(ctx, at)
		require.NoError(t, err)
		fs, err := r.partner.Check(ctx, at)
		require.NoError(t, err)
		ch, err := chartOf(ctx, r, pos, fs)
		require.NoError(t, err)
		require.Equal(t, mustDate("2026-07-01"), ch.From)
		require.Equal(t, mustDate("2027-07-01"), ch.To)
		days := 0
		for d := ch.From; d.Before(ch.To); d = d.Add(24 * time.Hour) {
			p, err := r.partner.Position(ctx, d)
			require.NoError(t, err)
			for i, pp := range p.Pools {
				want := picture.PoolStep{Online: pp.World.Online, OnPremises: pp.World.OnPremises, Granted: pp.World.Granted, Excess: pp.Excess}
				got := stepOn(ch.Pools[i].Steps, d)
				got.From = time.Time{}
				require.Equal(t, want, got, "%s: pool %d on %s", policy.Name, i, day(d))
			}
			days++
		}
		assert.Equal(t, 365, days)
		changes := 0
		for _, p := range ch.Pools {
			changes += len(p.Steps)
		}
		assert.Less(t, changes, 4*365/2, "%s: steps only where the figures change", policy.Name)
	}
}

// stepOn returns the step that holds on day d: the last one from d or
// before.
func stepOn(steps []picture.PoolStep, d time.Time) picture.PoolStep {
	var s picture.PoolStep
	for _, st := range steps {
		if st.From.After(d) {
			break
		}
		s = st
	}
	return s
}

// TestSpan: the days across are the program years that hold the day
// asked, from the earliest start to the latest end; six months either
// side when none does.
func TestSpan(t *testing.T) {
	o := bigOrg(1, 10, 0)
	r, err := load(context.Background(), config{policy: activation.PartnerCenter()}, o.json(t), cli.NewOutput(io.Discard))
	require.NoError(t, err)
	from, to := span(r.org, mustDate("2026-07-01"))
	assert.Equal(t, []time.Time{mustDate("2026-07-01"), mustDate("2027-07-01")}, []time.Time{from, to})
	from, to = span(r.org, mustDate("2027-07-01"))
	assert.Equal(t, []time.Time{mustDate("2027-01-01"), mustDate("2028-01-01")}, []time.Time{from, to}, "no year holds it")
	r.org.Locations[1].Years[1].Start, r.org.Locations[1].Years[1].End = mustDate("2026-09-01"), mustDate("2027-09-01")
	from, to = span(r.org, mustDate("2026-10-01"))
	assert.Equal(t, []time.Time{mustDate("2026-07-01"), mustDate("2027-09-01")}, []time.Time{from, to}, "years that differ: their span")
}
