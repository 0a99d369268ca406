package activation

import (
	"strings"
	"sync"

	"github.com/coterm/coterm/token"
)

// batchScratch is what [Book.RedeemAll] computes in and nothing keeps after
// it returns: the keys' fingerprints and, when its Journal is a
// [MemoryJournal] (which copies what it stores), the batch's records. A
// BatchJournal of another kind gets records of their own, as it may keep
// them. Kept in a pool, a batch's work allocates no memory the next one
// cannot use again.
type batchScratch struct {
	fps  []token.Fingerprint
	recs []Record
}

var batchScratchPool = sync.Pool{New: func() any { return new(batchScratch) }}

// getBatchScratch returns a scratch with room for n keys' fingerprints and
// records for j; putBatchScratch gives it back.
func getBatchScratch(n int, j Journal) (*batchScratch, []token.Fingerprint, []Record) {
	s := batchScratchPool.Get().(*batchScratch)
	if cap(s.fps) < n {
		s.fps = make([]token.Fingerprint, n)
	}
	if _, mem := j.(*MemoryJournal); !mem {
		return s, s.fps[:n], make([]Record, n)
	}
	if cap(s.recs) < n {
		s.recs = make([]Record, n)
	}
	return s, s.fps[:n], s.recs[:n]
}

func putBatchScratch(s *batchScratch) { batchScratchPool.Put(s) }

// keyTails returns the last five characters of every key of ts, one key
// after the other, in one string: each record of a batch holds its part as
// its KeyTail, and the batch allocates once for them all.
func keyTails(ts []token.Token) string {
	var b strings.Builder
	b.Grow(len(ts) * token.GroupLen)
	for i := range ts {
		b.WriteString(ts[i].Key.Last5())
	}
	return b.String()
}
