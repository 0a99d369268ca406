package activation

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// TestMemSharedBlockBoundaries: records stored through Append, AppendBatch
// and Claim, placed to cross the 1,024-entry memShared block and the
// 2,048-record memRec block, where each record shares its predecessor's
// request, RecordedAt, At and names or differs in one of them, with
// records kept whole, rare records, RecordedAt zero next to Unix 0 and
// claims between histories, read back == through every read path; a spent
// key second in a batch is found with its record.
func TestMemSharedBlockBoundaries(t *testing.T) {
	ctx := context.Background()
	rapid.Check(t, func(t *rapid.T) {
		j := NewMemoryJournal()
		var all []Record
		hist := map[[2]string][]Record{}
		nfp := 0
		nextFP := func() (fp token.Fingerprint) {
			nfp++
			fp[0], fp[1], fp[2], fp[3] = 0x5A, byte(nfp), byte(nfp>>8), byte(nfp>>16)
			return fp
		}
		// Records of distinct requests first, so that what follows stands
		// near a block's end.
		prefix := 0
		if rapid.IntRange(0, 2).Draw(t, "near an end") == 0 {
			prefix = rapid.SampledFrom([]int{1000, 1015, 1020, 1023, 2030, 2040, 2045, 2047}).Draw(t, "prefix")
		}
		for i := range prefix {
			p := [2]string{"pre", "P"}
			rec := Record{Seq: int64(len(hist[p])) + 1, Policy: "pc", Fingerprint: nextFP(), KeyTail: "AB12C"}
			rec.Request[0], rec.Request[1] = byte(i), byte(i>>8)
			rec.RecordedAt = time.Unix(0, int64(i)).UTC()
			rec.Outcome.At = memDate(int32(20000 + i%7))
			rec.Outcome.After = Subscription{Tenant: p[0], Product: p[1], Seats: i, End: memDate(20400)}
			_, taken, err := j.Append(ctx, rec)
			require.NoError(t, err)
			require.Equal(t, NothingTaken, taken)
			all, hist[p] = append(all, rec), append(hist[p], rec)
		}
		places := [][2]string{{"contoso", "O365-E3"}, {"fabrikam", "O365-E5"}}
		var prev Record // the record stored last: what the next may share
		vary := func(rec *Record) {
			if prev.Seq == 0 && prev.Request == (RequestID{}) {
				return
			}
			if rapid.IntRange(0, 5).Draw(t, "same request") > 0 {
				rec.Request = prev.Request
			}
			switch rapid.IntRange(0, 9).Draw(t, "recordedAt") {
			case 3:
				rec.RecordedAt = time.Time{}
			case 4:
				rec.RecordedAt = time.Unix(0, 0).UTC()
			case 5:
				rec.RecordedAt = time.Unix(0, rapid.Int64Range(-3, 3).Draw(t, "ns")).UTC()
			default:
				rec.RecordedAt = prev.RecordedAt
			}
			if rapid.IntRange(0, 7).Draw(t, "same at") > 0 {
				rec.Outcome.At = prev.Outcome.At
			}
			if rapid.IntRange(0, 8).Draw(t, "whole") == 0 { // another location: kept whole
				rec.RecordedAt = rec.RecordedAt.In(time.FixedZone("UTC", 0))
			}
		}
		mk := func(p [2]string, seq int64) Record {
			var rec Record
			if rapid.IntRange(0, 3).Draw(t, "edge") == 0 {
				rec = edgeRecord(t, p[0], p[1], seq)
			} else { // as a Book writes it: held compactly
				at := int32(rapid.IntRange(20000, 20003).Draw(t, "at"))
				// Ends mostly near At, and at the edges of the 16 bits a
				// memRec keeps their days from At in.
				edge := rapid.SampledFrom([]int32{math.MinInt16 - 1, math.MinInt16, math.MinInt16 + 1, math.MaxInt16, math.MaxInt16 + 1})
				be, ae := at+int32(rapid.IntRange(-5, 30).Draw(t, "be")), at+int32(rapid.IntRange(0, 400).Draw(t, "ae"))
				if rapid.IntRange(0, 5).Draw(t, "be edge") == 0 {
					be = at + edge.Draw(t, "be days")
				}
				if rapid.IntRange(0, 5).Draw(t, "ae edge") == 0 {
					ae = at + edge.Draw(t, "ae days")
				}
				rec = Record{Seq: seq, Policy: "partner-center", KeyTail: rapid.SampledFrom([]string{"", "AB12C", "Z"}).Draw(t, "tail")}
				rec.Request[0] = byte(rapid.IntRange(0, 2).Draw(t, "req"))
				rec.RecordedAt = time.Unix(0, rapid.Int64Range(-2, 2).Draw(t, "rat")).UTC()
				if rapid.Bool().Draw(t, "unrecorded") {
					rec.RecordedAt = time.Time{}
				}
				o := &rec.Outcome
				// Enumerations mostly defined, and one past the widths a memRec
				// packs them in (3, 3, 3, 2, 2, 2 bits).
				enum := func(label string, width int) int {
					if rapid.IntRange(0, 7).Draw(t, label+" past") == 0 {
						return 1 << width
					}
					return rapid.IntRange(0, 1<<width-1).Draw(t, label)
				}
				o.Op, o.Applied, o.StateBefore = Operation(enum("op", 3)), Operation(enum("applied", 3)), State(enum("state", 3))
				o.Rounding, o.Convention, o.Anchor = proration.Rounding(enum("rounding", 2)), proration.Convention(enum("convention", 2)), Anchor(enum("anchor", 2))
				o.At, o.Before.End, o.After.End = memDate(at), memDate(be), memDate(ae)
				if rapid.IntRange(0, 7).Draw(t, "no end before") == 0 {
					be, o.Before.End = memZeroDay, time.Time{}
				}
				o.Token = token.Token{Product: p[1], Seats: rapid.IntRange(0, 9).Draw(t, "c"), TermMonths: 12}
				o.Before = Subscription{Tenant: p[0], Product: p[1], Seats: rapid.IntRange(0, 9).Draw(t, "a"), End: o.Before.End}
				o.After = Subscription{Tenant: p[0], Product: p[1], Seats: rapid.IntRange(0, 9).Draw(t, "s"), End: o.After.End}
				o.TermDays = 365
				if rapid.Bool().Draw(t, "figures") {
					remaining := int64(0)
					if rapid.Bool().Draw(t, "active") {
						remaining = int64(be - at)
					}
					nr, added := int64(ae-at), int64(ae-be)
					if rapid.Bool().Draw(t, "from at") {
						added = nr
					}
					bsd := int64(o.Before.Seats)*remaining + int64(o.Token.Seats)*int64(o.TermDays)
					asd := int64(o.After.Seats) * nr
					o.Remaining, o.NewRemaining, o.DaysAdded, o.SeatDaysBefore, o.SeatDaysAfter, o.Residue = int(remaining), int(nr), int(added), bsd, asd, asd-bsd
				}
				if rapid.IntRange(0, 5).Draw(t, "rare") == 0 {
					rec.Replaces, rec.ReplacesTail = token.Fingerprint{1}, "QQ"
				}
			}
			rec.Fingerprint = token.Fingerprint{}
			if rapid.IntRange(0, 4).Draw(t, "has fp") > 0 {
				rec.Fingerprint = nextFP()
			}
			if !rec.Replaces.IsZero() {
				rec.Replaces = nextFP()
				rec.Replaces[0] = 0xBB
			}
			vary(&rec)
			return rec
		}
		for range rapid.IntRange(1, 40).Draw(t, "steps") {
			p := places[rapid.IntRange(0, len(places)-1).Draw(t, "place")]
			switch rapid.IntRange(0, 3).Draw(t, "how") {
			case 0: // a claim
				rec := mk(p, 0)
				rec.Replaces, rec.ReplacesTail = token.Fingerprint{}, ""
				if rec.Fingerprint.IsZero() {
					rec.Fingerprint = nextFP()
				}
				got, ok, err := j.Claim(ctx, rec)
				require.NoError(t, err)
				require.True(t, ok)
				stripMonotonic(&rec)
				require.True(t, got == rec)
				all, prev = append(all, rec), rec
			case 1: // a batch, up to past a block's end
				n := rapid.SampledFrom([]int{1, 2, 3, 17, 40}).Draw(t, "batch")
				seq := int64(len(hist[p])) + 1
				recs := make([]Record, n)
				for k := range recs {
					recs[k] = mk(p, seq+int64(k))
					prev = recs[k]
				}
				c, err := j.AppendBatch(ctx, recs)
				require.NoError(t, err)
				require.Equal(t, NothingTaken, c.Taken)
				all, hist[p] = append(all, recs...), append(hist[p], recs...)
			default:
				rec := mk(p, int64(len(hist[p]))+1)
				rec.Replaces, rec.ReplacesTail = token.Fingerprint{}, ""
				_, taken, err := j.Append(ctx, rec)
				require.NoError(t, err)
				require.Equal(t, NothingTaken, taken)
				all, hist[p], prev = append(all, rec), append(hist[p], rec), rec
			}
		}
		same := func(what string, got, want []Record) {
			require.Equal(t, len(want), len(got), what)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s: record %d:\n got %+v\nwant %+v", what, i, got[i], want[i])
				}
			}
		}
		same("Records", j.Records(), all)
		for i := range all {
			if got := j.get(i); got != all[i] {
				t.Fatalf("get %d:\n got %+v\nwant %+v", i, got, all[i])
			}
			if fp := all[i].Fingerprint; !fp.IsZero() {
				got, ok, err := j.Lookup(ctx, fp)
				require.NoError(t, err)
				require.True(t, ok)
				require.True(t, got == all[i], "Lookup %d", i)
			}
		}
		for p, want := range hist {
			got, err := j.History(ctx, p[0], p[1], 0, math.MaxInt)
			require.NoError(t, err)
			same(fmt.Sprint("History ", p), got, want)
			head, ok, err := j.Head(ctx, p[0], p[1])
			require.NoError(t, err)
			require.True(t, ok)
			require.True(t, head == want[len(want)-1])
		}
		if len(all) > 0 { // a spent key second in a batch: KeyTaken at index 1, its record
			i := rapid.IntRange(0, len(all)-1).Draw(t, "respent")
			if fp := all[i].Fingerprint; !fp.IsZero() && all[i].Seq > 0 {
				p := [2]string{all[i].Outcome.After.Tenant, all[i].Outcome.After.Product}
				seq := int64(len(hist[p])) + 1
				recs := []Record{mk(p, seq), mk(p, seq+1)}
				recs[0].Replaces, recs[1].Replaces = token.Fingerprint{}, token.Fingerprint{}
				recs[1].Fingerprint = fp
				c, err := j.AppendBatch(ctx, recs)
				require.NoError(t, err)
				require.Equal(t, KeyTaken, c.Taken)
				require.Equal(t, 1, c.Index)
				require.True(t, c.Stored == all[i])
			}
		}
	})
}
