package pgledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
)

// changeRec returns a change record of request id at (tenant, where) Seq
// seq, as a package that keeps a chain of changes makes one: its Change
// counts (seq), its Request is the request's whatever its Seq.
func changeRec(tenant, where, id string, seq int64) activation.Record {
	return activation.Record{
		Kind:        activation.ChangeRecord,
		Fingerprint: activation.ChangeFingerprint("pgledger-test", id),
		Request:     activation.RequestID(activation.ChangeFingerprint("pgledger-test/request", id)),
		Seq:         seq,
		Policy:      "entitlement rules v1",
		RecordedAt:  time.Date(2026, 12, 6, 10, 0, 0, 123456000, time.UTC),
		Outcome:     activation.Outcome{At: testDay, After: activation.Subscription{Tenant: tenant, Product: where}},
		Change:      fmt.Sprintf(`{"request":%q,"seq":%d}`, id, seq),
		Note:        "20 licences deployed at " + where,
	}
}

// appendChanges appends recs to j, each of which must be stored.
func appendChanges(t *testing.T, j activation.Journal, recs ...activation.Record) {
	t.Helper()
	for _, rec := range recs {
		_, taken, err := j.Append(context.Background(), rec)
		require.NoError(t, err)
		require.Equal(t, activation.NothingTaken, taken, "Seq %d", rec.Seq)
	}
}

// seqCounting is a Verifier.Changes: a change's seq (in its JSON) is its Seq.
func seqCounting(calls *int) func(*activation.Record, activation.Record) error {
	return func(prev *activation.Record, rec activation.Record) error {
		*calls++
		if (prev == nil) != (rec.Seq == 1) {
			return errors.New("prev is nil exactly at Seq 1")
		}
		if !bytes.Contains([]byte(rec.Change), []byte(`"seq":`+strconv.FormatInt(rec.Seq, 10)+"}")) {
			return fmt.Errorf("the change does not name Seq %d", rec.Seq)
		}
		return nil
	}
}

