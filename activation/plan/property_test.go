package plan

import (
	"errors"
	"flag"
	"strconv"
	"testing"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// checkPlan checks one plan against the rules:
//   - every key is used once, and each step re-applied through Policy.Apply on
//     the subscription the previous step left gives the same Outcome (no step
//     breaks a policy; an extension never exceeds the cap, R6);
//   - seat-days (R4, R5): final seats × days to the final end = the start's
//     A × B + Σ C × T of the keys + Σ of the steps' residues, exactly; and each
//     residue is bounded: an add within half the seats after it (nearest
//     roundings) or all of them (Down, Up), i.e. half a day / one day of end
//     date (R4); an extension under exact seat-days within half / one day of
//     its seats; under calendar months within 3 + 3 × ⌈C ÷ A⌉ days of its seats
//     (3 days per term's worth of months, see calendarSlack).
func checkPlan(t require.TestingT, pr problem, r Result) {
	require.Len(t, r.Steps, len(pr.keys), "every key is used")
	used := map[string]bool{}
	prev := pr.s
	var residues int64
	for i, st := range r.Steps {
		used[st.Key.Reveal()] = true
		o, err := pr.p.Apply(prev, st.Outcome.Token, st.Op, pr.at)
		require.NoError(t, err, "step %d", i+1)
		require.Equal(t, o, st.Outcome, "step %d re-applied", i+1)
		require.Equal(t, st.Outcome.Token.Key, st.Key)
		if st.Op == activation.ExtendEnd && pr.p.CapRule == proration.CapEndLimit {
			limit := daymath.AddMonths(pr.at, pr.p.CapFactor*st.Outcome.TermMonths)
			require.False(t, st.Outcome.After.End.After(limit), "R6 cap, end-limit: step %d ends %s after %s", i+1, st.Outcome.After.End, limit)
		} else if st.Op == activation.ExtendEnd {
			require.LessOrEqual(t, st.Outcome.Token.Seats, pr.p.CapFactor*prev.Seats, "R6 cap")
		}
		res, seats := st.Outcome.Residue, int64(st.Outcome.After.Seats)
		if res < 0 {
			res = -res
		}
		nearest := pr.p.Rounding == proration.HalfEven || pr.p.Rounding == proration.HalfUp
		switch {
		case st.Op == activation.ExtendEnd && pr.p.Convention == proration.CalendarMonths:
			// 3 days per term's worth of months (C ÷ A terms, rounded up) + 3
			terms := (int64(st.Outcome.Token.Seats) + seats - 1) / seats
			require.LessOrEqual(t, res, (3+3*terms)*seats, "step %d calendar residue", i+1)
		case st.Op == activation.Activate:
			require.Zero(t, res)
		case nearest:
			require.LessOrEqual(t, 2*res, seats, "step %d rounding residue", i+1)
		default:
			require.Less(t, res, seats, "step %d rounding residue", i+1)
		}
		residues += st.Outcome.Residue
		prev = o.After
	}
	require.Len(t, used, len(pr.keys))
	require.Equal(t, prev, r.Final)
	days := int64(proration.Days(pr.at, r.Final.End))
	require.Equal(t, int64(r.Final.Seats)*days, r.SeatDays.Final)
	require.Equal(t, r.SeatDays.Final, r.SeatDays.Start+r.SeatDays.Keys+residues, "seat-days conserved up to the residues")
	require.Equal(t, residues, r.SeatDays.Residue)
}

// Every plan on the front, exhaustive or structured, passes checkPlan.
func TestPropertyPlansKeepTheRules(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pr := drawProblem(t, 1, 10)
		r, err := Plan(pr.p, pr.s, pr.keys, pr.at, AllTradeOffs())
		require.NoError(t, err)
		require.NotEmpty(t, r.Front)
		for _, f := range r.Front {
			checkPlan(t, pr, f)
		}
		for i := 1; i < len(r.Front); i++ { // a Pareto front: fewer seats, later end
			require.Less(t, r.Front[i].Final.Seats, r.Front[i-1].Final.Seats)
			require.True(t, r.Front[i].Final.End.After(r.Front[i-1].Final.End))
		}
	})
}

// structuredShortfall is the tested bound on how many days the structured
// search can end earlier than the exhaustive optimum with n keys: 3 + 2n.
func structuredShortfall(n int) int64 { return 3 + 2*int64(n) }

