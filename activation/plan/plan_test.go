package plan

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The worked example of the package documentation: 100 seats ending in 3 months (2027-03-01),
// keys of 25, 25, 50 and 100 seats redeemed on 2026-12-01, a program year
// ending in 15 months (2028-03-01). Plans pinned under PartnerCenter (R4, R5,
// R6 with calendar months and half-even rounding).
func TestWorkedExample(t *testing.T) {
	s, keys, at := sub(100, day(2027, 3, 1)), pool(25, 25, 50, 100), day(2026, 12, 1)
	const add, ext = activation.AddSeats, activation.ExtendEnd
	type step struct {
		seats int
		op    activation.Operation
		end   string
	}
	tests := []struct {
		name  string
		goal  Goal
		seats int
		end   string
		steps []step
	}{
		{"most seats until the program year ends (R13)", ReachEnd(day(2028, 3, 1)), 175, "2028-03-15", []step{
			{25, add, "2027-04-25"}, {50, add, "2027-06-27"}, {100, ext, "2028-01-23"}, {25, ext, "2028-03-15"}}},
		{"latest end with 200 seats: an extension before the add gains 3 days (R5)", ReachSeats(200), 200, "2028-01-18", []step{
			{50, ext, "2027-09-01"}, {100, add, "2027-10-17"}, {25, ext, "2027-12-02"}, {25, ext, "2028-01-18"}}},
		{"latest end with 100 seats: extend everything (R5, cap 300, R6)", ReachSeats(100), 100, "2029-03-01", []step{
			{25, ext, "2027-06-01"}, {25, ext, "2027-09-01"}, {50, ext, "2028-03-01"}, {100, ext, "2029-03-01"}}},
		{"most seats until 2027-09-01: add everything (R4)", ReachEnd(day(2027, 9, 1)), 300, "2027-09-01", []step{
			{25, add, "2027-04-25"}, {25, add, "2027-06-01"}, {50, add, "2027-07-17"}, {100, add, "2027-09-01"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Plan(activation.PartnerCenter(), s, keys, at, tt.goal)
			require.NoError(t, err)
			assert.True(t, r.Exhaustive)
			assert.Equal(t, tt.seats, r.Final.Seats)
			assert.Equal(t, tt.end, r.Final.End.Format(time.DateOnly))
			require.Len(t, r.Steps, len(tt.steps))
			for i, want := range tt.steps {
				got := r.Steps[i]
				assert.Equal(t, want.seats, got.Outcome.Token.Seats, "step %d seats", i+1)
				assert.Equal(t, want.op, got.Op, "step %d op", i+1)
				assert.Equal(t, want.end, got.Outcome.After.End.Format(time.DateOnly), "step %d end", i+1)
			}
			assert.Equal(t, int64(9_000), r.SeatDays.Start) // 100 seats × 90 days
			assert.Equal(t, int64(73_000), r.SeatDays.Keys) // 200 seats × 365 days
		})
	}

	t.Run("trade-off", func(t *testing.T) {
		r, err := Plan(activation.PartnerCenter(), s, keys, at, AllTradeOffs())
		require.NoError(t, err)
		assert.Equal(t, []point{
			{300, "2027-09-01"}, {275, "2027-09-27"}, {250, "2027-10-27"}, {225, "2027-12-02"}, {200, "2028-01-18"},
			{175, "2028-03-15"}, {150, "2028-06-01"}, {125, "2028-09-20"}, {100, "2029-03-01"},
		}, points(r.Front))
		assert.Equal(t, r.Front[0].Final, r.Final)
		assert.Contains(t, r.Explain(), "Trade-off (Pareto front, most seats first):")
	})

	t.Run("use rights of the planned subscription (R13)", func(t *testing.T) {
		r, err := Plan(activation.PartnerCenter(), s, keys, at, ReachEnd(day(2028, 3, 1)))
		require.NoError(t, err)
		u, err := CheckUseRights(activation.PartnerCenter(), r.Final, day(2028, 3, 1))
		require.NoError(t, err)
		assert.Equal(t, RunsBeyond, u.Finding())
		assert.Equal(t, 14, u.Beyond)
	})
}

// The structured search gives the same plan on the worked example padded to
// more keys than the exhaustive search takes.
func TestStructuredWorkedExample(t *testing.T) {
	s, at := sub(100, day(2027, 3, 1)), day(2026, 12, 1)
	keys := pool(25, 25, 50, 100, 1, 1, 1, 1, 1, 1)
	r, err := Plan(activation.PartnerCenter(), s, keys, at, ReachEnd(day(2028, 3, 1)))
	require.NoError(t, err)
	assert.False(t, r.Exhaustive)
	assert.Len(t, r.Steps, len(keys))
	assert.GreaterOrEqual(t, r.Final.End.Format(time.DateOnly), "2028-03-01")
	assert.Equal(t, 181, r.Final.Seats) // 175 + the six 1-seat keys
}

func TestPlanInactive(t *testing.T) {
	at := day(2026, 12, 1)
	for name, s := range map[string]activation.Subscription{
		"none":     {Tenant: "contoso"},
		"expired":  sub(10, day(2026, 11, 20)),
		"disabled": sub(10, day(2026, 9, 1)),
		"deleted":  sub(10, day(2025, 1, 1)),
	} {
		t.Run(name, func(t *testing.T) {
			r, err := Plan(activation.PartnerCenter(), s, pool(25, 25, 50), at, AllTradeOffs())
			require.NoError(t, err)
			for _, f := range r.Front {
				require.NotEmpty(t, f.Steps)
				assert.Equal(t, activation.Activate, f.Steps[0].Op, "R7: the first key activates")
				assert.Len(t, f.Steps, 3)
			}
			// 100 seats until 2027-12-01 (all added) … 25 seats extended by 75 seats = +36 months
			assert.Equal(t, point{100, "2027-12-01"}, points(r.Front)[0])
			assert.Equal(t, point{25, "2030-12-01"}, points(r.Front)[len(r.Front)-1])
		})
	}
}

func TestPlanErrors(t *testing.T) {
	p, s, at := activation.PartnerCenter(), sub(100, day(2027, 3, 1)), day(2026, 12, 1)
	other := pool(25)
	other[0].Product = "EMS"
	dup := pool(25, 50)
	dup[1].Key = dup[0].Key
	bad := pool(25)
	bad[0].Seats = 0
	tests := map[string]struct {
		keys []token.Token
		goal Goal
		want error
	}{
		"no keys":             {nil, AllTradeOffs(), activation.ErrInvalid},
		"21 keys":             {pool(make([]int, 21)...), AllTradeOffs(), ErrTooManyKeys},
		"the same key twice":  {dup, AllTradeOffs(), activation.ErrInvalid},
		"invalid key":         {bad, AllTradeOffs(), activation.ErrInvalid},
		"another product":     {other, AllTradeOffs(), activation.ErrProductMismatch},
		"zero goal":           {pool(25), Goal{}, activation.ErrInvalid},
		"zero seats goal":     {pool(25), ReachSeats(0), activation.ErrInvalid},
		"end out of reach":    {pool(25), ReachEnd(day(2030, 1, 1)), ErrInfeasible},
		"seats out of reach":  {pool(25), ReachSeats(126), ErrInfeasible},
		"zero end goal":       {pool(25), Goal{Kind: MostSeats}, activation.ErrInvalid},
		"unknown goal kind 9": {pool(25), Goal{Kind: 9}, activation.ErrInvalid},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Plan(p, s, tt.keys, at, tt.goal)
			require.ErrorIs(t, err, tt.want)
			for _, k := range tt.keys {
				assert.NotContains(t, err.Error(), k.Key.Reveal(), "no key in clear")
			}
		})
	}

	t.Run("infeasible names the nearest plan", func(t *testing.T) {
		_, err := Plan(p, s, pool(25, 25, 50, 100), at, ReachSeats(301))
		var ie *InfeasibleError
		require.True(t, errors.As(err, &ie))
		assert.Equal(t, 300, ie.Nearest.Final.Seats, "the most seats")
		assert.Contains(t, err.Error(), "nearest: 300 seats until 2027-09-01")

		_, err = Plan(p, s, pool(25, 25, 50, 100), at, ReachEnd(day(2029, 3, 2)))
		require.True(t, errors.As(err, &ie))
		assert.Equal(t, "2029-03-01", ie.Nearest.Final.End.Format(time.DateOnly), "the latest end")
	})
}

