package pgledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// seqOf returns xs as Load and LoadRecords take them.
func seqOf[T any](xs []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, r := range xs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func keyRow(line int64, at time.Time, tenant string, k token.Key, seats int, op activation.Operation) pgledger.LoadRow {
	return pgledger.LoadRow{Line: line, Day: at, Tenant: tenant, Product: "M365-E3", Key: k, Op: op, Seats: seats}
}

func importRow(line int64, at time.Time, tenant string, seats int, end time.Time) pgledger.LoadRow {
	return pgledger.LoadRow{Line: line, Day: at, Tenant: tenant, Product: "M365-E3", Import: true, Seats: seats, End: end}
}

// load loads rows and returns each row's status by line.
func load(t *testing.T, s *pgledger.Store, rows []pgledger.LoadRow) (map[int64]pgledger.LoadResult, pgledger.LoadSummary) {
	t.Helper()
	got := make(map[int64]pgledger.LoadResult)
	sum, err := s.Load(context.Background(), activation.PartnerCenter(), seqOf(rows), func(r pgledger.LoadResult) error {
		got[r.Line] = r
		return nil
	})
	require.NoError(t, err)
	return got, sum
}

// tableBytes returns every row of coterm_records as text, in id order.
func tableBytes(t *testing.T, s *pgledger.Store) []string {
	t.Helper()
	rows, err := s.Pool().Query(context.Background(), `SELECT (r.*)::text FROM coterm_records r ORDER BY id`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

// sampleRows is a file's history: imports, redemptions, a correction, a
// duplicate row, a row the cap refuses, and the whole pasted twice.
func sampleRows(t *testing.T) []pgledger.LoadRow {
	rows := []pgledger.LoadRow{
		importRow(2, day(2026, 1, 15), "contoso", 100, day(2027, 1, 15)),
		keyRow(3, day(2026, 3, 1), "contoso", testKey(t, "LD", 1), 25, activation.AddSeats),
		keyRow(4, day(2026, 3, 1), "contoso", testKey(t, "LD", 1), 25, activation.AddSeats),
		importRow(5, day(2026, 3, 1), "contoso", 125, day(2027, 1, 24)),                        // the state it has: unchanged
		keyRow(6, day(2026, 4, 1), "contoso", testKey(t, "LD", 2), 1000, activation.ExtendEnd), // R6 cap
		importRow(7, day(2026, 5, 1), "fabrikam", 10, day(2026, 12, 1)),
		importRow(8, day(2026, 6, 1), "fabrikam", 12, day(2026, 12, 1)), // a correction
		keyRow(9, day(2026, 6, 2), "fabrikam", testKey(t, "LD", 3), 12, activation.ExtendEnd),
	}
	for _, r := range slices.Clone(rows) {
		r.Line += 10
		rows = append(rows, r)
	}
	return rows
}

// TestLoadTwiceChangesNothing: a file loaded twice records nothing the
// second time (key rows replay, import rows replay by their identity), and
// the records are those a Book makes of the same rows.
func TestLoadTwiceChangesNothing(t *testing.T) {
	s := newStore(t)
	rows := sampleRows(t)
	got, sum := load(t, s, rows)
	want := map[int64]pgledger.LoadStatus{2: pgledger.LoadImported, 3: pgledger.LoadApplied, 4: pgledger.LoadReplayed,
		5: pgledger.LoadUnchanged, 6: pgledger.LoadRejected, 7: pgledger.LoadImported, 8: pgledger.LoadImported,
		9: pgledger.LoadApplied, 12: pgledger.LoadReplayed, 13: pgledger.LoadReplayed, 14: pgledger.LoadReplayed,
		15: pgledger.LoadUnchanged, 19: pgledger.LoadReplayed, 17: pgledger.LoadReplayed, 18: pgledger.LoadReplayed}
	for line, st := range want {
		assert.Equal(t, st, got[line].Status, "line %d: %s", line, got[line].Reason)
	}
	assert.Equal(t, pgledger.LoadRejected, got[16].Status, "line 16 (the cap, or before the head): %s", got[16].Reason)
	assert.Equal(t, 16, sum.Rows)
	first := tableBytes(t, s)
	require.Len(t, first, 5)

	again, sum2 := load(t, s, rows)
	assert.Equal(t, 0, sum2.Applied+sum2.Imported+sum2.Refused, "%+v", sum2)
	for line, r := range again {
		assert.Contains(t, []pgledger.LoadStatus{pgledger.LoadReplayed, pgledger.LoadUnchanged, pgledger.LoadRejected}, r.Status, "line %d: %s", line, r.Reason)
	}
	assert.Equal(t, first, tableBytes(t, s), "the second load changed the table")

	// The records are a Book's of the same rows.
	mem := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	ctx := context.Background()
	for _, r := range rows[:8] {
		if r.Import {
			require.NoError(t, mem.Import(ctx, activation.Subscription{Tenant: r.Tenant, Product: r.Product, Seats: r.Seats, End: r.End}, r.Day))
			continue
		}
		_, _ = mem.Redeem(ctx, r.Tenant, r.Product, token.Token{Key: r.Key, Product: r.Product, Seats: r.Seats}, r.Op, r.Day)
	}
	db := &activation.Book{Policy: activation.PartnerCenter(), Journal: s}
	for _, tenant := range []string{"contoso", "fabrikam"} {
		a, err := mem.History(ctx, tenant, "M365-E3")
		require.NoError(t, err)
		b, err := db.History(ctx, tenant, "M365-E3")
		require.NoError(t, err)
		require.Len(t, b, len(a))
		for i := range a {
			a[i].RecordedAt, b[i].RecordedAt = time.Time{}, time.Time{}
			assert.Equal(t, a[i], b[i], "%s record %d", tenant, i+1)
		}
	}
}

// TestLoadRefusesConflicts: a row that conflicts with the database (a key
// spent elsewhere, a day before the database's head) is refused with its
// line, and so are the later rows of its subscription; nothing of them is
// stored, and other subscriptions load.
func TestLoadRefusesConflicts(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: s}
	spent := testKey(t, "CF", 1)
	require.NoError(t, book.Import(ctx, testSubscription("elsewhere"), day(2026, 1, 1)))
	_, err := book.Redeem(ctx, "elsewhere", "M365-E3", testToken(spent, 10), activation.AddSeats, day(2026, 2, 1))
	require.NoError(t, err)
	require.NoError(t, book.Import(ctx, testSubscription("ahead"), day(2026, 9, 1)))
	before := tableBytes(t, s)

	got, sum := load(t, s, []pgledger.LoadRow{
		importRow(2, day(2026, 1, 1), "victim", 50, day(2027, 1, 1)),
		keyRow(3, day(2026, 3, 1), "victim", spent, 10, activation.AddSeats),
		keyRow(4, day(2026, 4, 1), "victim", testKey(t, "CF", 2), 10, activation.AddSeats),
		importRow(5, day(2026, 8, 1), "ahead", 20, day(2027, 2, 1)),
		keyRow(6, day(2026, 10, 1), "ahead", testKey(t, "CF", 3), 10, activation.AddSeats),
		importRow(7, day(2026, 1, 1), "fine", 5, day(2027, 1, 1)),
	})
	assert.Equal(t, pgledger.LoadImported, got[2].Status)
	for _, line := range []int64{3, 4, 5, 6} {
		assert.Equal(t, pgledger.LoadRefused, got[line].Status, "line %d", line)
	}
	assert.Contains(t, got[4].Reason, "line 3")
	assert.Contains(t, got[6].Reason, "line 5")
	assert.Equal(t, pgledger.LoadImported, got[7].Status)
	assert.Equal(t, 4, sum.Refused)
	after := tableBytes(t, s)
	assert.Equal(t, before, after[:len(before)])
	assert.Len(t, after, len(before)+2, "only the imports of victim and fine")
	for _, r := range got {
		assertNoKey(t, r.Reason, spent, testKey(t, "CF", 2), testKey(t, "CF", 3))
	}
}

func assertNoKey(t *testing.T, text string, keys ...token.Key) {
	t.Helper()
	up := strings.ToUpper(text)
	for _, k := range keys {
		for _, form := range []string{k.Reveal(), strings.ReplaceAll(k.Reveal(), "-", ""), strings.ReplaceAll(k.Reveal(), "-", " ")} {
			assert.NotContains(t, up, form, "a key in clear")
		}
	}
}

// TestLoadColumnsAndSecrecy: every row, loaded or appended, has the key's
// seats and the explanation as text, and no key in any column.
func TestLoadColumnsAndSecrecy(t *testing.T) {
	s := newStore(t)
	load(t, s, sampleRows(t))
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: s}
	_, err := book.Redeem(context.Background(), "contoso", "M365-E3", testToken(testKey(t, "LD", 9), 5), activation.AddSeats, day(2026, 7, 1))
	require.NoError(t, err)
	rows, err := s.Pool().Query(context.Background(), `SELECT operation, key_seats, explanation, (r.*)::text, encode(record, 'escape') FROM coterm_records r`)
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		var op, expl, all, rec string
		var seats *int64
		require.NoError(t, rows.Scan(&op, &seats, &expl, &all, &rec))
		if op == "import" {
			assert.Nil(t, seats)
		} else if assert.NotNil(t, seats) {
			assert.Positive(t, *seats)
		}
		assert.NotEmpty(t, expl)
		assertNoKey(t, all+rec, testKey(t, "LD", 1), testKey(t, "LD", 2), testKey(t, "LD", 3), testKey(t, "LD", 9))
		n++
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, 6, n)
}