// TestChangeRows: a change record's row reads in psql — kind 1, the change
// and its note as text, operation and applied "change", no key seats, no
// seats or end — and text PostgreSQL cannot hold is written with U+FFFD in
// the columns while the record keeps it; Verify holds the columns to the
// record and checks the chain with Verifier.Changes.
func TestChangeRows(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	c1, c2 := changeRec("contoso", "Munich", "rows-1", 1), changeRec("contoso", "Munich", "rows-2", 2)
	c2.Change = `{"seq":2}` + "\x00"
	c2.Note = "\xffnote"
	appendChanges(t, s, c1, c2)
	auditBooks(t, s)

	rows, err := s.Pool().Query(ctx, `SELECT kind, change, explanation, operation, applied, key_tail, key_seats,
    seats_before, seats_after, end_before, end_after, day, policy, octet_length(fingerprint)
FROM coterm_records WHERE tenant = 'contoso' AND product = 'Munich' ORDER BY seq`)
	require.NoError(t, err)
	type row struct {
		Kind                     int16
		Change, Explanation      string
		Operation, Applied       string
		KeyTail                  *string
		KeySeats                 *int64
		SeatsBefore, SeatsAfter  int64
		EndBefore, EndAfter, Day *time.Time
		Policy                   string
		FingerprintLen           int
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	require.NoError(t, err)
	require.Len(t, got, 2)
	for i, rec := range []activation.Record{c1, c2} {
		r := got[i]
		assert.Equal(t, int16(1), r.Kind)
		assert.Equal(t, "change", r.Operation)
		assert.Equal(t, "change", r.Applied)
		assert.Nil(t, r.KeyTail)
		assert.Nil(t, r.KeySeats)
		assert.Zero(t, r.SeatsBefore+r.SeatsAfter)
		assert.Nil(t, r.EndBefore)
		assert.Nil(t, r.EndAfter)
		require.NotNil(t, r.Day)
		assert.True(t, r.Day.Equal(testDay))
		assert.Equal(t, rec.Policy, r.Policy)
		assert.Equal(t, 32, r.FingerprintLen, "the request's fingerprint guards it")
		if i == 0 {
			assert.Equal(t, rec.Change, r.Change)
			assert.Equal(t, rec.Note, r.Explanation)
		}
	}
	assert.Equal(t, `{"seq":2}`+"\uFFFD", got[1].Change, "a NUL is U+FFFD in the column")
	assert.Equal(t, "\uFFFDnote", got[1].Explanation)
	h, err := s.History(ctx, "contoso", "Munich", 0, 10)
	require.NoError(t, err)
	assert.Equal(t, []activation.Record{c1, c2}, h, "the records keep what the columns cannot")

	calls := 0
	v := auditPolicies(t)
	v.Changes = seqCounting(&calls)
	found, err := verifyAll(t, s, v)
	require.NoError(t, err)
	assert.Empty(t, found)
	assert.Equal(t, 2, calls, "Verify checks each change with Verifier.Changes")
}

// verifyAll runs the Store's audit under v and returns every finding.
func verifyAll(t *testing.T, s *pgledger.Store, v activation.Verifier) ([]activation.Finding, error) {
	t.Helper()
	var found []activation.Finding
	_, err := s.Verify(context.Background(), v, func(f activation.Finding) error {
		found = append(found, f)
		return nil
	})
	return found, err
}

// TestKindCheckedAgainstTheRecord: the table refuses a row whose kind is
// not what its record's bytes are (a change record is encoding version 3),
// or whose change column is not there exactly for a change.
func TestKindCheckedAgainstTheRecord(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	change, err := changeRec("contoso", "Munich", "check-1", 1).MarshalBinary()
	require.NoError(t, err)
	sub, err := auditChain("contoso", 0, 1)[0].MarshalBinary()
	require.NoError(t, err)
	for name, row := range map[string]struct {
		kind   int16
		change any
		record []byte
	}{
		"a change as kind 0":         {0, "{}", change},
		"a change as kind 0, bare":   {0, nil, change},
		"a change without its text":  {1, nil, change},
		"a subscription as kind 1":   {1, "{}", sub},
		"a subscription with a text": {0, "{}", sub},
		"a kind not defined":         {2, "{}", change},
	} {
		_, err := s.Pool().Exec(ctx, `INSERT INTO coterm_records (tenant, product, seq, operation, applied,
    seats_before, seats_after, policy, recorded_at, record, kind, change)
VALUES ('contoso', 'Munich', 1, 'change', 'change', 0, 0, 'p', now(), $1, $2, $3)`, row.record, row.kind, row.change)
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr, name)
		assert.Equal(t, "23514", pgErr.Code, "%s: a check violation", name)
		assert.Equal(t, "coterm_records_kind_check", pgErr.ConstraintName, name)
	}
	assert.Empty(t, tableBytes(t, s))
}

