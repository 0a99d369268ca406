package activation

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// memAnyTime draws a time a record may hold: dates at 00:00 UTC mostly, and
// times with nanoseconds, in other locations, with a monotonic reading, at
// the ends of time's range, and the zero time.
func memAnyTime(t *rapid.T, label string) time.Time {
	sec := rapid.OneOf(rapid.Int64Range(-1e11, 1e11), rapid.Int64(), rapid.Just(int64(0))).Draw(t, label+".sec")
	var v time.Time
	kind := rapid.IntRange(0, 30).Draw(t, label+".kind")
	if kind > 6 {
		kind = 0 // mostly what a Book writes: a record held compactly
	}
	switch kind {
	case 0:
		v = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(sec%100000))
	case 1:
		v = time.Unix(sec, rapid.Int64Range(0, 999_999_999).Draw(t, label+".nsec")).UTC()
	case 2:
		v = time.Unix(sec, rapid.Int64Range(0, 999_999_999).Draw(t, label+".nsec")).In(time.FixedZone("X", 3600))
	case 3:
		v = time.Unix(sec, 0) // Local
	case 4:
		v = time.Now() // a monotonic reading
	case 5:
		v = time.Time{}
	default:
		v = time.Unix(sec, 0).UTC()
	}
	return v
}

// memNearAt mostly sets *end to a day near at, as a Book's records have
// them, and at the edges of what a memRec keeps of it: days from at in
// 16 bits, or the zero time.
func memNearAt(t *rapid.T, at time.Time, end *time.Time, label string) {
	switch rapid.IntRange(0, 3).Draw(t, label+".near") {
	case 0:
		return
	case 1:
		*end = time.Time{}
	default:
		d := rapid.OneOf(rapid.IntRange(-400, 1200), rapid.SampledFrom([]int{math.MinInt16 - 1, math.MinInt16, math.MinInt16 + 1, math.MaxInt16, math.MaxInt16 + 1})).Draw(t, label+".days")
		*end = at.AddDate(0, 0, d)
	}
}

// memAnyEnum draws an enumeration's value: one of the defined values
// mostly, and one past the widths a memRec packs (4, 8), and any.
func memAnyEnum(t *rapid.T, label string) int {
	if rapid.IntRange(0, 9).Draw(t, label+".odd") > 0 {
		return rapid.IntRange(0, 3).Draw(t, label)
	}
	return rapid.OneOf(rapid.SampledFrom([]int{-1, 4, 5, 7, 8}), rapid.Int()).Draw(t, label)
}

// memAnyInt draws small integers mostly (a record held compactly), and
// any.
func memAnyInt(t *rapid.T, label string) int {
	if rapid.IntRange(0, 99).Draw(t, label+".wide") < 97 {
		return rapid.IntRange(-3, 400).Draw(t, label)
	}
	return rapid.OneOf(rapid.IntRange(-3, 400), rapid.Int(), rapid.SampledFrom([]int{math.MinInt32, math.MaxInt32, math.MaxInt32 + 1, math.MinInt32 - 1, 127, 128, -128, -129})).Draw(t, label)
}

func memAnyFP(t *rapid.T, label string) token.Fingerprint {
	var fp token.Fingerprint
	if rapid.Bool().Draw(t, label+".zero") {
		return fp
	}
	copy(fp[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, label))
	return fp
}