// TestExportLoadRoundTrip: the records exported as JSON lines and loaded
// into another store are the same records; loading them again changes
// nothing; a broken chain is refused whole with its number.
func TestExportLoadRoundTrip(t *testing.T) {
	src, dst := newStore(t), newStore(t)
	ctx := context.Background()
	load(t, src, sampleRows(t))
	r := activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: src}
	_, err := r.Redeem(ctx, testSubscription("claimant"), testToken(testKey(t, "EX", 1), 10), activation.AddSeats, testDay)
	require.NoError(t, err)

	var buf bytes.Buffer
	n, err := src.Export(ctx, func(rec activation.Record) error {
		b, err := json.Marshal(rec)
		buf.Write(append(b, '\n'))
		return err
	})
	require.NoError(t, err)
	require.EqualValues(t, 6, n)
	assertNoKey(t, buf.String(), testKey(t, "LD", 1), testKey(t, "EX", 1))
	recs := readJSONLines(t, buf.Bytes())
	var parallel bytes.Buffer
	n, err = src.ExportJSON(ctx, &parallel)
	require.NoError(t, err)
	assert.EqualValues(t, 6, n)
	assert.Equal(t, buf.String(), parallel.String(), "ExportJSON writes what Export and encoding/json write")
	_, err = src.ExportJSON(ctx, failingWriter{})
	assert.ErrorIs(t, err, errWrite)

	sum, err := dst.LoadRecords(ctx, seqOf(recs))
	require.NoError(t, err)
	assert.Equal(t, pgledger.LoadRecordsSummary{Stored: 6}, sum)
	assert.Equal(t, recordColumn(t, src), recordColumn(t, dst))
	sum, err = dst.LoadRecords(ctx, seqOf(recs))
	require.NoError(t, err)
	assert.Equal(t, pgledger.LoadRecordsSummary{Present: 6}, sum)

	// A chain with a record left out is refused whole.
	other := newStore(t)
	broken := append(slices.Clone(recs[2:]), recs[1])
	_, err = other.LoadRecords(ctx, seqOf(broken))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "record 5:")
	assert.Contains(t, err.Error(), "nothing was recorded")
	assert.Empty(t, tableBytes(t, other))
}

