package activation

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testKey = "AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"

func mkDate(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func mkToken(seats int) token.Token {
	return token.Token{Key: token.MustParseKey(testKey), Product: "O365-E3", Seats: seats}
}

func mkSub(seats int, end time.Time) Subscription {
	return Subscription{Tenant: "contoso", Product: "O365-E3", Seats: seats, End: end}
}

// TestLicensingScenarios covers the four licensing scenarios of *Cloud
// services* (R5, R6) and a worked example of R5 with a fractional month.
func TestLicensingScenarios(t *testing.T) {
	at, end := mkDate(2026, 6, 15), mkDate(2027, 3, 15)
	tests := []struct {
		name        string
		seats, key  int
		wantEnd     time.Time
		num, den    int64
		wantCap     bool
		wantMaxSeat int
	}{
		{"scenario 1: 100 + 25 = +3 months (R5)", 100, 25, mkDate(2027, 6, 15), 3, 1, false, 0},
		{"scenario 2: 100 + 100 = +12 months (R5)", 100, 100, mkDate(2028, 3, 15), 12, 1, false, 0},
		{"scenario 3: 5 + 10 = +24 months (R5)", 5, 10, mkDate(2029, 3, 15), 24, 1, false, 0},
		{"scenario 4: 100 + 300 = +36 months, the cap (R6)", 100, 300, mkDate(2030, 3, 15), 36, 1, false, 0},
		{"scenario 4: 100 + 301 refused (R6)", 100, 301, time.Time{}, 0, 0, true, 300},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := PartnerCenter().Apply(mkSub(tc.seats, end), mkToken(tc.key), ExtendEnd, at)
			if tc.wantCap {
				require.ErrorIs(t, err, ErrExtensionCap)
				require.ErrorIs(t, err, proration.ErrExtensionCap)
				var ce *proration.CapError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, tc.wantMaxSeat, ce.MaxKeySeats, "largest key accepted")
				assert.Equal(t, Outcome{}, o, "a refused Apply returns the zero Outcome")
				return
			}
			require.NoError(t, err)
			assert.Truef(t, o.After.End.Equal(tc.wantEnd), "new end = %s, want %s", dateString(o.After.End), dateString(tc.wantEnd))
			assert.Equal(t, tc.seats, o.After.Seats, "extend keeps the seats (R5)")
			assert.Equal(t, tc.num, o.MonthsNum)
			assert.Equal(t, tc.den, o.MonthsDen)
			assert.Equal(t, ExtendEnd, o.Applied)
		})
	}
}

// TestExtendFractionalMonth is a worked example of R5 with a fractional
// month: E = 2027-01-31,
// A = 8, C = 1: m = 1.5, Ew = 2027-02-28, + 0.5 × 31 = 15.5 → 16 → 2027-03-16.
func TestExtendFractionalMonth(t *testing.T) {
	o, err := PartnerCenter().Apply(mkSub(8, mkDate(2027, 1, 31)), mkToken(1), ExtendEnd, mkDate(2026, 12, 1))
	require.NoError(t, err)
	assert.Equal(t, "2027-03-16", dateString(o.After.End))
	assert.Equal(t, "1.5", o.months(2).String())
	assert.Equal(t, "Extend end date (R5): 1-seat key ÷ 8 active seats × 12 months = 1.5 months; "+
		"2027-01-31 + 1 month = 2027-02-28, + 0.5 × 31 days = 15.5 days, rounded half-even to 16 days "+
		"= new end date 2027-03-16 for 8 seats (R6: keys up to 24 seats accepted).", o.Explain())

	p := PartnerCenter()
	p.Convention = proration.ExactSeatDays
	o, err = p.Apply(mkSub(100, mkDate(2027, 1, 31)), mkToken(25), ExtendEnd, mkDate(2026, 12, 1))
	require.NoError(t, err)
	// 25 × 365 ÷ 100 = 91.25 → 91 days (R5, exact seat-days convention)
	assert.Equal(t, 91, o.DaysAdded)
	assert.Equal(t, "Extend end date (R5, exact seat-days): 25 seats × 365 days ÷ 100 active seats = 91.25 days, "+
		"rounded half-even to 91 days; 2027-01-31 + 91 days = new end date 2027-05-02 for 100 seats "+
		"(R6: keys up to 300 seats accepted).", o.Explain())
}

