package activation_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/ledgertest"
	"github.com/coterm/coterm/token"
)

// TestMemoryJournalConformance runs the Journal conformance suite on
// MemoryJournal, from NewMemoryJournal and from the zero value; a second
// handle on a store in memory is the same value.
func TestMemoryJournalConformance(t *testing.T) {
	t.Run("NewMemoryJournal", func(t *testing.T) {
		ledgertest.RunJournal(t, func(*testing.T) (activation.Journal, activation.Journal) {
			j := activation.NewMemoryJournal()
			return j, j
		})
	})
	t.Run("zero value", func(t *testing.T) {
		ledgertest.RunJournal(t, func(*testing.T) (activation.Journal, activation.Journal) {
			j := new(activation.MemoryJournal)
			return j, j
		})
	})
}

// TestMemoryJournalLedgerConformance: a MemoryJournal is a Ledger too, and
// passes the Ledger suites.
func TestMemoryJournalLedgerConformance(t *testing.T) {
	ledgertest.Run(t, func(*testing.T) activation.Ledger { return activation.NewMemoryJournal() })
	ledgertest.RunShared(t, func(*testing.T) (activation.Ledger, activation.Ledger) {
		j := activation.NewMemoryJournal()
		return j, j
	})
}

// TestMemoryLedgerShared runs the two-handle Ledger cases on MemoryLedger.
func TestMemoryLedgerShared(t *testing.T) {
	ledgertest.RunShared(t, func(*testing.T) (activation.Ledger, activation.Ledger) {
		l := activation.NewMemoryLedger()
		return l, l
	})
}

// TestMemoryJournalGapIsNotBadInput: a gap is the store's inconsistency
// (ErrGap), not the caller's bad input (ErrInvalid).
func TestMemoryJournalGapIsNotBadInput(t *testing.T) {
	rec := activation.Record{Seq: 2, Outcome: activation.Outcome{After: activation.Subscription{Tenant: "t", Product: "p"}}}
	_, _, err := activation.NewMemoryJournal().Append(context.Background(), rec)
	require.ErrorIs(t, err, activation.ErrGap)
	require.NotErrorIs(t, err, activation.ErrInvalid)
}

// TestMemoryJournalHistoryHugeLimit: afterSeq + limit past math.MaxInt64 is
// clamped, not an overflow (it panicked).
func TestMemoryJournalHistoryHugeLimit(t *testing.T) {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	require.NoError(t, b.Import(ctx, bkSub(120, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	for _, after := range []int64{0, 1, 2, math.MaxInt64} {
		h, err := b.Journal.History(ctx, bkTenant, bkProduct, after, math.MaxInt)
		require.NoError(t, err)
		require.Len(t, h, int(max(0, 2-min(after, 2))), "after %d", after)
	}
}

// TestNilMemoryStores: a nil *MemoryJournal or *MemoryLedger, directly or
// inside a Book or a Redeemer, is an error wrapping ErrInvalid, never a panic.
func TestNilMemoryStores(t *testing.T) {
	ctx := context.Background()
	var j *activation.MemoryJournal
	errs := map[string]error{}
	_, _, errs["Append"] = j.Append(ctx, activation.Record{Seq: 1})
	_, _, errs["Claim"] = j.Claim(ctx, activation.Record{})
	_, _, errs["Lookup"] = j.Lookup(ctx, bkKey(t, 1).Fingerprint())
	_, _, errs["Head"] = j.Head(ctx, bkTenant, bkProduct)
	_, errs["History"] = j.History(ctx, bkTenant, bkProduct, 0, 10)
	_, errs["Heads"] = j.Heads(ctx, time.Time{}, time.Time{})
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	_, errs["Book.Redeem"] = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 5), activation.Activate, bkDate(2026, 12, 1))
	errs["Book.Import"] = b.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1))
	_, errs["Book.Due"] = b.Due(ctx, time.Time{}, time.Time{})
	var l *activation.MemoryLedger
	_, _, errs["Ledger.Claim"] = l.Claim(ctx, activation.Record{})
	_, _, errs["Ledger.Lookup"] = l.Lookup(ctx, bkKey(t, 1).Fingerprint())
	r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: l}
	_, errs["Redeemer.Redeem"] = r.Redeem(ctx, activation.Subscription{Tenant: bkTenant, Product: bkProduct}, bkTok(t, 1, 5), activation.Activate, bkDate(2026, 12, 1))
	for call, err := range errs {
		require.ErrorIs(t, err, activation.ErrInvalid, call)
	}
	require.Zero(t, l.Len())
	require.Nil(t, l.Records())
}

// BenchmarkMemoryJournalMillion appends a million records, a thousand per
// subscription, as examples/replay does with a history file of a million
// rows, and reports the heap in use with the journal alive (the goal: at
// most 1 GB).
func BenchmarkMemoryJournalMillion(b *testing.B) {
	const n, subs = 1_000_000, 1000
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tenants := make([]string, subs)
	for i := range tenants {
		tenants[i] = fmt.Sprintf("tenant%04d", i)
	}
	var inUse uint64
	b.ReportAllocs()
	for b.Loop() {
		j := activation.NewMemoryJournal()
		for i := range n {
			s := i % subs
			rec := activation.Record{Seq: int64(i/subs + 1), KeyTail: "AAAA1", Policy: "partner-center", RecordedAt: at}
			binary.LittleEndian.PutUint64(rec.Fingerprint[:], uint64(i)+1)
			rec.Outcome = activation.Outcome{Op: activation.AddSeats, Applied: activation.AddSeats, At: at,
				Token:  token.Token{Product: "M365-E3", Seats: 1},
				Before: activation.Subscription{Tenant: tenants[s], Product: "M365-E3", Seats: 100 + i/subs, End: at.AddDate(1, 0, 0)},
				After:  activation.Subscription{Tenant: tenants[s], Product: "M365-E3", Seats: 101 + i/subs, End: at.AddDate(1, 0, 0)}}
			if _, _, err := j.Append(ctx, rec); err != nil {
				b.Fatal(err)
			}
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms) // the journal is alive: what it takes
		inUse = max(inUse, ms.HeapInuse)
		runtime.KeepAlive(j)
	}
	b.ReportMetric(float64(inUse)/1e6, "MB-heap-in-use")
}
