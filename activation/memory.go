package activation

import (
	"context"
	"fmt"
	"sync"

	"github.com/coterm/coterm/token"
)

// MemoryLedger is the in-process reference [Ledger]: a map from key
// fingerprint to [Record] behind a mutex. It suits tests, single-process
// tools and replaying a ledger exported from elsewhere; it keeps nothing
// across restarts, so a service whose keys must stay spent needs a durable
// Ledger (see [Ledger] for the SQL shape).
//
// MemoryLedger stores what it is given. Records made by [Redeemer] carry
// fingerprints, never product keys: Redeem clears Outcome.Token.Key before the
// claim. Records claimed directly are kept as they are.
//
// The zero value is an empty ledger ready to use; [NewMemoryLedger] returns
// one too. A MemoryLedger is safe for concurrent use and must not be copied
// after first use.
type MemoryLedger struct {
	mu    sync.Mutex
	index map[token.Fingerprint]int // position in recs
	recs  []Record                  // in the order they were claimed
}

// NewMemoryLedger returns an empty [MemoryLedger].
func NewMemoryLedger() *MemoryLedger { return &MemoryLedger{} }

// Claim implements [Ledger]: it records rec unless a record with
// rec.Fingerprint exists, and returns the stored record and whether it is
// rec. With a context that is already done it records nothing and returns
// the context's error.
func (l *MemoryLedger) Claim(ctx context.Context, rec Record) (Record, bool, error) {
	if err := ledgerCtxErr(ctx); err != nil {
		return Record{}, false, fmt.Errorf("activation: memory ledger: claim: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if i, ok := l.index[rec.Fingerprint]; ok {
		return l.recs[i], false, nil
	}
	if l.index == nil {
		l.index = make(map[token.Fingerprint]int)
	}
	l.index[rec.Fingerprint] = len(l.recs)
	l.recs = append(l.recs, rec)
	return rec, true, nil
}

// Lookup implements [Ledger]: it returns the record stored for fp, if any.
func (l *MemoryLedger) Lookup(ctx context.Context, fp token.Fingerprint) (Record, bool, error) {
	if err := ledgerCtxErr(ctx); err != nil {
		return Record{}, false, fmt.Errorf("activation: memory ledger: lookup: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.index[fp]
	if !ok {
		return Record{}, false, nil
	}
	return l.recs[i], true, nil
}

// Len returns the number of records: the number of keys redeemed.
func (l *MemoryLedger) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recs)
}

// Records returns a copy of every record in the order they were claimed, for
// replay and export tools. Changing the slice does not change the ledger.
func (l *MemoryLedger) Records() []Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Record, len(l.recs))
	copy(out, l.recs)
	return out
}

// ledgerCtxErr is ctx.Err() that treats a nil context as an error instead of
// panicking.
func ledgerCtxErr(ctx context.Context) error {
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrInvalid)
	}
	return ctx.Err()
}