func readJSONLines(t *testing.T, b []byte) []activation.Record {
	var recs []activation.Record
	for line := range bytes.Lines(b) {
		var rec activation.Record
		require.NoError(t, json.Unmarshal(line, &rec))
		recs = append(recs, rec)
	}
	return recs
}

// recordColumn returns the record bytes in id order.
func recordColumn(t *testing.T, s *pgledger.Store) [][]byte {
	rows, err := s.Pool().Query(context.Background(), `SELECT record FROM coterm_records ORDER BY id`)
	require.NoError(t, err)
	var out [][]byte
	for rows.Next() {
		var b []byte
		require.NoError(t, rows.Scan(&b))
		out = append(out, b)
	}
	require.NoError(t, rows.Err())
	return out
}

// TestMigrationSQLIsWhatMigrateRuns: the printed script, run by hand, makes
// the schema Migrate makes.
func TestMigrationSQLIsWhatMigrateRuns(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	sql, err := pgledger.MigrationSQL(0)
	require.NoError(t, err)
	byHand := freshSchema(t)
	pool := adminPool(t)
	conn := connIn(t, pool, byHand)
	_, err = conn.Exec(ctx, sql)
	conn.Release()
	require.NoError(t, err)
	migrated := freshSchema(t)
	openStore(t, migrated, nil).Close()
	describe := func(schema string) []string {
		rows, err := pool.Query(ctx, `SELECT format('%s.%s %s %s', table_name, column_name, data_type, is_nullable) FROM information_schema.columns WHERE table_schema = $1
UNION ALL SELECT indexname || ' ' || replace(indexdef, $1 || '.', '') FROM pg_indexes WHERE schemaname = $1
UNION ALL SELECT conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1
UNION ALL SELECT 'version ' || version FROM `+schema+`.coterm_migrations ORDER BY 1`, schema)
		require.NoError(t, err)
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		return out
	}
	a, b := describe(byHand), describe(migrated)
	assert.NotEmpty(t, a)
	assert.Equal(t, b, a)
	assert.Contains(t, strings.Join(a, "\n"), "key_seats")

	_, err = pgledger.MigrationSQL(pgledger.SchemaVersion + 1)
	assert.Error(t, err)
}

