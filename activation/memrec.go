package activation

import (
	"math"
	"strings"
	"time"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// memRec is a record as a [MemoryJournal] keeps it: under a quarter of a
// [Record]'s size (84 bytes, not 576), and no pointer where a Record has a
// dozen, so that a million records take little memory, little time to write
// into fresh memory (page faults) and no work for the garbage collector.
// Its request identity, recording time, At and names (the policy's, the
// token's product, Before's and After's, an index into the journal's table
// of name sets) are a memShared, which the records of one request stored in
// turn share; its key tail is its characters (read back, a page of records
// shares one string of them); At (00:00 UTC) is days since the Unix epoch,
// Before's and After's ends their days from At in 16 bits (or a sentinel:
// the zero time), RecordedAt Unix nanoseconds (or a flag: the zero time);
// its six enumerations share 15 bits; its integers are narrowed; and the
// Outcome's figures that follow from the others as Apply computes them (the
// remaining days, the seat-days, the residue, the days added) are not kept
// but flagged and computed again when read. The fields only replacements
// and change records have live beside it in a memRare (side > 0). A record
// any of whose values memRec cannot hold as they are (a time in another
// location, a date with nanoseconds, an end 32,768 days or more from At, an
// integer or an enumeration out of its range, a figure that does not
// follow) is kept whole (side < 0): every record reads back exactly as it
// was stored.
type memRec struct {
	fp token.Fingerprint

	seq    int32
	shared int32 // index of its memShared in the journal
	side   int32 // 0: none; i > 0: the journal's rare[i-1]; i < 0: the whole record is full[-i-1]

	tokSeats, beforeSeats, afterSeats int32
	monthsNum, monthsDen              int32
	beforeEnd, afterEnd               int16 // days from At (its memShared's atDay) to Before's and After's end; memZeroEnd: the zero time
	termDays, daysLost                int16
	enums                             uint16 // Op, Applied, StateBefore, Rounding, Convention, Anchor: memEnumBits
	termMonths, tokTerm, capFactor    int8
	kind                              RecordKind
	flags                             uint8                // the key tail's length and what the memReplayed … memNoFigures bits say
	tail                              [token.GroupLen]byte // the key tail's characters
}

// memEnumBits are the widths of the enumerations memRec.enums holds, from
// its low bits up: Op, Applied, StateBefore (0 … 7), Rounding, Convention
// and Anchor (0 … 3); 15 bits in all. memEnumShift are their places.
var (
	memEnumBits  = [6]uint{3, 3, 3, 2, 2, 2}
	memEnumShift = [6]uint{0, 3, 6, 9, 11, 13}
)

// memZeroEnd is memRec.beforeEnd or afterEnd for an end that is the zero
// time (a subscription's end before its first record).
const memZeroEnd = math.MinInt16

// memZeroDay is the zero time's day since the Unix epoch.
const memZeroDay = -719162

// memEnd is an end date's day as memRec keeps it: its days from atDay, or
// memZeroEnd; ok turns false if neither holds it.
func memEnd(day, atDay int32, ok *bool) int16 {
	if day == memZeroDay {
		return memZeroEnd
	}
	d := fit16(int(day)-int(atDay), ok)
	if d == memZeroEnd {
		*ok = false
	}
	return d
}

// endDay is the day of an end date memRec keeps as off, At's day being
// atDay.
func endDay(off int16, atDay int32) int32 {
	if off == memZeroEnd {
		return memZeroDay
	}
	return atDay + int32(off)
}

// packEnums is the six enumerations v as memRec.enums holds them; ok turns
// false if one does not fit its width.
func packEnums(v [6]int, ok *bool) uint16 {
	var e uint
	for k, w := range memEnumBits {
		if v[k] < 0 || v[k] >= 1<<w {
			*ok = false
		}
		e |= uint(v[k]) & (1<<w - 1) << memEnumShift[k]
	}
	return uint16(e)
}

// enum returns the k-th enumeration r.enums holds.
func (r *memRec) enum(k int) int {
	return int(uint(r.enums) >> memEnumShift[k] & (1<<memEnumBits[k] - 1))
}

// The bits of memRec.flags.
const (
	memTailLen     = 0b111  // the key tail's length, 0 … 5
	memReplayed    = 1 << 3 // Outcome.Replayed
	memUnrecorded  = 1 << 4 // RecordedAt is the zero time
	memRemaining   = 1 << 5 // Remaining is the days from At to Before's end (else 0)
	memAddedFromAt = 1 << 6 // DaysAdded is NewRemaining (else the days from Before's end to After's)
	memNoFigures   = 1 << 7 // the figures derived are all 0 (an import, a change record)
)

// memShared is what the records of one request hold alike, kept once for
// records stored in turn: a batch's ten records keep one, not ten (a
// record of its own takes 84 + 48 bytes; one of a batch of ten 89).
type memShared struct {
	req        RequestID
	recordedAt [2]uint32 // Unix nanoseconds, low and high halves (four-byte alignment: no padding)
	names      int32     // index in the journal's name sets
	atDay      int32     // days since the Unix epoch
}

// memRare is what only replacements and change records hold.
type memRare struct {
	replaces     token.Fingerprint
	replacesTail string
	change, note string
}

// memNames is a set of the names a record holds, kept once per journal
// however many records hold it.
type memNames struct {
	policy, tokenProduct                                   string
	beforeTenant, beforeProduct, afterTenant, afterProduct string
}

// memBlock is how many records a block of a [MemoryJournal] holds, and
// memSharedBlock how many memShared: blocks never move, and a million
// records take no slice growth. A block's size (2,048 × 84 bytes, 1,024 ×
// 48) is a whole number of the allocator's 8 KiB pages: nothing is lost to
// rounding.
const (
	memBlock       = 2048
	memSharedBlock = 1024
)

// slot returns the place of record i. j.mu must be held.
func (j *MemoryJournal) slot(i int) *memRec { return &j.recs[i/memBlock][i%memBlock] }

// sharedAt returns memShared k. j.mu must be held.
func (j *MemoryJournal) sharedAt(k int32) *memShared {
	return &j.shared[k/memSharedBlock][k%memSharedBlock]
}

// share returns the index of a memShared equal to *sh: the last one kept
// if it is (the record before is of the same request), else a new one.
// j.mu must be held.
func (j *MemoryJournal) share(sh *memShared) int32 {
	k := int32(j.nshared)
	if k > 0 && *j.sharedAt(k - 1) == *sh {
		return k - 1
	}
	if k%memSharedBlock == 0 {
		j.shared = append(j.shared, new([memSharedBlock]memShared))
	}
	*j.sharedAt(k) = *sh
	j.nshared++
	return k
}

// fpAt returns the key fingerprint of record i. j.mu must be held.
func (j *MemoryJournal) fpAt(i int) *token.Fingerprint { return &j.slot(i).fp }

// fullRec is the whole record r stands for (r.side < 0).
func (r *memRec) fullRec(j *MemoryJournal) *Record { return &j.full[-r.side-1] }

// afterEnd returns the Outcome.After.End of record i. j.mu must be held.
func (j *MemoryJournal) afterEnd(i int) time.Time {
	r := j.slot(i)
	if r.side >= 0 {
		return memDate(endDay(r.afterEnd, j.sharedAt(r.shared).atDay))
	}
	return r.fullRec(j).Outcome.After.End
}

// get returns record i as it was stored. j.mu must be held.
func (j *MemoryJournal) get(i int) Record {
	var rec Record
	j.load(i, &rec)
	return rec
}

// load sets *dst to record i as it was stored. j.mu must be held.
func (j *MemoryJournal) load(i int, dst *Record) {
	r := j.slot(i)
	j.decode(r, dst, string(r.tail[:r.flags&memTailLen]))
}

// loadPage sets dst[k] to record at(k), for every k, as load does, but
// for the key tails, which share one string (one allocation for a page).
// j.mu must be held.
func (j *MemoryJournal) loadPage(dst []Record, at func(k int) int) {
	// A record kept whole has no tail here (its flags are 0): its own
	// KeyTail is read with it.
	var b strings.Builder
	n := 0
	for k := range dst {
		n += int(j.slot(at(k)).flags & memTailLen)
	}
	b.Grow(n)
	for k := range dst {
		r := j.slot(at(k))
		b.Write(r.tail[:r.flags&memTailLen])
	}
	tails, off := b.String(), 0
	for k := range dst {
		r := j.slot(at(k))
		n := int(r.flags & memTailLen)
		j.decode(r, &dst[k], tails[off:off+n])
		off += n
	}
}

// decode sets *dst to the record r stands for, its key tail being tail.
func (j *MemoryJournal) decode(r *memRec, dst *Record, tail string) {
	if r.side < 0 {
		*dst = *r.fullRec(j)
		return
	}
	sh := j.sharedAt(r.shared)
	n := &j.names[sh.names]
	// Field by field: no temporary Record, copied whole, as a literal takes.
	dst.Fingerprint, dst.Request, dst.Seq, dst.KeyTail, dst.Policy = r.fp, sh.req, int64(r.seq), tail, n.policy
	dst.RecordedAt, dst.Kind = memRecordedAt(r, sh), r.kind
	if r.side > 0 {
		x := &j.rare[r.side-1]
		dst.Replaces, dst.ReplacesTail, dst.Change, dst.Note = x.replaces, x.replacesTail, x.change, x.note
	} else {
		dst.Replaces, dst.ReplacesTail, dst.Change, dst.Note = token.Fingerprint{}, "", "", ""
	}
	o := &dst.Outcome
	o.Op, o.Applied, o.At = Operation(r.enum(0)), Operation(r.enum(1)), memDate(sh.atDay)
	o.Token.Key, o.Token.Product, o.Token.Seats, o.Token.TermMonths = token.Key{}, n.tokenProduct, int(r.tokSeats), int(r.tokTerm)
	// Field by field, not a Subscription literal: a literal is built aside
	// and copied, at twice the cost.
	o.Before.Tenant, o.Before.Product, o.Before.Seats, o.Before.End = n.beforeTenant, n.beforeProduct, int(r.beforeSeats), memDate(endDay(r.beforeEnd, sh.atDay))
	o.After.Tenant, o.After.Product, o.After.Seats, o.After.End = n.afterTenant, n.afterProduct, int(r.afterSeats), memDate(endDay(r.afterEnd, sh.atDay))
	o.StateBefore = State(r.enum(2))
	remaining, newRemaining, daysAdded, before, after := r.derived(sh.atDay)
	o.Remaining, o.TermDays, o.NewRemaining, o.TermMonths = int(remaining), int(r.termDays), int(newRemaining), int(r.termMonths)
	o.SeatDaysBefore, o.SeatDaysAfter, o.Residue = before, after, after-before
	o.MonthsNum, o.MonthsDen = int64(r.monthsNum), int64(r.monthsDen)
	o.DaysAdded, o.DaysLost = int(daysAdded), int(r.daysLost)
	o.Rounding, o.Convention, o.Anchor, o.CapFactor = proration.Rounding(r.enum(3)), proration.Convention(r.enum(4)), Anchor(r.enum(5)), int(r.capFactor)
	o.Replayed = r.flags&memReplayed != 0
}

// derived computes the figures r does not keep from those it does and
// its At's day, as Apply computes them: B (the days from At to Before's
// end, or 0), R (from
// At to After's end), the days the end moved (from Before's end, or R),
// A × B + C × T and seats after × R. (Results, not a struct: they stay in
// registers.)
func (r *memRec) derived(atDay int32) (remaining, newRemaining, daysAdded, seatDaysBefore, seatDaysAfter int64) {
	if r.flags&memNoFigures != 0 {
		return 0, 0, 0, 0, 0
	}
	beforeEnd, afterEnd := int64(endDay(r.beforeEnd, atDay)), int64(endDay(r.afterEnd, atDay))
	if r.flags&memRemaining != 0 {
		remaining = beforeEnd - int64(atDay)
	}
	newRemaining = afterEnd - int64(atDay)
	if r.flags&memAddedFromAt != 0 {
		daysAdded = newRemaining
	} else {
		daysAdded = afterEnd - beforeEnd
	}
	seatDaysBefore = int64(r.beforeSeats)*remaining + int64(r.tokSeats)*int64(r.termDays)
	seatDaysAfter = int64(r.afterSeats) * newRemaining
	return remaining, newRemaining, daysAdded, seatDaysBefore, seatDaysAfter
}

// memDate is the time at 00:00 UTC day days after the Unix epoch.
func memDate(day int32) time.Time { return time.Unix(int64(day)*secondsPerDay, 0).UTC() }

// secondsPerDay is the length of a day in Unix time.
const secondsPerDay = 24 * 60 * 60

// put stores rec as record i (the next one), its names being the set
// names, without the monotonic clock readings of its times. j.mu must be
// held.
func (j *MemoryJournal) put(i int, rec *Record, names int32) {
	if i%memBlock == 0 {
		j.recs = append(j.recs, new([memBlock]memRec))
	}
	r := j.slot(i)
	sh := memShared{req: rec.Request, names: names}
	if !r.fill(rec, &sh) || j.nshared >= math.MaxInt32 { // past 2³¹ requests: kept whole
		j.full = append(j.full, *rec)
		stripMonotonic(&j.full[len(j.full)-1])
		*r = memRec{fp: rec.Fingerprint, side: -int32(len(j.full))}
		return
	}
	r.shared = j.share(&sh)
	if !rec.Replaces.IsZero() || rec.ReplacesTail != "" || rec.Change != "" || rec.Note != "" {
		j.rare = append(j.rare, memRare{replaces: rec.Replaces, replacesTail: rec.ReplacesTail, change: rec.Change, note: rec.Note})
		r.side = int32(len(j.rare))
	}
}

// fill sets r, whose memory is zero, and *sh, whose request and names are
// set, to rec, and reports whether they hold it exactly (as for r.side,
// the rare fields are not its part).
func (r *memRec) fill(rec *Record, sh *memShared) bool {
	o := &rec.Outcome
	ok := true
	r.fp, r.seq, r.kind = rec.Fingerprint, fit32(rec.Seq, &ok), rec.Kind
	if len(rec.KeyTail) > len(r.tail) {
		ok = false
	}
	r.flags = uint8(copy(r.tail[:], rec.KeyTail))
	r.monthsNum, r.monthsDen = fit32(o.MonthsNum, &ok), fit32(o.MonthsDen, &ok)
	if rec.RecordedAt.IsZero() && rec.RecordedAt.Location() == time.UTC {
		r.flags |= memUnrecorded
	} else {
		n := uint64(memNanos(rec.RecordedAt, &ok))
		sh.recordedAt = [2]uint32{uint32(n), uint32(n >> 32)}
	}
	sh.atDay = memDay(o.At, &ok)
	r.beforeEnd, r.afterEnd = memEnd(memDay(o.Before.End, &ok), sh.atDay, &ok), memEnd(memDay(o.After.End, &ok), sh.atDay, &ok)
	r.termDays, r.daysLost = fit16(o.TermDays, &ok), fit16(o.DaysLost, &ok)
	r.termMonths, r.capFactor = fit8(o.TermMonths, &ok), fit8(o.CapFactor, &ok)
	r.tokSeats, r.tokTerm, r.beforeSeats, r.afterSeats = fit32(o.Token.Seats, &ok), fit8(o.Token.TermMonths, &ok), fit32(o.Before.Seats, &ok), fit32(o.After.Seats, &ok)
	r.enums = packEnums([6]int{int(o.Op), int(o.Applied), int(o.StateBefore), int(o.Rounding), int(o.Convention), int(o.Anchor)}, &ok)
	if o.Replayed {
		r.flags |= memReplayed
	}
	if o.Remaining|o.NewRemaining|o.DaysAdded == 0 && o.SeatDaysBefore|o.SeatDaysAfter|o.Residue == 0 {
		r.flags |= memNoFigures
		return ok
	}
	if o.Remaining != 0 {
		r.flags |= memRemaining
	}
	remaining, newRemaining, daysAdded, before, after := r.derived(sh.atDay)
	if newRemaining != daysAdded && int64(o.DaysAdded) == newRemaining {
		r.flags |= memAddedFromAt
		daysAdded = newRemaining
	}
	return ok && int64(o.Remaining) == remaining && int64(o.NewRemaining) == newRemaining &&
		int64(o.DaysAdded) == daysAdded && o.SeatDaysBefore == before &&
		o.SeatDaysAfter == after && o.Residue == after-before
}

// memRecordedAt is the RecordedAt r, whose memShared is sh, holds.
func memRecordedAt(r *memRec, sh *memShared) time.Time {
	if r.flags&memUnrecorded != 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(uint64(sh.recordedAt[0])|uint64(sh.recordedAt[1])<<32)).UTC()
}