// TestAddLicensesFormula is the formula example of R4: 100 seats, 90 days
// left, a 25-seat key → 145 days.
func TestAddLicensesFormula(t *testing.T) {
	at := mkDate(2026, 12, 1)
	o, err := PartnerCenter().Apply(mkSub(100, mkDate(2027, 3, 1)), mkToken(25), AddSeats, at)
	require.NoError(t, err)
	assert.Equal(t, 90, o.Remaining, "B")
	assert.Equal(t, 365, o.TermDays, "T")
	assert.Equal(t, 145, o.NewRemaining, "R")
	assert.Equal(t, 125, o.After.Seats)
	assert.Equal(t, "2027-04-25", dateString(o.After.End))
	assert.Equal(t, int64(18125), o.SeatDaysBefore)
	assert.Equal(t, int64(18125), o.SeatDaysAfter)
	assert.Zero(t, o.Residue, "no time added or lost (R4)")
	assert.Equal(t, 55, o.DaysAdded)
	assert.Equal(t, "Add licenses (R4): 100 seats × 90 days + 25 seats × 365 days = 18,125 seat-days; "+
		"÷ 125 seats = 145 days; new end date 2027-04-25 for 125 seats.", o.Explain())
}

func TestAddLicensesRounding(t *testing.T) {
	tests := []struct {
		name            string
		a, b, c         int
		rnd             proration.Rounding
		wantR           int
		wantResidue     int64
		wantExplanation string
	}{
		// 100·91 + 25·365 = 18,225; ÷ 125 = 145.8 → 146
		{"half-even rounds 145.8 up (R4)", 100, 91, 25, proration.HalfEven, 146, 25, "= 145.8 days, rounded half-even to 146 days (residue +25 seat-days)"},
		{"down truncates 145.8 (R4)", 100, 91, 25, proration.Down, 145, -100, "= 145.8 days, rounded down to 145 days (residue -100 seat-days)"},
		// B > 12 months moves the end date earlier (R4)
		{"long remaining term moves the end earlier (R4)", 10, 700, 10, proration.HalfEven, 533, -5, "= 532.5 days, rounded half-even to 532 days"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at := mkDate(2026, 12, 1)
			p := PartnerCenter()
			p.Rounding = tc.rnd
			o, err := p.Apply(mkSub(tc.a, daymath.AddDays(at, tc.b)), mkToken(tc.c), AddSeats, at)
			require.NoError(t, err)
			if tc.name == "long remaining term moves the end earlier (R4)" {
				// 10·700 + 10·365 = 10,650 ÷ 20 = 532.5 → 532 (ties to even)
				assert.Equal(t, 532, o.NewRemaining)
				assert.Less(t, o.DaysAdded, 0, "end date moves earlier when B > 12 months")
				assert.Contains(t, o.Explain(), tc.wantExplanation)
				return
			}
			assert.Equal(t, tc.wantR, o.NewRemaining)
			assert.Equal(t, tc.wantResidue, o.Residue)
			assert.Contains(t, o.Explain(), tc.wantExplanation)
		})
	}
}

// TestLifecycleBoundaries checks the state on the day before and the day of
// each transition, for every preset (R8).
func TestLifecycleBoundaries(t *testing.T) {
	presets := map[string]struct {
		p              Policy
		grace, disable int
	}{
		"PartnerCenter":       {PartnerCenter(), 30, 90},
		"Open2014":            {Open2014(), 30, 90},
		"DirectPurchase":      {DirectPurchase(), 30, 90},
		"EnterpriseMultiYear": {EnterpriseMultiYear(), 90, 90},
		"VolumeLicensing":     {VolumeLicensing(), 90, 60},
	}
	end := mkDate(2027, 1, 31)
	s := mkSub(10, end)
	for name, pc := range presets {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, pc.p.Validate())
			assert.Equal(t, pc.grace, pc.p.GraceDays)
			assert.Equal(t, pc.disable, pc.p.DisabledDays)
			g, d := pc.grace, pc.disable
			cases := []struct {
				day  int // days after the end date
				want State
			}{
				{-1, Active}, {0, Expired},
				{g - 1, Expired}, {g, Disabled},
				{g + d - 1, Disabled}, {g + d, Deleted},
				{-400, Active}, {5000, Deleted},
			}
			for _, c := range cases {
				at := daymath.AddDays(end, c.day)
				assert.Equalf(t, c.want, pc.p.State(s, at), "State(end %s, at %s)", dateString(end), dateString(at))
			}
			tl, err := pc.p.Timeline(s)
			require.NoError(t, err)
			assert.Equal(t, end, tl.End)
			assert.Equal(t, daymath.AddDays(end, g), tl.DisabledFrom)
			assert.Equal(t, daymath.AddDays(end, g+d), tl.DeletedOn)
			assert.Equal(t, tl.End, since(tl, Expired))
			assert.Equal(t, tl.DisabledFrom, since(tl, Disabled))
			assert.Equal(t, tl.DeletedOn, since(tl, Deleted))
		})
	}
	// R8: deleted 120 days after the end date under the default policy.
	tl, err := PartnerCenter().Timeline(s)
	require.NoError(t, err)
	assert.Equal(t, 120, proration.Days(end, tl.DeletedOn))
	assert.Equal(t, "renew from 2027-01-31; end 2027-01-31; disabled from 2027-03-02; deleted on 2027-05-31", tl.String())
	tl, err = Open2014().Timeline(s)
	require.NoError(t, err)
	assert.Equal(t, "2027-01-01", dateString(tl.RenewFrom), "R9: renew window opens 30 days before the end")

	assert.Equal(t, None, PartnerCenter().State(Subscription{Tenant: "t"}, end))
	assert.Equal(t, State(0), PartnerCenter().State(mkSub(-1, end), end), "invalid subscription")
	assert.Equal(t, State(0), Policy{}.State(s, end), "invalid policy")
	_, err = PartnerCenter().Timeline(Subscription{})
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = PartnerCenter().Timeline(mkSub(1, mkDate(9999, 12, 1)))
	assert.ErrorIs(t, err, proration.ErrDateRange)
}

