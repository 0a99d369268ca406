package activation

import (
	"errors"
	"testing"
	"time"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
	"pgregory.net/rapid"
)

var propertyBase = mkDate(2026, 1, 1) // a constant, never written

// drawDay draws a day within about eight years of 2026-01-01.
func drawDay(t *rapid.T, label string) time.Time {
	return daymath.AddDays(propertyBase, rapid.IntRange(-1500, 1500).Draw(t, label))
}

// drawSubscription draws a valid subscription: none, or 1 … MaxSeats seats.
func drawSubscription(t *rapid.T) Subscription {
	if rapid.IntRange(0, 9).Draw(t, "none") == 0 {
		return Subscription{Tenant: "contoso"}
	}
	seats := rapid.OneOf(rapid.IntRange(1, 1000), rapid.IntRange(1, MaxSeats)).Draw(t, "seats")
	return Subscription{Tenant: "contoso", Product: "O365-E3", Seats: seats, End: drawDay(t, "end")}
}

func drawPreset(t *rapid.T) Policy {
	return rapid.SampledFrom([]Policy{PartnerCenter(), Open2014(), DirectPurchase(), EnterpriseMultiYear(), VolumeLicensing()}).Draw(t, "policy")
}

// drawAnything draws any input at all, mostly invalid.
func drawAnything(t *rapid.T) (Policy, Subscription, token.Token, Operation, time.Time) {
	anyInt := rapid.OneOf(rapid.IntRange(-5, 5), rapid.IntRange(-2_000_000_000, 2_000_000_000), rapid.Int())
	p := drawPreset(t)
	if rapid.Bool().Draw(t, "mangle policy") {
		p.TermMonths = anyInt.Draw(t, "term")
		p.GraceDays = anyInt.Draw(t, "grace")
		p.DisabledDays = anyInt.Draw(t, "disabled")
		p.RenewWindowDays = anyInt.Draw(t, "window")
		p.CapFactor = anyInt.Draw(t, "cap")
		p.Rounding = proration.Rounding(anyInt.Draw(t, "rounding"))
		p.Convention = proration.Convention(anyInt.Draw(t, "convention"))
		p.EarlyRenewAnchor = Anchor(anyInt.Draw(t, "early anchor"))
		p.GraceRenewAnchor = Anchor(anyInt.Draw(t, "grace anchor"))
		p.EarlyRenewal = rapid.Bool().Draw(t, "early renewal")
		p.AddWhenInactive = rapid.Bool().Draw(t, "add inactive")
		p.ExtendWhenInactive = rapid.Bool().Draw(t, "extend inactive")
		p.CapRule = proration.CapRule(rapid.IntRange(-1, 2).Draw(t, "cap rule"))
		p.ExpiredService = Service(rapid.IntRange(-1, 4).Draw(t, "expired service"))
		p.DisabledService = Service(rapid.IntRange(-1, 4).Draw(t, "disabled service"))
	}
	anyTime := rapid.Custom(func(t *rapid.T) time.Time {
		if rapid.IntRange(0, 9).Draw(t, "zero time") == 0 {
			return time.Time{}
		}
		zone := time.FixedZone("z", rapid.IntRange(-14*3600, 14*3600).Draw(t, "offset"))
		return time.Unix(rapid.Int64Range(-70_000_000_000_000, 260_000_000_000).Draw(t, "unix"), 0).In(zone)
	})
	s := Subscription{
		Tenant: rapid.String().Draw(t, "tenant"), Product: rapid.SampledFrom([]string{"", "O365-E3", "EMS"}).Draw(t, "product"),
		Seats: anyInt.Draw(t, "seats"), End: anyTime.Draw(t, "end"),
	}
	var k token.Key
	if rapid.Bool().Draw(t, "has key") {
		k = token.MustParseKey(testKey)
	}
	tk := token.Token{Key: k, Product: rapid.SampledFrom([]string{"", "O365-E3", "EMS"}).Draw(t, "key product"),
		Seats: anyInt.Draw(t, "key seats"), TermMonths: anyInt.Draw(t, "key term")}
	return p, s, tk, Operation(rapid.IntRange(-1, 6).Draw(t, "op")), anyTime.Draw(t, "at")
}

