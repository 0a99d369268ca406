package activation

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// MemoryLedger is the in-process reference [Ledger]: an index from key
// fingerprint to [Record] behind a mutex. It suits tests, single-process
// tools and replaying a ledger exported from elsewhere; it keeps nothing
// across restarts, so a service whose keys must stay spent needs a durable
// Ledger (see [Ledger] for the SQL shape).
//
// MemoryLedger stores what it is given. Records made by [Redeemer] carry
// fingerprints, never product keys: Redeem clears Outcome.Token.Key before the
// claim. Records claimed directly are kept as they are, with one exception
// every store shares: a time keeps its instant and its location but not a
// monotonic clock reading (see [time.Time.Round]), which no date made by this
// package has.
//
// # Storage
//
// A record made by [Redeemer] takes about 110 bytes, plus 8 to 16 bytes of
// index, against 430 bytes for a Record value: a million keys take about
// 130 MB. Records are encoded, in claim order, into byte blocks that are
// never moved once allocated, so claiming never copies the records before
// it. The encoding is exact: the fingerprint and request as bytes, every
// number as a varint, strings, keys and time locations as numbers into small
// tables shared by all records (a tenant named in a million records is
// stored once). The index is a hash table of 8-byte entries pointing into
// the blocks, confirmed by the fingerprint stored with the record. Neither
// holds pointers, so the garbage collector does not scan them. Lookup and
// [MemoryLedger.Records] decode each Record as it was claimed.
//
// The zero value is an empty ledger ready to use; [NewMemoryLedger] returns
// one too. A MemoryLedger is safe for concurrent use and must not be copied
// after first use.
type MemoryLedger struct {
	mu     sync.Mutex
	index  []memEntry // open addressing, linear probing; a power of two long, at most half full
	blocks [][]byte   // encoded records in claim order; a block is never moved or grown past its capacity
	n      int        // records stored

	strs   interned[string]         // tenants and products; 0 is ""
	keys   interned[token.Key]      // keys of records claimed directly; 0 is the zero Key
	locs   interned[*time.Location] // locations other than UTC; 0 is UTC
	encBuf [memMaxRecord]byte       // scratch for encoding one record
}

// memPos is a record's place: block<<memBlockBits | offset in the block.
type memPos uint64

// memEntry is an index entry: 0 for none, else a tag of 20 bits from the
// fingerprint's hash (never 0) above the record's memPos.
type memEntry uint64

const (
	memFirstBlock = 4 << 10 // bytes; each next block doubles, up to memMaxBlock
	memBlockBits  = 20
	memMaxBlock   = 1 << memBlockBits
	memMaxRecord  = 1024 // more than any encoded record (about 64 + 40 varints + 4 times)
	memPosBits    = 44   // 2^24 blocks of 1 MiB: 16 TiB
	memPosMask    = 1<<memPosBits - 1
	memMinIndex   = 64
)

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
	if 2*(l.n+1) > len(l.index) {
		l.grow()
	}
	slot, tag, pos, found := l.find(rec.Fingerprint)
	if found {
		stored, _ := l.decode(l.at(pos))
		return stored, false, nil
	}
	body := l.encode(l.encBuf[:0], &rec)
	var prefix [binary.MaxVarintLen64]byte
	size := binary.PutUvarint(prefix[:], uint64(len(body))) + len(body)
	last := len(l.blocks) - 1
	if last < 0 || len(l.blocks[last])+size > cap(l.blocks[last]) {
		c := memFirstBlock
		if last >= 0 {
			c = min(2*cap(l.blocks[last]), memMaxBlock)
		}
		l.blocks = append(l.blocks, make([]byte, 0, c))
		last++
	}
	b := l.blocks[last]
	l.index[slot] = tag | memEntry(last)<<memBlockBits | memEntry(len(b))
	b = binary.AppendUvarint(b, uint64(len(body)))
	l.blocks[last] = append(b, body...)
	l.n++
	return rec, true, nil
}