// withChecks runs prop as subtest name with 1/div of the -rapid.checks
// budget (at least 1): the expensive sizes get fewer cases.
func withChecks(t *testing.T, div int, name string, prop func(*rapid.T)) {
	f := flag.Lookup("rapid.checks")
	old := f.Value.String()
	n, err := strconv.Atoi(old)
	require.NoError(t, err)
	require.NoError(t, f.Value.Set(strconv.Itoa(max(1, n/div))))
	defer func() { require.NoError(t, f.Value.Set(old)) }()
	t.Run(name, rapid.MakeCheck(prop))
}

// matchesBruteForce checks that Plan's front is brute force's, point for
// point, and that Plan searched exhaustively.
func matchesBruteForce(t *rapid.T, pr problem) {
	r, err := Plan(pr.p, pr.s, pr.keys, pr.at, AllTradeOffs())
	require.NoError(t, err)
	require.True(t, r.Exhaustive)
	require.Equal(t, bruteForce(pr), points(r.Front))
}

// Up to ExhaustiveKeys (8) keys the plan is as good as brute force over
// every order of the keys and every planned operation: the front is
// identical, so every goal's answer is optimal.
func TestPropertyExhaustiveMatchesBruteForce(t *testing.T) {
	require.Equal(t, 8, ExhaustiveKeys)
	t.Run("1 to 6 keys", rapid.MakeCheck(func(t *rapid.T) { matchesBruteForce(t, drawProblem(t, 1, 6)) }))
	withChecks(t, 4, "7 or 8 keys of few kinds", func(t *rapid.T) { matchesBruteForce(t, drawFewKinds(t, 7, 8)) })
	withChecks(t, 20, "7 or 8 keys", func(t *rapid.T) { matchesBruteForce(t, drawProblem(t, 7, 8)) })
}

// The structured search, which Plan uses above ExhaustiveKeys keys, is near
// the exhaustive optimum: for every point of the exhaustive front it has a
// plan with at least as many seats ending at most structuredShortfall(n)
// days earlier (the bound the package documentation states; measured over
// 300 cases each: at most 8, 9 and 10 days for 7, 8 and 9 keys).
//
// Under the end-limit reading of the cap (R6) the bound is not claimed (see
// the package documentation): there the structured plans are only checked
// to keep every rule.
func TestPropertyStructuredNearExhaustive(t *testing.T) {
	near := func(t *rapid.T, pr problem) {
		c, err := prepare(pr.p, pr.s, pr.keys, pr.at)
		require.NoError(t, err)
		if pr.p.CapRule == proration.CapEndLimit {
			st := c.structured(AllTradeOffs())
			require.NotEmpty(t, st)
			r, err := c.choose(AllTradeOffs(), st, false)
			require.NoError(t, err)
			for _, f := range r.Front {
				checkPlan(t, pr, f)
			}
			return
		}
		ex := c.exhaustive()
		st := c.structured(AllTradeOffs())
		for _, e := range ex {
			best := int64(-1 << 40)
			for _, s := range st {
				if s.seats >= e.seats && s.end > best {
					best = s.end
				}
			}
			require.GreaterOrEqual(t, best+structuredShortfall(len(pr.keys)), e.end, "%d seats", e.seats)
		}
		// and for the other goals, the structured answer is a valid plan
		for _, g := range []Goal{ReachSeats(int(ex[0].seats)), ReachEnd(daymath.AddDays(pr.at, int(ex[len(ex)-1].end)))} {
			ps := c.structured(g)
			require.NotEmpty(t, ps)
			r, err := c.choose(g, ps, false)
			if err != nil {
				require.ErrorIs(t, err, ErrInfeasible)
				continue
			}
			checkPlan(t, pr, r)
		}
	}
	t.Run("1 to 6 keys", rapid.MakeCheck(func(t *rapid.T) { near(t, drawProblem(t, 1, 6)) }))
	withChecks(t, 10, "7 to 9 keys", func(t *rapid.T) { near(t, drawProblem(t, 7, 9)) })
}

// Goals agree with the front: MostSeats is the front's most seats at or past
// the date, LatestEnd the front's latest end with enough seats.
func TestPropertyGoalsAgreeWithFront(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pr := drawProblem(t, 1, 5)
		all, err := Plan(pr.p, pr.s, pr.keys, pr.at, AllTradeOffs())
		require.NoError(t, err)
		f := all.Front
		pick := f[rapid.IntRange(0, len(f)-1).Draw(t, "point")]
		r, err := Plan(pr.p, pr.s, pr.keys, pr.at, ReachEnd(pick.Final.End))
		require.NoError(t, err)
		require.Equal(t, pick.Final, r.Final)
		r, err = Plan(pr.p, pr.s, pr.keys, pr.at, ReachSeats(pick.Final.Seats))
		require.NoError(t, err)
		require.Equal(t, pick.Final, r.Final)
		_, err = Plan(pr.p, pr.s, pr.keys, pr.at, ReachEnd(daymath.AddDays(f[len(f)-1].Final.End, 1)))
		var ie *InfeasibleError
		require.True(t, errors.As(err, &ie))
		require.Equal(t, f[len(f)-1].Final, ie.Nearest.Final)
	})
}

