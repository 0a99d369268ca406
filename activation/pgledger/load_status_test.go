package pgledger_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// TestLoadStatusString: each status says its name; the zero value and
// values out of range say their number.
func TestLoadStatusString(t *testing.T) {
	want := map[pgledger.LoadStatus]string{
		pgledger.LoadApplied: "applied", pgledger.LoadReplayed: "replayed", pgledger.LoadImported: "imported",
		pgledger.LoadUnchanged: "unchanged", pgledger.LoadRejected: "rejected", pgledger.LoadRefused: "refused",
		0: "LoadStatus(0)", 7: "LoadStatus(7)", -1: "LoadStatus(-1)",
	}
	for s, name := range want {
		assert.Equal(t, name, s.String())
	}
	assert.EqualValues(t, 1, pgledger.LoadApplied, "the zero value is unknown")
}

// TestLoadSummaryCounts: the summary counts each status reported, one by
// one.
func TestLoadSummaryCounts(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: s}
	spent := testKey(t, "SU", 1)
	require.NoError(t, book.Import(ctx, testSubscription("elsewhere"), day(2026, 1, 1)))
	_, err := book.Redeem(ctx, "elsewhere", "M365-E3", testToken(spent, 10), activation.AddSeats, day(2026, 2, 1))
	require.NoError(t, err)

	got, sum := load(t, s, []pgledger.LoadRow{
		importRow(2, day(2026, 1, 15), "contoso", 100, day(2027, 1, 15)),
		keyRow(3, day(2026, 3, 1), "contoso", testKey(t, "SU", 2), 25, activation.AddSeats),
		keyRow(4, day(2026, 3, 1), "contoso", testKey(t, "SU", 2), 25, activation.AddSeats),
		importRow(5, day(2026, 3, 1), "contoso", 125, day(2027, 1, 24)),
		keyRow(6, day(2026, 4, 1), "contoso", testKey(t, "SU", 3), 1000, activation.ExtendEnd),
		importRow(7, day(2026, 1, 1), "victim", 50, day(2027, 1, 1)),
		keyRow(8, day(2026, 3, 1), "victim", spent, 10, activation.AddSeats),
		keyRow(9, day(2026, 4, 1), "victim", testKey(t, "SU", 4), 10, activation.AddSeats),
		{Line: 10, Malformed: "day: not a date"},
	})
	want := map[int64]pgledger.LoadStatus{2: pgledger.LoadImported, 3: pgledger.LoadApplied, 4: pgledger.LoadReplayed,
		5: pgledger.LoadUnchanged, 6: pgledger.LoadRejected, 7: pgledger.LoadImported, 8: pgledger.LoadRefused,
		9: pgledger.LoadRefused, 10: pgledger.LoadRejected}
	for line, st := range want {
		assert.Equal(t, st, got[line].Status, "line %d: %s", line, got[line].Reason)
	}
	assert.Equal(t, pgledger.LoadSummary{Rows: 9, Applied: 1, Replayed: 1, Imported: 2, Unchanged: 1, Rejected: 2, Refused: 2}, sum)
}

// TestLoadSameDay: a file whose import and key rows share a day loads
// again as replays (the import's state is the one after the first record
// of that day, not the head's), within a load too; an import of another
// state on the head's day is a correction, whether the seats or the end
// differ.
func TestLoadSameDay(t *testing.T) {
	s := newStore(t)
	d := day(2026, 3, 1)
	rows := []pgledger.LoadRow{
		importRow(2, d, "contoso", 10, day(2027, 1, 1)),
		keyRow(3, d, "contoso", testKey(t, "SD", 1), 5, activation.AddSeats),
		importRow(4, d, "contoso", 10, day(2027, 1, 1)), // the state after line 2
	}
	got, _ := load(t, s, rows)
	assert.Equal(t, pgledger.LoadImported, got[2].Status, got[2].Reason)
	assert.Equal(t, pgledger.LoadApplied, got[3].Status, got[3].Reason)
	assert.Equal(t, pgledger.LoadReplayed, got[4].Status, "an import of the state after a record of this load on its day: %s", got[4].Reason)
	before := tableBytes(t, s)
	require.Len(t, before, 2)

	got, sum := load(t, s, rows)
	for line := range int64(3) {
		assert.Equal(t, pgledger.LoadReplayed, got[line+2].Status, "line %d: %s", line+2, got[line+2].Reason)
	}
	assert.Equal(t, pgledger.LoadSummary{Rows: 3, Replayed: 3}, sum)
	assert.Equal(t, before, tableBytes(t, s), "loading the file again changed the table")

	// Corrections on the head's day: other seats, then another end.
	got, _ = load(t, s, []pgledger.LoadRow{
		importRow(2, d, "contoso", 20, day(2027, 1, 1)),
		importRow(3, d, "contoso", 20, day(2027, 6, 1)),
	})
	assert.Equal(t, pgledger.LoadImported, got[2].Status, got[2].Reason)
	assert.Equal(t, pgledger.LoadImported, got[3].Status, got[3].Reason)
	assert.Len(t, tableBytes(t, s), 4)
}

