package daymath

import "testing"

// BenchmarkDateRoundTrip: one time.Time to a Day and back, the conversions
// every formula on time.Time cannot avoid.
func BenchmarkDateRoundTrip(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		sinkTime = (Of(benchEnd) + Day(i&7)).time()
	}
}
