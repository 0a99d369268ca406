package proration

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/internal/daymath"
)

// The benchmarks compare each formula with the same computation done the
// obvious way: shopspring/decimal for the arithmetic and time.Time with
// time.Date normalisation for the calendar. TestNaiveAgrees proves that the
// obvious way computes the same results, so the comparison is fair.

var (
	sinkInt      int
	sinkTime     time.Time
	sinkBlended  Blended
	sinkExtended Extension
)

// naiveAddMonths adds n months with time.Date normalisation and a clamp.
func naiveAddMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	last := time.Date(y, m+time.Month(n)+1, 0, 0, 0, 0, 0, time.UTC) // last day of the target month
	if day > last.Day() {
		day = last.Day()
	}
	return time.Date(y, m+time.Month(n), day, 0, 0, 0, 0, time.UTC)
}

// naiveDays counts calendar days between the dates of two times.
func naiveDays(from, to time.Time) int {
	fy, fm, fd := from.Date()
	ty, tm, td := to.Date()
	f := time.Date(fy, fm, fd, 0, 0, 0, 0, time.UTC)
	t := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)
	return int(t.Sub(f).Hours()) / 24 // exact: both at 00:00 UTC
}

// naiveBlend is R4 in decimals: (A·B + C·T) ÷ (A + C), banker's rounding.
func naiveBlend(a, b, c, t int) int {
	da, dc := decimal.NewFromInt(int64(a)), decimal.NewFromInt(int64(c))
	before := da.Mul(decimal.NewFromInt(int64(b))).Add(dc.Mul(decimal.NewFromInt(int64(t))))
	// QuoRem at scale 0 and a half comparison: exact, like DivRound but ties to even.
	q, r := before.QuoRem(da.Add(dc), 0)
	twice := r.Mul(decimal.NewFromInt(2))
	if c := twice.Cmp(da.Add(dc)); c > 0 || (c == 0 && q.IntPart()%2 != 0) {
		q = q.Add(decimal.NewFromInt(1))
	}
	return int(q.IntPart())
}

// naiveExtend is R5 under CalendarMonths on time.Time with decimals:
// m = C × 12 ÷ A split by QuoRem into whole months and an exact remainder.
func naiveExtend(end time.Time, a, c int) time.Time {
	da := decimal.NewFromInt(int64(a))
	w, rem := decimal.NewFromInt(int64(c)).Mul(decimal.NewFromInt(12)).QuoRem(da, 0)
	ew := naiveAddMonths(end, int(w.IntPart()))
	if rem.IsZero() {
		return ew
	}
	ew1 := naiveAddMonths(end, int(w.IntPart())+1)
	days := decimal.NewFromInt(int64(naiveDays(ew, ew1)))
	q, r := rem.Mul(days).QuoRem(da, 0) // f × days = rem × days ÷ A
	twice := r.Mul(decimal.NewFromInt(2))
	if cmp := twice.Cmp(da); cmp > 0 || (cmp == 0 && q.IntPart()%2 != 0) {
		q = q.Add(decimal.NewFromInt(1))
	}
	y, m, d := ew.Date()
	return time.Date(y, m, d+int(q.IntPart()), 0, 0, 0, 0, time.UTC)
}

func TestNaiveAgrees(t *testing.T) { // the benchmark's comparison computes the same thing
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.IntRange(1, MaxSeats).Draw(t, "seats A")
		b := rapid.IntRange(0, 3*366).Draw(t, "remaining B")
		c := rapid.IntRange(1, min(3*a, MaxSeats)).Draw(t, "key seats C")
		term := rapid.IntRange(0, 3*366).Draw(t, "term T")
		bl, err := Blend(a, b, c, term, HalfEven)
		if err != nil || bl.NewRemaining != naiveBlend(a, b, c, term) {
			t.Fatalf("Blend %d, naive %d (%v)", bl.NewRemaining, naiveBlend(a, b, c, term), err)
		}
		end := drawDate(t, 1900, 2200, "end")
		n := rapid.IntRange(-100, 100).Draw(t, "months")
		if !AddMonths(end, n).Equal(naiveAddMonths(end, n)) {
			t.Fatalf("AddMonths(%s, %d)", ymd(end), n)
		}
		ex, err := Extend(ExtendInput{End: end, At: end, Seats: a, KeySeats: c})
		if want := naiveExtend(end, a, c); err != nil || !ex.NewEnd.Equal(want) {
			t.Fatalf("Extend(%s, %d, %d) = %s, naive %s (%v)", ymd(end), a, c, ymd(ex.NewEnd), ymd(want), err)
		}
	})
}

func BenchmarkBlend(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		r, _ := Blend(100+i&63, 200, 25, 365, HalfEven)
		sinkInt = r.NewRemaining
	}
}

func BenchmarkBlendDecimal(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		sinkInt = naiveBlend(100+i&63, 200, 25, 365)
	}
}

var (
	benchEnd = time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	benchAt  = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
)

func BenchmarkExtend(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		r, _ := Extend(ExtendInput{End: benchEnd, At: benchAt, Seats: 8 + i&7, KeySeats: 1})
		sinkTime = r.NewEnd // the same result the decimal way stores
	}
}

func BenchmarkExtendDecimal(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		sinkTime = naiveExtend(benchEnd, 8+i&7, 1)
	}
}

func BenchmarkAddMonths(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		sinkTime = AddMonths(benchEnd, 1+i&15)
	}
}

func BenchmarkAddMonthsNaive(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		sinkTime = naiveAddMonths(benchEnd, 1+i&15)
	}
}

func BenchmarkDays(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		sinkInt = Days(benchAt, benchEnd)
	}
}

func BenchmarkDaysNaive(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		sinkInt = naiveDays(benchAt, benchEnd)
	}
}

func TestZeroAllocs(t *testing.T) { // the promise: Blend, Extend, AddMonths, Days allocate nothing
	if testing.Short() {
		t.Skip()
	}
	cases := map[string]func(){
		"Blend":     func() { sinkBlended, _ = Blend(100, 200, 25, 365, HalfEven) },
		"Extend":    func() { sinkExtended, _ = Extend(ExtendInput{End: benchEnd, At: benchAt, Seats: 8, KeySeats: 1}) },
		"AddMonths": func() { sinkTime = AddMonths(benchEnd, 1) },
		"Days":      func() { sinkInt = Days(benchAt, benchEnd) },
	}
	for name, f := range cases {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocs per run, want 0", name, n)
		}
	}
}

// extendFloor has Extend's shape, an inlined wrapper around a function that
// fills the result through a pointer, and does no arithmetic: it bounds what
// BenchmarkExtend can reach with time.Time in and out.
func extendFloor(in ExtendInput) (x Extension, err error) {
	err = extendFloorTo(&x, &in)
	return x, err
}

//go:noinline
func extendFloorTo(x *Extension, in *ExtendInput) error {
	e := daymath.Of(in.End)
	x.Seats, x.KeySeats = in.Seats, in.KeySeats
	x.End, x.NewEnd = e.Time(), (e + daymath.Day(in.Seats)).Time()
	return nil
}

// BenchmarkExtendFloor: Extend's signature and shape, one date converted and
// two built, nothing computed.
func BenchmarkExtendFloor(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		r, _ := extendFloor(ExtendInput{End: benchEnd, At: benchAt, Seats: 8 + i&7, KeySeats: 1})
		sinkTime = r.NewEnd
	}
}