// Lookup implements [Ledger]: it returns the record stored for fp, if any.
func (l *MemoryLedger) Lookup(ctx context.Context, fp token.Fingerprint) (Record, bool, error) {
	if err := ledgerCtxErr(ctx); err != nil {
		return Record{}, false, fmt.Errorf("activation: memory ledger: lookup: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		return Record{}, false, nil
	}
	_, _, pos, found := l.find(fp)
	if !found {
		return Record{}, false, nil
	}
	rec, _ := l.decode(l.at(pos))
	return rec, true, nil
}

// Len returns the number of records: the number of keys redeemed.
func (l *MemoryLedger) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// Records returns a copy of every record in the order they were claimed, for
// replay and export tools. Changing the slice does not change the ledger.
func (l *MemoryLedger) Records() []Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Record, 0, l.n)
	for _, b := range l.blocks {
		for len(b) > 0 {
			var rec Record
			rec, b = l.decode(b)
			out = append(out, rec)
		}
	}
	return out
}

// find returns the index slot of the record for fp and its place if there is
// one, else the empty slot where it belongs; tag is the tag of fp's entries.
// The index must not be empty. l.mu must be held.
func (l *MemoryLedger) find(fp token.Fingerprint) (slot int, tag memEntry, pos memPos, found bool) {
	h := memHash(fp)
	tag = memEntry(h>>memPosBits|1) << memPosBits
	mask := uint64(len(l.index) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := l.index[i]
		if e == 0 {
			return int(i), tag, 0, false
		}
		if e&^memPosMask == tag {
			if pos := memPos(e & memPosMask); l.fingerprintAt(pos) == fp {
				return int(i), tag, pos, true
			}
		}
	}
}

// grow doubles the index and enters every record again, walking the blocks
// in order. l.mu must be held.
func (l *MemoryLedger) grow() {
	l.index = make([]memEntry, max(memMinIndex, 2*len(l.index)))
	for blk, b := range l.blocks {
		for off := 0; off < len(b); {
			pos := memPos(blk)<<memBlockBits | memPos(off)
			slot, tag, _, _ := l.find(l.fingerprintAt(pos))
			l.index[slot] = tag | memEntry(pos)
			n, w := binary.Uvarint(b[off:])
			off += w + int(n)
		}
	}
}

