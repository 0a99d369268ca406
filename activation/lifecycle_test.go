package activation

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
)

// TestPropOneLifecycle: the state, the renew window, the dates of a refusal
// and the Timeline all come from the same boundaries (R7–R9): on any day,
// State is the state the Timeline's dates give, and a refusal's Since is the
// Timeline's first day of that state.
func TestPropOneLifecycle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, s, tk, at := drawPreviewInput(t)
		if p.Validate() != nil || s.Validate() != nil || s.IsNone() {
			return
		}
		tl, err := p.Timeline(s)
		st := p.State(s, at)
		if err != nil || st == 0 {
			return
		}
		day := daymath.Date(at)
		want := Deleted
		switch {
		case day.Before(tl.End):
			want = Active
		case day.Before(tl.DisabledFrom):
			want = Expired
		case day.Before(tl.DeletedOn):
			want = Disabled
		}
		if st != want {
			t.Fatalf("State on %s = %s; the timeline %s gives %s", day.Format(time.DateOnly), st, tl, want)
		}
		for _, op := range operations {
			err := p.CheckOperation(s, op, at)
			var na *NotAllowedError
			if errors.As(err, &na) && !na.Since.Equal(since(tl, st)) {
				t.Fatalf("%s refused since %s; the timeline says %s", op, na.Since, since(tl, st))
			}
			if op == Renew && st == Active {
				inWindow := !day.Before(tl.RenewFrom)
				if (err == nil) != inWindow {
					t.Fatalf("Renew on %s: %v; the timeline opens renewal on %s", day.Format(time.DateOnly), err, tl.RenewFrom.Format(time.DateOnly))
				}
				if err != nil && !na.Opens.Equal(tl.RenewFrom) {
					t.Fatalf("Renew opens %s; the timeline says %s", na.Opens, tl.RenewFrom)
				}
			}
		}
		_ = tk
	})
}

// TestPropTableDecidesRefusals: an operation Apply refuses as not allowed is
// one the transition table refuses for that key, with the same error; the
// table's short-key rule for grace renewals (R9) included.
func TestPropTableDecidesRefusals(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, s, tk, at := drawPreviewInput(t)
		if p.TermMonths >= 1 && p.TermMonths <= 36 {
			p.GraceDays = rapid.IntRange(0, 28*p.TermMonths-1).Draw(t, "grace days")
		}
		r, term, err := checkAll(&p, &s, &tk, at)
		if err != nil {
			return
		}
		for _, op := range operations {
			_, applyErr := p.Apply(s, tk, op, at)
			_, ok := allowedFor(&p, &r, op, term)
			if ok {
				if errors.Is(applyErr, ErrNotAllowed) {
					t.Fatalf("%s: the table allows it, Apply refuses: %v", op, applyErr)
				}
				continue
			}
			if want := refusalFor(&p, &r, op, term); applyErr == nil || applyErr.Error() != want.Error() {
				t.Fatalf("%s: the table refuses with %v, Apply gives %v", op, want, applyErr)
			}
		}
	})
}

