package activation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// plainHeadsSpy is a Journal without pages that records the bounds of each call
// of Heads.
type plainHeadsSpy struct {
	activation.Journal
	calls [][2]time.Time
}

func (s *plainHeadsSpy) Heads(ctx context.Context, from, to time.Time) ([]activation.Record, error) {
	s.calls = append(s.calls, [2]time.Time{from, to})
	return s.Journal.Heads(ctx, from, to)
}

func utcDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// importEnds returns a Book on a MemoryJournal under p holding one
// subscription of tenant "t" per end, product "p0", "p1", … in turn.
func importEnds(t *testing.T, p activation.Policy, ends ...time.Time) (*activation.Book, *activation.MemoryJournal) {
	t.Helper()
	mem := activation.NewMemoryJournal()
	b := &activation.Book{Policy: p, Journal: mem}
	for i, end := range ends {
		s := activation.Subscription{Tenant: "t", Product: "p" + string(rune('0'+i)), Seats: 1, End: end}
		require.NoError(t, b.Import(context.Background(), s, utcDay(2020, 1, 1)))
	}
	return b, mem
}

// TestDueSeqReadsHeadsFromTheDeletionBound: from a Journal without pages,
// DueSeq reads Journal.Heads(from less the policy's days from an end to the
// deletion, to) — an open lower bound when that day is before the first
// one, or from is open — and lists the dates of a subscription deleted on
// from, not those of one deleted the day before.
func TestDueSeqReadsHeadsFromTheDeletionBound(t *testing.T) {
	ctx := context.Background()
	p := activation.PartnerCenter() // deleted 30 + 90 days after the end
	from, to := utcDay(2026, 6, 1), utcDay(2026, 9, 1)
	lower := utcDay(2026, 2, 1) // from less 120 days
	_, mem := importEnds(t, p, lower, lower.AddDate(0, 0, -1), utcDay(2026, 8, 1))
	for name, c := range map[string]struct {
		from, to, lower time.Time
		want            []activation.Deadline
	}{
		"bounded": {from, to, lower, []activation.Deadline{
			{Tenant: "t", Product: "p0", State: activation.Deleted, Date: from, Service: p.Service(activation.Deleted)},
			{Tenant: "t", Product: "p2", State: activation.Expired, Date: utcDay(2026, 8, 1), Service: p.Service(activation.Expired)},
			{Tenant: "t", Product: "p2", State: activation.Disabled, Date: utcDay(2026, 8, 31), Service: p.Service(activation.Disabled)},
		}},
		"open from": {time.Time{}, utcDay(2026, 2, 2), time.Time{}, []activation.Deadline{
			{Tenant: "t", Product: "p0", State: activation.Expired, Date: lower, Service: p.Service(activation.Expired)},
			{Tenant: "t", Product: "p1", State: activation.Expired, Date: lower.AddDate(0, 0, -1), Service: p.Service(activation.Expired)},
		}},
		"from in the first days": {utcDay(1, 3, 1), utcDay(2026, 2, 1), time.Time{}, []activation.Deadline{
			{Tenant: "t", Product: "p1", State: activation.Expired, Date: lower.AddDate(0, 0, -1), Service: p.Service(activation.Expired)},
		}},
	} {
		spy := &plainHeadsSpy{Journal: mem}
		b := &activation.Book{Policy: p, Journal: spy}
		got, err := collectSeq(b.DueSeq(ctx, c.from, c.to))
		require.NoError(t, err, name)
		require.Equal(t, c.want, got, name)
		require.Equal(t, [][2]time.Time{{c.lower, c.to}}, spy.calls, "%s: the bounds of Heads", name)
	}
}