// TestRenewOpen2014 covers renewal in the window and in the grace (R9).
func TestRenewOpen2014(t *testing.T) {
	end := mkDate(2027, 1, 31)
	s := mkSub(50, end)
	p := Open2014()
	tests := []struct {
		name        string
		at          time.Time
		wantEnd     string
		wantLost    int
		wantApplied Operation
		wantSeats   int
	}{
		{"inside the window: redemption day is the anchor, days lost (R9)", mkDate(2027, 1, 10), "2028-01-10", 21, Renew, 40},
		{"first day of the window (R9)", mkDate(2027, 1, 1), "2028-01-01", 30, Renew, 40},
		{"last active day (R9)", mkDate(2027, 1, 30), "2028-01-30", 1, Renew, 40},
		{"first day of grace keeps the old end (R9)", mkDate(2027, 1, 31), "2028-01-31", 0, Renew, 40},
		{"inside the grace keeps the old end (R9)", mkDate(2027, 2, 15), "2028-01-31", 0, Renew, 40},
		{"last day of grace keeps the old end (R9)", mkDate(2027, 3, 1), "2028-01-31", 0, Renew, 40},
		{"disabled: activation anew (R7)", mkDate(2027, 3, 2), "2028-03-02", 0, Activate, 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := p.Apply(s, mkToken(40), Renew, tc.at)
			require.NoError(t, err)
			assert.Equal(t, tc.wantEnd, dateString(o.After.End))
			assert.Equal(t, tc.wantLost, o.DaysLost)
			assert.Equal(t, tc.wantApplied, o.Applied)
			assert.Equal(t, Renew, o.Op)
			assert.Equal(t, tc.wantSeats, o.After.Seats, "seats become the key's seats")
		})
	}
	o, err := p.Apply(s, mkToken(40), Renew, mkDate(2027, 1, 10))
	require.NoError(t, err)
	assert.Equal(t, "Renew (R9): redeemed 2027-01-10, 21 days before the end date 2027-01-31; the redemption day is the new anchor: "+
		"2027-01-10 + 12 months = new end date 2028-01-10 for 40 seats; 21 days lost.", o.Explain())
	o, err = p.Apply(s, mkToken(40), Renew, mkDate(2027, 2, 15))
	require.NoError(t, err)
	assert.Equal(t, "Renew in the grace period (R9): expired since 2027-01-31, the old end date stays the anchor: "+
		"2027-01-31 + 12 months = new end date 2028-01-31 for 40 seats.", o.Explain())

	// Before the window: refused, and the error says when it opens.
	_, err = p.Apply(s, mkToken(40), Renew, mkDate(2026, 12, 31))
	var na *NotAllowedError
	require.ErrorAs(t, err, &na)
	assert.Equal(t, Active, na.State)
	assert.Equal(t, Renew, na.Op)
	assert.Equal(t, "2027-01-01", dateString(na.Opens))
	assert.EqualError(t, err, "activation: renew not allowed: subscription active; allowed from 2027-01-01")

	// A key with a term of its own shorter than the time since the end date:
	// anchored on the old end it would end on 2027-02-28, before the
	// redemption day 2027-03-01. Refused, nothing spent (found by review).
	short := mkToken(40)
	short.TermMonths = 1
	o, err = p.Apply(s, short, Renew, mkDate(2027, 3, 1))
	require.ErrorIs(t, err, ErrNotAllowed)
	require.ErrorAs(t, err, &na)
	assert.Equal(t, Expired, na.State)
	assert.Equal(t, Outcome{}, o)
	assert.EqualError(t, err, "activation: renew not allowed: subscription expired since 2027-01-31: a 1-month key anchored on the old end date would end on 2027-02-28, not after the redemption day (R9)")
	o, err = p.Apply(s, short, Renew, mkDate(2027, 2, 27)) // ends 2027-02-28: one day after
	require.NoError(t, err)
	assert.Equal(t, "2027-02-28", dateString(o.After.End))
}

