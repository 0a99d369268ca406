package activation

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/token"
)

// MemoryJournal is the in-process reference [Journal] and [Ledger]: a mutex,
// every record in the order stored (in a compact form, read back as
// stored), an index from key fingerprint to its record (one set of spent
// keys for the Books and Redeemers sharing it), and each subscription's
// records in Seq order. It stores records as given, without
// monotonic clock readings, and refuses what durable stores refuse: a record
// holding a product key, or text that could show one ([Record.MarshalBinary]
// says which), an Append below Seq 1 or past a gap ([ErrGap]), a Claim
// with a place (Seq not 0) or no fingerprint. The zero value is ready
// to use; it is safe for concurrent use and must not be copied after first
// use. A nil *MemoryJournal answers with an error wrapping [ErrInvalid].
type MemoryJournal struct {
	mu      sync.Mutex
	recs    []*[memBlock]memRec // every record in the order stored, compact, in blocks that never move
	n       int                 // how many records are stored
	shared  []*[memSharedBlock]memShared
	nshared int                // how many memShared are kept
	names   []memNames         // the name sets records hold (memRec.names)
	byName  map[memNames]int32 // index of each name set in names
	last    int32              // names index + 1 of the last record claimed outside a history
	rare    []memRare          // what replacements and change records hold beside their memRec
	full    []Record           // the records a memRec cannot hold
	byKey   memFPIndex         // fingerprint → index of its record
	subs    map[subKey]*memHistory
	index   memIndex                  // the subscriptions in order, for HeadsAfter
	claims  map[token.Fingerprint]int // replacement claim → index of its replacement
}

// MemoryLedger is the name a [Redeemer]'s in-process Ledger had: it is the
// [MemoryJournal].
type MemoryLedger = MemoryJournal

// NewMemoryJournal returns an empty [MemoryJournal].
func NewMemoryJournal() *MemoryJournal { return &MemoryJournal{} }

// NewMemoryLedger returns an empty [MemoryJournal], for a [Redeemer].
func NewMemoryLedger() *MemoryLedger { return &MemoryJournal{} }

// subKey is a subscription's place in a [MemoryJournal].
type subKey struct{ tenant, product string }

// memHistory is one subscription: its names, stored once and shared by its
// records, the kind of its records (one place holds one kind), the index +
// 1 of the name set of its last record, and the index of each of its
// records (element i: Seq i+1), in four bytes each (wide: in a word each,
// once an index does not fit in 32 bits). The first memHistChunk indexes
// are a slice that grows as appends grow it; the ones after are in chunks
// of memHistChunk, so a long history grows without copying what it holds
// or leaving a copy behind for the collector.
type memHistory struct {
	tenant, product string
	kind            RecordKind
	names           int32
	seqs            []uint32   // the first memHistChunk indexes
	more            [][]uint32 // the ones after, memHistChunk to a chunk
	wide            []int
}

// memHistChunk is how many indexes a chunk of a memHistory holds (16 KiB:
// two of the allocator's 8 KiB pages).
const memHistChunk = 4096

// len returns how many records h holds.
func (h *memHistory) len() int {
	if h.wide != nil {
		return len(h.wide)
	}
	if n := len(h.more); n > 0 {
		return n*memHistChunk + len(h.more[n-1])
	}
	return len(h.seqs)
}

// at returns the index of h's record k (Seq k+1).
func (h *memHistory) at(k int) int {
	if h.wide != nil {
		return h.wide[k]
	}
	if k < memHistChunk {
		return int(h.seqs[k])
	}
	k -= memHistChunk
	return int(h.more[k/memHistChunk][k%memHistChunk])
}

// last returns the index of h's last record.
func (h *memHistory) last() int { return h.at(h.len() - 1) }

// push adds the index i of h's next record.
func (h *memHistory) push(i int) {
	if h.wide == nil && uint64(i) <= math.MaxUint32 {
		switch n := len(h.more); {
		case n == 0 && len(h.seqs) < memHistChunk:
			h.seqs = append(h.seqs, uint32(i))
		case n == 0 || len(h.more[n-1]) == memHistChunk:
			c := make([]uint32, 1, memHistChunk)
			c[0] = uint32(i)
			h.more = append(h.more, c)
		default:
			h.more[n-1] = append(h.more[n-1], uint32(i))
		}
		return
	}
	if h.wide == nil {
		w := make([]int, h.len(), 2*h.len()+1)
		for k := range w {
			w[k] = h.at(k)
		}
		h.wide, h.seqs, h.more = w, nil, nil
	}
	h.wide = append(h.wide, i)
}

// errKeyInRecord refuses a record that holds a product key.
var errKeyInRecord = invalid("memory journal: the record holds a product key; a store keeps its fingerprint only")