// TestZeroDateRefused: every entry point takes the calendar date first and
// then refuses the zero date 0001-01-01, which means "no date" (as
// activation does): at noon, at the zero time and in another zone alike, an
// error wrapping activation.ErrInvalid that names the zero date, never a plan
// or ErrInfeasible.
func TestZeroDateRefused(t *testing.T) {
	p, s, at := activation.PartnerCenter(), sub(100, day(2027, 3, 1)), day(2026, 12, 1)
	target := day(2028, 1, 1)
	calls := map[string]func(d time.Time) error{
		"Plan day": func(d time.Time) error {
			_, err := Plan(p, s, pool(25, 50), d, AllTradeOffs())
			return err
		},
		"Plan goal end": func(d time.Time) error {
			_, err := Plan(p, s, pool(25, 50), at, Goal{Kind: MostSeats, End: d})
			return err
		},
		"ExtendKeyFor": func(d time.Time) error {
			_, err := ExtendKeyFor(p, s, d, target)
			return err
		},
		"AddKeyFor": func(d time.Time) error {
			_, err := AddKeyFor(p, s, d, target)
			return err
		},
		"ExtendKeyFor target": func(d time.Time) error {
			_, err := ExtendKeyFor(p, s, at, d)
			return err
		},
		"AddKeyFor target": func(d time.Time) error {
			_, err := AddKeyFor(p, s, at, d)
			return err
		},
		"HeadroomAt": func(d time.Time) error {
			_, err := HeadroomAt(p, s, d)
			return err
		},
		"Renewal": func(d time.Time) error {
			_, err := Renewal(p, s, d)
			return err
		},
		"CheckUseRights": func(d time.Time) error {
			_, err := CheckUseRights(p, s, d)
			return err
		},
	}
	days := map[string]time.Time{
		"0001-01-01 at noon":          time.Date(1, 1, 1, 12, 0, 0, 0, time.UTC),
		"the zero time":               {},
		"0001-01-01 23:00 in UTC+1":   time.Date(1, 1, 1, 23, 0, 0, 0, time.FixedZone("x", 3600)),
		"0001-01-01 at the last nano": time.Date(1, 1, 1, 23, 59, 59, 999999999, time.UTC),
	}
	for name, call := range calls {
		for dname, d := range days {
			t.Run(name+"/"+dname, func(t *testing.T) {
				err := call(d)
				require.ErrorIs(t, err, activation.ErrInvalid, "%s(%s)", name, d)
				assert.NotErrorIs(t, err, ErrInfeasible)
				assert.Contains(t, err.Error(), "zero date 0001-01-01")
			})
		}
	}
	t.Run("0001-01-02 is a date", func(t *testing.T) {
		u, err := CheckUseRights(p, s, day(1, 1, 2))
		require.NoError(t, err)
		assert.Equal(t, RunsBeyond, u.Finding())
	})
}

