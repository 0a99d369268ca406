package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

var errNoInnerJournal = errors.New("ledgertest: FailingJournal has no Inner journal")

// FailingJournal wraps a [activation.Journal] and makes its next calls fail,
// to test what a Book and its callers do when a store fails:
//
//   - FailBefore: the next FailBefore Appends fail before reaching Inner, like
//     a store that fails before its commit (nothing is recorded);
//   - FailAfter: the next FailAfter Appends that reach Inner fail after Inner
//     answered, like a store that committed and then lost its reply;
//   - CommitLate: the next CommitLate Appends fail at once without reaching
//     Inner, and are made later: right after the next call that reaches
//     Inner returns, or at [FailingJournal.Flush]. This is a store that timed
//     out and committed afterwards;
//   - FailLookup, FailHead: the next Lookups, Heads fail before reaching
//     Inner.
//
// If Inner is also a [activation.Ledger], so is the FailingJournal: Claim
// passes through (use a [FailingLedger] on the same Inner to fail claims).
// Each counter counts down by one per injected failure, under a mutex, so
// concurrent callers share them. Set the fields before first use and do not
// change them afterwards. The errors wrap Err, or [ErrInjected] when Err is
// nil. A FailingJournal must not be copied after first use.
type FailingJournal struct {
	Inner      activation.Journal
	FailBefore int
	FailAfter  int
	CommitLate int
	FailLookup int
	FailHead   int
	Err        error

	injector
}

// Append implements [activation.Journal].
func (f *FailingJournal) Append(ctx context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	if f.Inner == nil {
		return activation.Record{}, 0, errNoInnerJournal
	}
	if f.take(&f.FailBefore) {
		return activation.Record{}, 0, fmt.Errorf("ledgertest: append failed before commit: %w", injected(f.Err))
	}
	if f.holdBack(&f.CommitLate, rec) {
		return activation.Record{}, 0, fmt.Errorf("ledgertest: append timed out, commits later: %w", injected(f.Err))
	}
	defer f.Flush()
	stored, taken, err := f.Inner.Append(ctx, rec)
	if err != nil {
		return stored, taken, err
	}
	if f.take(&f.FailAfter) {
		return activation.Record{}, 0, fmt.Errorf("ledgertest: append failed after commit: %w", injected(f.Err))
	}
	return stored, taken, nil
}

// Lookup implements [activation.Journal] and [activation.Ledger].
func (f *FailingJournal) Lookup(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	if f.Inner == nil {
		return activation.Record{}, false, errNoInnerJournal
	}
	if f.take(&f.FailLookup) {
		return activation.Record{}, false, fmt.Errorf("ledgertest: lookup failed: %w", injected(f.Err))
	}
	defer f.Flush()
	return f.Inner.Lookup(ctx, fp)
}

// Head implements [activation.Journal].
func (f *FailingJournal) Head(ctx context.Context, tenant, product string) (activation.Record, bool, error) {
	if f.Inner == nil {
		return activation.Record{}, false, errNoInnerJournal
	}
	if f.take(&f.FailHead) {
		return activation.Record{}, false, fmt.Errorf("ledgertest: head failed: %w", injected(f.Err))
	}
	defer f.Flush()
	return f.Inner.Head(ctx, tenant, product)
}

// History implements [activation.Journal].
func (f *FailingJournal) History(ctx context.Context, tenant, product string, afterSeq int64, limit int) ([]activation.Record, error) {
	if f.Inner == nil {
		return nil, errNoInnerJournal
	}
	defer f.Flush()
	return f.Inner.History(ctx, tenant, product, afterSeq, limit)
}

// Heads implements [activation.Journal].
func (f *FailingJournal) Heads(ctx context.Context, from, to time.Time) ([]activation.Record, error) {
	if f.Inner == nil {
		return nil, errNoInnerJournal
	}
	defer f.Flush()
	return f.Inner.Heads(ctx, from, to)
}

// Claim implements [activation.Ledger] when Inner is one; otherwise it is an
// error.
func (f *FailingJournal) Claim(ctx context.Context, rec activation.Record) (activation.Record, bool, error) {
	l, ok := f.Inner.(activation.Ledger)
	if !ok {
		return activation.Record{}, false, errors.New("ledgertest: FailingJournal: Inner is not a Ledger")
	}
	defer f.Flush()
	return l.Claim(ctx, rec)
}

// Flush makes the Appends that CommitLate held back, now, and returns the
// first error of Inner. Every call that reaches Inner flushes after it
// returns (dropping Flush's error: the held-back caller was told of a
// failure already).
func (f *FailingJournal) Flush() error {
	return f.flush(func(rec activation.Record) error {
		_, _, err := f.Inner.Append(context.Background(), rec)
		return err
	})
}

// Remaining returns how many failures of each kind are still to be injected.
func (f *FailingJournal) Remaining() (before, after, late, lookup, head int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.FailBefore, f.FailAfter, f.CommitLate, f.FailLookup, f.FailHead
}
