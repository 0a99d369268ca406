package proration

import (
	"testing"

	"pgregory.net/rapid"
)

func TestPropBlendRemainingAgrees(t *testing.T) { // R4: BlendRemaining is Blend's R, with Blend's errors
	rapid.Check(t, func(t *rapid.T) {
		anyInt := rapid.OneOf(rapid.IntRange(-2, MaxDays+2), rapid.IntRange(-2, MaxSeats+2), rapid.Int())
		a, b, c, term, rnd := blendDraw(t)
		if rapid.Bool().Draw(t, "any input") {
			a, b, c, term = anyInt.Draw(t, "any seats"), anyInt.Draw(t, "any remaining"), anyInt.Draw(t, "any key seats"), anyInt.Draw(t, "any term")
			rnd = Rounding(rapid.IntRange(-1, 5).Draw(t, "any rounding"))
		}
		want, werr := Blend(a, b, c, term, rnd)
		got, err := BlendRemaining(a, b, c, term, rnd)
		if (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) || got != want.NewRemaining {
			t.Fatalf("BlendRemaining(%d, %d, %d, %d, %s) = %d, %v; Blend %d, %v", a, b, c, term, rnd, got, err, want.NewRemaining, werr)
		}
	})
}

func TestBlendRemainingZeroAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { sinkInt, _ = BlendRemaining(100, 200, 25, 365, HalfEven) }); n != 0 {
		t.Errorf("%v allocs per run, want 0", n)
	}
}

func BenchmarkBlendRemaining(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		sinkInt, _ = BlendRemaining(100+i&63, 200, 25, 365, HalfEven)
	}
}
