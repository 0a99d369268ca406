package activation

import (
	"cmp"
	"context"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/token"
)

// edgeDay draws a day number at the edges a memRec holds (int32's ends,
// the zero time's day, the epoch) or near a typical date.
func edgeDay(t *rapid.T, label string) int64 {
	if rapid.IntRange(0, 3).Draw(t, label+".typical") > 0 {
		return rapid.Int64Range(20000, 21000).Draw(t, label)
	}
	return rapid.OneOf(
		rapid.SampledFrom([]int64{0, 1, -1, -719162, -719163, math.MaxInt32, math.MinInt32, math.MaxInt32 - 1, math.MinInt32 + 1, math.MaxInt32 + 1, math.MinInt32 - 1}),
		rapid.Int64Range(math.MinInt32, math.MaxInt32),
	).Draw(t, label)
}

// edgeDate draws a date at 00:00 UTC on day (or, rarely, a time a memRec
// cannot hold: one nanosecond off, another location).
func edgeDate(t *rapid.T, label string, day int64) time.Time {
	d := time.Unix(day*secondsPerDay, 0).UTC()
	if !rapid.Bool().Draw(t, label+".odd") || !rapid.Bool().Draw(t, label+".odd2") || !rapid.Bool().Draw(t, label+".odd3") {
		return d
	}
	switch rapid.IntRange(0, 4).Draw(t, label+".shape") {
	case 0:
		return d.Add(time.Nanosecond)
	case 1:
		return d.In(time.FixedZone("UTC", 0))
	case 2:
		return time.Time{}
	case 3:
		return d.Local()
	}
	return d
}

// edgeSeats draws seats at int32's and int8's edges, or small.
func edgeSeats(t *rapid.T, label string) int {
	if rapid.IntRange(0, 3).Draw(t, label+".typical") > 0 {
		return rapid.IntRange(-2, 300).Draw(t, label)
	}
	return rapid.OneOf(rapid.IntRange(-2, 300), rapid.SampledFrom([]int{math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MinInt32 - 1, 127, -128, 128, -129, math.MaxInt16, math.MinInt16, math.MaxInt16 + 1, math.MinInt16 - 1})).Draw(t, label)
}