// TestShortKeyGraceRenewal: under a grace renewal anchored on the old end
// date, a key whose own term would end the renewal on or before the
// redemption day is refused by the transition table (R9), naming the date.
func TestShortKeyGraceRenewal(t *testing.T) {
	p := Open2014()
	p.GraceDays = 60
	require.NoError(t, p.Validate())
	s := mkSub(10, mkDate(2027, 1, 31))
	at := mkDate(2027, 3, 5) // 33 days after the end: Expired
	r, err := prepare(&p, &s, at)
	require.NoError(t, err)
	require.Equal(t, Expired, r.state)
	_, ok := allowedFor(&p, &r, Renew, 1)
	assert.False(t, ok, "2027-01-31 + 1 month = 2027-02-28, before the redemption day")
	_, ok = allowedFor(&p, &r, Renew, 2)
	assert.True(t, ok, "2027-01-31 + 2 months = 2027-03-31, after it")
	_, ok = allowed(&p, &r, Renew)
	assert.True(t, ok, "without a key the table allows the renewal")
	err = refusalFor(&p, &r, Renew, 1)
	assert.EqualError(t, err, "activation: renew not allowed: subscription expired since 2027-01-31: a 1-month key anchored on the old end date would end on 2027-02-28, not after the redemption day (R9)")

	tk := mkToken(10)
	tk.TermMonths = 1
	_, applyErr := p.Apply(s, tk, Renew, at)
	assert.Equal(t, err.Error(), applyErr.Error(), "Apply gives the table's refusal")

	// A key ending exactly on the redemption day buys nothing either.
	onEnd := mkDate(2027, 2, 28)
	r2, err := prepare(&p, &s, onEnd)
	require.NoError(t, err)
	_, ok = allowedFor(&p, &r2, Renew, 1)
	assert.False(t, ok, "2027-01-31 + 1 month = 2027-02-28, the redemption day itself")
	r3, err := prepare(&p, &s, mkDate(2027, 2, 27))
	require.NoError(t, err)
	_, ok = allowedFor(&p, &r3, Renew, 1)
	assert.True(t, ok, "2027-02-28 is after the redemption day 2027-02-27")

	p.GraceRenewAnchor = RedemptionDay
	_, ok = allowedFor(&p, &r, Renew, 1)
	assert.True(t, ok, "anchored on the redemption day, any key outlasts the day")
}

// TestTimelineOutOfRange: a boundary past the calendar is an error naming it.
func TestTimelineOutOfRange(t *testing.T) {
	p := PartnerCenter()
	_, err := p.Timeline(mkSub(1, mkDate(9999, 12, 10)))
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorIs(t, err, proration.ErrDateRange)
	assert.Contains(t, err.Error(), "activation: invalid input: timeline: disabled from: ")
	p.EarlyRenewal = true
	_, err = p.Timeline(mkSub(1, mkDate(1, 1, 2)))
	require.ErrorIs(t, err, proration.ErrDateRange)
	assert.Contains(t, err.Error(), "timeline: renew window")
}

// TestTransitionAnyInput: the table lookup is total: a state or an operation
// outside the enumerations is the never-allowed zero cell, not a panic.
func TestTransitionAnyInput(t *testing.T) {
	for st := State(-2); st <= None+2; st++ {
		for op := Operation(-2); op <= Activate+2; op++ {
			var c cell
			require.NotPanics(t, func() { c = transition(st, op) }, "transition(%v, %v)", st, op)
			if !st.valid() || !op.valid() {
				assert.Equal(t, cell{}, c, "transition(%v, %v)", st, op)
			}
		}
	}
	assert.Equal(t, cell{always, activateNew}, transition(None, Activate))
	assert.Equal(t, cell{always, blend}, transition(Active, AddSeats))
}

// TestTransitionTable pins every cell of the transition table (R4–R9): the
// rules of the package documentation, "Lifecycle", state by state.
func TestTransitionTable(t *testing.T) {
	want := map[State][4]cell{ // AddSeats, ExtendEnd, Renew, Activate
		Active:   {{always, blend}, {always, extend}, {inRenewWindow, renewEarly}, {}},
		Expired:  {{ifAddWhenInactive, blend}, {ifExtendWhenInactive, extend}, {keyOutlastsDay, renewGrace}, {always, activateNew}},
		Disabled: {{ifAddWhenInactive, blend}, {ifExtendWhenInactive, extend}, {always, activateNew}, {always, activateNew}},
		Deleted:  {{}, {}, {}, {always, activateNew}},
		None:     {{}, {}, {}, {always, activateNew}},
	}
	for st, row := range want {
		for i, op := range []Operation{AddSeats, ExtendEnd, Renew, Activate} {
			assert.Equal(t, row[i], transition(st, op), "transition(%v, %v)", st, op)
		}
	}
}

// since returns the first day of state st in tl: End for Expired, DisabledFrom for
// Disabled, DeletedOn for Deleted, and the zero time for Active and None,
// whose start a Timeline does not know.
func since(tl Timeline, st State) time.Time {
	switch st {
	case Expired:
		return tl.End
	case Disabled:
		return tl.DisabledFrom
	case Deleted:
		return tl.DeletedOn
	}
	return time.Time{}
}
