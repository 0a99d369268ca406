package proration

import "testing"

// The benchmarks below bound what BenchmarkExtend can reach with time.Time in
// and out: they run the loop of BenchmarkExtend around functions that do no
// arithmetic at all.

//go:noinline
func extendFloor(in ExtendInput) (Extension, error) {
	e := dayOf(in.End)
	return Extension{Seats: in.Seats, KeySeats: in.KeySeats, End: timeOf(e), NewEnd: timeOf(e + int64(in.Seats))}, nil
}

// BenchmarkExtendFloor: Extend's signature (a 96-byte input, a 136-byte
// result), one date converted and two built, nothing computed.
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