// TestMemRecRoundTrip: every record a MemoryJournal stores reads back as it
// was given, but for the monotonic clock readings of its times, whether a
// memRec holds it, a memRare beside it, or the whole record is kept.
func TestMemRecRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var j MemoryJournal
		name := rapid.SampledFrom([]string{"", "contoso", "fabrikam", "O365-E3", "partner-center"})
		var want []Record
		for range rapid.IntRange(1, 600).Draw(t, "records") {
			rec := Record{
				Fingerprint: memAnyFP(t, "fp"), Seq: int64(memAnyInt(t, "seq")),
				KeyTail: rapid.StringMatching(`[A-Z0-9]{0,7}`).Draw(t, "tail"), Policy: name.Draw(t, "policy"),
				RecordedAt: memAnyTime(t, "recordedAt"), Kind: RecordKind(rapid.Uint8().Draw(t, "kind")),
			}
			copy(rec.Request[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "request"))
			if len(want) > 0 && rapid.IntRange(0, 2).Draw(t, "same request") == 0 {
				// As a batch's records are: what they share may differ still.
				prev := &want[len(want)-1]
				rec.Request = prev.Request
				if rapid.Bool().Draw(t, "same recordedAt") {
					rec.RecordedAt = prev.RecordedAt
				}
			}
			if rapid.IntRange(0, 4).Draw(t, "rare") == 0 {
				rec.Replaces, rec.ReplacesTail = memAnyFP(t, "replaces"), rapid.StringMatching(`[A-Z0-9]{0,5}`).Draw(t, "replacesTail")
				rec.Change, rec.Note = name.Draw(t, "change"), name.Draw(t, "note")
			}
			o := &rec.Outcome
			o.Op, o.Applied, o.StateBefore, o.Anchor = Operation(memAnyEnum(t, "op")), Operation(memAnyEnum(t, "applied")), State(memAnyEnum(t, "state")), Anchor(memAnyEnum(t, "anchor"))
			o.Rounding, o.Convention = proration.Rounding(memAnyEnum(t, "rounding")), proration.Convention(memAnyEnum(t, "convention"))
			o.At, o.Before.End, o.After.End = memAnyTime(t, "at"), memAnyTime(t, "before.end"), memAnyTime(t, "after.end")
			memNearAt(t, o.At, &o.Before.End, "before.end")
			memNearAt(t, o.At, &o.After.End, "after.end")
			o.Token = token.Token{Product: name.Draw(t, "token.product"), Seats: memAnyInt(t, "token.seats"), TermMonths: memAnyInt(t, "token.term")}
			o.Before.Tenant, o.Before.Product, o.Before.Seats = name.Draw(t, "before.tenant"), name.Draw(t, "before.product"), memAnyInt(t, "before.seats")
			o.After.Tenant, o.After.Product, o.After.Seats = name.Draw(t, "after.tenant"), name.Draw(t, "after.product"), memAnyInt(t, "after.seats")
			o.Remaining, o.TermDays, o.NewRemaining, o.TermMonths = memAnyInt(t, "remaining"), memAnyInt(t, "termDays"), memAnyInt(t, "newRemaining"), memAnyInt(t, "termMonths")
			o.DaysAdded, o.DaysLost, o.CapFactor = memAnyInt(t, "daysAdded"), memAnyInt(t, "daysLost"), memAnyInt(t, "capFactor")
			o.SeatDaysBefore, o.SeatDaysAfter, o.Residue = int64(memAnyInt(t, "sdb")), int64(memAnyInt(t, "sda")), int64(memAnyInt(t, "residue"))
			o.MonthsNum, o.MonthsDen = int64(memAnyInt(t, "num")), int64(memAnyInt(t, "den"))
			o.Replayed = rapid.Bool().Draw(t, "replayed")
			if len(want) > 0 && rapid.Bool().Draw(t, "same at and names") {
				prev := &want[len(want)-1]
				o.At, o.Token.Product, o.Before.Tenant, o.Before.Product = prev.Outcome.At, prev.Outcome.Token.Product, prev.Outcome.Before.Tenant, prev.Outcome.Before.Product
				o.After.Tenant, o.After.Product, rec.Policy = prev.Outcome.After.Tenant, prev.Outcome.After.Product, prev.Policy
			}

			given := rec
			j.store(&rec, j.nameSet(&rec, nil, j.last))
			require.Equal(t, given, rec, "store leaves the record as given")
			stripMonotonic(&rec)
			want = append(want, rec)
		}
		require.Equal(t, want, j.Records())
		for i := range want {
			got := j.get(i)
			require.True(t, got == want[i], "record %d reads back ==, locations and all", i)
			dirty := want[(i+1)%len(want)] // a page's memory, reused
			dirty.Outcome.Token.Key, dirty.Replaces, dirty.Change = token.MustParseKey("DIRTY-AAAAA-BBBBB-CCCCC-DDDDD"), token.Fingerprint{1}, "dirty"
			j.load(i, &dirty)
			require.True(t, dirty == want[i], "record %d read into used memory", i)
		}
	})
}

// TestMemRecSize pins the compact form's size: what a record costs a
// MemoryJournal in memory (a Record takes 576 bytes).
func TestMemRecSize(t *testing.T) {
	require.LessOrEqual(t, int(unsafe.Sizeof(memRec{})), 84)
	require.Equal(t, 48, int(unsafe.Sizeof(memShared{})))
}

