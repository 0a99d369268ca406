package activation_test

import (
	"runtime"
	"testing"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// The Warm benchmarks run their loop twice, on two Books of their own, and
// time the second: what the first kept is dropped before the second starts,
// so that what the second keeps lands on memory the process has written
// before. They measure the library's work without most of the cost of the
// first write of each page a growing journal needs, which on a virtual
// machine is the host's and varies from one machine to the next: the cold
// figure (BenchmarkBookRedeem, BenchmarkBookRedeemAll) less the warm one is
// that cost. The runtime gives some of the dropped memory back to the system
// while the second loop runs; GODEBUG=madvdontneed=0 keeps it mapped until
// the system needs it.

// BenchmarkBookRedeemWarm is BenchmarkBookRedeem on memory written before.
func BenchmarkBookRedeemWarm(b *testing.B) { warmBench(b, b.N, redeemKeys) }

// BenchmarkBookRedeemAllWarm is BenchmarkBookRedeemAll on memory written
// before.
func BenchmarkBookRedeemAllWarm(b *testing.B) { warmBench(b, b.N*benchBatch, redeemBatches) }

// warmBench runs run with n fresh keys on a Book, drops that Book, and
// times run with the same keys on a second Book.
func warmBench(b *testing.B, n int, run func(*testing.B, *activation.Book, []token.Key)) {
	keys := benchKeys(b, n)
	run(b, benchBook(b), keys)
	bk := benchBook(b)
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	run(b, bk, keys)
}