// TestLoadAfterRefusalReplays: after a subscription's row is refused, its
// later rows that replay what the database holds (a key row, an import of
// a state it had) are replays; any other is refused.
func TestLoadAfterRefusalReplays(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: s}
	spent := testKey(t, "AR", 1)
	require.NoError(t, book.Import(ctx, testSubscription("elsewhere"), day(2026, 1, 1)))
	_, err := book.Redeem(ctx, "elsewhere", "M365-E3", testToken(spent, 10), activation.AddSeats, day(2026, 2, 1))
	require.NoError(t, err)
	require.NoError(t, book.Import(ctx, testSubscription("victim"), day(2026, 1, 1)))
	// The token a key row makes: no term.
	_, err = book.Redeem(ctx, "victim", "M365-E3", token.Token{Key: testKey(t, "AR", 2), Product: "M365-E3", Seats: 10}, activation.AddSeats, day(2026, 2, 1))
	require.NoError(t, err)
	before := tableBytes(t, s)

	got, sum := load(t, s, []pgledger.LoadRow{
		keyRow(2, day(2026, 3, 1), "victim", spent, 10, activation.AddSeats),
		keyRow(3, day(2026, 2, 1), "victim", testKey(t, "AR", 2), 10, activation.AddSeats),
		importRow(4, day(2026, 1, 1), "victim", 100, testEnd),
		keyRow(5, day(2026, 4, 1), "victim", testKey(t, "AR", 3), 10, activation.AddSeats),
	})
	assert.Equal(t, pgledger.LoadRefused, got[2].Status, got[2].Reason)
	assert.Equal(t, pgledger.LoadReplayed, got[3].Status, got[3].Reason)
	assert.Equal(t, 110, got[3].Outcome.After.Seats, "the replayed row's outcome")
	assert.True(t, got[3].Outcome.Token.Key.IsZero(), "no key in a result")
	assert.Equal(t, pgledger.LoadReplayed, got[4].Status, got[4].Reason)
	assert.Equal(t, pgledger.LoadRefused, got[5].Status, got[5].Reason)
	assert.Contains(t, got[5].Reason, "line 2")
	assert.Equal(t, pgledger.LoadSummary{Rows: 4, Replayed: 2, Refused: 2}, sum)
	assert.Equal(t, before, tableBytes(t, s))
}

// TestLoadInvalidRowOnTheHeadsDay: a key row the rules do not refuse but
// the input does (no seats) is rejected on the database head's day and
// after it; before it, the day conflicts with the database.
func TestLoadInvalidRowOnTheHeadsDay(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: s}
	for _, tenant := range []string{"on", "after", "before"} {
		require.NoError(t, book.Import(ctx, testSubscription(tenant), testDay))
	}
	got, _ := load(t, s, []pgledger.LoadRow{
		keyRow(2, testDay, "on", testKey(t, "HD", 1), 0, activation.AddSeats),
		keyRow(3, testDay.AddDate(0, 0, 1), "after", testKey(t, "HD", 2), 0, activation.AddSeats),
		keyRow(4, testDay.AddDate(0, 0, -1), "before", testKey(t, "HD", 3), 0, activation.AddSeats),
	})
	assert.Equal(t, pgledger.LoadRejected, got[2].Status, got[2].Reason)
	assert.Equal(t, pgledger.LoadRejected, got[3].Status, got[3].Reason)
	assert.Equal(t, pgledger.LoadRefused, got[4].Status, got[4].Reason)
	assert.Contains(t, got[4].Reason, "before the subscription's last record")
}