// TestRenewPartnerCenter: renewing waits for expiry, and is then an
// activation anew (R7).
func TestRenewPartnerCenter(t *testing.T) {
	end := mkDate(2027, 1, 31)
	s := mkSub(50, end)
	p := PartnerCenter()
	_, err := p.Apply(s, mkToken(50), Renew, mkDate(2027, 1, 20))
	var na *NotAllowedError
	require.ErrorAs(t, err, &na)
	assert.Equal(t, end, na.Opens, "renew is possible from the end date")

	at := mkDate(2027, 2, 10)
	o, err := p.Apply(s, mkToken(50), Renew, at)
	require.NoError(t, err)
	assert.Equal(t, Activate, o.Applied)
	assert.Equal(t, "2028-02-10", dateString(o.After.End))
	a, err := p.Apply(s, mkToken(50), Activate, at)
	require.NoError(t, err)
	assert.Equal(t, a.After, o.After, "renew of an expired subscription is an activation (R7)")
	assert.Equal(t, "Renew of an expired subscription is a new activation (R7): 2027-02-10 + 12 months = new end date 2028-02-10 for 50 seats.", o.Explain())
}

// TestActivate covers activation anew after expiry, after deletion and for
// a tenant without a subscription (R7).
func TestActivate(t *testing.T) {
	end := mkDate(2027, 1, 31)
	p := PartnerCenter()
	tests := []struct {
		name      string
		s         Subscription
		at        time.Time
		wantState State
		wantEnd   string
		explain   string
	}{
		{"expired (R7)", mkSub(100, end), mkDate(2027, 2, 5), Expired, "2028-02-05",
			"Activate (R7): the expired subscription starts a new term from the redemption day: 2027-02-05 + 12 months = new end date 2028-02-05 for 25 seats."},
		{"disabled (R7)", mkSub(100, end), mkDate(2027, 4, 1), Disabled, "2028-04-01",
			"Activate (R7): the disabled subscription starts a new term from the redemption day: 2027-04-01 + 12 months = new end date 2028-04-01 for 25 seats."},
		{"deleted: a new subscription (R7)", mkSub(100, end), mkDate(2027, 6, 1), Deleted, "2028-06-01",
			"Activate (R7): a new subscription replaces the deleted one: 2027-06-01 + 12 months = new end date 2028-06-01 for 25 seats."},
		{"none: first activation (R3)", Subscription{Tenant: "contoso"}, mkDate(2028, 2, 29), None, "2029-02-28",
			"Activate (R7): a new subscription: 2028-02-29 + 12 months = new end date 2029-02-28 for 25 seats."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := p.Apply(tc.s, mkToken(25), Activate, tc.at)
			require.NoError(t, err)
			assert.Equal(t, tc.wantState, o.StateBefore)
			assert.Equal(t, 25, o.After.Seats, "seats = key seats (R7)")
			assert.Equal(t, "O365-E3", o.After.Product)
			assert.Equal(t, "contoso", o.After.Tenant, "seats stay on the tenant (R2)")
			assert.Equal(t, tc.wantEnd, dateString(o.After.End))
			assert.Equal(t, Active, p.State(o.After, tc.at))
			assert.Equal(t, tc.explain, o.Explain())
		})
	}
	// A token with its own term (R3 default is 12 months).
	tk := mkToken(5)
	tk.TermMonths = 1
	o, err := p.Apply(Subscription{}, tk, Activate, mkDate(2027, 1, 31))
	require.NoError(t, err)
	assert.Equal(t, "2027-02-28", dateString(o.After.End), "month end clamps, never Mar 3")
}