// errNilJournal refuses a call on a nil *MemoryJournal.
var errNilJournal = invalid("nil MemoryJournal")

// start refuses a nil j or ctx and a done ctx, then locks j.
func (j *MemoryJournal) start(ctx context.Context, call string) error {
	switch {
	case j == nil:
		return errNilJournal
	case ctx == nil:
		return wrapErr("memory journal: "+call, invalidMsg("nil context"))
	case ctx.Err() != nil:
		return wrapErr("memory journal: "+call, ctx.Err())
	}
	j.mu.Lock()
	return nil
}

// store keeps rec, whose names are the set names, as the next record,
// without a monotonic clock reading, and returns its index. j.mu must be
// held.
func (j *MemoryJournal) store(rec *Record, names int32) int {
	i := j.n
	j.put(i, rec, names)
	j.n++
	if !rec.Fingerprint.IsZero() {
		j.byKey.add(&rec.Fingerprint, i)
	}
	return i
}

// Append implements [Journal]. A replacement (Replaces not zero) is
// appended with [MemoryJournal.AppendBatch], which claims its replaced key.
func (j *MemoryJournal) Append(ctx context.Context, rec Record) (Record, Taken, error) {
	if err := j.start(ctx, "append"); err != nil {
		return Record{}, NothingTaken, err
	}
	defer j.mu.Unlock()
	if err := checkAppend(&rec, "memory journal: append"); err != nil {
		return Record{}, NothingTaken, err
	}
	if !rec.Replaces.IsZero() {
		return Record{}, NothingTaken, invalid("memory journal: append: a replacement is appended with AppendBatch")
	}
	if i, ok := j.byKey.find(j, &rec.Fingerprint); ok && !rec.Fingerprint.IsZero() {
		return j.get(i), KeyTaken, nil
	}
	h, taken, err := j.place(&rec)
	switch {
	case err != nil:
		return Record{}, NothingTaken, err
	case taken >= 0:
		return j.get(taken), PlaceTaken, nil
	}
	shareNames(&rec, j.appendTo(h, &rec))
	stripMonotonic(&rec)
	return rec, NothingTaken, nil
}

// checkAppend refuses a record no Append stores: Seq below 1, a key, text
// that could show one.
func checkAppend(rec *Record, what string) error {
	switch {
	case rec.Seq < 1:
		return invalid("%s: Seq %d, want 1 or more", what, rec.Seq)
	case !rec.Outcome.Token.Key.IsZero():
		return errKeyInRecord
	}
	return rec.checkText(what)
}

// place returns the history rec goes in (nil: a new one), or the index of
// the record that holds its place (-1: none), or ErrGap. j.mu must be held.
func (j *MemoryJournal) place(rec *Record) (*memHistory, int, error) {
	o := &rec.Outcome
	h := j.subs[subKey{o.After.Tenant, o.After.Product}]
	switch {
	case h != nil && rec.Seq <= int64(h.len()):
		return nil, h.at(int(rec.Seq - 1)), nil
	case h == nil && rec.Seq == 1:
		return nil, -1, nil
	case h == nil || rec.Seq != int64(h.len())+1:
		return nil, -1, &text.Error{Pkg: pkg, Msg: fmt.Sprintf("memory journal: append: Seq %d would leave a gap", rec.Seq), Kind: ErrGap}
	}
	if h.kind != rec.Kind {
		return h, -1, sameKind(&Record{Kind: h.kind}, rec, "memory journal: append")
	}
	return h, -1, nil
}

// appendTo stores rec as the next record of h (nil: a new history) and
// returns h. j.mu must be held.
func (j *MemoryJournal) appendTo(h *memHistory, rec *Record) *memHistory {
	o := &rec.Outcome
	if h == nil {
		h = &memHistory{tenant: o.After.Tenant, product: o.After.Product, kind: rec.Kind}
		if j.subs == nil {
			j.subs = make(map[subKey]*memHistory)
		}
		j.subs[subKey{h.tenant, h.product}] = h
		if rec.Kind == SubscriptionRecord {
			j.index.insert(h) // a chain of changes is no subscription
		}
	}
	names := j.nameSet(rec, h, h.names)
	h.names = names + 1
	h.push(j.store(rec, names))
	return h
}

// shareNames gives rec, a record of h, the names h keeps where they are
// the same: the names are stored once per subscription (a million records
// of a thousand subscriptions hold a thousand copies, not three million).
func shareNames(rec *Record, h *memHistory) {
	o := &rec.Outcome
	o.After.Tenant, o.After.Product = h.tenant, h.product
	if o.Before.Tenant == h.tenant && o.Before.Product == h.product {
		o.Before.Tenant, o.Before.Product = h.tenant, h.product
	}
	if o.Token.Product == h.product {
		o.Token.Product = h.product
	}
}

