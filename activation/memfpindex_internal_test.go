package activation

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/token"
)

// TestMemFPIndexCollidingTags: fingerprints that share their tag (and
// their first eight bytes) are each found as themselves, a fingerprint
// never stored is not found, and every one survives the table's growths.
func TestMemFPIndexCollidingTags(t *testing.T) {
	var j MemoryJournal
	const n = 3000 // several growths
	fps := make([]Record, n)
	for i := range fps {
		binary.LittleEndian.PutUint64(fps[i].Fingerprint[0:], 42)
		binary.LittleEndian.PutUint64(fps[i].Fingerprint[24:], uint64(i)+1)
		j.put(i, &fps[i], 0)
		j.n++
		if i%2 == 0 {
			j.byKey.addTag(7, i) // made to collide
		} else {
			j.byKey.add(&fps[i].Fingerprint, i)
		}
	}
	for i := range fps {
		tag := j.byKey.tag(&fps[i].Fingerprint)
		if i%2 == 0 {
			tag = 7
		}
		got, ok := j.byKey.findTag(&j, &fps[i].Fingerprint, tag)
		require.True(t, ok, "fingerprint %d", i)
		require.Equal(t, i, got)
	}
	missing := fps[0].Fingerprint
	missing[31] ^= 0xff
	_, ok := j.byKey.findTag(&j, &missing, 7)
	require.False(t, ok)
	_, ok = j.byKey.find(&j, &missing)
	require.False(t, ok)
}

// TestMemoryLedgerSharedPrefixes: fingerprints equal in their first eight
// bytes are told apart by a Ledger.
func TestMemoryLedgerSharedPrefixes(t *testing.T) {
	l := NewMemoryLedger()
	ctx := context.Background()
	for i := range 500 {
		var rec Record
		binary.LittleEndian.PutUint64(rec.Fingerprint[0:], 0x5eed)
		binary.LittleEndian.PutUint64(rec.Fingerprint[16:], uint64(i))
		rec.Outcome.After.Seats = i
		_, inserted, err := l.Claim(ctx, rec)
		require.NoError(t, err)
		require.True(t, inserted, "fingerprint %d", i)
	}
	for i := range 500 {
		var fp Record
		binary.LittleEndian.PutUint64(fp.Fingerprint[0:], 0x5eed)
		binary.LittleEndian.PutUint64(fp.Fingerprint[16:], uint64(i))
		got, ok, err := l.Lookup(ctx, fp.Fingerprint)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, i, got.Outcome.After.Seats)
	}
}

// TestMemFPIndexFindFirst: findFirst answers what find answers for each
// record in turn (the first found, zero fingerprints skipped), on batches
// longer than its chunk, on an empty table and with fingerprints indexed
// past four billion records (the far map).
func TestMemFPIndexFindFirst(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var j MemoryJournal
		fp := func(v uint64) (f token.Fingerprint) {
			binary.LittleEndian.PutUint64(f[0:], v*0x9e3779b97f4a7c15+1)
			binary.LittleEndian.PutUint64(f[24:], v)
			return f
		}
		stored := rapid.IntRange(0, 300).Draw(t, "stored")
		for i := range stored {
			rec := Record{Fingerprint: fp(uint64(i))}
			j.put(i, &rec, 0)
			j.n++
			j.byKey.add(&rec.Fingerprint, i)
		}
		if rapid.IntRange(0, 4).Draw(t, "far") == 0 {
			j.byKey.far = map[token.Fingerprint]int{fp(1 << 40): 7}
		}
		recs := make([]Record, rapid.IntRange(1, 40).Draw(t, "batch"))
		for k := range recs {
			switch rapid.IntRange(0, 5).Draw(t, "kind") {
			case 0: // zero fingerprint
			case 1:
				recs[k].Fingerprint = fp(uint64(rapid.IntRange(0, 400).Draw(t, "stored or not")))
			case 2:
				recs[k].Fingerprint = fp(1 << 40)
			default:
				recs[k].Fingerprint = fp(uint64(1000 + rapid.IntRange(0, 1<<20).Draw(t, "new")))
			}
		}
		if rapid.Bool().Draw(t, "one spent") { // the one a batch's chunks must not skip
			for k := range recs {
				recs[k].Fingerprint = fp(uint64(1000 + k))
			}
			if stored > 0 {
				recs[rapid.IntRange(0, len(recs)-1).Draw(t, "spent at")].Fingerprint = fp(uint64(stored - 1))
			}
		}
		wantK, wantI, wantOK := 0, 0, false
		for k := range recs {
			if f := &recs[k].Fingerprint; !f.IsZero() {
				if i, ok := j.byKey.find(&j, f); ok {
					wantK, wantI, wantOK = k, i, true
					break
				}
			}
		}
		k, i, ok := j.byKey.findFirst(&j, recs)
		require.Equal(t, wantOK, ok)
		require.Equal(t, wantK, k)
		require.Equal(t, wantI, i)
	})
}
