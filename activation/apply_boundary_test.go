package activation

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// applyEach is Apply with the checks one by one, in Apply's order, and
// without checkPlain: the model the fast path is held to.
func applyEach(o *Outcome, p *Policy, s *Subscription, t *token.Token, op Operation, at time.Time) error {
	if !op.valid() {
		return invalid("operation %s", op)
	}
	r, term, err := checkEach(p, s, t, at)
	if err != nil {
		return err
	}
	eff, ok := allowedFor(p, &r, op, term)
	if !ok {
		return refusalFor(p, &r, op, term)
	}
	keyEnd, err := keyTermEnd(&r, term)
	if err != nil {
		return err
	}
	return apply(o, p, s, &r, t, op, eff, term, keyEnd)
}

// assertSameAsEach checks that Apply gives, for every operation, exactly
// what the checks one by one (applyEach) give: the same Outcome, or an error
// with the same message that matches the same sentinels. Whether or not the
// fast path takes an input, the user sees one answer.
func assertSameAsEach(t *testing.T, p Policy, s Subscription, tk token.Token, at time.Time) {
	t.Helper()
	for op := AddSeats; op <= Import; op++ {
		got, err := p.Apply(s, tk, op, at)
		var want Outcome
		wantErr := applyEach(&want, &p, &s, &tk, op, at)
		if wantErr != nil {
			require.Errorf(t, err, "Apply(%s) succeeded where the checks one by one fail with %v", op, wantErr)
			assert.Equalf(t, wantErr.Error(), err.Error(), "Apply(%s)", op)
			for _, sentinel := range []error{ErrInvalid, ErrNotAllowed, ErrExtensionCap, ErrSeatLimit, ErrProductMismatch} {
				assert.Equalf(t, errors.Is(wantErr, sentinel), errors.Is(err, sentinel), "Apply(%s): errors.Is(%v)", op, sentinel)
			}
			assert.Equalf(t, Outcome{}, got, "Apply(%s) returned an Outcome with its error", op)
			continue
		}
		require.NoErrorf(t, err, "Apply(%s)", op)
		assert.Equalf(t, want, got, "Apply(%s)", op)
	}
}

