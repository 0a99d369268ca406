package activation_test

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/activation"
)

// plainJournal hides a Journal's pages: the Journal of a store outside the
// repository that has none.
type plainJournal struct{ activation.Journal }

// cappedJournal answers HeadsAfter with at most n heads, whatever the limit:
// a store may return short pages, and only an empty one ends a listing.
type cappedJournal struct {
	activation.PagedJournal
	n int
}

func (c cappedJournal) HeadsAfter(ctx context.Context, tenant, product string, limit int) ([]activation.Record, error) {
	return c.PagedJournal.HeadsAfter(ctx, tenant, product, min(limit, c.n))
}

// pageNames are the names of the random books: the empty name (which only a
// Journal's own Append records), byte order against a language's ("B" <
// "a" < "a b" < "ab" < "é"), prefixes.
var pageNames = []string{"", "a", "B", "a b", "ab", "b", "é", "z"}

// drawBook appends random histories (imports of 1 … 3 records, some with no
// term) straight to a MemoryJournal and returns it with the head of each
// subscription, by tenant then product.
func drawBook(t *rapid.T) (*activation.MemoryJournal, []activation.Subscription) {
	j := activation.NewMemoryJournal()
	heads := map[[2]string]activation.Subscription{}
	name := rapid.SampledFrom(pageNames)
	for range rapid.IntRange(0, 30).Draw(t, "subscriptions") {
		tenant, product := name.Draw(t, "tenant"), name.Draw(t, "product")
		if _, ok := heads[[2]string{tenant, product}]; ok {
			continue
		}
		before := activation.Subscription{Tenant: tenant, Product: product}
		for seq := range int64(rapid.IntRange(1, 3).Draw(t, "records")) {
			after := activation.Subscription{Tenant: tenant, Product: product}
			if rapid.IntRange(0, 4).Draw(t, "term") > 0 {
				after.Seats = rapid.IntRange(1, 500).Draw(t, "seats")
				after.End = time.Date(2026, 1, 1+rapid.IntRange(-400, 400).Draw(t, "end"), 0, 0, 0, 0, time.UTC)
			}
			rec := activation.Record{Seq: seq + 1, Outcome: activation.Outcome{
				Op: activation.Import, Applied: activation.Import, At: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
				Before: before, After: after,
			}}
			_, taken, err := j.Append(context.Background(), rec)
			require.NoError(t, err)
			require.Equal(t, activation.NothingTaken, taken)
			before = after
		}
		heads[[2]string{tenant, product}] = before
	}
	out := []activation.Subscription{}
	for _, s := range heads {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b activation.Subscription) int {
		return cmp.Or(strings.Compare(a.Tenant, b.Tenant), strings.Compare(a.Product, b.Product))
	})
	return j, out
}

// journals returns j as each kind of Journal a Book lists from.
func journals(t *rapid.T, j *activation.MemoryJournal) map[string]activation.Journal {
	return map[string]activation.Journal{
		"paged":  j,
		"capped": cappedJournal{j, rapid.IntRange(1, 4).Draw(t, "page")},
		"plain":  plainJournal{j},
	}
}

// drawBound draws a bound of Due: open (zero) or a day around the ends.
func drawBound(t *rapid.T, label string) time.Time {
	if rapid.Bool().Draw(t, label+" open") {
		return time.Time{}
	}
	return time.Date(2026, 1, 1+rapid.IntRange(-450, 600).Draw(t, label), 0, 0, 0, 0, time.UTC)
}

// TestStreamsMatchSlices: on random books, through a Journal with pages,
// one with short pages and one without, SubscriptionsSeq yields what
// Subscriptions returns, every head by tenant then product in byte order;
// DueSeq yields what Due returns, by subscription then date; HistorySeq
// what History returns.
func TestStreamsMatchSlices(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		mem, want := drawBook(t)
		from, to := drawBound(t, "from"), drawBound(t, "to")
		ctx := context.Background()
		for kind, j := range journals(t, mem) {
			b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
			got, err := collectSeq(b.SubscriptionsSeq(ctx))
			require.NoError(t, err, kind)
			require.Equal(t, want, append([]activation.Subscription{}, got...), "%s: SubscriptionsSeq", kind)
			subs, err := b.Subscriptions(ctx)
			require.NoError(t, err, kind)
			require.Equal(t, want, subs, "%s: Subscriptions", kind)

			due, err := collectSeq(b.DueSeq(ctx, from, to))
			require.NoError(t, err, kind)
			require.True(t, slices.IsSortedFunc(due, func(a, b activation.Deadline) int {
				return cmp.Or(strings.Compare(a.Tenant, b.Tenant), strings.Compare(a.Product, b.Product), a.Date.Compare(b.Date))
			}), "%s: DueSeq is not by subscription, then date: %v", kind, due)
			slices.SortFunc(due, func(a, b activation.Deadline) int {
				return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.Tenant, b.Tenant), strings.Compare(a.Product, b.Product))
			})
			wantDue, err := (&activation.Book{Policy: activation.PartnerCenter(), Journal: plainJournal{mem}}).Due(ctx, from, to)
			require.NoError(t, err)
			gotDue, err := b.Due(ctx, from, to)
			require.NoError(t, err, kind)
			require.Equal(t, wantDue, gotDue, "%s: Due(%v, %v)", kind, from, to)
			require.Equal(t, wantDue, due, "%s: DueSeq(%v, %v), sorted by date", kind, from, to)
		}
	})
}