// stripMonotonic removes the monotonic clock readings of rec's times.
func stripMonotonic(rec *Record) {
	o := &rec.Outcome
	o.At, o.Before.End, o.After.End = o.At.Round(0), o.Before.End.Round(0), o.After.End.Round(0)
	rec.RecordedAt = rec.RecordedAt.Round(0)
}

// Claim implements [Ledger]: it stores rec under its fingerprint, outside
// any history, unless the fingerprint is spent. rec.Seq must be 0 (a claim
// has no place) and rec.Fingerprint must not be zero.
func (j *MemoryJournal) Claim(ctx context.Context, rec Record) (Record, bool, error) {
	var stored Record
	inserted, err := j.claim(ctx, &rec, &stored, true)
	return stored, inserted, err
}

// claim is Claim through pointers: it sets *stored to the record that holds
// rec's key, rec itself (without a monotonic clock reading) if it stores
// it. checkText false skips the check of rec's names and tails, for a
// caller whose names [CheckName] accepted (a [Redeemer]'s, checkRecorded).
func (j *MemoryJournal) claim(ctx context.Context, rec, stored *Record, checkText bool) (bool, error) {
	if err := j.start(ctx, "claim"); err != nil {
		return false, err
	}
	defer j.mu.Unlock()
	switch {
	case rec.Seq != 0:
		return false, invalid("memory journal: claim: Seq %d, want 0 (a claim has no place in a history)", rec.Seq)
	case rec.Fingerprint.IsZero():
		return false, invalid("memory journal: claim: zero fingerprint")
	case !rec.Outcome.Token.Key.IsZero():
		return false, errKeyInRecord
	}
	if checkText {
		if err := rec.checkText("memory journal: claim"); err != nil {
			return false, err
		}
	}
	if i, ok := j.byKey.find(j, &rec.Fingerprint); ok {
		j.load(i, stored)
		return false, nil
	}
	names := j.nameSet(rec, nil, j.last)
	j.last = names + 1
	j.store(rec, names)
	stripMonotonic(rec)
	*stored = *rec
	return true, nil
}

// Lookup implements [Journal] and [Ledger].
func (j *MemoryJournal) Lookup(ctx context.Context, fp token.Fingerprint) (Record, bool, error) {
	if err := j.start(ctx, "lookup"); err != nil {
		return Record{}, false, err
	}
	defer j.mu.Unlock()
	if i, ok := j.byKey.find(j, &fp); ok && !fp.IsZero() {
		return j.get(i), true, nil
	}
	return Record{}, false, nil
}

// Head implements [Journal].
func (j *MemoryJournal) Head(ctx context.Context, tenant, product string) (Record, bool, error) {
	if err := j.start(ctx, "head"); err != nil {
		return Record{}, false, err
	}
	defer j.mu.Unlock()
	h := j.subs[subKey{tenant, product}]
	if h == nil {
		return Record{}, false, nil
	}
	return j.get(h.last()), true, nil
}

// History implements [Journal].
func (j *MemoryJournal) History(ctx context.Context, tenant, product string, afterSeq int64, limit int) ([]Record, error) {
	out, err := j.appendHistory(ctx, []Record{}, tenant, product, afterSeq, limit)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Heads implements [Journal].
func (j *MemoryJournal) Heads(ctx context.Context, from, to time.Time) ([]Record, error) {
	if err := j.start(ctx, "heads"); err != nil {
		return nil, err
	}
	var heads []int
	for _, h := range j.subs {
		if i := h.last(); h.kind == SubscriptionRecord && dateIn(j.afterEnd(i), from, to) {
			heads = append(heads, i)
		}
	}
	var out []Record
	if heads != nil {
		out = make([]Record, len(heads))
		j.loadPage(out, func(k int) int { return heads[k] })
	}
	j.mu.Unlock()
	slices.SortFunc(out, func(a, b Record) int {
		return cmp.Or(cmp.Compare(a.Outcome.After.Tenant, b.Outcome.After.Tenant),
			cmp.Compare(a.Outcome.After.Product, b.Outcome.After.Product))
	})
	return out, nil
}

// Len returns the number of records stored, claims and appends (0 for a
// nil MemoryJournal).
func (j *MemoryJournal) Len() int {
	if j == nil {
		return 0
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.n
}

// Records returns a copy of every record in the order stored (claimed or
// appended), for replay and export tools (nil for a nil MemoryJournal).
func (j *MemoryJournal) Records() []Record {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Record, j.n)
	j.loadPage(out, func(k int) int { return k })
	return out
}
