package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// ErrInjected is the error a [FailingLedger] or a [FailingJournal] returns
// when its Err is nil.
var ErrInjected = errors.New("ledgertest: injected store failure")

// FailingLedger wraps a [activation.Ledger] and makes its next calls fail,
// to test what a Redeemer and its callers do when a store fails. Its
// counters are those of [FailingJournal], for Claim instead of Append.
type FailingLedger struct {
	Inner                                         activation.Ledger
	FailBefore, FailAfter, FailLookup, CommitLate int
	Err                                           error

	injector
}

// FailingJournal wraps a [activation.Journal] and makes its next calls fail,
// to test what a Book and its callers do when a store fails:
//
//   - FailBefore: the next FailBefore Appends fail before reaching Inner
//     (nothing is recorded);
//   - FailAfter: the next FailAfter Appends that reach Inner fail after it
//     answered (the record may well be stored: a lost reply);
//   - CommitLate: the next CommitLate Appends fail at once and are made later,
//     right after the next call that reaches Inner returns, or at Flush (a
//     store that timed out and committed afterwards);
//   - FailLookup, FailHead: the next Lookups, Heads fail before Inner.
//
// If Inner is also a Ledger, so is the FailingJournal: Claim passes through.
// The counters count down under a mutex shared by concurrent callers; set
// them before first use. Errors wrap Err, or [ErrInjected] when Err is nil.
type FailingJournal struct {
	Inner                                                   activation.Journal
	FailBefore, FailAfter, CommitLate, FailLookup, FailHead int
	Err                                                     error

	injector
}

// Claim implements [activation.Ledger].
func (f *FailingLedger) Claim(ctx context.Context, rec activation.Record) (activation.Record, bool, error) {
	if f.Inner == nil {
		return activation.Record{}, false, errNoInner
	}
	return write(&f.injector, "claim", &f.FailBefore, &f.CommitLate, &f.FailAfter, f.Err, rec, f.Flush,
		func() (activation.Record, bool, error) { return f.Inner.Claim(ctx, rec) })
}

// Lookup implements [activation.Ledger].
func (f *FailingLedger) Lookup(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	if f.Inner == nil {
		return activation.Record{}, false, errNoInner
	}
	return read(&f.injector, "lookup", &f.FailLookup, f.Err, f.Flush,
		func() (activation.Record, bool, error) { return f.Inner.Lookup(ctx, fp) })
}

// Flush makes the claims that CommitLate held back, now, and returns the
// first error of Inner.
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

// Append implements [activation.Journal].
func (f *FailingJournal) Append(ctx context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	if f.Inner == nil {
		return activation.Record{}, 0, errNoInner
	}
	return write(&f.injector, "append", &f.FailBefore, &f.CommitLate, &f.FailAfter, f.Err, rec, f.Flush,
		func() (activation.Record, activation.Taken, error) { return f.Inner.Append(ctx, rec) })
}

// Lookup implements [activation.Journal] and [activation.Ledger].
func (f *FailingJournal) Lookup(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	if f.Inner == nil {
		return activation.Record{}, false, errNoInner
	}
	return read(&f.injector, "lookup", &f.FailLookup, f.Err, f.Flush,
		func() (activation.Record, bool, error) { return f.Inner.Lookup(ctx, fp) })
}

// Head implements [activation.Journal].
func (f *FailingJournal) Head(ctx context.Context, tenant, product string) (activation.Record, bool, error) {
	if f.Inner == nil {
		return activation.Record{}, false, errNoInner
	}
	return read(&f.injector, "head", &f.FailHead, f.Err, f.Flush,
		func() (activation.Record, bool, error) { return f.Inner.Head(ctx, tenant, product) })
}

// History implements [activation.Journal].
func (f *FailingJournal) History(ctx context.Context, tenant, product string, afterSeq int64, limit int) ([]activation.Record, error) {
	if f.Inner == nil {
		return nil, errNoInner
	}
	defer f.Flush()
	return f.Inner.History(ctx, tenant, product, afterSeq, limit)
}

// Heads implements [activation.Journal].
func (f *FailingJournal) Heads(ctx context.Context, from, to time.Time) ([]activation.Record, error) {
	if f.Inner == nil {
		return nil, errNoInner
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
// first error of Inner.
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

var errNoInner = errors.New("ledgertest: the failing store has no Inner store")

// injector is the one fault injector of FailingLedger and FailingJournal:
// the mutex under which their counters count down, and the writes
// CommitLate held back.
type injector struct {
	mu   sync.Mutex
	late []activation.Record
}

// write is one Claim or Append through the injector: it fails before the
// store (*before), holds rec back to write it later (*late), or writes it
// with do and fails after the store answered (*after). Every call that
// reaches the store flushes the writes held back when it returns.
func write[T any](in *injector, call string, before, late, after *int, err error, rec activation.Record, flush func() error, do func() (activation.Record, T, error)) (activation.Record, T, error) {
	var zero T
	if in.take(before) {
		return activation.Record{}, zero, fmt.Errorf("ledgertest: %s failed before commit: %w", call, injected(err))
	}
	if in.holdBack(late, rec) {
		return activation.Record{}, zero, fmt.Errorf("ledgertest: %s timed out, commits later: %w", call, injected(err))
	}
	defer flush()
	stored, x, ierr := do()
	if ierr == nil && in.take(after) {
		return activation.Record{}, zero, fmt.Errorf("ledgertest: %s failed after commit: %w", call, injected(err))
	}
	return stored, x, ierr
}

// read is one Lookup or Head through the injector: it fails before the
// store (*n) or reads.
func read(in *injector, call string, n *int, err error, flush func() error, do func() (activation.Record, bool, error)) (activation.Record, bool, error) {
	if in.take(n) {
		return activation.Record{}, false, fmt.Errorf("ledgertest: %s failed: %w", call, injected(err))
	}
	defer flush()
	return do()
}

// take decrements *n and reports true if it was positive.
func (in *injector) take(n *int) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if *n <= 0 {
		return false
	}
	*n--
	return true
}

// holdBack takes one of *late and keeps rec for later, if one is left.
func (in *injector) holdBack(late *int, rec activation.Record) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if *late <= 0 {
		return false
	}
	*late--
	in.late = append(in.late, rec)
	return true
}

// flush hands every held-back record to write, now, and returns write's
// first error.
func (in *injector) flush(write func(activation.Record) error) error {
	in.mu.Lock()
	late := in.late
	in.late = nil
	in.mu.Unlock()
	var first error
	for _, rec := range late {
		if err := write(rec); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// injected is err, or [ErrInjected] when err is nil.
func injected(err error) error {
	if err != nil {
		return err
	}
	return ErrInjected
}
