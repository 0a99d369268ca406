package activation

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// MemoryJournal is the in-process reference [Journal]: a mutex, a map from key
// fingerprint to record, and a map from (tenant, product) to its history, a
// slice whose element i holds Seq i+1. Each record is stored once, as a
// value no caller can reach; both maps point to it. It is also a [Ledger] over the same
// map of fingerprints, so a [Redeemer] and a [Book] sharing one MemoryJournal
// share one set of spent keys.
//
// It keeps nothing across restarts. It stores records as they are given
// (a time keeps its instant and location), but refuses, as every durable
// store does through [Record.MarshalBinary], a record that holds a product
// key. It refuses an Append that would leave a gap in a history (Seq more
// than one past the head) with an error wrapping [ErrGap], as every Journal
// must.
//
// The zero value is an empty journal ready to use; [NewMemoryJournal] returns
// one too. A MemoryJournal is safe for concurrent use and must not be copied
// after first use. A nil *MemoryJournal answers every call with an error
// wrapping [ErrInvalid].
type MemoryJournal struct {
	mu    sync.Mutex
	byKey map[token.Fingerprint]*Record
	subs  map[subKey][]*Record // element i has Seq i+1
}

// errKeyInRecord refuses a record that holds a product key.
var errKeyInRecord = invalid("memory journal: the record holds a product key; a store keeps its fingerprint only")

// errNilJournal refuses a call on a nil *MemoryJournal.
var errNilJournal = invalid("nil MemoryJournal")

// subKey is a subscription's place in a [MemoryJournal].
type subKey struct{ tenant, product string }

// NewMemoryJournal returns an empty [MemoryJournal].
func NewMemoryJournal() *MemoryJournal { return &MemoryJournal{} }

// Append implements [Journal].
func (j *MemoryJournal) Append(ctx context.Context, rec Record) (Record, Taken, error) {
	if j == nil {
		return Record{}, NothingTaken, errNilJournal
	}
	if err := ledgerCtxErr(ctx); err != nil {
		return Record{}, NothingTaken, &text.Error{Msg: "activation: memory journal: append", Err: err}
	}
	if rec.Seq < 1 {
		return Record{}, NothingTaken, invalid("memory journal: append: Seq %d, want 1 or more", rec.Seq)
	}
	if !rec.Outcome.Token.Key.IsZero() {
		return Record{}, NothingTaken, errKeyInRecord
	}
	k := subKey{rec.Outcome.After.Tenant, rec.Outcome.After.Product}
	j.mu.Lock()
	defer j.mu.Unlock()
	if stored, ok := j.byKey[rec.Fingerprint]; ok && !rec.Fingerprint.IsZero() {
		return *stored, KeyTaken, nil
	}
	h := j.subs[k]
	if rec.Seq <= int64(len(h)) {
		return *h[rec.Seq-1], PlaceTaken, nil
	}
	if rec.Seq != int64(len(h))+1 {
		return Record{}, NothingTaken, &text.Error{Msg: fmt.Sprintf("activation: memory journal: append: Seq %d would leave a gap after %d", rec.Seq, len(h)), Kind: ErrGap}
	}
	if j.subs == nil {
		j.subs = make(map[subKey][]*Record)
	}
	p := &rec
	j.subs[k] = append(h, p)
	if !rec.Fingerprint.IsZero() {
		j.key(p)
	}
	return rec, NothingTaken, nil
}

// key stores rec under its fingerprint. j.mu must be held.
func (j *MemoryJournal) key(rec *Record) {
	if j.byKey == nil {
		j.byKey = make(map[token.Fingerprint]*Record)
	}
	j.byKey[rec.Fingerprint] = rec
}

