package plan

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/proration"
)

// TestExplainShape: the explanation says which shape the plan has: every
// add before every extension, an extension before an add, or one kind only
// (R4–R6).
func TestExplainShape(t *testing.T) {
	const addsFirst = "Here every add comes before every extension."
	const interleaved = "Here a key extends before another is added"
	p, s, at := activation.PartnerCenter(), sub(100, day(2027, 3, 1)), day(2026, 12, 1)

	adds, err := Plan(p, s, pool(25, 50), at, ReachSeats(175))
	require.NoError(t, err)
	for _, st := range adds.Steps {
		require.Equal(t, activation.AddSeats, st.Op)
	}
	e := adds.Explain()
	assert.NotContains(t, e, addsFirst, "only adds")
	assert.NotContains(t, e, interleaved, "only adds")

	exts, err := Plan(p, s, pool(25, 50), at, ReachSeats(100))
	require.NoError(t, err)
	for _, st := range exts.Steps {
		require.Equal(t, activation.ExtendEnd, st.Op)
	}
	e = exts.Explain()
	assert.NotContains(t, e, addsFirst, "only extensions")
	assert.NotContains(t, e, interleaved, "only extensions")

	both, err := Plan(p, s, pool(25, 25, 50, 100), at, ReachEnd(day(2028, 3, 1)))
	require.NoError(t, err)
	assert.Contains(t, both.Explain(), addsFirst, "the worked example adds 25 and 50, then extends")

	mixed, err := Plan(p, s, pool(25, 25, 50, 100), at, ReachSeats(200))
	require.NoError(t, err)
	assert.Contains(t, mixed.Explain(), interleaved, "50 extends, then 100 is added")
	assert.NotContains(t, mixed.Explain(), addsFirst)
}

// TestExplainEmptyResult: a Result with no steps (as an InfeasibleError's
// Nearest may be) is explained without a panic, active or not.
func TestExplainEmptyResult(t *testing.T) {
	for _, r := range []Result{{}, {Start: sub(100, day(2027, 3, 1)), Final: sub(100, day(2027, 3, 1))}} {
		assert.NotPanics(t, func() { _ = r.Explain() })
		assert.NotPanics(t, func() { _ = r.Summary() })
	}
}

func TestSigned(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 1: "+1", -3: "-3", 1250: "+1,250", -1000: "-1,000"} {
		assert.Equal(t, want, signed(n), "signed(%d)", n)
	}
}

// TestReachSeatsLimits: a goal of MaxSeats seats is a valid goal (here an
// infeasible one); one seat more is invalid input.
func TestReachSeatsLimits(t *testing.T) {
	p, s, at := activation.PartnerCenter(), sub(100, day(2027, 3, 1)), day(2026, 12, 1)
	_, err := Plan(p, s, pool(25), at, ReachSeats(proration.MaxSeats))
	assert.ErrorIs(t, err, ErrInfeasible)
	assert.NotErrorIs(t, err, activation.ErrInvalid)
	_, err = Plan(p, s, pool(25), at, ReachSeats(proration.MaxSeats+1))
	assert.ErrorIs(t, err, activation.ErrInvalid)
	_, err = Plan(p, s, pool(25), at, ReachSeats(0))
	assert.ErrorIs(t, err, activation.ErrInvalid)
	assert.True(t, strings.HasPrefix(err.Error(), "plan: invalid input: goal: "), err.Error())
}

// TestExplainActivation: a plan on a subscription past its end date starts
// by activating it anew (R7), and the explanation says so, as it does for
// no subscription at all; a plan on an Active subscription does not.
func TestExplainActivation(t *testing.T) {
	const anew = "the first key activates it anew (R7); the days of the old term do not carry over."
	p, at := activation.PartnerCenter(), day(2026, 12, 1)
	for name, s := range map[string]activation.Subscription{
		"expired":  sub(100, day(2026, 11, 20)),
		"disabled": sub(100, day(2026, 9, 1)),
		"none":     {Product: product},
	} {
		r, err := Plan(p, s, pool(25, 50), at, ReachSeats(75))
		require.NoError(t, err, name)
		require.Equal(t, activation.Activate, r.Steps[0].Op, name)
		assert.Contains(t, r.Explain(), anew, name)
	}
	r, err := Plan(p, sub(100, day(2027, 3, 1)), pool(25, 50), at, ReachSeats(175))
	require.NoError(t, err)
	assert.NotContains(t, r.Explain(), anew, "active")
}

// TestExplainEndLimit: the explanation names the reading of the cap (R6) the
// plan's extensions were capped by: the end limit when one of them was,
// the per-key cap otherwise.
func TestExplainEndLimit(t *testing.T) {
	const perKey, endLimit = "a key may extend at most CapFactor × the active seats", "read as an end limit"
	p, s, at := activation.PartnerCenter(), sub(100, day(2027, 3, 1)), day(2026, 12, 1)
	r, err := Plan(p, s, pool(25, 50), at, ReachSeats(100)) // extends both
	require.NoError(t, err)
	assert.Contains(t, r.Explain(), perKey)
	p.CapRule = proration.CapEndLimit
	r, err = Plan(p, s, pool(25, 50), at, ReachSeats(100))
	require.NoError(t, err)
	require.Equal(t, activation.ExtendEnd, r.Steps[0].Op)
	assert.Contains(t, r.Explain(), endLimit)
	assert.NotContains(t, r.Explain(), perKey)
}