// TestRefusals checks the transition table's refusals: ErrNotAllowed naming
// the state, the operation and the day the state began (R7).
func TestRefusals(t *testing.T) {
	end := mkDate(2027, 1, 31)
	s := mkSub(100, end)
	tests := []struct {
		name      string
		s         Subscription
		op        Operation
		at        time.Time
		wantState State
		wantSince string
		wantMsg   string
	}{
		{"extend on expired (R7)", s, ExtendEnd, mkDate(2027, 2, 1), Expired, "2027-01-31",
			"activation: extend-end not allowed: subscription expired since 2027-01-31"},
		{"extend on disabled (R7)", s, ExtendEnd, mkDate(2027, 3, 2), Disabled, "2027-03-02",
			"activation: extend-end not allowed: subscription disabled since 2027-03-02"},
		{"add on disabled (R7)", s, AddSeats, mkDate(2027, 4, 2), Disabled, "2027-03-02",
			"activation: add-seats not allowed: subscription disabled since 2027-03-02"},
		{"renew on deleted", s, Renew, mkDate(2027, 6, 2), Deleted, "2027-05-31",
			"activation: renew not allowed: subscription deleted since 2027-05-31"},
		{"activate on active", s, Activate, mkDate(2026, 6, 2), Active, "",
			"activation: activate not allowed: subscription active; allowed from 2027-01-31"},
		{"add on none", Subscription{}, AddSeats, mkDate(2026, 6, 2), None, "",
			"activation: add-seats not allowed: subscription none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := PartnerCenter().Apply(tc.s, mkToken(10), tc.op, tc.at)
			require.ErrorIs(t, err, ErrNotAllowed)
			var na *NotAllowedError
			require.ErrorAs(t, err, &na)
			assert.Equal(t, tc.wantState, na.State)
			assert.Equal(t, tc.op, na.Op)
			assert.Equal(t, tc.wantSince, dateString(na.Since))
			assert.EqualError(t, err, tc.wantMsg)
			assert.Equal(t, Outcome{}, o)
			assert.Equal(t, err.Error(), PartnerCenter().CheckOperation(tc.s, tc.op, tc.at).Error())
		})
	}
	// Policies may allow add and extend outside Active.
	p := PartnerCenter()
	p.AddWhenInactive, p.ExtendWhenInactive = true, true
	o, err := p.Apply(s, mkToken(100), AddSeats, mkDate(2027, 2, 1))
	require.NoError(t, err)
	assert.Equal(t, 0, o.Remaining, "B = 0 outside Active")
	assert.Equal(t, 182, o.NewRemaining, "(100·0 + 100·365) ÷ 200 = 182.5 → 182")
	assert.Contains(t, o.Explain(), "100 seats × 0 days (expired)")
	_, err = p.Apply(s, mkToken(100), ExtendEnd, mkDate(2027, 2, 1))
	require.NoError(t, err)
	require.NoError(t, p.CheckOperation(s, ExtendEnd, mkDate(2027, 2, 1)))
}

func TestProductMismatch(t *testing.T) {
	tk := mkToken(10)
	tk.Product = "EMS-E5"
	_, err := PartnerCenter().Apply(mkSub(10, mkDate(2027, 1, 31)), tk, AddSeats, mkDate(2026, 6, 1))
	require.ErrorIs(t, err, ErrProductMismatch)
	var pm *ProductMismatchError
	require.ErrorAs(t, err, &pm)
	assert.Equal(t, "O365-E3", pm.Subscription)
	assert.Equal(t, "EMS-E5", pm.Token)
	_, err = PartnerCenter().Preview(mkSub(10, mkDate(2027, 1, 31)), tk, mkDate(2026, 6, 1))
	require.ErrorIs(t, err, ErrProductMismatch)

	// A None subscription that names no product takes the key's.
	o, err := PartnerCenter().Apply(Subscription{Tenant: "contoso"}, tk, Activate, mkDate(2026, 6, 1))
	require.NoError(t, err)
	assert.Equal(t, "EMS-E5", o.After.Product)
	// One that names a product must match.
	_, err = PartnerCenter().Apply(Subscription{Tenant: "contoso", Product: "O365-E3"}, tk, Activate, mkDate(2026, 6, 1))
	require.ErrorIs(t, err, ErrProductMismatch)
}

