package activation_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/ledgertest"
	"github.com/coterm/coterm/token"
)

// TestMemoryLedgerConformance runs the Ledger conformance suite (R2) on
// MemoryLedger, from NewMemoryLedger and from the zero value.
func TestMemoryLedgerConformance(t *testing.T) {
	t.Run("NewMemoryLedger", func(t *testing.T) {
		ledgertest.Run(t, func(*testing.T) activation.Ledger { return activation.NewMemoryLedger() })
	})
	t.Run("zero value", func(t *testing.T) {
		ledgertest.Run(t, func(*testing.T) activation.Ledger { return new(activation.MemoryLedger) })
	})
}

func memKey(t testing.TB, n int) token.Key {
	t.Helper()
	k, err := token.ParseKey(fmt.Sprintf("MEMRY-LEDGR-%05d-AAAAA-%05d", n, n))
	require.NoError(t, err)
	return k
}

func TestMemoryLedgerRecordsInClaimOrder(t *testing.T) {
	l := activation.NewMemoryLedger()
	require.Equal(t, 0, l.Len())
	require.Empty(t, l.Records())
	ctx := context.Background()
	var want []activation.Record
	for _, n := range []int{7, 3, 9, 1, 5} {
		rec := activation.Record{
			Fingerprint: memKey(t, n).Fingerprint(),
			Outcome:     activation.Outcome{Op: activation.AddSeats, At: time.Date(2026, 1, n, 0, 0, 0, 0, time.UTC)},
		}
		rec.Request[0] = byte(n)
		_, inserted, err := l.Claim(ctx, rec)
		require.NoError(t, err)
		require.True(t, inserted)
		want = append(want, rec)
	}
	// A repeated claim changes neither the count nor the order.
	_, inserted, err := l.Claim(ctx, activation.Record{Fingerprint: memKey(t, 3).Fingerprint()})
	require.NoError(t, err)
	require.False(t, inserted)

	require.Equal(t, len(want), l.Len())
	got := l.Records()
	require.Equal(t, want, got)
	got[0].Outcome.Op = activation.Renew // a copy: the ledger is unchanged
	require.Equal(t, want, l.Records())
}

func TestMemoryLedgerNilContext(t *testing.T) {
	l := activation.NewMemoryLedger()
	rec := activation.Record{Fingerprint: memKey(t, 1).Fingerprint()}
	//lint:ignore SA1012 a nil context must be an error, not a panic
	_, _, err := l.Claim(nil, rec)
	require.ErrorIs(t, err, activation.ErrInvalid)
	assert.EqualError(t, err, "activation: memory journal: claim: invalid input: nil context")
	//lint:ignore SA1012 a nil context must be an error, not a panic
	_, _, err = l.Lookup(nil, rec.Fingerprint)
	require.ErrorIs(t, err, activation.ErrInvalid)
	assert.EqualError(t, err, "activation: memory journal: lookup: invalid input: nil context")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = l.Claim(ctx, rec)
	require.ErrorIs(t, err, context.Canceled)
	assert.EqualError(t, err, "activation: memory journal: claim: context canceled")
	require.Equal(t, 0, l.Len())
}

// fillEvery sets every field of the value v points to, recursively, to a
// distinct non-zero value drawn from *n (times in distinct zones), so that a
// store or an encoding that drops or swaps a field is caught. A token.Key is
// key(*n), or left zero when key is nil (an encoding that never holds the
// key). A field of a type it does not know fails the test: teach it the
// type, and the store or the encoding the field.
func fillEvery(t *testing.T, v reflect.Value, n *int, path string, key func(t testing.TB, n int) token.Key) {
	t.Helper()
	*n++
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		zone := time.FixedZone(fmt.Sprintf("Z%d", *n), (*n%24)*3600)
		v.Set(reflect.ValueOf(time.Date(2000+*n, time.Month(1+*n%12), 1+*n%28, *n%24, *n%60, *n%60, *n, zone)))
		return
	case reflect.TypeFor[token.Key]():
		if key != nil {
			v.Set(reflect.ValueOf(key(t, *n)))
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				t.Fatalf("%s.%s: unexported field of %s: fillEvery cannot set it", path, f.Name, v.Type())
			}
			fillEvery(t, v.Field(i), n, path+"."+f.Name, key)
		}
	case reflect.Array:
		for i := range v.Len() {
			fillEvery(t, v.Index(i), n, fmt.Sprintf("%s[%d]", path, i), key)
		}
	case reflect.String:
		v.SetString(fmt.Sprintf("S%d", *n)) // upper case: a valid key tail too
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n) * 1_000_003)
	case reflect.Uint8:
		v.SetUint(uint64(*n % 256))
	case reflect.Bool:
		v.SetBool(true)
	default:
		t.Fatalf("%s: fillEvery does not know %s", path, v.Type())
	}
}

