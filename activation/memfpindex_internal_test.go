package activation

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
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