// memNanos is t (in UTC, without a monotonic reading) as Unix
// nanoseconds; ok turns false for a time in another location or out of
// their range (before 1678, after 2262).
func memNanos(t time.Time, ok *bool) int64 {
	n := t.UnixNano()
	if t.Location() != time.UTC || !time.Unix(0, n).Equal(t) {
		*ok = false
	}
	return n
}

// memDay is t (00:00 UTC, without a monotonic reading) as days since the
// Unix epoch; ok turns false for any other time.
func memDay(t time.Time, ok *bool) int32 {
	sec := t.Unix()
	if t.Location() != time.UTC || t.Nanosecond() != 0 || sec%secondsPerDay != 0 {
		*ok = false
	}
	return fit32(sec/secondsPerDay, ok)
}

// fit32 is v as an int32; ok turns false if it does not fit.
func fit32[T ~int | ~int64](v T, ok *bool) int32 {
	if T(int32(v)) != v {
		*ok = false
	}
	return int32(v)
}

// fit16 is v as an int16; ok turns false if it does not fit.
func fit16(v int, ok *bool) int16 {
	if int(int16(v)) != v {
		*ok = false
	}
	return int16(v)
}

// fit8 is v as an int8; ok turns false if it does not fit.
func fit8(v int, ok *bool) int8 {
	if int(int8(v)) != v {
		*ok = false
	}
	return int8(v)
}