var errWrite = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

// TestLoadAllOrNothing: an error of the rows, of report or of the context
// stores nothing of the load, and says so.
func TestLoadAllOrNothing(t *testing.T) {
	s := newStore(t)
	rows := sampleRows(t)
	failing := func(yield func(pgledger.LoadRow, error) bool) {
		for _, r := range rows[:5] {
			if !yield(r, nil) {
				return
			}
		}
		yield(pgledger.LoadRow{}, errWrite)
	}
	_, err := s.Load(context.Background(), activation.PartnerCenter(), failing, nil)
	require.ErrorIs(t, err, errWrite)
	assert.Equal(t, "pgledger: load: stopped, nothing was recorded: disk full", err.Error())
	assert.Empty(t, tableBytes(t, s))

	_, err = s.Load(context.Background(), activation.PartnerCenter(), seqOf(rows), func(pgledger.LoadResult) error { return errWrite })
	require.ErrorIs(t, err, errWrite)
	assert.Empty(t, tableBytes(t, s))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = s.Load(ctx, activation.PartnerCenter(), seqOf(rows), nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, tableBytes(t, s))

	// A malformed row and a name that is a key are rejected in their
	// place, the key never quoted.
	k := testKey(t, "NM", 1)
	got, _ := load(t, s, []pgledger.LoadRow{
		{Line: 2, Malformed: "seats: not a whole number"},
		importRow(3, day(2026, 1, 1), strings.ToLower(k.Reveal()), 5, day(2027, 1, 1)),
		keyRow(4, day(2026, 1, 1), "contoso", k, 5, activation.Activate),
	})
	assert.Equal(t, pgledger.LoadRejected, got[2].Status)
	assert.Equal(t, "seats: not a whole number", got[2].Reason)
	assert.Equal(t, pgledger.LoadRejected, got[3].Status)
	assertNoKey(t, got[3].Reason, k)
	assert.Equal(t, pgledger.LoadApplied, got[4].Status)
}

// TestLoadConcurrently: two loads of one file at once (and a Book beside
// them) leave each record once: the second load replays the first.
func TestLoadConcurrently(t *testing.T) {
	s := newStore(t)
	rows := sampleRows(t)
	sums := make([]pgledger.LoadSummary, 2)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			sums[i], errs[i] = s.Load(context.Background(), activation.PartnerCenter(), seqOf(rows), nil)
		})
	}
	wg.Go(func() {
		b := &activation.Book{Policy: activation.PartnerCenter(), Journal: s}
		_, errs[2] = b.Redeem(context.Background(), "northwind", "M365-E3", testToken(testKey(t, "CC", 1), 5), activation.Activate, testDay)
	})
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 2, sums[0].Applied+sums[1].Applied, "each redemption once: %+v", sums)
	assert.Equal(t, 3, sums[0].Imported+sums[1].Imported, "each import once: %+v", sums)
	assert.Len(t, tableBytes(t, s), 6)
}

// TestVerifyChecksTheNewColumns: the audit holds key_seats and explanation
// to the record, and passes rows written before they existed (NULL).
func TestVerifyChecksTheNewColumns(t *testing.T) {
	s := newStore(t)
	load(t, s, sampleRows(t))
	found, _ := storeVerify(t, s)
	assert.Empty(t, found)
	tamper(t, s, `UPDATE coterm_records SET key_seats = NULL, explanation = NULL WHERE tenant = 'fabrikam'`)
	found, _ = storeVerify(t, s)
	assert.Empty(t, found, "rows from before schema version 4")
	tamper(t, s, `UPDATE coterm_records SET key_seats = 9999, explanation = 'forged' WHERE tenant = 'contoso' AND seq = 2`)
	found, _ = storeVerify(t, s)
	require.Len(t, found, 1)
	assert.Equal(t, activation.BreakStore, found[0].Kind)
	assert.Equal(t, "columns differ from the record: key_seats 9999 (record: 25); explanation differs", found[0].Detail)
}
