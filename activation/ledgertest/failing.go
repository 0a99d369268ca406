package ledgertest

import (
	"context"
	"errors"
	"fmt"

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

	injector
}

// Claim implements [activation.Ledger].
func (f *FailingLedger) Claim(ctx context.Context, rec activation.Record) (activation.Record, bool, error) {
	if f.Inner == nil {
		return activation.Record{}, false, errNoInner
	}
	if f.take(&f.FailBefore) {
		return activation.Record{}, false, fmt.Errorf("ledgertest: claim failed before commit: %w", injected(f.Err))
	}
	if f.holdBack(&f.CommitLate, rec) {
		return activation.Record{}, false, fmt.Errorf("ledgertest: claim timed out, commits later: %w", injected(f.Err))
	}
	stored, inserted, err := f.Inner.Claim(ctx, rec)
	defer f.Flush()
	if err != nil {
		return stored, inserted, err
	}
	if f.take(&f.FailAfter) {
		return activation.Record{}, false, fmt.Errorf("ledgertest: claim failed after commit: %w", injected(f.Err))
	}
	return stored, inserted, nil
}

// Lookup implements [activation.Ledger].
func (f *FailingLedger) Lookup(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	if f.Inner == nil {
		return activation.Record{}, false, errNoInner
	}
	if f.take(&f.FailLookup) {
		return activation.Record{}, false, fmt.Errorf("ledgertest: lookup failed: %w", injected(f.Err))
	}
	defer f.Flush()
	return f.Inner.Lookup(ctx, fp)
}

// Flush makes the claims that CommitLate held back, now, and returns the
// first error of Inner. Every call that reaches Inner flushes after it
// returns.
func (f *FailingLedger) Flush() error {
	return f.flush(func(rec activation.Record) error {
		_, _, err := f.Inner.Claim(context.Background(), rec)
		return err
	})
}

// Remaining returns how many failures of each kind are still to be injected.
func (f *FailingLedger) Remaining() (before, after, lookup int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.FailBefore, f.FailAfter, f.FailLookup
}
