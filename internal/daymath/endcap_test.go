package daymath

import (
	"errors"
	"testing"
)

// TestEndCap pins the integer steps of the end-limit reading of the cap
// (R6): 100 seats ending 2027-03-01, a 12-month key redeemed on 2026-12-01
// (365 days), factor 3: the limit is 2029-12-01 and 275 seats reach it
// exactly; at the limit no key fits, and one seat does from 2026-12-05.
func TestEndCap(t *testing.T) {
	at, e := mustDay(t, 2026, 12, 1), mustDay(t, 2027, 3, 1)
	limit := EndLimit(at, 3, 12)
	if want := mustDay(t, 2029, 12, 1); limit != want {
		t.Fatalf("EndLimit = %s, want %s", limit, want)
	}
	if got := EndLimit(mustDay(t, 9996, 12, 31), 3, 12); got != MaxDay {
		t.Fatalf("EndLimit on the last day = %s", got)
	}
	if got := EndLimit(mustDay(t, 9997, 1, 1), 3, 12); got != MaxDay+1 {
		t.Fatalf("EndLimit past the calendar = %d, want MaxDay+1", got)
	}
	for _, tc := range []struct {
		c    int64
		want Day
		ok   bool
	}{
		{275, limit, true},
		{1, e + 4, true}, // 0.12 × 31 days = 3.72 → 4
		{1_000_000_000, 0, false},
	} {
		got, ok := ExtendedEnd(100, tc.c, 12, HalfEven, false, e, 365)
		if ok != tc.ok || ok && got != tc.want {
			t.Fatalf("ExtendedEnd(%d seats) = %s, %t; want %s, %t", tc.c, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := ExtendedEnd(1, 119_988, 1, HalfEven, false, MinDay+1, 31); ok {
		t.Fatal("119,988 months from year 1 end past 9999")
	}
	// 2³² + 32 months, which 32 bits would take for 32: past 9999 under
	// calendar months, without counting them; under exact seat-days,
	// Extend's own error.
	if _, _, _, _, err := ExtendUncapped(1, 119_304_648, 36, HalfEven, false, e, 1096); err != errPastCalendar {
		t.Fatalf("ExtendUncapped of 2³² + 32 months: %v", err)
	}
	if _, _, _, _, err := ExtendUncapped(1, 119_304_648, 36, HalfEven, true, e, 1096); !errors.Is(err, ErrDateRange) {
		t.Fatalf("ExtendUncapped of 2³² + 32 months, exact: %v", err)
	}
	for _, exact := range []bool{false, true} {
		if n := testing.AllocsPerRun(10, func() { ExtendedEnd(1, 1_000_000_000, 36, HalfEven, exact, e, 1096) }); n != 0 {
			t.Fatalf("ExtendedEnd past the calendar (exact %t) allocates %.0f times", exact, n)
		}
	}
	// Just past what the guard must see without counting: 1,440,000
	// calendar months; 3,650,000 exact days from 9000-01-01, past MaxDay
	// from there but not from the start of the calendar.
	y9000 := mustDay(t, 9000, 1, 1)
	if n := testing.AllocsPerRun(10, func() { ExtendedEnd(1, 120_000, 12, HalfEven, false, e, 365) }); n != 0 {
		t.Fatalf("ExtendedEnd of 1,440,000 months allocates %.0f times", n)
	}
	if _, _, _, _, err := ExtendUncapped(1, 120_000, 12, HalfEven, false, e, 365); err != errPastCalendar {
		t.Fatalf("ExtendUncapped of 1,440,000 months: %v", err)
	}
	if n := testing.AllocsPerRun(10, func() { ExtendedEnd(1, 10_000, 12, HalfEven, true, y9000, 365) }); n != 0 {
		t.Fatalf("ExtendedEnd of 3,650,000 days from 9000-01-01 allocates %.0f times", n)
	}
	// Below the guard, ExtendUncapped and ExtendedEnd are Extend: 275 seats
	// of 12 months on 100, under either convention.
	for _, exact := range []bool{false, true} {
		want, _, _, _, werr := Extend(100, 275, 12, HalfEven, exact, e, 365)
		got, _, _, _, err := ExtendUncapped(100, 275, 12, HalfEven, exact, e, 365)
		end, ok := ExtendedEnd(100, 275, 12, HalfEven, exact, e, 365)
		if werr != nil || err != nil || got != want || !ok || end != want {
			t.Fatalf("exact %t: Extend %s, %v; ExtendUncapped %s, %v; ExtendedEnd %s, %t", exact, want, werr, got, err, end, ok)
		}
	}
	// The guard takes only what Extend cannot add: 119,988 months, the
	// calendar's whole span, are Extend's to refuse.
	if _, _, _, _, err := ExtendUncapped(1, 119_988, 1, HalfEven, false, MinDay+1, 31); err == errPastCalendar || !errors.Is(err, ErrDateRange) {
		t.Fatalf("ExtendUncapped of the calendar's span: %v", err)
	}
	// Exact seat-days count days, not months: 119,989 one-month keys of 28
	// days (a February) on one seat are 119,989 months, more than the
	// calendar spans, but 3,359,692 days, which end within it from the
	// year 1. One day more than MaxDay allows is past it.
	y1 := mustDay(t, 1, 1, 2)
	for _, got := range []func() (Day, bool){
		func() (Day, bool) {
			d, _, _, _, err := ExtendUncapped(1, 119_989, 1, HalfEven, true, y1, 28)
			return d, err == nil
		},
		func() (Day, bool) { return ExtendedEnd(1, 119_989, 1, HalfEven, true, y1, 28) },
	} {
		if d, ok := got(); !ok || d != y1+3_359_692 {
			t.Fatalf("an exact extension by 3,359,692 days from 0001-01-02 = %s, %t; want %s", d, ok, y1+3_359_692)
		}
	}
	if _, ok := ExtendedEnd(1, 119_989, 1, HalfEven, false, y1, 28); ok {
		t.Fatal("119,989 calendar months from 0001-01-02 end past 9999")
	}
	if got, ok := ExtendedEnd(1, int64(MaxDay-y1), 1, HalfEven, true, y1, 1); !ok || got != MaxDay {
		t.Fatalf("ExtendedEnd to MaxDay = %s, %t", got, ok)
	}
	if _, ok := ExtendedEnd(1, int64(MaxDay-y1)+1, 1, HalfEven, true, y1, 1); ok {
		t.Fatal("ExtendedEnd one day past MaxDay is ok")
	}
	if got := LargestWithin(100, 12, HalfEven, false, e, 365, limit, 1_000_000_000); got != 275 {
		t.Fatalf("LargestWithin = %d, want 275", got)
	}
	if got := LargestWithin(100, 12, HalfEven, false, e, 365, limit, 275); got != 275 {
		t.Fatalf("LargestWithin up to 275 = %d", got)
	}
	if got := LargestWithin(100, 12, HalfEven, false, e, 365, limit, 274); got != 274 {
		t.Fatalf("LargestWithin up to 274 = %d", got)
	}
	if got := LargestWithin(100, 12, HalfEven, false, e, 365, limit, 1); got != 1 {
		t.Fatalf("LargestWithin up to 1 = %d", got)
	}
	if got := LargestWithin(100, 12, HalfEven, false, e, 365, limit, 0); got != 0 {
		t.Fatalf("LargestWithin of none = %d", got)
	}
	if got := LargestWithin(100, 12, HalfEven, false, limit, 365, limit, 1_000_000_000); got != 0 {
		t.Fatalf("LargestWithin at the limit = %d, want 0", got)
	}
	if got := LargestWithin(100, 12, HalfEven, false, limit-4, 365, limit, 1_000_000_000); got != 1 {
		t.Fatalf("LargestWithin 4 days before the limit = %d, want 1", got)
	}
	for _, exact := range []bool{false, true} {
		if got, want := FirstFit(100, 12, 3, HalfEven, exact, limit, at), mustDay(t, 2026, 12, 5); got != want {
			t.Fatalf("FirstFit(exact %t) = %s, want %s", exact, got, want)
		}
	}
	// From a day long before: the scan starts near the answer, not at+1.
	if got, want := FirstFit(100, 12, 3, HalfEven, false, limit, mustDay(t, 2020, 1, 1)), mustDay(t, 2026, 12, 5); got != want {
		t.Fatalf("FirstFit from 2020 = %s, want %s", got, want)
	}
	// Where the scan starts: five days before AddMonths(2029-12-05, −36)
	// from a day long before; the day after at when that is later.
	if got, want := fitScanStart(100, 12, 3, HalfEven, false, limit, mustDay(t, 2020, 1, 1)), mustDay(t, 2026, 11, 30); got != want {
		t.Fatalf("fitScanStart from 2020 = %s, want %s", got, want)
	}
	if got, want := fitScanStart(100, 12, 3, HalfEven, false, limit, at), at+1; got != want {
		t.Fatalf("fitScanStart from 2026-12-01 = %s, want %s", got, want)
	}
	if got, want := fitScanStart(100, 12, 3, HalfEven, false, limit, mustDay(t, 2026, 11, 25)), mustDay(t, 2026, 11, 30); got != want {
		t.Fatalf("fitScanStart from 2026-11-25 = %s, want %s (from − 5 one day after at)", got, want)
	}
	if got, want := fitScanStart(100, 12, 3, HalfEven, false, limit, mustDay(t, 2026, 11, 29)), mustDay(t, 2026, 11, 30); got != want {
		t.Fatalf("fitScanStart from 2026-11-29 = %s, want %s", got, want)
	}
	if got, want := fitScanStart(1, 12, 3, HalfEven, false, mustDay(t, 9999, 6, 1), mustDay(t, 9990, 1, 1)), mustDay(t, 9990, 1, 2); got != want {
		t.Fatalf("fitScanStart with no end in the calendar = %s, want the day after", got)
	}
	// One seat on one seat adds a year: it fits from a year after the day
	// the limit reaches the end.
	if got, want := FirstFit(1, 12, 1, HalfEven, false, mustDay(t, 2027, 3, 1), mustDay(t, 2026, 1, 1)), mustDay(t, 2027, 3, 1); got != want {
		t.Fatalf("FirstFit of one seat on one = %s, want %s", got, want)
	}
	if got := FirstFit(1, 12, 3, HalfEven, false, mustDay(t, 9999, 6, 1), mustDay(t, 9990, 1, 1)); got != 0 {
		t.Fatalf("FirstFit past the calendar = %s, want none", got)
	}
	if got := FirstFit(1, 12, 3, HalfEven, false, mustDay(t, 2027, 3, 1), MaxDay); got != 0 {
		t.Fatalf("FirstFit after the last day = %s, want none", got)
	}
}