// TestVerifyChecksKinds: with the table's check dropped, a kind or change
// column that is not the record's is a BreakStore, and a subscription
// record copied into a chain of changes breaks its link, as does the
// change after it.
func TestVerifyChecksKinds(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	appendChanges(t, s, changeRec("contoso", "Munich", "vk-1", 1), changeRec("contoso", "Munich", "vk-2", 2))
	tamper(t, s, `ALTER TABLE coterm_records DROP CONSTRAINT coterm_records_kind_check`)
	tamper(t, s, `UPDATE coterm_records SET change = 'forged' WHERE seq = 1`)
	tamper(t, s, `UPDATE coterm_records SET kind = 0, change = NULL WHERE seq = 2`)
	imp := auditChain("contoso", 0, 1)[0]
	imp.Seq, imp.Outcome.After.Product, imp.Outcome.Before.Product = 3, "Munich", "Munich"
	args, err := pgledger.CopyArgs(imp)
	require.NoError(t, err)
	copyRows(t, s, [][]any{args})
	c4 := changeRec("contoso", "Munich", "vk-4", 4)
	_, _, err = s.Append(ctx, c4)
	require.ErrorIs(t, err, activation.ErrInvalid, "a change after a subscription record")
	args, err = pgledger.CopyArgs(c4)
	require.NoError(t, err)
	copyRows(t, s, [][]any{args})
	found, err := verifyAll(t, s, auditPolicies(t))
	require.NoError(t, err)
	place := func(seq int64) activation.Place {
		return activation.Place{Tenant: "contoso", Product: "Munich", Seq: seq}
	}
	want := []pgWant{
		{place(1), activation.BreakStore, "columns differ from the record: change differs"},
		{place(2), activation.BreakStore, "columns differ from the record: kind 0 (record: 1); change differs"},
		{place(3), activation.BreakLink, "a subscription record after a change record"},
		{place(4), activation.BreakLink, "a change record after a subscription record"},
	}
	require.Len(t, found, len(want), "%v", found)
	for i, w := range want {
		assert.Equal(t, w.place, found[i].Place, "finding %d: %v", i, found[i])
		assert.Equal(t, w.kind, found[i].Kind, "finding %d: %v", i, found[i])
		assert.Contains(t, found[i].Detail, w.detail, "finding %d", i)
	}
}

// TestExportLoadChanges: chains of changes beside subscriptions and a
// claim, exported as JSON lines and loaded into another store, make the
// same rows, byte for byte (the claim's recorded_at aside: its record has
// no time); loading them again changes nothing; a chain
// whose kind changes is refused whole, with its record's number.
func TestExportLoadChanges(t *testing.T) {
	ctx := context.Background()
	src, dst := newStore(t), newStore(t)
	auditBooks(t, src)
	c2 := changeRec("contoso", "Munich", "ex-2", 2)
	c2.Change, c2.Note = `{"seq":2,"nul":"`+"\x00"+`"}`, ""
	appendChanges(t, src, changeRec("contoso", "Munich", "ex-1", 1), c2, changeRec("contoso", "Munich", "ex-3", 3),
		changeRec("fabrikam", "Berlin", "ex-4", 1))
	var buf bytes.Buffer
	n, err := src.ExportJSON(ctx, &buf)
	require.NoError(t, err)
	require.EqualValues(t, 11, n)
	recs := readJSONLines(t, buf.Bytes())
	sum, err := dst.LoadRecords(ctx, seqOf(recs))
	require.NoError(t, err)
	assert.Equal(t, pgledger.LoadRecordsSummary{Stored: 11}, sum)
	assert.Equal(t, rowsAsJSON(t, src), rowsAsJSON(t, dst), "the same rows, every column")
	sum, err = dst.LoadRecords(ctx, seqOf(recs))
	require.NoError(t, err)
	assert.Equal(t, pgledger.LoadRecordsSummary{Present: 11}, sum)
	found, err := verifyAll(t, dst, auditPolicies(t))
	require.NoError(t, err)
	assert.Empty(t, found)

	for name, c := range map[string]struct {
		recs []activation.Record
		why  string
	}{
		"a change after a subscription record": {
			append(recs[:5:5], changeRec("contoso", "M365-E3", "ex-5", 5)), "record 6: a change record after a subscription record"},
		"a subscription record after a change": {
			append(slices.Clone(recs), func() activation.Record {
				imp := auditChain("contoso", 0, 1)[0]
				imp.Seq, imp.Outcome.After.Product, imp.Outcome.Before.Product = 4, "Munich", "Munich"
				return imp
			}()), "record 12: a subscription record after a change record"},
		"a change left out": {append(recs[:7:7], recs[8:]...), "record 8: Seq 2 does not follow"},
	} {
		other := newStore(t)
		_, err := other.LoadRecords(ctx, seqOf(c.recs))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), c.why, name)
		assert.Empty(t, tableBytes(t, other), name)
	}
}