// nameSet returns the index in j.names of the name set of rec, a record
// of h (nil: of no history), adding it if it is new, with the names h
// keeps where they are the same; hint is the index + 1 of the set rec
// likely holds (0: none). j.mu must be held.
func (j *MemoryJournal) nameSet(rec *Record, h *memHistory, hint int32) int32 {
	o := &rec.Outcome
	n := memNames{
		policy: rec.Policy, tokenProduct: o.Token.Product,
		beforeTenant: o.Before.Tenant, beforeProduct: o.Before.Product,
		afterTenant: o.After.Tenant, afterProduct: o.After.Product,
	}
	if h != nil {
		n.afterTenant, n.afterProduct = h.tenant, h.product
		if n.beforeTenant == h.tenant && n.beforeProduct == h.product {
			n.beforeTenant, n.beforeProduct = h.tenant, h.product
		}
		if n.tokenProduct == h.product {
			n.tokenProduct = h.product
		}
	}
	if hint > 0 && j.names[hint-1] == n {
		return hint - 1
	}
	if i, ok := j.byName[n]; ok {
		return i
	}
	if j.byName == nil {
		j.byName = make(map[memNames]int32)
	}
	i := int32(len(j.names))
	j.names = append(j.names, n)
	j.byName[n] = i
	return i
}
