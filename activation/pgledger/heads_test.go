package pgledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// TestHeadsBoundsOutOfRange: Heads and Book.Due answer as MemoryJournal
// does for bounds before or after every date PostgreSQL's date columns
// hold, alone and with the other bound: such a bound includes or excludes
// every subscription, as its date says, and is never compared as NULL.
func TestHeadsBoundsOutOfRange(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	s := newStore(t)
	mem := activation.NewMemoryJournal()
	subs := []activation.Subscription{
		{Tenant: "contoso", Product: "M365-E3", Seats: 10, End: day(2027, time.January, 1)},
		{Tenant: "fabrikam", Product: "M365-E3", Seats: 20, End: day(9999, time.December, 31)},
		{Tenant: "northwind", Product: "M365-E3", Seats: 30, End: day(1, time.January, 1)},
		{Tenant: "tailspin", Product: "M365-E3", Seats: 40}, // no term
	}
	for i, sub := range subs {
		rec := activation.Record{Fingerprint: testKey(t, "BOUND", i).Fingerprint(), Seq: 1,
			Outcome: activation.Outcome{After: sub}}
		for _, j := range []activation.Journal{s, mem} {
			_, taken, err := j.Append(ctx, rec)
			require.NoError(t, err)
			require.Equal(t, activation.NothingTaken, taken)
		}
	}
	bounds := []time.Time{
		{},
		time.Date(-10_000_000, time.March, 1, 0, 0, 0, 0, time.UTC), // before PostgreSQL's 4713 BC
		time.Date(-4701, time.December, 31, 0, 0, 0, 0, time.UTC),
		day(1, time.January, 1),
		day(2027, time.January, 1),
		day(2027, time.January, 2),
		day(10_000, time.January, 1),
		time.Date(5_000_001, time.January, 1, 0, 0, 0, 0, time.UTC),
		time.Date(10_000_000, time.March, 1, 0, 0, 0, 0, time.UTC), // after PostgreSQL's 5874897 AD
		time.Date(292_000_000, time.March, 1, 0, 0, 0, 0, time.UTC),
	}
	tenants := func(recs []activation.Record) []string {
		out := []string{}
		for _, r := range recs {
			out = append(out, r.Outcome.After.Tenant)
		}
		return out
	}
	for _, from := range bounds {
		for _, to := range bounds {
			want, err := mem.Heads(ctx, from, to)
			require.NoError(t, err)
			got, err := s.Heads(ctx, from, to)
			require.NoError(t, err, "Heads(%v, %v)", from, to)
			require.Equal(t, tenants(want), tenants(got), "Heads(%v, %v)", from, to)

			wantDue, err := book(mem).Due(ctx, from, to)
			require.NoError(t, err)
			gotDue, err := book(s).Due(ctx, from, to)
			require.NoError(t, err, "Due(%v, %v)", from, to)
			require.Equal(t, wantDue, gotDue, "Due(%v, %v)", from, to)
		}
	}
	// The case that was wrong: an upper bound past PostgreSQL's dates is no bound.
	got, err := s.Heads(ctx, time.Time{}, time.Date(10_000_000, time.March, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.Len(t, got, len(subs))
}

func book(j activation.Journal) *activation.Book {
	return &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
}