// collectSeq returns what seq yields before its first error, and the error;
// it fails if seq yields anything after an error.
func collectSeq[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	var first error
	for v, err := range seq {
		switch {
		case first != nil:
			return out, errors.New("the sequence went on after an error")
		case err != nil:
			first = err
		default:
			out = append(out, v)
		}
	}
	return out, first
}

// TestStreamsStopEarly: breaking out of a listing at any point yields a
// prefix of the whole and nothing after (a sequence that called yield again
// would panic); a context cancelled after k values yields those k, then
// ctx's error once, unless the listing had ended.
func TestStreamsStopEarly(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		mem, want := drawBook(t)
		k := rapid.IntRange(0, len(want)).Draw(t, "k")
		for kind, j := range journals(t, mem) {
			b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
			got := []activation.Subscription{}
			if k > 0 {
				for s, err := range b.SubscriptionsSeq(context.Background()) {
					require.NoError(t, err, kind)
					if got = append(got, s); len(got) == k {
						break
					}
				}
			}
			requireList(t, want[:k], got, "%s: break after %d", kind, k)

			ctx, cancel := context.WithCancel(context.Background())
			seq := cancelAfter(k, cancel, b.SubscriptionsSeq(ctx))
			if k == 0 {
				cancel()
			}
			got, err := collectSeq(seq)
			cancel()
			requireList(t, want[:k], got, "%s: cancelled after %d", kind, k)
			if k < len(want) || err != nil {
				require.ErrorIs(t, err, context.Canceled, "%s: cancelled after %d of %d", kind, k, len(want))
			}
		}
	})
}

// cancelAfter yields what seq yields and calls cancel after its k-th value.
func cancelAfter[T any](k int, cancel func(), seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		n := 0
		for v, err := range seq {
			if !yield(v, err) {
				return
			}
			if n++; n == k {
				cancel()
			}
		}
	}
}

// TestDueSeqStopsEarly: DueSeq yields nothing after a break, and after a
// cancellation only ctx's error, even between the dates of one subscription.
func TestDueSeqStopsEarly(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		mem, _ := drawBook(t)
		for kind, j := range journals(t, mem) {
			b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
			all, err := collectSeq(b.DueSeq(context.Background(), time.Time{}, time.Time{}))
			require.NoError(t, err, kind)
			k := rapid.IntRange(0, len(all)).Draw(t, "k")
			var got []activation.Deadline
			for d, err := range b.DueSeq(context.Background(), time.Time{}, time.Time{}) {
				require.NoError(t, err, kind)
				if len(got) == k {
					break
				}
				got = append(got, d)
			}
			requireList(t, all[:k], got, "%s: break after %d", kind, k)
			ctx, cancel := context.WithCancel(context.Background())
			if k == 0 {
				cancel()
			}
			got, err = collectSeq(cancelAfter(k, cancel, b.DueSeq(ctx, time.Time{}, time.Time{})))
			cancel()
			requireList(t, all[:k], got, "%s: cancelled after %d", kind, k)
			if k < len(all) || err != nil {
				require.ErrorIs(t, err, context.Canceled, "%s: cancelled after %d of %d", kind, k, len(all))
			}
		}
	})
}

// TestHistorySeq: HistorySeq yields what History returns, across pages of
// the Journal (a history longer than two pages), stops at a break, and
// after a cancellation yields ctx's error once.
func TestHistorySeq(t *testing.T) {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 1, End: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	for i := range 2345 {
		s.Seats = i + 1
		require.NoError(t, b.Import(ctx, s, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	}
	want, err := b.History(ctx, "contoso", "O365-E3")
	require.NoError(t, err)
	require.Len(t, want, 2345)
	got, err := collectSeq(b.HistorySeq(ctx, "contoso", "O365-E3"))
	require.NoError(t, err)
	require.Equal(t, want, got)
	none, err := collectSeq(b.HistorySeq(ctx, "contoso", "O365-E5"))
	require.NoError(t, err)
	require.Empty(t, none, "the history of an untracked subscription")
	for _, k := range []int{0, 1, 999, 1000, 1001, 2000, 2344} {
		var got []activation.Record
		for rec, err := range b.HistorySeq(ctx, "contoso", "O365-E3") {
			require.NoError(t, err)
			if len(got) == k {
				break
			}
			got = append(got, rec)
		}
		requireList(t, want[:k], got, "break after %d", k)
		cctx, cancel := context.WithCancel(ctx)
		if k == 0 {
			cancel()
		}
		got, err = collectSeq(cancelAfter(k, cancel, b.HistorySeq(cctx, "contoso", "O365-E3")))
		cancel()
		require.ErrorIs(t, err, context.Canceled, "cancelled after %d", k)
		requireList(t, want[:k], got, "cancelled after %d", k)
	}
}

// requireList requires want and got to hold the same values (nil and empty
// alike).
func requireList[T any](t require.TestingT, want, got []T, msgAndArgs ...any) {
	if len(want) > 0 || len(got) > 0 {
		require.Equal(t, want, got, msgAndArgs...)
	}
}