// Claim implements [Ledger]: it records rec under its fingerprint, outside
// any history, unless the fingerprint is recorded. rec.Seq must be 0 (a
// Ledger claim has no place) and rec.Fingerprint must not be zero.
func (j *MemoryJournal) Claim(ctx context.Context, rec Record) (Record, bool, error) {
	if j == nil {
		return Record{}, false, errNilJournal
	}
	if err := ledgerCtxErr(ctx); err != nil {
		return Record{}, false, &text.Error{Msg: "activation: memory journal: claim", Err: err}
	}
	switch {
	case rec.Seq != 0:
		return Record{}, false, invalid("memory journal: claim: Seq %d, want 0 (a claim has no place in a history)", rec.Seq)
	case rec.Fingerprint.IsZero():
		return Record{}, false, invalid("memory journal: claim: zero fingerprint")
	case !rec.Outcome.Token.Key.IsZero():
		return Record{}, false, errKeyInRecord
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if stored, ok := j.byKey[rec.Fingerprint]; ok {
		return *stored, false, nil
	}
	j.key(&rec)
	return rec, true, nil
}

// Lookup implements [Journal] and [Ledger].
func (j *MemoryJournal) Lookup(ctx context.Context, fp token.Fingerprint) (Record, bool, error) {
	if j == nil {
		return Record{}, false, errNilJournal
	}
	if err := ledgerCtxErr(ctx); err != nil {
		return Record{}, false, &text.Error{Msg: "activation: memory journal: lookup", Err: err}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if rec, ok := j.byKey[fp]; ok {
		return *rec, true, nil
	}
	return Record{}, false, nil
}

// Head implements [Journal].
func (j *MemoryJournal) Head(ctx context.Context, tenant, product string) (Record, bool, error) {
	if j == nil {
		return Record{}, false, errNilJournal
	}
	if err := ledgerCtxErr(ctx); err != nil {
		return Record{}, false, &text.Error{Msg: "activation: memory journal: head", Err: err}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	h := j.subs[subKey{tenant, product}]
	if len(h) == 0 {
		return Record{}, false, nil
	}
	return *h[len(h)-1], true, nil
}

// History implements [Journal].
func (j *MemoryJournal) History(ctx context.Context, tenant, product string, afterSeq int64, limit int) ([]Record, error) {
	if j == nil {
		return nil, errNilJournal
	}
	if err := ledgerCtxErr(ctx); err != nil {
		return nil, &text.Error{Msg: "activation: memory journal: history", Err: err}
	}
	if limit < 1 {
		return nil, invalid("memory journal: history: limit %d, want 1 or more", limit)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	h := j.subs[subKey{tenant, product}]
	from := min(max(afterSeq, 0), int64(len(h)))
	to := from + min(int64(limit), int64(len(h))-from) // from+limit may overflow
	out := make([]Record, to-from)
	for i, rec := range h[from:to] {
		out[i] = *rec
	}
	return out, nil
}

// Heads implements [Journal].
func (j *MemoryJournal) Heads(ctx context.Context, from, to time.Time) ([]Record, error) {
	if j == nil {
		return nil, errNilJournal
	}
	if err := ledgerCtxErr(ctx); err != nil {
		return nil, &text.Error{Msg: "activation: memory journal: heads", Err: err}
	}
	j.mu.Lock()
	var out []Record
	for _, h := range j.subs {
		if head := h[len(h)-1]; endIn(head.Outcome.After.End, from, to) {
			out = append(out, *head)
		}
	}
	j.mu.Unlock()
	slices.SortFunc(out, func(a, b Record) int {
		return cmp.Or(cmp.Compare(a.Outcome.After.Tenant, b.Outcome.After.Tenant),
			cmp.Compare(a.Outcome.After.Product, b.Outcome.After.Product))
	})
	return out, nil
}

// endIn reports whether end, as a date, is in [from, to): a zero from has no
// lower bound, a zero to no upper bound. A zero end (no term) is only in
// ranges without a lower bound.
func endIn(end, from, to time.Time) bool {
	switch {
	case end.IsZero():
		return from.IsZero()
	case !from.IsZero() && daymath.Of(end) < daymath.Of(from):
		return false
	case !to.IsZero() && daymath.Of(end) >= daymath.Of(to):
		return false
	}
	return true
}
