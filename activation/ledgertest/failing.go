package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// ErrInjected is the error a [FailingLedger] returns when its Err is nil.
var ErrInjected = errors.New("ledgertest: injected store failure")

var errNoInner = errors.New("ledgertest: FailingLedger has no Inner ledger")

// FailingLedger wraps a [activation.Ledger] and makes its next calls fail, to
// test what a Redeemer and its callers do when a store fails:
//
//   - FailBefore: the next FailBefore Claims fail before reaching Inner, like a
//     store that fails before its commit (nothing is recorded);
//   - FailAfter: the next FailAfter Claims that reach Inner fail after Inner
//     answered, like a store that committed and then lost its reply (the
//     record may well be stored);
//   - FailLookup: the next FailLookup Lookups fail before reaching Inner;
//   - CommitLate: the next CommitLate Claims fail at once without reaching
//     Inner, and are made later: right after the next call that reaches
//     Inner returns, or at [FailingLedger.Flush]. This is a store that timed
//     out and committed afterwards.
//
// Each counter counts down by one per injected failure, under a mutex, so
// concurrent callers share them. Set the fields before first use and do not
// change them afterwards. The errors wrap Err, or [ErrInjected] when Err is
// nil. A FailingLedger must not be copied after first use.
type FailingLedger struct {
	Inner      activation.Ledger
	FailBefore int
	FailAfter  int
	FailLookup int
	CommitLate int
	Err        error

	mu   sync.Mutex
	late []activation.Record // claims to make later
}

// Claim implements [activation.Ledger].
func (f *FailingLedger) Claim(ctx context.Context, rec activation.Record) (activation.Record, bool, error) {
	if f.Inner == nil {
		return activation.Record{}, false, errNoInner
	}
	if f.take(&f.FailBefore) {
		return activation.Record{}, false, fmt.Errorf("ledgertest: claim failed before commit: %w", f.err())
	}
	if f.holdBack(rec) {
		return activation.Record{}, false, fmt.Errorf("ledgertest: claim timed out, commits later: %w", f.err())
	}
	stored, inserted, err := f.Inner.Claim(ctx, rec)
	defer f.Flush()
	if err != nil {
		return stored, inserted, err
	}
	if f.take(&f.FailAfter) {
		return activation.Record{}, false, fmt.Errorf("ledgertest: claim failed after commit: %w", f.err())
	}
	return stored, inserted, nil
}

// Lookup implements [activation.Ledger].
func (f *FailingLedger) Lookup(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	if f.Inner == nil {
		return activation.Record{}, false, errNoInner
	}
	if f.take(&f.FailLookup) {
		return activation.Record{}, false, fmt.Errorf("ledgertest: lookup failed: %w", f.err())
	}
	defer f.Flush()
	return f.Inner.Lookup(ctx, fp)
}

// holdBack takes one CommitLate and keeps rec for later, if one is left.
func (f *FailingLedger) holdBack(rec activation.Record) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.CommitLate <= 0 {
		return false
	}
	f.CommitLate--
	f.late = append(f.late, rec)
	return true
}

// Flush makes the claims that CommitLate held back, now, and returns the
// first error of Inner. Every call that reaches Inner flushes after it
// returns.
func (f *FailingLedger) Flush() error {
	f.mu.Lock()
	late := f.late
	f.late = nil
	f.mu.Unlock()
	var first error
	for _, rec := range late {
		if _, _, err := f.Inner.Claim(context.Background(), rec); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Remaining returns how many failures of each kind are still to be injected.
func (f *FailingLedger) Remaining() (before, after, lookup int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.FailBefore, f.FailAfter, f.FailLookup
}

// take decrements *n and reports true if it was positive.
func (f *FailingLedger) take(n *int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if *n <= 0 {
		return false
	}
	*n--
	return true
}

func (f *FailingLedger) err() error {
	if f.Err != nil {
		return f.Err
	}
	return ErrInjected
}
