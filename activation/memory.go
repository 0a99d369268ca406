package activation

import (
	"context"
	"sync"

	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/token"
)

// MemoryLedger is the in-process reference [Ledger]: a map from key
// fingerprint to the record's place in a slice of records kept in claim
// order, behind a mutex. It is the specification other Ledgers are held
// against, so it is written to be read at a glance rather than to be small.
// It keeps nothing across restarts: a service whose keys must stay spent
// needs a durable Ledger (see [Ledger] for the SQL shape).
//
// MemoryLedger stores what it is given. Records made by [Redeemer] carry
// fingerprints, never product keys: Redeem clears Outcome.Token.Key before the
// claim. Records claimed directly are kept as they are, with one exception
// every store shares: a time keeps its instant and its location but not a
// monotonic clock reading (see [time.Time.Round]), which no date made by this
// package has.
//
// The zero value is an empty ledger ready to use; [NewMemoryLedger] returns
// one too. A MemoryLedger is safe for concurrent use and must not be copied
// after first use. A nil *MemoryLedger answers Claim and Lookup with an error
// wrapping [ErrInvalid].
type MemoryLedger struct {
	mu      sync.Mutex
	byPrint map[token.Fingerprint]int // fingerprint → index in records
	records []Record                  // in claim order
}

// NewMemoryLedger returns an empty [MemoryLedger].
func NewMemoryLedger() *MemoryLedger { return &MemoryLedger{} }

// Claim implements [Ledger]: it records rec unless a record with
// rec.Fingerprint exists, and returns the stored record and whether it is
// rec. With a context that is already done it records nothing and returns
// the context's error.
func (l *MemoryLedger) Claim(ctx context.Context, rec Record) (Record, bool, error) {
	if l == nil {
		return Record{}, false, errNilLedger
	}
	if err := ledgerCtxErr(ctx); err != nil {
		return Record{}, false, &text.Error{Msg: "activation: memory ledger: claim", Err: err}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if i, ok := l.byPrint[rec.Fingerprint]; ok {
		return l.records[i], false, nil
	}
	if l.byPrint == nil {
		l.byPrint = make(map[token.Fingerprint]int)
	}
	rec = withoutMonotonic(rec)
	l.byPrint[rec.Fingerprint] = len(l.records)
	l.records = append(l.records, rec)
	return rec, true, nil
}

// Lookup implements [Ledger]: it returns the record stored for fp, if any.
func (l *MemoryLedger) Lookup(ctx context.Context, fp token.Fingerprint) (Record, bool, error) {
	if l == nil {
		return Record{}, false, errNilLedger
	}
	if err := ledgerCtxErr(ctx); err != nil {
		return Record{}, false, &text.Error{Msg: "activation: memory ledger: lookup", Err: err}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.byPrint[fp]
	if !ok {
		return Record{}, false, nil
	}
	return l.records[i], true, nil
}

// Len returns the number of records: the number of keys redeemed (0 for a
// nil MemoryLedger).
func (l *MemoryLedger) Len() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.records)
}

// Records returns a copy of every record in the order they were claimed, for
// replay and export tools (nil for a nil MemoryLedger). Changing the slice
// does not change the ledger.
func (l *MemoryLedger) Records() []Record {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Record{}, l.records...)
}

// errNilLedger refuses a call on a nil *MemoryLedger.
var errNilLedger = invalid("nil MemoryLedger")

// withoutMonotonic returns rec with every time's monotonic clock reading
// dropped, as a store that writes times out and reads them back does.
func withoutMonotonic(rec Record) Record {
	o := &rec.Outcome
	o.At, o.Before.End, o.After.End = o.At.Round(0), o.Before.End.Round(0), o.After.End.Round(0)
	rec.RecordedAt = rec.RecordedAt.Round(0)
	return rec
}

// ledgerCtxErr is ctx.Err() that treats a nil context as an error instead of
// panicking.
func ledgerCtxErr(ctx context.Context) error {
	if ctx == nil {
		return invalidMsg("nil context")
	}
	return ctx.Err()
}