// TestInvalidInputs: every malformed input is ErrInvalid and a zero Outcome.
func TestInvalidInputs(t *testing.T) {
	end, at := mkDate(2027, 1, 31), mkDate(2026, 6, 1)
	type in struct {
		p  Policy
		s  Subscription
		t  token.Token
		op Operation
		at time.Time
	}
	ok := func() in { return in{PartnerCenter(), mkSub(10, end), mkToken(5), AddSeats, at} }
	with := func(f func(*in)) in { v := ok(); f(&v); return v }
	cases := map[string]in{
		"zero policy":                   with(func(v *in) { v.p = Policy{} }),
		"negative grace days":           with(func(v *in) { v.p.GraceDays = -1 }),
		"negative disabled days":        with(func(v *in) { v.p.DisabledDays = -1 }),
		"too many renew window days":    with(func(v *in) { v.p.RenewWindowDays = maxPolicyDays + 1 }),
		"negative replacement days":     with(func(v *in) { v.p.ReplacementWindowDays = -1 }),
		"cap factor 0":                  with(func(v *in) { v.p.CapFactor = 0 }),
		"cap factor 101":                with(func(v *in) { v.p.CapFactor = 101 }),
		"term 0 months":                 with(func(v *in) { v.p.TermMonths = 0 }),
		"term 37 months":                with(func(v *in) { v.p.TermMonths = 37 }),
		"bad rounding":                  with(func(v *in) { v.p.Rounding = 9 }),
		"bad convention":                with(func(v *in) { v.p.Convention = -1 }),
		"bad early anchor":              with(func(v *in) { v.p.EarlyRenewAnchor = 0 }),
		"bad grace anchor":              with(func(v *in) { v.p.GraceRenewAnchor = 3 }),
		"grace longer than a term":      with(func(v *in) { v.p = Open2014(); v.p.TermMonths = 1; v.p.GraceDays = 28 }),
		"unknown operation 0":           with(func(v *in) { v.op = 0 }),
		"unknown operation 5":           with(func(v *in) { v.op = 5 }),
		"negative seats":                with(func(v *in) { v.s.Seats = -1 }),
		"too many seats":                with(func(v *in) { v.s.Seats = MaxSeats + 1 }),
		"seats without end":             with(func(v *in) { v.s.End = time.Time{} }),
		"end without seats":             with(func(v *in) { v.s.Seats = 0 }),
		"subscription without product":  with(func(v *in) { v.s.Product = "" }),
		"end after year 9999":           with(func(v *in) { v.s.End = mkDate(10000, 1, 1) }),
		"zero key":                      with(func(v *in) { v.t.Key = token.Key{} }),
		"key of 0 seats":                with(func(v *in) { v.t.Seats = 0 }),
		"key over the seat maximum":     with(func(v *in) { v.t.Seats = MaxSeats + 1 }),
		"key term 37 months":            with(func(v *in) { v.t.TermMonths = 37 }),
		"key term negative":             with(func(v *in) { v.t.TermMonths = -1 }),
		"key without product":           with(func(v *in) { v.t.Product = ""; v.s.Product = "" }),
		"zero redemption day":           with(func(v *in) { v.at = time.Time{} }),
		"redemption day after 9999":     with(func(v *in) { v.at = mkDate(10000, 1, 1) }),
		"extension past year 9999":      with(func(v *in) { v.s.End = mkDate(9999, 12, 1); v.op = ExtendEnd; v.t.Seats = 30 }),
		"activation past year 9999":     with(func(v *in) { v.s = Subscription{}; v.at = mkDate(9999, 6, 1); v.op = Activate }),
		"add licenses past year 9999":   with(func(v *in) { v.s.End = mkDate(9999, 12, 30); v.at = mkDate(9999, 6, 1) }),
		"grace renewal past year 9999":  with(func(v *in) { v.p = Open2014(); v.s.End = mkDate(9999, 6, 1); v.at = mkDate(9999, 6, 2); v.op = Renew }),
		"early renewal past year 9999":  with(func(v *in) { v.p = Open2014(); v.s.End = mkDate(9999, 6, 1); v.at = mkDate(9999, 5, 20); v.op = Renew }),
		"before year 1 in a time zone":  with(func(v *in) { v.at = time.Date(1, 1, 1, 0, 30, 0, 0, time.FixedZone("x", 3600)) }),
		"end before year 1 in its zone": with(func(v *in) { v.s.End = time.Date(0, 12, 31, 23, 30, 0, 0, time.FixedZone("x", -3600)) }),
		"end on the zero date":          with(func(v *in) { v.s.End = time.Date(1, 1, 1, 23, 0, 0, 0, time.FixedZone("x", 3600)) }),
		"redemption on the zero date":   with(func(v *in) { v.at = time.Date(1, 1, 1, 12, 0, 0, 0, time.UTC) }),
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			o, err := c.p.Apply(c.s, c.t, c.op, c.at)
			require.ErrorIs(t, err, ErrInvalid)
			assert.Equal(t, Outcome{}, o)
			assert.NotContains(t, err.Error(), testKey)
		})
	}
	require.NoError(t, PartnerCenter().Validate())
}