// TestCheckPlainBoundaries pins the fast path of Apply's checks at each of its
// limits: every value just inside is taken by checkPlain (so the usual input
// is not slowed down by the checks one by one) and every value just outside
// is left to them; either way Apply answers exactly as the checks one by one
// do, with the error Validate, the subscription's and the token's checks
// give (R3 terms 1…36, R6 cap factor, seats up to MaxSeats).
func TestCheckPlainBoundaries(t *testing.T) {
	base := func() (Policy, Subscription, token.Token, time.Time) {
		tk := mkToken(25)
		tk.TermMonths = 12
		return PartnerCenter(), mkSub(100, mkDate(2027, 3, 1)), tk, mkDate(2026, 12, 1)
	}
	type change func(p *Policy, s *Subscription, tk *token.Token, at *time.Time)
	tests := []struct {
		name  string
		plain bool // checkPlain takes it
		valid bool // checkEach accepts it
		set   change
	}{
		{"usual", true, true, func(*Policy, *Subscription, *token.Token, *time.Time) {}},

		{"policy term 0", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.TermMonths = 0 }},
		{"policy term 1", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.TermMonths = 1 }},
		{"policy term 36", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.TermMonths = 36 }},
		{"policy term 37", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.TermMonths = 37 }},
		{"cap factor 0", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.CapFactor = 0 }},
		{"cap factor 1", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.CapFactor = 1 }},
		{"cap factor 100", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.CapFactor = proration.MaxCapFactor }},
		{"cap factor 101", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) {
			p.CapFactor = proration.MaxCapFactor + 1
		}},
		{"grace days -1", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.GraceDays = -1 }},
		{"grace days 0", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.GraceDays = 0 }},
		{"disabled days 2047", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.DisabledDays = 2047 }},
		{"disabled days 2048", false, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.DisabledDays = 2048 }},
		{"only day count 2048", false, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) {
			p.GraceDays, p.DisabledDays, p.RenewWindowDays, p.ReplacementWindowDays = 0, 2048, 0, 0
		}},
		{"every day count 2047", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) {
			p.GraceRenewAnchor = RedemptionDay
			p.GraceDays, p.DisabledDays, p.RenewWindowDays, p.ReplacementWindowDays = 2047, 2047, 2047, 2047
		}},
		{"renew window max", false, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.RenewWindowDays = maxPolicyDays }},
		{"renew window over max", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.RenewWindowDays = maxPolicyDays + 1 }},
		{"replacement window -1", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.ReplacementWindowDays = -1 }},
		{"rounding up", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.Rounding = proration.Up }},
		{"rounding past up", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.Rounding = proration.Up + 1 }},
		{"rounding -1", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.Rounding = -1 }},
		{"exact seat-days", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.Convention = proration.ExactSeatDays }},
		{"convention past last", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) {
			p.Convention = proration.ExactSeatDays + 1
		}},
		{"convention -1", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.Convention = -1 }},
		{"expired service none (R22)", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.ExpiredService = NoService }},
		{"expired service 0 (R8 default)", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.ExpiredService = 0 }},
		{"expired service past none", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.ExpiredService = NoService + 1 }},
		{"expired service -1", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.ExpiredService = -1 }},
		{"disabled service 0 (R8 default)", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.DisabledService = 0 }},
		{"disabled service none", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.DisabledService = NoService }},
		{"disabled service full", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.DisabledService = FullService }},
		{"disabled service past none", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.DisabledService = NoService + 1 }},
		{"disabled service -1", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.DisabledService = -1 }},
		{"cap rule end-limit (R6)", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.CapRule = proration.CapEndLimit }},
		{"cap rule past end-limit", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.CapRule = proration.CapEndLimit + 1 }},
		{"cap rule -1", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.CapRule = -1 }},
		{"early anchor 0", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.EarlyRenewAnchor = 0 }},
		{"early anchor old end", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.EarlyRenewAnchor = OldEnd }},
		{"early anchor past old end", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.EarlyRenewAnchor = OldEnd + 1 }},
		{"grace anchor 0", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.GraceRenewAnchor = 0 }},
		{"grace anchor redemption day", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) {
			p.GraceRenewAnchor, p.GraceDays = RedemptionDay, 28*p.TermMonths
		}},
		{"grace anchor past old end", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) { p.GraceRenewAnchor = OldEnd + 1 }},
		{"old-end grace one day under a term", true, true, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) {
			p.GraceRenewAnchor, p.GraceDays = OldEnd, 28*p.TermMonths-1
		}},
		{"old-end grace of a term", false, false, func(p *Policy, _ *Subscription, _ *token.Token, _ *time.Time) {
			p.GraceRenewAnchor, p.GraceDays = OldEnd, 28*p.TermMonths
		}},

		{"subscription seats 0", false, true, func(_ *Policy, s *Subscription, _ *token.Token, _ *time.Time) { s.Seats, s.End = 0, time.Time{} }},
		{"subscription seats max", true, true, func(_ *Policy, s *Subscription, _ *token.Token, _ *time.Time) { s.Seats = MaxSeats }},
		{"subscription seats over max", false, false, func(_ *Policy, s *Subscription, _ *token.Token, _ *time.Time) { s.Seats = MaxSeats + 1 }},
		{"subscription seats -1", false, false, func(_ *Policy, s *Subscription, _ *token.Token, _ *time.Time) { s.Seats = -1 }},
		{"no product", false, false, func(_ *Policy, s *Subscription, _ *token.Token, _ *time.Time) { s.Product = "" }},
		{"other product", false, false, func(_ *Policy, _ *Subscription, tk *token.Token, _ *time.Time) { tk.Product = "EMS" }},
		{"zero key", false, false, func(_ *Policy, _ *Subscription, tk *token.Token, _ *time.Time) { tk.Key = token.Key{} }},
		{"key seats 0", false, false, func(_ *Policy, _ *Subscription, tk *token.Token, _ *time.Time) { tk.Seats = 0 }},
		{"key seats 1", true, true, func(_ *Policy, _ *Subscription, tk *token.Token, _ *time.Time) { tk.Seats = 1 }},
		{"key seats max", true, true, func(_ *Policy, _ *Subscription, tk *token.Token, _ *time.Time) { tk.Seats = MaxSeats }},
		{"key seats over max", false, false, func(_ *Policy, _ *Subscription, tk *token.Token, _ *time.Time) { tk.Seats = MaxSeats + 1 }},
		{"key term -1", false, false, func(_ *Policy, _ *Subscription, tk *token.Token, _ *time.Time) { tk.TermMonths = -1 }},
		{"key term 0 (the policy's)", true, true, func(_ *Policy, _ *Subscription, tk *token.Token, _ *time.Time) { tk.TermMonths = 0 }},
		{"key term 36", true, true, func(_ *Policy, _ *Subscription, tk *token.Token, _ *time.Time) { tk.TermMonths = token.MaxTermMonths }},
		{"key term 37", false, false, func(_ *Policy, _ *Subscription, tk *token.Token, _ *time.Time) {
			tk.TermMonths = token.MaxTermMonths + 1
		}},

		{"end 0001-01-01", false, false, func(_ *Policy, s *Subscription, _ *token.Token, _ *time.Time) { s.End = mkDate(1, 1, 1) }},
		{"end 0001-01-01 at noon", false, false, func(_ *Policy, s *Subscription, _ *token.Token, _ *time.Time) {
			s.End = mkDate(1, 1, 1).Add(12 * time.Hour)
		}},
		{"day 0001-01-01", false, false, func(_ *Policy, _ *Subscription, _ *token.Token, at *time.Time) { *at = mkDate(1, 1, 1) }},
		{"end 0001-01-02", true, true, func(_ *Policy, s *Subscription, _ *token.Token, _ *time.Time) { s.End = mkDate(1, 1, 2) }},
		{"end 9999-12-31", true, true, func(_ *Policy, s *Subscription, _ *token.Token, _ *time.Time) { s.End = mkDate(9999, 12, 31) }},
		{"end 10000-01-01", false, false, func(_ *Policy, s *Subscription, _ *token.Token, _ *time.Time) { s.End = mkDate(10000, 1, 1) }},
		{"day 0001-01-02", true, true, func(_ *Policy, _ *Subscription, _ *token.Token, at *time.Time) { *at = mkDate(1, 1, 2) }},
		{"day 9999-12-31", true, true, func(_ *Policy, _ *Subscription, _ *token.Token, at *time.Time) { *at = mkDate(9999, 12, 31) }},
		{"day 10000-01-01", false, false, func(_ *Policy, _ *Subscription, _ *token.Token, at *time.Time) { *at = mkDate(10000, 1, 1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s, tk, at := base()
			tt.set(&p, &s, &tk, &at)
			_, _, plain := checkPlain(&p, &s, &tk, at)
			assert.Equal(t, tt.plain, plain, "checkPlain takes it")
			assert.Equal(t, tt.plain, p.plainlyValid() && plain, "plainlyValid and checkPlain agree")
			_, _, err := checkEach(&p, &s, &tk, at)
			assert.Equal(t, tt.valid, err == nil, "checkEach accepts it: %v", err)
			assertSameAsEach(t, p, s, tk, at)
		})
	}
}