// memHash mixes a fingerprint to 64 bits: the four words folded, then the
// SplitMix64 finalizer, so that every bit of the fingerprint reaches the
// index bits and the tag. A fingerprint is a SHA-256 (or an HMAC) of the key,
// uniform and not chosen by anyone; fingerprints made by hand that hash alike
// stay correct, only slower: each probes past the others.
func memHash(fp token.Fingerprint) uint64 {
	h := binary.LittleEndian.Uint64(fp[0:]) ^ binary.LittleEndian.Uint64(fp[8:]) ^
		binary.LittleEndian.Uint64(fp[16:]) ^ binary.LittleEndian.Uint64(fp[24:])
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// at returns the encoded bytes from pos to the end of its block.
func (l *MemoryLedger) at(pos memPos) []byte {
	return l.blocks[pos>>memBlockBits][pos&(memMaxBlock-1):]
}

// fingerprintAt returns the fingerprint of the record at pos.
func (l *MemoryLedger) fingerprintAt(pos memPos) token.Fingerprint {
	b := l.at(pos)
	_, w := binary.Uvarint(b)
	return token.Fingerprint(b[w : w+token.FingerprintLen])
}

// encode appends rec's encoding to b, the fingerprint first. Every field of
// Record and Outcome is written, in this order, and decode reads them in the
// same order;
// TestMemoryLedgerKeepsEveryField sets every field by reflection and checks
// that it comes back, so a field added to Outcome but not here fails it.
func (l *MemoryLedger) encode(b []byte, rec *Record) []byte {
	o := &rec.Outcome
	b = append(b, rec.Fingerprint[:]...)
	b = append(b, rec.Request[:]...)
	b = binary.AppendVarint(b, rec.Seq)
	b = binary.AppendUvarint(b, uint64(l.strs.id(rec.KeyTail)))
	b = binary.AppendUvarint(b, uint64(l.strs.id(rec.Policy)))
	b = l.appendTime(b, rec.RecordedAt)
	b = binary.AppendVarint(b, int64(o.Op))
	b = binary.AppendVarint(b, int64(o.Applied))
	b = l.appendTime(b, o.At)
	if o.Token.Key.IsZero() { // as Redeemer claims: keys.id(zero Key), without the generic comparison
		b = append(b, 0)
	} else {
		b = binary.AppendUvarint(b, uint64(l.keys.id(o.Token.Key)))
	}
	// The token, Before and After mostly name the same product and tenant:
	// compare the strings before looking them up.
	product := l.strs.id(o.Token.Product)
	b = binary.AppendUvarint(b, uint64(product))
	b = binary.AppendVarint(b, int64(o.Token.Seats))
	b = binary.AppendVarint(b, int64(o.Token.TermMonths))
	tenant := l.strs.id(o.Before.Tenant)
	product = l.strs.idLike(o.Before.Product, o.Token.Product, product)
	b = appendSub(b, tenant, product, o.Before, l)
	tenant = l.strs.idLike(o.After.Tenant, o.Before.Tenant, tenant)
	product = l.strs.idLike(o.After.Product, o.Before.Product, product)
	b = appendSub(b, tenant, product, o.After, l)
	b = binary.AppendVarint(b, int64(o.StateBefore))
	for _, v := range [...]int64{
		int64(o.Remaining), int64(o.TermDays), int64(o.NewRemaining), int64(o.TermMonths),
		o.SeatDaysBefore, o.SeatDaysAfter, o.Residue, o.MonthsNum, o.MonthsDen,
		int64(o.DaysAdded), int64(o.DaysLost),
		int64(o.Rounding), int64(o.Convention), int64(o.Anchor), int64(o.CapFactor),
	} {
		b = binary.AppendVarint(b, v)
	}
	if o.Replayed {
		return append(b, 1)
	}
	return append(b, 0)
}

// decode reads one record Claim wrote at the start of b, its length then
// what encode wrote, and returns it and the rest of b.
func (l *MemoryLedger) decode(b []byte) (Record, []byte) {
	var rec Record
	n, w := binary.Uvarint(b)
	rest := b[w+int(n):]
	d := memDecoder{b: b[w : w+int(n)]}
	d.bytes(rec.Fingerprint[:])
	d.bytes(rec.Request[:])
	rec.Seq = d.int()
	rec.KeyTail = l.strs.at(d.uint())
	rec.Policy = l.strs.at(d.uint())
	rec.RecordedAt = l.time(&d)
	o := &rec.Outcome
	o.Op = Operation(d.int())
	o.Applied = Operation(d.int())
	o.At = l.time(&d)
	o.Token.Key = l.keys.at(d.uint())
	o.Token.Product = l.strs.at(d.uint())
	o.Token.Seats = int(d.int())
	o.Token.TermMonths = int(d.int())
	o.Before = l.sub(&d)
	o.After = l.sub(&d)
	o.StateBefore = State(d.int())
	o.Remaining = int(d.int())
	o.TermDays = int(d.int())
	o.NewRemaining = int(d.int())
	o.TermMonths = int(d.int())
	o.SeatDaysBefore = d.int()
	o.SeatDaysAfter = d.int()
	o.Residue = d.int()
	o.MonthsNum = d.int()
	o.MonthsDen = d.int()
	o.DaysAdded = int(d.int())
	o.DaysLost = int(d.int())
	o.Rounding = proration.Rounding(d.int())
	o.Convention = proration.Convention(d.int())
	o.Anchor = Anchor(d.int())
	o.CapFactor = int(d.int())
	o.Replayed = d.b[0] == 1
	return rec, rest
}

// appendSub appends s, whose tenant and product have the numbers given.
func appendSub(b []byte, tenant, product uint32, s Subscription, l *MemoryLedger) []byte {
	b = binary.AppendUvarint(b, uint64(tenant))
	b = binary.AppendUvarint(b, uint64(product))
	b = binary.AppendVarint(b, int64(s.Seats))
	return l.appendTime(b, s.End)
}

func (l *MemoryLedger) sub(d *memDecoder) Subscription {
	return Subscription{Tenant: l.strs.at(d.uint()), Product: l.strs.at(d.uint()), Seats: int(d.int()), End: l.time(d)}
}

// secondsPerDay is the length of a day in Unix time.
const secondsPerDay = 86400

// appendTime appends t's instant and location: a date at 00:00 UTC, the
// common case, as one varint 2 × days since 1970-01-01 (even); any other
// time as 2 × location + 1 (odd), then the Unix seconds and nanoseconds.
// Unix seconds cover every time.Time: the conversion wraps around exactly.
func (l *MemoryLedger) appendTime(b []byte, t time.Time) []byte {
	sec, nsec := t.Unix(), t.Nanosecond()
	loc := t.Location()
	if loc == time.UTC && nsec == 0 && sec%secondsPerDay == 0 {
		return binary.AppendVarint(b, 2*(sec/secondsPerDay))
	}
	var id uint32
	if loc != time.UTC {
		id = l.locs.id(loc)
	}
	b = binary.AppendVarint(b, 2*int64(id)+1)
	b = binary.AppendVarint(b, sec)
	return binary.AppendVarint(b, int64(nsec))
}

// time reads what appendTime wrote: the same instant in the same location,
// so == holds for any time without a monotonic reading.
func (l *MemoryLedger) time(d *memDecoder) time.Time {
	v := d.int()
	if v&1 == 0 {
		return time.Unix(v/2*secondsPerDay, 0).UTC()
	}
	t := time.Unix(d.int(), d.int())
	if id := uint32(v / 2); id != 0 {
		return t.In(l.locs.at(uint64(id)))
	}
	return t.UTC()
}

// memDecoder reads what encode wrote; the bytes are the ledger's own, so it
// does not check for errors.
type memDecoder struct{ b []byte }

func (d *memDecoder) bytes(dst []byte) { d.b = d.b[copy(dst, d.b):] }

func (d *memDecoder) int() int64 {
	v, n := binary.Varint(d.b)
	d.b = d.b[n:]
	return v
}

func (d *memDecoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	d.b = d.b[n:]
	return v
}

// interned numbers the distinct values it is given: 0 is the zero value,
// the others are numbered 1, 2, … in the order first seen.
type interned[T comparable] struct {
	vals []T // vals[i-1] is value i
	ids  map[T]uint32
}

// id returns v's number, adding v if it is new. A string is copied first, so
// the ledger never keeps a caller's larger buffer (a CSV line) alive.
func (in *interned[T]) id(v T) uint32 {
	var zero T
	if v == zero {
		return 0
	}
	if id, ok := in.ids[v]; ok {
		return id
	}
	if in.ids == nil {
		in.ids = make(map[T]uint32)
	}
	if s, ok := any(v).(string); ok {
		v = any(strings.Clone(s)).(T)
	}
	in.vals = append(in.vals, v)
	id := uint32(len(in.vals))
	in.ids[v] = id
	return id
}

// idLike is id(v), or likeID when v == like: likeID is like's number.
func (in *interned[T]) idLike(v, like T, likeID uint32) uint32 {
	if v == like {
		return likeID
	}
	return in.id(v)
}

// at returns value id.
func (in *interned[T]) at(id uint64) T {
	if id == 0 {
		var zero T
		return zero
	}
	return in.vals[id-1]
}

// ledgerCtxErr is ctx.Err() that treats a nil context as an error instead of
// panicking.
func ledgerCtxErr(ctx context.Context) error {
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrInvalid)
	}
	return ctx.Err()
}