// edgeRecord draws a subscription record of (tenant, product) at seq
// whose figures follow Apply's rule (the branches a memRec derives), at the
// edges of its fields, or are off by one in one figure.
func edgeRecord(t *rapid.T, tenant, product string, seq int64) Record {
	at, be, ae := edgeDay(t, "at"), edgeDay(t, "before.end"), edgeDay(t, "after.end")
	rec := Record{Seq: seq, Policy: "partner-center", KeyTail: rapid.StringMatching(`[A-Z0-9]{0,5}`).Draw(t, "tail")}
	if rapid.Bool().Draw(t, "has fp") {
		copy(rec.Fingerprint[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "fp"))
	}
	copy(rec.Request[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "request"))
	switch rapid.IntRange(0, 4).Draw(t, "recordedAt.shape") {
	case 0:
		rec.RecordedAt = time.Time{}
	case 1:
		rec.RecordedAt = time.Unix(0, rapid.Int64().Draw(t, "recordedAt.ns")).UTC()
	case 2:
		rec.RecordedAt = time.Unix(0, math.MinInt64).UTC()
	case 3:
		rec.RecordedAt = time.Unix(0, math.MaxInt64).UTC()
	default:
		rec.RecordedAt = time.Unix(0, rapid.Int64Range(-1<<32, 1<<33).Draw(t, "recordedAt.small")).UTC()
	}
	if rapid.IntRange(0, 5).Draw(t, "replacement") == 0 {
		copy(rec.Replaces[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "replaces"))
		rec.ReplacesTail = rapid.StringMatching(`[A-Z0-9]{0,5}`).Draw(t, "replacesTail")
	}
	o := &rec.Outcome
	edgy := rapid.IntRange(0, 5).Draw(t, "edgy") == 0
	small := func(label string, lo, hi int) int {
		if edgy {
			return rapid.IntRange(lo, hi).Draw(t, label)
		}
		return rapid.IntRange(0, 12).Draw(t, label)
	}
	o.Op, o.Applied, o.StateBefore = Operation(small("op", -129, 128)), Operation(rapid.IntRange(0, 6).Draw(t, "applied")), State(rapid.IntRange(0, 4).Draw(t, "state"))
	o.At, o.Before.End, o.After.End = edgeDate(t, "at", at), edgeDate(t, "before.end", be), edgeDate(t, "after.end", ae)
	o.Token.Product, o.Token.Seats, o.Token.TermMonths = product, edgeSeats(t, "c"), small("tokTerm", -129, 128)
	o.Before = Subscription{Tenant: tenant, Product: product, Seats: edgeSeats(t, "a"), End: o.Before.End}
	o.After = Subscription{Tenant: tenant, Product: product, Seats: edgeSeats(t, "seats"), End: o.After.End}
	o.TermDays = rapid.OneOf(rapid.IntRange(-400, 1200), rapid.IntRange(-400, 1200), rapid.IntRange(-400, 1200), rapid.SampledFrom([]int{math.MaxInt16, math.MinInt16, math.MaxInt16 + 1, math.MinInt16 - 1})).Draw(t, "termDays")
	o.TermMonths, o.DaysLost, o.CapFactor = small("termMonths", -129, 128), small("daysLost", -40000, 40000), small("cap", -129, 128)
	o.MonthsNum, o.MonthsDen = int64(small("num", math.MinInt32-1, math.MaxInt32+1)), rapid.Int64Range(-2, 13).Draw(t, "den")
	o.Replayed = rapid.Bool().Draw(t, "replayed")

	if rapid.IntRange(0, 5).Draw(t, "no figures") > 0 {
		remaining := int64(0)
		if rapid.Bool().Draw(t, "active") {
			remaining = be - at
		}
		newRemaining := ae - at
		added := ae - be
		if rapid.Bool().Draw(t, "no term before") {
			added = newRemaining
		}
		before := int64(o.Before.Seats)*remaining + int64(o.Token.Seats)*int64(o.TermDays)
		after := int64(o.After.Seats) * newRemaining
		o.Remaining, o.NewRemaining, o.DaysAdded = int(remaining), int(newRemaining), int(added)
		o.SeatDaysBefore, o.SeatDaysAfter, o.Residue = before, after, after-before
		switch off := rapid.IntRange(0, 30).Draw(t, "off"); off {
		case 1, 2, 3, 4, 5, 6:
			figureOff(o, off)
		case 7:
			o.Remaining = 0
		case 8:
			o.NewRemaining, o.DaysAdded = 0, 0
		case 9:
			o.SeatDaysBefore, o.SeatDaysAfter, o.Residue = 0, 0, 0
		case 10:
			o.Residue = math.MinInt64
		}
	}
	return rec
}

