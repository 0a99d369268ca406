package history

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// CompactJournal is an activation.Journal in memory that keeps each record
// in its binary encoding (Record.MarshalBinary), one after another in large
// blocks, and for each subscription only the places of its records and its
// head decoded: about a fifth of the memory of records kept as values, and
// no copying of records as the history grows. The replay program uses it
// for files of a million rows.
//
// It answers as activation.MemoryJournal does (TestCompactJournalMatches
// compares the two): it is safe for concurrent use, records nothing when
// the context is done, and refuses a record whose Seq is below 1 or leaves
// a gap. It is not a Ledger. The zero value is ready to use.
type CompactJournal struct {
	mu     sync.Mutex
	blocks [][]byte                     // encoded records, each preceded by its length (uvarint)
	byKey  map[token.Fingerprint]recRef // the record of each spent key
	subs   map[subKey]*compactHistory   // each subscription's records
}

// NewCompactJournal returns an empty CompactJournal with room for about
// records keys without growing its index (0: no hint).
func NewCompactJournal(records int) *CompactJournal {
	return &CompactJournal{byKey: make(map[token.Fingerprint]recRef, max(records, 0))}
}

// recRef is a record's place: block index << 32 | offset.
type recRef uint64

type compactHistory struct {
	refs []recRef
	head activation.Record // the last record, decoded
}

const blockSize = 4 << 20

var errCompact = errors.New("history: compact journal")

// Append implements activation.Journal.
func (j *CompactJournal) Append(ctx context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	if err := ctx.Err(); err != nil {
		return activation.Record{}, activation.NothingTaken, fmt.Errorf("%w: append: %w", errCompact, err)
	}
	if rec.Seq < 1 {
		return activation.Record{}, activation.NothingTaken, fmt.Errorf("%w: append: Seq %d, want 1 or more: %w", errCompact, rec.Seq, activation.ErrInvalid)
	}
	k := subKey{rec.Outcome.After.Tenant, rec.Outcome.After.Product}
	j.mu.Lock()
	defer j.mu.Unlock()
	if !rec.Fingerprint.IsZero() {
		if ref, ok := j.byKey[rec.Fingerprint]; ok {
			stored, err := j.decode(ref)
			return stored, activation.KeyTaken, err
		}
	}
	h := j.subs[k]
	n := int64(0)
	if h != nil {
		n = int64(len(h.refs))
	}
	if rec.Seq <= n {
		if rec.Seq == n {
			return h.head, activation.PlaceTaken, nil
		}
		stored, err := j.decode(h.refs[rec.Seq-1])
		return stored, activation.PlaceTaken, err
	}
	if rec.Seq != n+1 {
		return activation.Record{}, activation.NothingTaken, fmt.Errorf("%w: append: Seq %d after %d: %w", errCompact, rec.Seq, n, activation.ErrGap)
	}
	ref, err := j.store(&rec)
	if err != nil {
		return activation.Record{}, activation.NothingTaken, err
	}
	if h == nil {
		if j.subs == nil {
			j.subs = make(map[subKey]*compactHistory)
		}
		h = &compactHistory{}
		j.subs[k] = h
	}
	h.refs = append(h.refs, ref)
	h.head = rec
	if !rec.Fingerprint.IsZero() {
		if j.byKey == nil {
			j.byKey = make(map[token.Fingerprint]recRef)
		}
		j.byKey[rec.Fingerprint] = ref
	}
	return rec, activation.NothingTaken, nil
}

// store encodes rec into the current block. j.mu must be held.
func (j *CompactJournal) store(rec *activation.Record) (recRef, error) {
	b, err := rec.MarshalBinary()
	if err != nil {
		return 0, fmt.Errorf("%w: append: %w", errCompact, err)
	}
	need := len(b) + 10
	if len(j.blocks) == 0 || len(j.blocks[len(j.blocks)-1])+need > cap(j.blocks[len(j.blocks)-1]) {
		j.blocks = append(j.blocks, make([]byte, 0, max(blockSize, need)))
	}
	i := len(j.blocks) - 1
	blk := j.blocks[i]
	ref := recRef(uint64(i)<<32 | uint64(len(blk)))
	blk = appendUvarint(blk, uint64(len(b)))
	j.blocks[i] = append(blk, b...)
	return ref, nil
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// decode reads the record at ref. j.mu must be held.
func (j *CompactJournal) decode(ref recRef) (activation.Record, error) {
	blk := j.blocks[ref>>32][uint32(ref):]
	n, shift, i := uint64(0), 0, 0
	for ; blk[i] >= 0x80; i++ {
		n |= uint64(blk[i]&0x7f) << shift
		shift += 7
	}
	n |= uint64(blk[i]) << shift
	i++
	var rec activation.Record
	if err := rec.UnmarshalBinary(blk[i : i+int(n)]); err != nil {
		return activation.Record{}, fmt.Errorf("%w: %w", errCompact, err)
	}
	return rec, nil
}

// Lookup implements activation.Journal.
func (j *CompactJournal) Lookup(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return activation.Record{}, false, fmt.Errorf("%w: lookup: %w", errCompact, err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	ref, ok := j.byKey[fp]
	if !ok {
		return activation.Record{}, false, nil
	}
	rec, err := j.decode(ref)
	return rec, err == nil, err
}

// Head implements activation.Journal.
func (j *CompactJournal) Head(ctx context.Context, tenant, product string) (activation.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return activation.Record{}, false, fmt.Errorf("%w: head: %w", errCompact, err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	h := j.subs[subKey{tenant, product}]
	if h == nil {
		return activation.Record{}, false, nil
	}
	return h.head, true, nil
}

// History implements activation.Journal.
func (j *CompactJournal) History(ctx context.Context, tenant, product string, afterSeq int64, limit int) ([]activation.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: history: %w", errCompact, err)
	}
	if limit < 1 {
		return nil, fmt.Errorf("%w: history: limit %d, want 1 or more: %w", errCompact, limit, activation.ErrInvalid)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	h := j.subs[subKey{tenant, product}]
	if h == nil {
		return []activation.Record{}, nil
	}
	from := min(max(afterSeq, 0), int64(len(h.refs)))
	to := min(from+int64(limit), int64(len(h.refs)))
	out := make([]activation.Record, 0, to-from)
	for _, ref := range h.refs[from:to] {
		rec, err := j.decode(ref)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// Heads implements activation.Journal.
func (j *CompactJournal) Heads(ctx context.Context, from, to time.Time) ([]activation.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: heads: %w", errCompact, err)
	}
	j.mu.Lock()
	var out []activation.Record
	for _, h := range j.subs {
		if endIn(h.head.Outcome.After.End, from, to) {
			out = append(out, h.head)
		}
	}
	j.mu.Unlock()
	slices.SortFunc(out, func(a, b activation.Record) int {
		return cmp.Or(cmp.Compare(a.Outcome.After.Tenant, b.Outcome.After.Tenant),
			cmp.Compare(a.Outcome.After.Product, b.Outcome.After.Product))
	})
	return out, nil
}

// endIn reports whether end, as a date, is in [from, to) (a zero bound is
// none); a zero end only in a range without a lower bound.
func endIn(end, from, to time.Time) bool {
	switch {
	case end.IsZero():
		return from.IsZero()
	case !from.IsZero() && dateOf(end) < dateOf(from):
		return false
	case !to.IsZero() && dateOf(end) >= dateOf(to):
		return false
	}
	return true
}

// dateOf orders dates: the year, month and day of t in its own location.
func dateOf(t time.Time) int64 {
	y, m, d := t.Date()
	return int64(y)*10000 + int64(m)*100 + int64(d)
}
