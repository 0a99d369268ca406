package daymath

import (
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestOfFastPathAgrees: Of's unsigned path for times in UTC gives the Day of
// the floor division it replaces, for any Unix second (around 0001-01-01 and
// the ends of the shift too), and a time in another zone is unaffected.
func TestOfFastPathAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sec := rapid.OneOf(
			rapid.Int64(),
			rapid.Int64Range(-62135596800-3*secondsPerDay, -62135596800+3*secondsPerDay), // 0001-01-01
			rapid.Int64Range(-ofShift-3*secondsPerDay, -ofShift+3*secondsPerDay),
			rapid.Int64Range(253402300800-3*secondsPerDay, 253402300800+3*secondsPerDay), // 10000-01-01
			rapid.Int64Range(math.MaxInt64-ofShift-secondsPerDay, math.MaxInt64),
			rapid.Int64Range(math.MinInt64, math.MinInt64+secondsPerDay),
		).Draw(t, "unix seconds")
		tm := time.Unix(sec, 0).UTC()
		want := Day(floorDiv(tm.Unix(), secondsPerDay) + unixDay)
		if got := Of(tm); got != want {
			t.Fatalf("Of(%d s) = %d, want %d", sec, got, want)
		}
		zone := time.FixedZone("z", rapid.IntRange(-14*3600, 14*3600).Draw(t, "offset"))
		if got, want := Of(tm.In(zone)), ofZoned(tm.In(zone)); got != want {
			t.Fatalf("Of(%d s in %v) = %d, want %d", sec, zone, got, want)
		}
	})
}

// TestAddTermAgrees: AddTerm is AddMonths for a valid Day and a term of
// 0 … 1,200 months, ok exactly when AddMonths has no error.
func TestAddTermAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := Day(rapid.OneOf(rapid.Int64Range(int64(MinDay), int64(MaxDay)),
			rapid.Int64Range(int64(MaxDay)-40*31, int64(MaxDay))).Draw(t, "day"))
		n := rapid.OneOf(rapid.IntRange(0, 1200), rapid.IntRange(0, 40)).Draw(t, "months")
		got, ok := d.AddTerm(n)
		want, err := d.AddMonths(n)
		if ok != (err == nil) || (ok && got != want) {
			t.Fatalf("%s.AddTerm(%d) = %d, %v; AddMonths = %d, %v", d, n, got, ok, want, err)
		}
	})
}

// TestGCD32Agrees: gcd32 is GCD for 0 < u, v < 2³², powers of two and equal
// arguments included.
func TestGCD32Agrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		u := rapid.OneOf(rapid.Uint32Range(1, math.MaxUint32), rapid.Uint32Range(1, 64),
			rapid.Custom(func(t *rapid.T) uint32 { return 1 << rapid.IntRange(0, 31).Draw(t, "shift") })).Draw(t, "u")
		v := rapid.OneOf(rapid.Uint32Range(1, math.MaxUint32), rapid.Just(u), rapid.Uint32Range(1, 64),
			rapid.Custom(func(t *rapid.T) uint32 { return u * rapid.Uint32Range(1, 8).Draw(t, "factor") })).Draw(t, "v")
		if v == 0 {
			v = 1
		}
		if got, want := int64(gcd32(u, v)), GCD(int64(u), int64(v)); got != want {
			t.Fatalf("gcd32(%d, %d) = %d, want %d", u, v, got, want)
		}
	})
}

// gcdPairs are the pairs of Extend's lowest terms on the shared benchmark:
// f = 12·C mod A and A for A up to 100,000.
func gcdPairs() (p [1024][2]uint32) {
	x := uint64(88172645463325252)
	for i := range p {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		a := uint32(2 + x%99999)
		p[i] = [2]uint32{1 + uint32(x>>32)%(a-1), a}
	}
	return p
}

var sinkGCD int64

func BenchmarkGCD(b *testing.B) {
	ps := gcdPairs()
	b.Run("binary", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			p := ps[i&1023]
			sinkGCD += GCD(int64(p[0]), int64(p[1]))
		}
	})
	b.Run("gcd32", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			p := ps[i&1023]
			sinkGCD += int64(gcd32(p[0], p[1]))
		}
	})
}