// TestApplyAnyInput: Apply never panics, is deterministic, returns a zero
// Outcome when it refuses, and on success leaves 1 … MaxSeats seats.
func TestApplyAnyInput(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, s, tk, op, at := drawAnything(t)
		o, err := p.Apply(s, tk, op, at)
		o2, err2 := p.Apply(s, tk, op, at)
		if o != o2 || (err == nil) != (err2 == nil) {
			t.Fatalf("Apply is not deterministic")
		}
		if err != nil {
			if o != (Outcome{}) {
				t.Fatalf("refused Apply returned a non-zero Outcome: %v", err)
			}
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotAllowed) && !errors.Is(err, ErrProductMismatch) &&
				!errors.Is(err, ErrExtensionCap) && !errors.Is(err, ErrSeatLimit) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		if o.After.Seats < 1 || o.After.Seats > MaxSeats {
			t.Fatalf("seats after = %d", o.After.Seats)
		}
		_ = o.Explain()
		_ = p.Options(s, tk, at)
		_, _ = p.Preview(s, tk, at)
	})
}

// TestApplyProperties checks valid redemptions under the presets: seats stay
// within 1 … MaxSeats; an extension moves the end by 0 … 36 months (R5, R6);
// add licenses keeps the seat-days up to rounding (R4); the result is Active.
func TestApplyProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := drawPreset(t)
		s := drawSubscription(t)
		tk := mkToken(rapid.OneOf(rapid.IntRange(1, 4000), rapid.IntRange(1, MaxSeats)).Draw(t, "keySeats"))
		ops := operations
		op := rapid.SampledFrom(ops[:]).Draw(t, "op")
		at := drawDay(t, "at")
		o, err := p.Apply(s, tk, op, at)
		if err != nil {
			if o != (Outcome{}) {
				t.Fatalf("refused Apply returned a non-zero Outcome")
			}
			return
		}
		if o.After.Seats < 1 || o.After.Seats > MaxSeats {
			t.Fatalf("seats after = %d", o.After.Seats)
		}
		if st := p.State(o.After, o.At); st != Active {
			t.Fatalf("after %s the subscription is %s", op, st)
		}
		if o.After.Tenant != s.Tenant {
			t.Fatalf("seats moved to tenant %q (R2)", o.After.Tenant)
		}
		switch o.Applied {
		case ExtendEnd:
			if o.After.End.Before(o.Before.End) || o.After.End.After(proration.AddMonths(o.Before.End, 36)) {
				t.Fatalf("extension from %s to %s is not within 0…36 months (R6)", dateString(o.Before.End), dateString(o.After.End))
			}
			if o.After.Seats != s.Seats {
				t.Fatalf("extend changed the seats (R5)")
			}
		case AddSeats:
			if 2*abs64(o.Residue) > int64(o.After.Seats) {
				t.Fatalf("residue %d over half a day of %d seats (R4)", o.Residue, o.After.Seats)
			}
			if o.After.Seats != s.Seats+tk.Seats {
				t.Fatalf("seats %d, want %d + %d", o.After.Seats, s.Seats, tk.Seats)
			}
		}
	})
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// TestPreviewAgreesWithApply: Preview lists exactly the operations Apply
// accepts, with the same Outcomes, in the stable order; Options agrees too.
func TestPreviewAgreesWithApply(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := drawPreset(t)
		s := drawSubscription(t)
		tk := mkToken(rapid.IntRange(1, 1000).Draw(t, "keySeats"))
		at := drawDay(t, "at")
		outs, err := p.Preview(s, tk, at)
		if err != nil {
			t.Fatalf("Preview: %v", err)
		}
		opts := p.Options(s, tk, at)
		i := 0
		for j, op := range operations {
			o, err := p.Apply(s, tk, op, at)
			if opts[j].Op != op || opts[j].Outcome != o || (opts[j].Err == nil) != (err == nil) {
				t.Fatalf("Options[%d] disagrees with Apply(%s)", j, op)
			}
			if err != nil {
				continue
			}
			if i >= len(outs) || outs[i] != o {
				t.Fatalf("Preview disagrees with Apply(%s)", op)
			}
			i++
		}
		if i != len(outs) {
			t.Fatalf("Preview lists %d outcomes, Apply accepts %d", len(outs), i)
		}
	})
}

// TestStateMovesForward: as days pass the state never goes back (R8).
func TestStateMovesForward(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := drawPreset(t)
		s := drawSubscription(t)
		d1 := drawDay(t, "d1")
		d2 := daymath.AddDays(d1, rapid.IntRange(0, 400).Draw(t, "days passing"))
		st1, st2 := p.State(s, d1), p.State(s, d2)
		if !st1.valid() || st2 < st1 {
			t.Fatalf("state %s on %s, %s on %s", st1, dateString(d1), st2, dateString(d2))
		}
	})
}