func TestSeatLimit(t *testing.T) {
	s := mkSub(MaxSeats-10, mkDate(2027, 1, 31))
	at := mkDate(2026, 6, 1)
	o, err := PartnerCenter().Apply(s, mkToken(10), AddSeats, at)
	require.NoError(t, err)
	assert.Equal(t, MaxSeats, o.After.Seats, "exactly the maximum is allowed")
	_, err = PartnerCenter().Apply(s, mkToken(11), AddSeats, at)
	require.ErrorIs(t, err, ErrSeatLimit)
	assert.EqualError(t, err, "activation: seat limit exceeded: 999,999,990 + 11 seats exceed 1,000,000,000")
}

// TestDatesOnly: only the calendar date in its own location counts; results
// are dates at 00:00 UTC, whatever the zone or time of day.
func TestDatesOnly(t *testing.T) {
	p := PartnerCenter()
	want, err := p.Apply(mkSub(100, mkDate(2027, 3, 1)), mkToken(25), AddSeats, mkDate(2026, 12, 1))
	require.NoError(t, err)
	kiritimati := time.FixedZone("LINT", 14*3600)
	honolulu := time.FixedZone("HST", -10*3600)
	got, err := p.Apply(mkSub(100, time.Date(2027, 3, 1, 23, 59, 0, 0, honolulu)), mkToken(25), AddSeats,
		time.Date(2026, 12, 1, 23, 30, 0, 0, kiritimati))
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, time.UTC, got.After.End.Location())
}

// TestApplyDeterministic: the same inputs give == Outcomes (replay tests
// compare them).
func TestApplyDeterministic(t *testing.T) {
	s, tk, at := mkSub(100, mkDate(2027, 3, 1)), mkToken(25), mkDate(2026, 12, 1)
	for _, op := range operations {
		o1, err1 := Open2014().Apply(s, tk, op, at)
		o2, err2 := Open2014().Apply(s, tk, op, at)
		assert.True(t, o1 == o2, op.String())
		assert.Equal(t, err1 == nil, err2 == nil)
	}
}

func TestApplyAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation allocates")
	}
	s, tk, at := mkSub(100, mkDate(2027, 3, 1)), mkToken(25), mkDate(2026, 12, 1)
	p := PartnerCenter()
	for _, op := range []Operation{AddSeats, ExtendEnd} {
		n := testing.AllocsPerRun(100, func() {
			if _, err := p.Apply(s, tk, op, at); err != nil {
				t.Fatal(err)
			}
		})
		assert.Zerof(t, n, "Apply(%s) allocates", op)
	}
}

func TestPreviewAndOptions(t *testing.T) {
	s, tk, at := mkSub(100, mkDate(2027, 1, 31)), mkToken(25), mkDate(2027, 1, 10)
	p := Open2014()
	outs, err := p.Preview(s, tk, at)
	require.NoError(t, err)
	var ops []Operation
	for _, o := range outs {
		ops = append(ops, o.Op)
	}
	assert.Equal(t, []Operation{AddSeats, ExtendEnd, Renew}, ops, "stable order; activate refused while active")

	opts := p.Options(s, tk, at)
	require.Len(t, opts, 4)
	for i, op := range operations {
		assert.Equal(t, op, opts[i].Op)
	}
	assert.True(t, (opts[0].Err == nil))
	assert.False(t, (opts[3].Err == nil))
	assert.ErrorIs(t, opts[3].Err, ErrNotAllowed)

	// The cap refuses extend: Preview leaves it out, Options says why.
	outs, err = PartnerCenter().Preview(s, mkToken(301), at)
	require.NoError(t, err)
	require.Len(t, outs, 1)
	assert.Equal(t, AddSeats, outs[0].Op)
	opts = PartnerCenter().Options(s, mkToken(301), at)
	assert.ErrorIs(t, opts[1].Err, ErrExtensionCap)
	var ce *proration.CapError
	require.ErrorAs(t, opts[1].Err, &ce)
	assert.Equal(t, 300, ce.MaxKeySeats, "the refusal names the largest key accepted (R6)")

	_, err = PartnerCenter().Preview(s, token.Token{}, at)
	assert.ErrorIs(t, err, ErrInvalid)
	for _, o := range PartnerCenter().Options(s, token.Token{}, at) {
		assert.ErrorIs(t, o.Err, ErrInvalid)
	}
}