// TestDueSeqReadsPages: from a PagedJournal, DueSeq reads pages of heads,
// never Journal.Heads (which fails here), bounded or not; Due with open
// bounds lists from pages too.
func TestDueSeqReadsPages(t *testing.T) {
	ctx := context.Background()
	p := activation.PartnerCenter()
	_, mem := importEnds(t, p, utcDay(2026, 1, 1), utcDay(2026, 3, 1))
	errHeads := errors.New("Heads is not for a Journal with pages")
	b := &activation.Book{Policy: p, Journal: brokenPages{MemoryJournal: mem, heads: errHeads}}
	plain := &activation.Book{Policy: p, Journal: plainJournal{mem}}
	for _, bounds := range [][2]time.Time{{}, {utcDay(2026, 2, 1), utcDay(2026, 6, 1)}, {utcDay(2026, 2, 1), {}}} {
		want, err := collectSeq(plain.DueSeq(ctx, bounds[0], bounds[1]))
		require.NoError(t, err)
		require.NotEmpty(t, want)
		got, err := collectSeq(b.DueSeq(ctx, bounds[0], bounds[1]))
		require.NoError(t, err, "DueSeq(%v, %v)", bounds[0], bounds[1])
		require.Equal(t, want, got, "DueSeq(%v, %v)", bounds[0], bounds[1])
	}
	due, err := b.Due(ctx, time.Time{}, time.Time{})
	require.NoError(t, err)
	require.Len(t, due, 6)
}

// TestDueSeqDaysOfNoLength: a state the policy gives no days has no date:
// with no grace there is no Expired date (the subscription is Disabled on
// its end date), with no disabled days no Disabled date (it is Deleted when
// the grace ends), with neither only the Deleted date, on the end date.
func TestDueSeqDaysOfNoLength(t *testing.T) {
	ctx := context.Background()
	end := utcDay(2026, 3, 1)
	for name, c := range map[string]struct {
		grace, disabled int
		want            map[activation.State]time.Time
	}{
		"no grace":         {0, 90, map[activation.State]time.Time{activation.Disabled: end, activation.Deleted: end.AddDate(0, 0, 90)}},
		"no disabled days": {30, 0, map[activation.State]time.Time{activation.Expired: end, activation.Deleted: end.AddDate(0, 0, 30)}},
		"neither":          {0, 0, map[activation.State]time.Time{activation.Deleted: end}},
		"both":             {30, 90, map[activation.State]time.Time{activation.Expired: end, activation.Disabled: end.AddDate(0, 0, 30), activation.Deleted: end.AddDate(0, 0, 120)}},
	} {
		p := activation.PartnerCenter()
		p.GraceDays, p.DisabledDays = c.grace, c.disabled
		_, mem := importEnds(t, p, end)
		for kind, j := range map[string]activation.Journal{"paged": mem, "plain": plainJournal{mem}} {
			b := &activation.Book{Policy: p, Journal: j}
			for _, bounds := range [][2]time.Time{{}, {end, end.AddDate(1, 0, 0)}} {
				got, err := collectSeq(b.DueSeq(ctx, bounds[0], bounds[1]))
				require.NoError(t, err, "%s, %s", name, kind)
				dates := map[activation.State]time.Time{}
				for _, d := range got {
					dates[d.State] = d.Date
				}
				require.Len(t, got, len(c.want), "%s, %s: %v", name, kind, got)
				require.Equal(t, c.want, dates, "%s, %s", name, kind)
			}
		}
	}
}

// TestHistoryPagesHoldAPage: a page of History after Seq n holds the page,
// not memory for the n records before it, so that reading a long history
// page by page keeps its memory flat.
func TestHistoryPagesHoldAPage(t *testing.T) {
	ctx := context.Background()
	mem := activation.NewMemoryJournal()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: mem}
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 1, End: utcDay(2027, 1, 1)}
	for i := range 2100 {
		s.Seats = i + 1
		require.NoError(t, b.Import(ctx, s, utcDay(2026, 1, 1)))
	}
	page, err := mem.History(ctx, "contoso", "O365-E3", 2000, 1000)
	require.NoError(t, err)
	require.Len(t, page, 100)
	require.Equal(t, int64(2001), page[0].Seq)
	require.Less(t, cap(page), 200, "a page of 100 records after Seq 2000 holds room for %d", cap(page))
}