func TestExplainMasksKeys(t *testing.T) {
	keys := pool(25, 25, 50, 100)
	r, err := Plan(activation.PartnerCenter(), sub(100, day(2027, 3, 1)), keys, day(2026, 12, 1), AllTradeOffs())
	require.NoError(t, err)
	text := r.Explain() + r.Summary()
	for _, k := range keys {
		assert.NotContains(t, text, k.Key.Reveal())
		assert.Contains(t, text, k.Key.String())
	}
	assert.True(t, strings.Contains(text, "82,000 seat-days"))
}

func TestGoalString(t *testing.T) {
	assert.Equal(t, "the most seats with an end date on or after 2028-03-01", ReachEnd(day(2028, 3, 1)).String())
	assert.Equal(t, "the latest end date with at least 200 seats", ReachSeats(200).String())
	assert.Equal(t, "trade-off", TradeOff.String())
	assert.Equal(t, "GoalKind(7)", GoalKind(7).String())
}

// TestPlanMasksKeyProductNames: keys for two products, one of them named
// like a product key: the error masks it.
func TestPlanMasksKeyProductNames(t *testing.T) {
	const name = "Q7RZK-M4XPA-J9CDV-T2WHN-B6G3F"
	keys := pool(25, 25)
	keys[1].Product = name
	_, err := Plan(activation.PartnerCenter(), activation.Subscription{}, keys, day(2026, 12, 1), AllTradeOffs())
	require.ErrorIs(t, err, activation.ErrInvalid)
	assert.NotContains(t, err.Error(), "Q7RZK")
	assert.Contains(t, err.Error(), "two products")
}

// TestPlanNoOrderAccepted: when Policy.Apply refuses every key in every
// operation — the subscription has the seat limit, so no key can be added,
// and it ends in the last supported month, so every extension would end
// after 9999-12-31 — there is no plan, and the error says that no order of
// the keys is accepted rather than naming a nearest plan. Both searches.
func TestPlanNoOrderAccepted(t *testing.T) {
	p, at := activation.PartnerCenter(), day(9998, 6, 1)
	s := sub(activation.MaxSeats, day(9999, 12, 1))
	for _, n := range []int{2, ExhaustiveKeys + 1} {
		seats := make([]int, n)
		for i := range seats {
			seats[i] = 100_000_000 + i // 1.2 months or more on 10^9 seats
		}
		_, err := Plan(p, s, pool(seats...), at, ReachSeats(activation.MaxSeats))
		var inf *InfeasibleError
		require.ErrorAs(t, err, &inf, "%d keys", n)
		assert.Empty(t, inf.Nearest.Steps, "%d keys", n)
		assert.EqualError(t, err, "plan: goal infeasible: no plan reaches the latest end date with at least 1,000,000,000 seats; no order of the keys is accepted", "%d keys", n)
	}
}

// TestPlanDateErrors: a day outside the supported years, and a key whose
// term would end after 9999-12-31, are invalid input; the message names the
// input (the day, or the key by its position) and never the key.
func TestPlanDateErrors(t *testing.T) {
	p := activation.PartnerCenter()
	_, err := Plan(p, sub(100, day(2027, 3, 1)), pool(25), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), ReachSeats(100))
	assert.ErrorIs(t, err, activation.ErrInvalid)
	assert.True(t, strings.HasPrefix(err.Error(), "plan: invalid input: day: "), err.Error())

	keys := pool(25, 50)
	keys[1].TermMonths = 24
	_, err = Plan(p, sub(100, day(9999, 3, 1)), keys, day(9998, 6, 1), ReachSeats(100))
	assert.ErrorIs(t, err, activation.ErrInvalid)
	assert.EqualError(t, err, "plan: invalid input: key 2: term past the supported years")
}