// TestMemoryLedgerKeepsEveryField checks that a Record comes back from Claim,
// Lookup and Records exactly as it was given, with every field of Record and
// Outcome set but the two a claim may not hold (a store keeps no key, and a
// claim has no place: Seq 0): a field of Record or Outcome a store drops
// fails here.
func TestMemoryLedgerKeepsEveryField(t *testing.T) {
	var rec activation.Record
	n := 0
	fillEvery(t, reflect.ValueOf(&rec).Elem(), &n, "Record", nil)
	rec.Seq = 0
	subscriptionOnly(&rec)
	for _, f := range reflect.VisibleFields(reflect.TypeFor[activation.Outcome]()) {
		require.False(t, reflect.ValueOf(rec.Outcome).FieldByIndex(f.Index).IsZero(), "Outcome.%s left zero", f.Name)
	}

	l := new(activation.MemoryLedger)
	ctx := context.Background()
	stored, inserted, err := l.Claim(ctx, rec)
	require.NoError(t, err)
	require.True(t, inserted)
	require.Equal(t, rec, stored)

	got, ok, err := l.Lookup(ctx, rec.Fingerprint)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, rec, got)
	require.Equal(t, []activation.Record{rec}, l.Records())

	again, inserted, err := l.Claim(ctx, activation.Record{Fingerprint: rec.Fingerprint})
	require.NoError(t, err)
	require.False(t, inserted)
	require.Equal(t, rec, again)
}

// TestMemoryLedgerTimes checks that times come back as the same instant in
// the same location — UTC, Local, a fixed zone, a loaded zone, the zero time,
// the extremes — and that a monotonic clock reading is dropped.
func TestMemoryLedgerTimes(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		berlin = time.FixedZone("CET", 3600) // no zone database: a fixed zone stands in
	}
	now, zoneX := time.Now(), time.FixedZone("X", -7*3600)
	cases := map[string]struct{ in, want time.Time }{
		"zero":        {time.Time{}, time.Time{}},
		"utc date":    {time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		"local":       {time.Date(2026, 3, 29, 2, 30, 0, 5, time.Local), time.Date(2026, 3, 29, 2, 30, 0, 5, time.Local)},
		"fixed zone":  {time.Date(1, 1, 1, 0, 0, 0, 0, zoneX), time.Date(1, 1, 1, 0, 0, 0, 0, zoneX)},
		"berlin":      {time.Date(2026, 10, 25, 2, 30, 0, 0, berlin), time.Date(2026, 10, 25, 2, 30, 0, 0, berlin)},
		"year 1e9":    {time.Date(1e9, 12, 31, 23, 59, 59, 999_999_999, time.UTC), time.Date(1e9, 12, 31, 23, 59, 59, 999_999_999, time.UTC)},
		"year -1e9":   {time.Date(-1e9, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1e9, 1, 1, 0, 0, 0, 0, time.UTC)},
		"max instant": {time.Unix(1<<63-1, 999_999_999).UTC(), time.Unix(1<<63-1, 999_999_999).UTC()},
		"min instant": {time.Unix(-1<<63, 0).UTC(), time.Unix(-1<<63, 0).UTC()},
		"monotonic":   {now, now.Round(0)},
	}
	l := activation.NewMemoryLedger()
	ctx := context.Background()
	i := 0
	for name, c := range cases {
		i++
		rec := activation.Record{Fingerprint: memKey(t, i).Fingerprint()}
		rec.Outcome.At, rec.Outcome.Before.End, rec.Outcome.After.End = c.in, c.in, c.in
		_, _, err := l.Claim(ctx, rec)
		require.NoError(t, err)
		got, ok, err := l.Lookup(ctx, rec.Fingerprint)
		require.NoError(t, err)
		require.True(t, ok)
		for field, tm := range map[string]time.Time{"At": got.Outcome.At, "Before.End": got.Outcome.Before.End, "After.End": got.Outcome.After.End} {
			assert.True(t, tm == c.want, "%s: %s = %s, want %s", name, field, tm, c.want)
			assert.True(t, tm.Equal(c.in), "%s: %s not the same instant", name, field)
			assert.Equal(t, c.want.Location().String(), tm.Location().String(), "%s: %s location", name, field)
		}
	}
}

