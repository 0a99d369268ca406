package proration

import "testing"

// The benchmarks below bound what BenchmarkExtend can reach with time.Time in
// and out: they run the loop of BenchmarkExtend around functions that do no
// arithmetic at all.

// extendFloor has Extend's shape: an inlined wrapper around a function that
// fills the result through a pointer.
func extendFloor(in ExtendInput) (x Extension, err error) {
	err = extendFloorTo(&x, &in)
	return x, err
}

//go:noinline
func extendFloorTo(x *Extension, in *ExtendInput) error {
	e := dayOf(in.End)
	x.Seats, x.KeySeats = in.Seats, in.KeySeats
	x.End, x.NewEnd = timeOf(e), timeOf(e+int64(in.Seats))
	return nil
}

// BenchmarkExtendFloor: Extend's signature and shape (a 96-byte input, a
// 136-byte result, built in the caller's frame), one date converted and two
// built, nothing computed.
func BenchmarkExtendFloor(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		r, _ := extendFloor(ExtendInput{End: benchEnd, At: benchAt, Seats: 8 + i&7, KeySeats: 1})
		sinkTime = r.NewEnd
	}
}

// BenchmarkDateRoundTrip: one time.Time to a day number and back, the
// conversions Extend cannot avoid.
func BenchmarkDateRoundTrip(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		sinkTime = timeOf(dayOf(benchEnd) + int64(i&7))
	}
}