// rowsAsJSON returns every row of coterm_records as JSON, in id order: all
// its columns, but recorded_at for a record that has no time (a Redeemer's
// claim), where it is the time of its insert.
func rowsAsJSON(t *testing.T, s *pgledger.Store) []string {
	t.Helper()
	rows, err := s.Pool().Query(context.Background(), `SELECT CASE WHEN seq IS NULL THEN to_jsonb(r) - 'recorded_at' ELSE to_jsonb(r) END::text
FROM coterm_records r ORDER BY id`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

// TestLoadRefusesAChainOfChanges: a row of a history loaded at a place
// that holds a chain of changes is refused (not a subscription), and so
// are the later rows of that place; nothing is stored there.
func TestLoadRefusesAChainOfChanges(t *testing.T) {
	s := newStore(t)
	c := changeRec("contoso", "M365-E3", "load-1", 1)
	appendChanges(t, s, c)
	got, sum := load(t, s, []pgledger.LoadRow{
		importRow(1, day(2026, 1, 15), "contoso", 100, day(2027, 1, 15)),
		keyRow(2, day(2026, 3, 1), "contoso", testKey(t, "LC", 1), 25, activation.AddSeats),
		importRow(3, day(2026, 1, 15), "fabrikam", 100, day(2027, 1, 15)),
	})
	assert.Equal(t, pgledger.LoadSummary{Rows: 3, Imported: 1, Refused: 2}, sum)
	assert.Equal(t, pgledger.LoadRefused, got[1].Status)
	assert.Contains(t, got[1].Reason, "the place holds a chain of change records")
	assert.Equal(t, pgledger.LoadRefused, got[2].Status)
	h, err := s.History(context.Background(), "contoso", "M365-E3", 0, 10)
	require.NoError(t, err)
	assert.Equal(t, []activation.Record{c}, h)
}

// connIn returns a connection of pool whose search path is schema; the
// caller releases it.
func connIn(t *testing.T, pool *pgxpool.Pool, schema string) *pgxpool.Conn {
	t.Helper()
	conn, err := pool.Acquire(context.Background())
	require.NoError(t, err)
	_, err = conn.Exec(context.Background(), "SET search_path TO "+schema)
	require.NoError(t, err)
	return conn
}

// TestMigrateToKinds: a database at schema version 4 with records is
// upgraded by Open: every row is a subscription's (kind 0), the audit
// finds nothing, and the store takes chains of changes beside them. A
// version-4 database that holds a change record (written by a build that
// read version-3 records before the kind column existed) is not upgraded:
// the check refuses it and nothing changes.
func TestMigrateToKinds(t *testing.T) {
	ctx := context.Background()
	for _, withChange := range []bool{false, true} {
		schema := freshSchema(t)
		pool := adminPool(t)
		conn := connIn(t, pool, schema)
		_, err := conn.Exec(ctx, `CREATE TABLE coterm_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
		require.NoError(t, err)
		for i, m := range pgledger.Migrations[:4] {
			_, err = conn.Exec(ctx, m)
			require.NoError(t, err, "migration %d", i+1)
			_, err = conn.Exec(ctx, `INSERT INTO coterm_migrations (version) VALUES ($1)`, i+1)
			require.NoError(t, err)
		}
		recs := auditChain("contoso", 0, 3)
		if withChange {
			recs = append(recs, changeRec("contoso", "Munich", "mig-1", 1))
		}
		for _, rec := range recs {
			args, err := pgledger.InsertArgs(rec)
			require.NoError(t, err)
			_, err = conn.Exec(ctx, `INSERT INTO coterm_records (tenant, product, seq, key_tail, fingerprint, operation, applied, day,
    seats_before, end_before, seats_after, end_after, policy, recorded_at, record, key_seats, explanation)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`, args[:17]...)
			require.NoError(t, err)
		}
		conn.Release()

		s, err := pgledger.Open(ctx, schemaURL(adminURL, schema, nil))
		if withChange {
			var pgErr *pgconn.PgError
			require.ErrorAs(t, err, &pgErr, "a version-4 database with a change record")
			assert.Equal(t, "coterm_records_kind_check", pgErr.ConstraintName)
			assert.Contains(t, err.Error(), "migration 5")
			var v int
			require.NoError(t, pool.QueryRow(ctx, `SELECT max(version) FROM `+schema+`.coterm_migrations`).Scan(&v))
			assert.Equal(t, 4, v, "a failed migration changes nothing")
			continue
		}
		require.NoError(t, err)
		t.Cleanup(s.Close)
		var kinds []int16
		rows, err := s.Pool().Query(ctx, `SELECT kind FROM coterm_records ORDER BY id`)
		require.NoError(t, err)
		kinds, err = pgx.CollectRows(rows, pgx.RowTo[int16])
		require.NoError(t, err)
		assert.Equal(t, []int16{0, 0, 0}, kinds)
		found, err := verifyAll(t, s, auditPolicies(t))
		require.NoError(t, err)
		assert.Empty(t, found)
		appendChanges(t, s, changeRec("contoso", "Munich", "mig-1", 1))
		heads, err := s.Heads(ctx, time.Time{}, time.Time{})
		require.NoError(t, err)
		require.Len(t, heads, 1)
		assert.Equal(t, "M365-E3", heads[0].Outcome.After.Product)
	}
}

// TestHeadsReadNoChanges: the index of Heads (and so of Due) holds no
// change record, so that the subscriptions with no end date are found
// without reading the chains of changes, which have none either: on a
// table of 2,000 change records, the branch of Heads that finds the
// subscriptions with no term reads no row of the index to drop it.
func TestHeadsReadNoChanges(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	var rows [][]any
	for seq := int64(1); seq <= 2000; seq++ {
		args, err := pgledger.CopyArgs(changeRec("contoso", "Munich", fmt.Sprint("idx-", seq), seq))
		require.NoError(t, err)
		rows = append(rows, args)
	}
	copyRows(t, s, rows)
	_, err := s.Pool().Exec(ctx, `ANALYZE coterm_records`)
	require.NoError(t, err)
	tx, err := s.Pool().Begin(ctx)
	require.NoError(t, err)
	defer func() { require.NoError(t, tx.Rollback(ctx)) }()
	_, err = tx.Exec(ctx, `SET LOCAL enable_seqscan = off`)
	require.NoError(t, err)
	var plan []byte
	require.NoError(t, tx.QueryRow(ctx, `EXPLAIN (ANALYZE, FORMAT JSON) `+pgledger.HeadsSQL(false, true), day(2030, 1, 1)).Scan(&plan))
	var nodes []map[string]any
	require.NoError(t, json.Unmarshal(plan, &nodes))
	var read float64
	var walk func(n any)
	walk = func(n any) {
		node, _ := n.(map[string]any)
		if a, _ := node["Alias"].(string); a == "r" || strings.HasPrefix(a, "r_") { // r_1: the second branch's
			removed, _ := node["Rows Removed by Filter"].(float64)
			actual, _ := node["Actual Rows"].(float64)
			read += removed + actual
		}
		subs, _ := node["Plans"].([]any)
		for _, sub := range subs {
			walk(sub)
		}
	}
	walk(nodes[0]["Plan"])
	require.Zero(t, read, "Heads read change records:\n%s", plan)
}

// TestBatchOfTwoKinds: a batch of records of two kinds is refused before
// anything is sent, saying so; nothing is stored.
func TestBatchOfTwoKinds(t *testing.T) {
	s := newStore(t)
	imp := auditChain("contoso", 0, 1)[0]
	imp.Seq, imp.Outcome.After.Product, imp.Outcome.Before.Product = 2, "Munich", "Munich"
	_, err := s.AppendBatch(context.Background(), []activation.Record{changeRec("contoso", "Munich", "two-1", 1), imp})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "record 2 is of another kind than record 1")
	assert.Empty(t, tableBytes(t, s))
}