// TestPlainNameEveryFirstByte: the fast path takes a product whose first
// byte is printable ASCII other than a space ('!' … '~') and nothing else;
// a product starting with any other byte (white space, control, DEL, a
// multi-byte rune) gets from Apply exactly what the token's own check gives
// it: refused if it is blank after trimming, accepted otherwise.
func TestPlainNameEveryFirstByte(t *testing.T) {
	p, at := PartnerCenter(), mkDate(2026, 12, 1)
	for b := 0; b < 256; b++ {
		name := string([]byte{byte(b)}) + "E3"
		want := b >= '!' && b <= '~'
		if got := plainName(name); got != want {
			t.Errorf("plainName(%q) = %t, want %t", name, got, want)
		}
		s := Subscription{Tenant: "contoso", Product: name, Seats: 100, End: mkDate(2027, 3, 1)}
		tk := token.Token{Key: token.MustParseKey(testKey), Product: name, Seats: 25}
		t.Run(fmt.Sprintf("byte %#x", b), func(t *testing.T) { assertSameAsEach(t, p, s, tk, at) })
	}
	for _, name := range []string{" ", "\t", "\u00a0", "\u2003", "\u00a0E3", "~", "!"} {
		s := Subscription{Tenant: "contoso", Product: name, Seats: 100, End: mkDate(2027, 3, 1)}
		tk := token.Token{Key: token.MustParseKey(testKey), Product: name, Seats: 25}
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) { assertSameAsEach(t, p, s, tk, at) })
	}
}