// TestMemoryLedgerManyBlocks claims thousands of records from concurrent
// goroutines, and checks every record, Len and that Records is in claim
// order.
func TestMemoryLedgerManyBlocks(t *testing.T) {
	const workers, each = 4, 700 // 2,800 records
	l := new(activation.MemoryLedger)
	ctx := context.Background()
	rec := func(n int) activation.Record {
		r := activation.Record{Fingerprint: memKey(t, n).Fingerprint()}
		r.Request[0], r.Request[1] = byte(n), byte(n>>8)
		r.Outcome.Before = activation.Subscription{Tenant: fmt.Sprintf("tenant%d", n%7), Product: "M365", Seats: n}
		r.Outcome.After = activation.Subscription{Tenant: r.Outcome.Before.Tenant, Product: "M365", Seats: n + 1,
			End: time.Date(2027, 1, 1+n%28, 0, 0, 0, 0, time.UTC)}
		r.Outcome.SeatDaysAfter = int64(n) * 365
		return r
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				n := w*each + i
				_, inserted, err := l.Claim(ctx, rec(n))
				assert.NoError(t, err)
				assert.True(t, inserted)
			}
		})
	}
	wg.Wait()
	require.Equal(t, workers*each, l.Len())
	all := l.Records()
	require.Len(t, all, workers*each)
	next := make([]int, workers) // each worker's records appear in its own order
	for i, r := range all {
		n := int(r.Outcome.Before.Seats)
		require.Equal(t, rec(n), r, "record %d", i)
		w := n / each
		require.Equal(t, w*each+next[w], n, "record %d out of claim order", i)
		next[w]++
		got, ok, err := l.Lookup(ctx, r.Fingerprint)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, r, got)
	}
}

// BenchmarkMemoryLedgerClaim claims a million distinct records, as
// examples/replay does, into a fresh ledger per op.
func BenchmarkMemoryLedgerClaim(b *testing.B) {
	const n = 1_000_000
	recs := make([]activation.Record, 1000)
	for i := range recs {
		recs[i].Outcome.Before = activation.Subscription{Tenant: fmt.Sprintf("tenant%04d", i), Product: "M365-E3", Seats: 100,
			End: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}
		recs[i].Outcome.After = recs[i].Outcome.Before
		recs[i].Outcome.Token.Product = "M365-E3"
		recs[i].Outcome.At = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		l := activation.NewMemoryLedger()
		for i := range n {
			rec := recs[i%len(recs)]
			binary.LittleEndian.PutUint64(rec.Fingerprint[:], uint64(i)+1) // never the zero fingerprint, which a ledger refuses
			if _, _, err := l.Claim(ctx, rec); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/claim")
}

// TestMemoryLedgerCollidingFingerprints claims fingerprints made by hand that
// differ in few bits (their four 64-bit words XOR to the same value): each
// must still be found as itself, and a second claim of any of them must find
// the first.
func TestMemoryLedgerCollidingFingerprints(t *testing.T) {
	const n = 300 // several index growths
	fp := func(i int) token.Fingerprint {
		var f token.Fingerprint
		binary.LittleEndian.PutUint64(f[0:], uint64(i))
		binary.LittleEndian.PutUint64(f[8:], uint64(i)^0x5eed)
		return f // words i, i^0x5eed, 0, 0: every fold is 0x5eed
	}
	l := new(activation.MemoryLedger)
	ctx := context.Background()
	for i := range n {
		rec := activation.Record{Fingerprint: fp(i)}
		rec.Outcome.Before.Seats = i
		_, inserted, err := l.Claim(ctx, rec)
		require.NoError(t, err)
		require.True(t, inserted, "fingerprint %d", i)
	}
	for i := range n {
		got, ok, err := l.Lookup(ctx, fp(i))
		require.NoError(t, err)
		require.True(t, ok, "fingerprint %d", i)
		require.Equal(t, i, got.Outcome.Before.Seats)
		stored, inserted, err := l.Claim(ctx, activation.Record{Fingerprint: fp(i)})
		require.NoError(t, err)
		require.False(t, inserted, "fingerprint %d claimed twice", i)
		require.Equal(t, i, stored.Outcome.Before.Seats)
	}
	_, ok, err := l.Lookup(ctx, fp(n))
	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, n, l.Len())
}