// TestMemRecEveryReadPath stores records through Append, AppendBatch and
// Claim and reads every one back through each read path: Records, History
// (any page), appendHistory into used memory, Head, Heads, HeadsAfter and
// Lookup. Each must be == to the record given.
func TestMemRecEveryReadPath(t *testing.T) {
	ctx := context.Background()
	rapid.Check(t, func(t *rapid.T) {
		j := NewMemoryJournal()
		places := [][2]string{{"a", "b"}, {"contoso", "O365-E3"}, {"fabrikam", "O365-E5"}}
		var all []Record
		hist := map[[2]string][]Record{}
		for range rapid.IntRange(1, 60).Draw(t, "steps") {
			p := places[rapid.IntRange(0, len(places)-1).Draw(t, "place")]
			switch rapid.IntRange(0, 4).Draw(t, "how") {
			case 4: // a change record
				cp := [2]string{"chain", p[1]}
				rec := Record{Kind: ChangeRecord, Seq: int64(len(hist[cp])) + 1, Policy: "p", Change: "c", Note: rapid.SampledFrom([]string{"", "n"}).Draw(t, "note")}
				rec.Fingerprint[0], rec.Fingerprint[1], rec.Fingerprint[2], rec.Fingerprint[3] = 9, byte(len(all)), byte(len(all)>>8), 0xCC
				rec.Outcome.After.Tenant, rec.Outcome.After.Product = cp[0], cp[1]
				rec.Outcome.At = edgeDate(t, "change.at", edgeDay(t, "change.day"))
				rec.RecordedAt = time.Unix(0, rapid.Int64().Draw(t, "change.recordedAt")).UTC()
				_, taken, err := j.Append(ctx, rec)
				require.NoError(t, err)
				require.Equal(t, NothingTaken, taken)
				all = append(all, rec)
				hist[cp] = append(hist[cp], rec)
			case 0: // a claim
				rec := edgeRecord(t, p[0], p[1], 0)
				if rec.Fingerprint.IsZero() {
					rec.Fingerprint[0] = 1
				}
				rec.Fingerprint[1], rec.Fingerprint[2] = byte(len(all)), byte(len(all)>>8)
				got, ok, err := j.Claim(ctx, rec)
				require.NoError(t, err)
				if !ok {
					continue
				}
				require.True(t, got == rec)
				all = append(all, rec)
			case 1: // a batch
				n := rapid.IntRange(1, 3).Draw(t, "batch")
				seq := int64(len(hist[p])) + 1
				var recs []Record
				for k := range n {
					rec := edgeRecord(t, p[0], p[1], seq+int64(k))
					if !rec.Replaces.IsZero() {
						rec.Replaces[1], rec.Replaces[2], rec.Replaces[3] = byte(len(all)+k), byte((len(all)+k)>>8), 0xBB
					}
					if !rec.Fingerprint.IsZero() {
						rec.Fingerprint[1], rec.Fingerprint[2], rec.Fingerprint[3] = byte(len(all)+k), byte((len(all)+k)>>8), 0xEE
					}
					recs = append(recs, rec)
				}
				c, err := j.AppendBatch(ctx, recs)
				require.NoError(t, err)
				require.Equal(t, NothingTaken, c.Taken)
				all = append(all, recs...)
				hist[p] = append(hist[p], recs...)
			default:
				rec := edgeRecord(t, p[0], p[1], int64(len(hist[p]))+1)
				rec.Replaces, rec.ReplacesTail = token.Fingerprint{}, ""
				if !rec.Fingerprint.IsZero() {
					rec.Fingerprint[1], rec.Fingerprint[2], rec.Fingerprint[3] = byte(len(all)), byte(len(all)>>8), 0xAA
				}
				_, taken, err := j.Append(ctx, rec)
				require.NoError(t, err)
				require.Equal(t, NothingTaken, taken)
				all = append(all, rec)
				hist[p] = append(hist[p], rec)
			}
		}
		same := func(what string, got, want []Record) {
			require.Equal(t, len(want), len(got), what)
			for i := range want {
				require.True(t, got[i] == want[i], "%s: record %d:\n got %+v\nwant %+v", what, i, got[i], want[i])
			}
		}
		same("Records", j.Records(), all)
		for i := range all {
			if all[i].Fingerprint.IsZero() {
				continue
			}
			got, ok, err := j.Lookup(ctx, all[i].Fingerprint)
			require.NoError(t, err)
			require.True(t, ok)
			require.True(t, got == all[i], "Lookup %d", i)
		}
		var heads []Record
		keys := slices.SortedFunc(maps.Keys(hist), func(a, b [2]string) int {
			return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
		})
		for _, p := range keys {
			want := hist[p]
			if want[0].Kind == SubscriptionRecord {
				heads = append(heads, want[len(want)-1])
			}
			got, err := j.History(ctx, p[0], p[1], 0, math.MaxInt)
			require.NoError(t, err)
			same("History", got, want)
			after := rapid.Int64Range(-2, int64(len(want))+2).Draw(t, "after")
			limit := rapid.IntRange(1, len(want)+2).Draw(t, "limit")
			got, err = j.History(ctx, p[0], p[1], after, limit)
			require.NoError(t, err)
			from := min(max(after, 0), int64(len(want)))
			same("History page", got, want[from:min(from+int64(limit), int64(len(want)))])
			dirty := slices.Clone(all)
			for k := range dirty {
				dirty[k].Outcome.Token.Key = token.MustParseKey("DIRTY-AAAAA-BBBBB-CCCCC-DDDDD")
				dirty[k].Change, dirty[k].Note = "x", "y"
			}
			got, err = j.appendHistory(ctx, dirty[:1], p[0], p[1], after, limit)
			require.NoError(t, err)
			same("appendHistory", got[1:], want[from:min(from+int64(limit), int64(len(want)))])
			head, ok, err := j.Head(ctx, p[0], p[1])
			require.NoError(t, err)
			require.True(t, ok)
			require.True(t, head == want[len(want)-1], "Head")
		}
		got, err := j.Heads(ctx, time.Time{}, time.Time{})
		require.NoError(t, err)
		same("Heads", got, heads)
		got, err = j.HeadsAfter(ctx, "", "", 100)
		require.NoError(t, err)
		same("HeadsAfter", got, heads)
	})
}