// TestMemRecHoldsWhatBooksWrite: the records a Book writes (an import,
// redemptions, a batch, a replacement) and those a Redeemer claims are held
// compactly, none kept whole (which would cost three times the memory).
func TestMemRecHoldsWhatBooksWrite(t *testing.T) {
	ctx := context.Background()
	j := NewMemoryJournal()
	bk := &Book{Policy: PartnerCenter(), Journal: j}
	at := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	s := Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, bk.Import(ctx, s, at))
	key := func(i int) token.Key { return token.MustParseKey(fmt.Sprintf("MEMRC-TESTS-AAAAA-BBBBB-%05d", i)) }
	for i := range 3 {
		_, err := bk.Redeem(ctx, "contoso", "O365-E3", token.Token{Key: key(i), Product: "O365-E3", Seats: 1}, AddSeats, at)
		require.NoError(t, err)
	}
	_, err := bk.RedeemAll(ctx, "contoso", "O365-E3", []token.Token{{Key: key(10), Product: "O365-E3", Seats: 1}, {Key: key(11), Product: "O365-E3", Seats: 2}}, ExtendEnd, at)
	require.NoError(t, err)
	_, err = bk.Redeem(ctx, "fabrikam", "O365-E3", token.Token{Key: key(20), Product: "O365-E3", Seats: 5}, Activate, at)
	require.NoError(t, err)
	_, err = bk.Replace(ctx, key(20), token.Token{Key: key(21), Product: "O365-E3", Seats: 6}, at)
	require.NoError(t, err)
	r := &Redeemer{Policy: PartnerCenter(), Ledger: j}
	_, err = r.Redeem(ctx, s, token.Token{Key: key(30), Product: "O365-E3", Seats: 1}, AddSeats, at)
	require.NoError(t, err)
	require.Equal(t, 9, j.Len())
	require.Empty(t, j.full, "records kept whole")
	require.Equal(t, 8, j.nshared, "the batch's two records share what their request holds alike")
	require.Len(t, j.rare, 1, "the replacement's fields")
}

// TestMemRecDerivedFigures: a record whose figures follow from its dates
// and seats as Apply computes them is held compactly and reads back ==; a
// record with one figure off by one reads back == too (kept whole, unless
// the change happens to follow another branch of the rule).
func TestMemRecDerivedFigures(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var j MemoryJournal
		day := func(label string) time.Time {
			return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rapid.IntRange(-800, 800).Draw(t, label))
		}
		rec := Record{Fingerprint: memAnyFP(t, "fp"), Seq: 1, KeyTail: "ABCDE", Policy: "partner-center"}
		o := &rec.Outcome
		o.Op, o.Applied = AddSeats, AddSeats
		o.At, o.Before.End, o.After.End = day("at"), day("before.end"), day("after.end")
		o.Before.Seats, o.After.Seats = rapid.IntRange(0, MaxSeats).Draw(t, "a"), rapid.IntRange(0, MaxSeats).Draw(t, "seats")
		o.Token.Seats, o.TermDays = rapid.IntRange(0, MaxSeats).Draw(t, "c"), rapid.IntRange(-400, 1200).Draw(t, "termDays")
		days := func(from, to time.Time) int { return int(to.Sub(from).Hours()) / 24 }
		if rapid.Bool().Draw(t, "active") {
			o.Remaining = days(o.At, o.Before.End)
		}
		o.NewRemaining = days(o.At, o.After.End)
		if rapid.Bool().Draw(t, "no term before") {
			o.DaysAdded = o.NewRemaining
		} else {
			o.DaysAdded = days(o.Before.End, o.After.End)
		}
		o.SeatDaysBefore = int64(o.Before.Seats)*int64(o.Remaining) + int64(o.Token.Seats)*int64(o.TermDays)
		o.SeatDaysAfter = int64(o.After.Seats) * int64(o.NewRemaining)
		o.Residue = o.SeatDaysAfter - o.SeatDaysBefore
		off := rapid.IntRange(0, 12).Draw(t, "off")
		figureOff(o, off) // 7 … 12: none off
		want := rec
		j.store(&rec, j.nameSet(&rec, nil, 0))
		got := j.get(0)
		require.True(t, got == want, "reads back ==:\n got %+v\nwant %+v", got.Outcome, want.Outcome)
		if (off == 0 || off > 6) && o.TermDays == int(int16(o.TermDays)) {
			require.True(t, j.slot(0).side >= 0, "figures that follow the rule kept whole")
		}
	})
}

// TestMemBlockWholePages: a block of records is a whole number of 8 KiB
// pages, which is how the allocator hands out large objects: a block of
// another size would leave the rest of its last page unused.
func TestMemBlockWholePages(t *testing.T) {
	require.Zero(t, unsafe.Sizeof([memBlock]memRec{})%8192)
	require.Zero(t, unsafe.Sizeof([memSharedBlock]memShared{})%8192)
}