// TestReplacement pins R12's window with the one reading of "within 30 days
// of activation" (proration.WithinDays, as R11): days 29 and 30 are in, day
// 31 is out.
func TestReplacement(t *testing.T) {
	p := PartnerCenter()
	act := mkDate(2027, 1, 31)
	w, err := p.ReplacementWindow(act)
	require.NoError(t, err)
	assert.Equal(t, "2027-01-31", dateString(w.First), "the first day: the activation day (R12)")
	assert.Equal(t, "2027-03-02", dateString(w.Last), "the last day: day 30 (R12)")
	tests := []struct {
		name    string
		on      time.Time
		granted bool
		want    bool
	}{
		{"activation day (R12)", act, false, true},
		{"day 29 (R12)", mkDate(2027, 3, 1), false, true},
		{"day 30 (R12)", mkDate(2027, 3, 2), false, true},
		{"day 31 (R12)", mkDate(2027, 3, 3), false, false},
		{"before activation", mkDate(2027, 1, 30), false, false},
		{"already granted: once (R12)", mkDate(2027, 2, 1), true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, !tc.granted && w.Contains(tc.on))
		})
	}
	q := p
	q.ReplacementWindowDays = 0
	w, err = q.ReplacementWindow(act)
	require.NoError(t, err)
	assert.True(t, w.Contains(act), "a window of 0 days is the activation day")
	assert.False(t, w.Contains(mkDate(2027, 2, 1)))

	_, err = Policy{}.ReplacementWindow(act)
	assert.ErrorIs(t, err, ErrInvalid)
	w, err = p.ReplacementWindow(mkDate(9999, 12, 31))
	assert.ErrorIs(t, err, ErrInvalid)
	assert.ErrorIs(t, err, proration.ErrDateRange)
	assert.Zero(t, w)
}

func TestErrorsRevealNoKey(t *testing.T) {
	s := mkSub(100, mkDate(2027, 1, 31))
	for _, op := range operations {
		for _, at := range []time.Time{mkDate(2026, 1, 1), mkDate(2027, 2, 1), mkDate(2027, 4, 1), mkDate(2028, 1, 1)} {
			for _, seats := range []int{1, 301, MaxSeats} {
				_, err := PartnerCenter().Apply(s, mkToken(seats), op, at)
				if err != nil {
					assert.NotContains(t, err.Error(), testKey)
					assert.NotContains(t, err.Error(), "AAAA1")
					assert.True(t, errors.Is(err, ErrNotAllowed) || errors.Is(err, ErrExtensionCap) || errors.Is(err, ErrSeatLimit), err.Error())
				}
			}
		}
	}
	assert.False(t, strings.Contains((&ProductMismatchError{"a", "b"}).Error(), "AAAA1"))
}

// TestOutcomeMonthsHalfEven: m = 1 ÷ 384 × 12 = 0.03125 months is a tie at
// four places; Months rounds it half-even like proration.Extension.Months,
// and so does the JSON (found by review).
func TestOutcomeMonthsHalfEven(t *testing.T) {
	o, err := PartnerCenter().Apply(mkSub(384, mkDate(2027, 1, 31)), mkToken(1), ExtendEnd, mkDate(2026, 6, 1))
	require.NoError(t, err)
	assert.Equal(t, "0.0312", o.months(4).String())
	b, err := json.Marshal(o)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"0.0312"`)
}

// TestExplainCapWithinMaxSeats: the largest key Explain names is the one
// proration.MaxKeySeats gives, never above MaxSeats (R6).
func TestExplainCapWithinMaxSeats(t *testing.T) {
	o, err := PartnerCenter().Apply(mkSub(MaxSeats, mkDate(2027, 1, 31)), mkToken(MaxSeats), ExtendEnd, mkDate(2026, 6, 1))
	require.NoError(t, err)
	assert.Contains(t, o.Explain(), "keys up to 1,000,000,000 seats accepted")
}

// TestRefusalDatesNearYear9999: a refusal names the day its state began even
// when the lifecycle's later dates lie past 9999-12-31 (found on rereading:
// the dates came from Timeline, which fails as a whole there).
func TestRefusalDatesNearYear9999(t *testing.T) {
	_, err := PartnerCenter().Apply(mkSub(10, mkDate(9999, 12, 1)), mkToken(5), AddSeats, mkDate(9999, 12, 5))
	var na *NotAllowedError
	require.ErrorAs(t, err, &na)
	assert.Equal(t, Expired, na.State)
	assert.Equal(t, "9999-12-01", dateString(na.Since))
	assert.EqualError(t, err, "activation: add-seats not allowed: subscription expired since 9999-12-01")
}