// ExtendKeyFor is minimal (R5): its key reaches the target, one seat fewer
// does not; Allowed says whether the cap accepts it (R6).
func TestPropertyExtendKeyForMinimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := activation.PartnerCenter()
		if rapid.Bool().Draw(t, "exactSeatDays") {
			p.Convention = proration.ExactSeatDays
		}
		at := daymath.AddDays(day(2026, 1, 1), rapid.IntRange(0, 1500).Draw(t, "atDay"))
		s := sub(rapid.IntRange(1, 5000).Draw(t, "seats"), daymath.AddDays(at, rapid.IntRange(1, 1000).Draw(t, "remaining")))
		target := daymath.AddDays(s.End, rapid.IntRange(-30, 4000).Draw(t, "daysPastEnd"))
		a, err := ExtendKeyFor(p, s, at, target)
		require.NoError(t, err)
		if !s.End.Before(target) {
			require.True(t, a.Reached)
			return
		}
		wide := p
		wide.CapFactor = proration.MaxCapFactor
		endOf := func(c int) time.Time {
			q, err := ask(p, s, at)
			require.NoError(t, err)
			tok := q.hypothetical(c)
			o, err := wide.Apply(s, tok, activation.ExtendEnd, at)
			require.NoError(t, err)
			return o.After.End
		}
		if a.Seats == 0 {
			require.True(t, endOf(proration.MaxKeySeats(s.Seats, wide.CapFactor)).Before(target))
			return
		}
		require.False(t, endOf(a.Seats).Before(target), "reaches")
		if a.Seats > 1 {
			require.True(t, endOf(a.Seats-1).Before(target), "one seat fewer does not")
		}
		require.Equal(t, a.Seats <= p.CapFactor*s.Seats, a.Allowed)
		require.Equal(t, p.CapFactor*s.Seats, a.MaxKey)
		if a.Allowed {
			require.Equal(t, endOf(a.Seats), a.Outcome.After.End)
		}
	})
}

// AddKeyFor's range is exact (R4): Min and Max reach the target, Min − 1 and
// Max + 1 do not, and the end never passes Limit.
func TestPropertyAddKeyForMinimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := activation.PartnerCenter()
		p.Rounding = proration.Rounding(rapid.IntRange(0, 3).Draw(t, "rounding"))
		at := daymath.AddDays(day(2026, 1, 1), rapid.IntRange(0, 1500).Draw(t, "atDay"))
		s := sub(rapid.IntRange(1, 5000).Draw(t, "seats"), daymath.AddDays(at, rapid.IntRange(1, 800).Draw(t, "remaining")))
		target := daymath.AddDays(at, rapid.IntRange(1, 800).Draw(t, "targetDays"))
		a, err := AddKeyFor(p, s, at, target)
		require.NoError(t, err)
		reaches := func(c int) bool {
			q, err := ask(p, s, at)
			require.NoError(t, err)
			tok := q.hypothetical(c)
			o, err := p.Apply(s, tok, activation.AddSeats, at)
			require.NoError(t, err)
			require.False(t, o.After.End.After(a.Limit) && o.After.End.After(s.End), "never beyond the limit")
			return !o.After.End.Before(target)
		}
		most := activation.MaxSeats - s.Seats
		if !a.Reachable() {
			require.False(t, reaches(1))
			require.False(t, reaches(most))
			return
		}
		require.True(t, reaches(a.Min))
		require.True(t, reaches(a.Max))
		if a.Min > 1 {
			require.False(t, reaches(a.Min-1), "one seat fewer does not")
		}
		if a.Max < most {
			require.False(t, reaches(a.Max+1), "one seat more does not")
		}
	})
}