// TestMemHistoryWide: a history keeps its record indexes in four bytes
// each until one does not fit, then in a word each, every one kept.
func TestMemHistoryWide(t *testing.T) {
	if strconv.IntSize < 64 {
		t.Skip("an int holds no index past 32 bits")
	}
	var h memHistory
	top := uint64(math.MaxUint32) // variables: the test compiles where an int has 32 bits
	want := []int{0, 7, int(top), int(top + 1), int(top << 8), 9}
	for i, v := range want {
		h.push(v)
		require.Equal(t, i+1, h.len())
		require.Equal(t, v, h.last())
	}
	require.Nil(t, h.seqs)
	for k, v := range want {
		require.Equal(t, v, h.at(k))
	}
}

// TestMemDecodeWritesEveryField: decode writes a Subscription and a Token
// field by field (a literal costs a copy); a field added to either must be
// added there too, and this count fails until it is.
func TestMemDecodeWritesEveryField(t *testing.T) {
	require.Equal(t, 4, reflect.TypeFor[Subscription]().NumField(), "Subscription: add the new field to MemoryJournal.decode")
	require.Equal(t, 4, reflect.TypeFor[token.Token]().NumField(), "token.Token: add the new field to MemoryJournal.decode")
}

// figureOff puts one of o's derived figures off by one: 1 Remaining, 2
// NewRemaining, 3 DaysAdded, 4 SeatDaysBefore, 5 SeatDaysAfter, 6 Residue;
// any other which changes nothing.
func figureOff(o *Outcome, which int) {
	switch which {
	case 1:
		o.Remaining++
	case 2:
		o.NewRemaining--
	case 3:
		o.DaysAdded++
	case 4:
		o.SeatDaysBefore++
	case 5:
		o.SeatDaysAfter--
	case 6:
		o.Residue++
	}
}

// TestMemSharedPastTheirIndex: past 2³¹ memShared (their index is an
// int32), a record a memRec would hold is kept whole, and reads back.
func TestMemSharedPastTheirIndex(t *testing.T) {
	var j MemoryJournal
	j.nshared = math.MaxInt32
	at := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	rec := Record{Fingerprint: token.Fingerprint{7}, Seq: 1, Policy: "partner-center", KeyTail: "AB12C", RecordedAt: at.Add(time.Hour)}
	rec.Outcome.At, rec.Outcome.After = at, Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 1, End: at}
	j.store(&rec, j.nameSet(&rec, nil, j.last))
	require.Len(t, j.full, 1, "kept whole")
	require.True(t, j.get(0) == rec)
	require.Equal(t, math.MaxInt32, j.nshared)
}

// TestMemHistoryChunks: a history past its first slice keeps its indexes
// in chunks, every one where it was pushed, and turns wide with all of
// them.
func TestMemHistoryChunks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var h memHistory
		n := rapid.SampledFrom([]int{0, 1, memHistChunk - 1, memHistChunk, memHistChunk + 1, 2 * memHistChunk, 3*memHistChunk + 7}).Draw(t, "n")
		var want []int
		for i := range n {
			v := i*3 + 1
			h.push(v)
			want = append(want, v)
		}
		wide := strconv.IntSize == 64 && rapid.Bool().Draw(t, "wide")
		if wide {
			top := uint64(math.MaxUint32) + 1
			h.push(int(top))
			want = append(want, int(top))
			require.Nil(t, h.seqs)
			require.Nil(t, h.more)
		}
		require.Equal(t, len(want), h.len())
		for k, v := range want {
			if h.at(k) != v {
				t.Fatalf("at(%d) = %d, want %d", k, h.at(k), v)
			}
		}
		if n > memHistChunk && !wide {
			require.Len(t, h.seqs, memHistChunk)
			for _, c := range h.more {
				require.Equal(t, memHistChunk, cap(c))
			}
		}
	})
}

// TestMemEnumShifts: each enumeration's place in memRec.enums follows the
// one before it, and all fit in 16 bits; memZeroDay is the zero time's
// day, as memDay counts it.
func TestMemEnumShifts(t *testing.T) {
	shift := uint(0)
	for k, w := range memEnumBits {
		require.Equal(t, shift, memEnumShift[k], "enumeration %d", k)
		shift += w
	}
	require.LessOrEqual(t, shift, uint(16))
	ok := true
	require.Equal(t, int32(memZeroDay), memDay(time.Time{}, &ok), "memZeroDay is the zero time's day")
	require.True(t, ok)
}
