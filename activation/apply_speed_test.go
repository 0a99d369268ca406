package activation

import (
	"testing"
	"time"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
	"pgregory.net/rapid"
)

// drawPreviewInput draws mostly valid inputs, including subscriptions in every
// state, dates in any zone and days near 9999-12-31 where the key's term or
// the new end leaves the calendar.
func drawPreviewInput(t *rapid.T) (Policy, Subscription, token.Token, time.Time) {
	if rapid.IntRange(0, 4).Draw(t, "anything") == 0 {
		p, s, tk, _, at := drawAnything(t)
		return p, s, tk, at
	}
	p := drawPreset(t)
	p.AddWhenInactive = rapid.Bool().Draw(t, "add inactive")
	p.ExtendWhenInactive = rapid.Bool().Draw(t, "extend inactive")
	p.Convention = rapid.SampledFrom([]proration.Convention{proration.CalendarMonths, proration.ExactSeatDays}).Draw(t, "convention")
	p.CapRule = rapid.SampledFrom([]proration.CapRule{proration.CapPerKey, proration.CapEndLimit}).Draw(t, "cap rule")
	s := drawSubscription(t)
	at := drawDay(t, "at")
	if rapid.IntRange(0, 4).Draw(t, "near 9999") == 0 {
		late := mkDate(9999, 12, 31)
		at = daymath.AddDays(late, -rapid.IntRange(0, 1200).Draw(t, "days before 9999-12-31 (at)"))
		if !s.IsNone() {
			s.End = daymath.AddDays(late, -rapid.IntRange(0, 1200).Draw(t, "days before 9999-12-31 (end)"))
		}
	}
	zone := time.FixedZone("z", rapid.IntRange(-14*3600, 14*3600).Draw(t, "offset"))
	y, m, d := at.Date()
	at = time.Date(y, m, d, rapid.IntRange(0, 23).Draw(t, "hour"), 0, 0, 0, zone)
	tk := mkToken(rapid.OneOf(rapid.IntRange(1, 400), rapid.IntRange(1, MaxSeats)).Draw(t, "key seats"))
	tk.TermMonths = rapid.SampledFrom([]int{0, 1, 12, 36}).Draw(t, "key term")
	return p, s, tk, at
}

// TestPropPreviewAgreesWithApply: Preview lists exactly the Outcomes Apply
// (through Options) accepts, in order, and fails exactly when every operation
// fails with the same input error.
func TestPropPreviewAgreesWithApply(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, s, tk, at := drawPreviewInput(t)
		outs, err := p.Preview(s, tk, at)
		opts := p.Options(s, tk, at)
		if err != nil {
			for _, o := range opts {
				if o.Err == nil || o.Err.Error() != err.Error() {
					t.Fatalf("Preview failed with %v, Options row %s: %v", err, o.Op, o.Err)
				}
			}
			return
		}
		var want []Outcome
		for _, o := range opts {
			if o.Err == nil {
				want = append(want, o.Outcome)
			}
		}
		if len(outs) != len(want) {
			t.Fatalf("Preview gave %d outcomes, Apply accepts %d", len(outs), len(want))
		}
		for i := range outs {
			if outs[i] != want[i] {
				t.Fatalf("Preview[%d] = %+v, Apply %+v", i, outs[i], want[i])
			}
		}
	})
}

// TestPropApplyDays: the dates of an Outcome are the input dates converted
// once, by calendar date, whatever the zone: At and Before.End are the
// inputs' dates at 00:00 UTC and the day counts agree with proration.Days.
func TestPropApplyDays(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, s, tk, at := drawPreviewInput(t)
		for _, op := range operations {
			o, err := p.Apply(s, tk, op, at)
			if err != nil {
				continue
			}
			if !o.At.Equal(daymath.Date(at)) || o.At.Location() != time.UTC {
				t.Fatalf("At = %s, want %s", o.At, daymath.Date(at))
			}
			if !s.IsNone() && !o.Before.End.Equal(daymath.Date(s.End)) {
				t.Fatalf("Before.End = %s, want %s", o.Before.End, daymath.Date(s.End))
			}
			if o.NewRemaining != proration.Days(at, o.After.End) ||
				o.TermDays != proration.Days(at, proration.AddMonths(at, o.TermMonths)) ||
				(o.StateBefore == Active && o.Remaining != proration.Days(at, s.End)) {
				t.Fatalf("%s: day counts %+v", op, o)
			}
		}
	})
}

// BenchmarkOptions is Apply for each operation, with the reasons of refusals.
func BenchmarkOptions(b *testing.B) {
	p, tk := PartnerCenter(), mkToken(25)
	b.ReportAllocs()
	for b.Loop() {
		opts := p.Options(benchSub, tk, benchAt)
		sinkO = opts[0].Outcome
	}
}

// applyFloor has Apply's signature and shape: an inlined wrapper around a
// function that fills the Outcome through a pointer, here with no computation.
func applyFloor(p Policy, s Subscription, t token.Token, op Operation, at time.Time) (o Outcome, err error) {
	err = applyFloorTo(&o, &p, &s, &t, op, at)
	return o, err
}

//go:noinline
func applyFloorTo(o *Outcome, p *Policy, s *Subscription, t *token.Token, op Operation, at time.Time) error {
	o.Op, o.At, o.Token, o.Before, o.CapFactor = op, at, *t, *s, p.CapFactor
	return nil
}

// BenchmarkApplyFloor measures what Apply's signature alone costs in the
// loop of BenchmarkApply: a Policy, a Subscription and a Token passed by
// value to the inlined wrapper, and a 368-byte Outcome filled in the caller's
// frame and returned, with no computation. It bounds from below what any
// Apply of this signature can reach on the machine.
func BenchmarkApplyFloor(b *testing.B) {
	p, tk := PartnerCenter(), mkToken(25)
	b.ReportAllocs()
	for b.Loop() {
		o, err := applyFloor(p, benchSub, tk, AddSeats, benchAt)
		if err != nil {
			b.Fatal(err)
		}
		sinkT = o.After.End
	}
}