// Renewal agrees with a day-by-day scan of Policy.Apply (R8, R9), a day of
// an Expired subscription being loss-free only where the policy serves it
// fully (R22).
func TestPropertyRenewal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := rapid.SampledFrom([]activation.Policy{activation.PartnerCenter(), activation.Open2014(), activation.VolumeLicensing()}).Draw(t, "policy")
		p.GraceDays = rapid.IntRange(0, 60).Draw(t, "grace")
		p.ExpiredService = rapid.SampledFrom([]activation.Service{activation.FullService, activation.ReadOnlyService, activation.NoService}).Draw(t, "expired service")
		p.RenewWindowDays = rapid.IntRange(0, 60).Draw(t, "window")
		end := daymath.AddDays(day(2027, 1, 1), rapid.IntRange(0, 800).Draw(t, "endDay"))
		s := sub(rapid.IntRange(1, 500).Draw(t, "seats"), end)
		at := daymath.AddDays(end, rapid.IntRange(-90, 40).Draw(t, "atFromEnd"))
		r, err := Renewal(p, s, at)
		require.NoError(t, err)
		q, err := ask(p, s, at)
		require.NoError(t, err)
		tok := q.hypothetical(s.Seats)
		var clean []time.Time
		for d := at; d.Before(daymath.AddDays(end, p.GraceDays+p.DisabledDays+1)); d = daymath.AddDays(d, 1) {
			o, err := p.Apply(s, tok, activation.Renew, d)
			if err != nil {
				continue
			}
			served := o.StateBefore == activation.Active || o.StateBefore == activation.Expired && p.ExpiredService == activation.FullService
			if o.DaysLost == 0 && served {
				clean = append(clean, d)
			}
		}
		if len(clean) == 0 {
			require.False(t, r.OK)
			return
		}
		require.True(t, r.OK)
		require.Equal(t, clean[0], r.First)
		require.Equal(t, clean[len(clean)-1], r.Last)
		if p.GraceDays > 0 && !at.After(end) && p.ExpiredService == activation.FullService {
			require.Equal(t, end, r.First, "the first loss-free day is the end date")
			require.Equal(t, daymath.AddDays(end, p.GraceDays-1), r.Last, "the last is the last day of the grace")
		}
	})
}

func TestCheckUseRights(t *testing.T) {
	p := activation.PartnerCenter()
	tests := []struct {
		name                 string
		end, programEnd      time.Time
		finding              Finding
		beyond, lapse, grace int
	}{
		{"aligned", day(2028, 3, 1), day(2028, 3, 1), Aligned, 0, 0, 0},
		{"runs beyond (R13)", day(2028, 3, 15), day(2028, 3, 1), RunsBeyond, 14, 0, 0},
		{"lapses inside the grace (R8)", day(2028, 2, 20), day(2028, 3, 1), Lapses, 0, 10, 10},
		{"lapses past the grace", day(2027, 3, 1), day(2028, 3, 1), Lapses, 0, 366, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := CheckUseRights(p, sub(100, tt.end), tt.programEnd)
			require.NoError(t, err)
			assert.Equal(t, tt.finding, u.Finding())
			assert.Equal(t, tt.beyond, u.Beyond)
			assert.Equal(t, tt.lapse, u.Lapse)
			assert.Equal(t, tt.grace, u.LapseInGrace)
			assert.Equal(t, tt.grace, u.LapseServed, "a fully served grace (R8)")
			assert.NotEmpty(t, u.String())
		})
	}
	// R22: under volume licensing the 90-day grace has no service.
	u, err := CheckUseRights(activation.VolumeLicensing(), sub(100, day(2027, 3, 1)), day(2028, 3, 1))
	require.NoError(t, err)
	assert.Equal(t, 90, u.LapseInGrace)
	assert.Equal(t, 0, u.LapseServed)
	assert.Equal(t, "lapses 366 days before its use rights end, 90 of them in the grace period, 0 with full service "+
		"(end 2027-03-01, use rights end 2028-03-01) (R8, R13, R22)", u.String())
	_, err = CheckUseRights(p, activation.Subscription{}, day(2028, 3, 1))
	assert.ErrorIs(t, err, activation.ErrInvalid)
	assert.Equal(t, "Finding(0)", Finding(0).String())
}

func TestInverseErrors(t *testing.T) {
	p, at := activation.PartnerCenter(), day(2026, 12, 1)
	expired := sub(100, day(2026, 11, 1))
	_, err := ExtendKeyFor(p, expired, at, day(2028, 1, 1))
	assert.ErrorIs(t, err, activation.ErrNotAllowed, "R7: no extension once expired")
	_, err = AddKeyFor(p, expired, at, day(2028, 1, 1))
	assert.ErrorIs(t, err, activation.ErrNotAllowed)
	_, err = HeadroomAt(p, activation.Subscription{}, at)
	assert.ErrorIs(t, err, activation.ErrInvalid)
	_, err = Renewal(activation.Policy{}, sub(1, day(2027, 1, 1)), at)
	assert.ErrorIs(t, err, activation.ErrInvalid)
}
