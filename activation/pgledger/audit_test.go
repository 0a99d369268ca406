package pgledger_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// auditPolicies maps every preset's name to the preset.
func auditPolicies(t testing.TB) activation.Verifier {
	t.Helper()
	m := map[string]activation.Policy{}
	for _, name := range activation.PolicyNames() {
		p, err := activation.PolicyByName(name)
		require.NoError(t, err)
		m[name] = p
	}
	return activation.Verifier{Policies: m}
}

// auditBooks writes, through Books and a Redeemer on s:
//
//	"contoso" "M365-E3" (partner-center): #1 import 100 seats, #2 add 25,
//	    #3 extend by 50, #4 add 10
//	"fabrikam" "Visio" (open-2014): #1 activate 10, #2 early renewal
//	and a key claimed outside any history by a Redeemer (tenant "northwind").
func auditBooks(t *testing.T, s *pgledger.Store) {
	t.Helper()
	ctx := context.Background()
	pc := &activation.Book{Policy: activation.PartnerCenter(), Journal: s}
	open := &activation.Book{Policy: activation.Open2014(), Journal: s}
	require.NoError(t, pc.Import(ctx, activation.Subscription{Tenant: "contoso", Product: "M365-E3", Seats: 100, End: day(2027, 1, 15)}, day(2026, 1, 15)))
	redeem := func(b *activation.Book, tenant, product string, key, seats int, op activation.Operation, at time.Time) {
		t.Helper()
		_, err := b.Redeem(ctx, tenant, product, token.Token{Key: testKey(t, "AUDIT", key), Product: product, Seats: seats}, op, at)
		require.NoError(t, err)
	}
	redeem(pc, "contoso", "M365-E3", 1, 25, activation.AddSeats, day(2026, 3, 1))
	redeem(pc, "contoso", "M365-E3", 2, 50, activation.ExtendEnd, day(2026, 5, 1))
	redeem(pc, "contoso", "M365-E3", 3, 10, activation.AddSeats, day(2026, 6, 1))
	redeem(open, "fabrikam", "Visio", 4, 10, activation.Activate, day(2026, 1, 10))
	redeem(open, "fabrikam", "Visio", 5, 10, activation.Renew, day(2027, 1, 1))
	r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: s}
	_, err := r.Redeem(ctx, activation.Subscription{Tenant: "northwind", Product: "M365-E3", Seats: 10, End: day(2027, 1, 1)},
		token.Token{Key: testKey(t, "AUDIT", 6), Product: "M365-E3", Seats: 5}, activation.AddSeats, day(2026, 6, 1))
	require.NoError(t, err)
}

// storeVerify runs the Store's audit and returns every finding.
func storeVerify(t *testing.T, s *pgledger.Store) ([]activation.Finding, activation.AuditSummary) {
	t.Helper()
	var found []activation.Finding
	sum, err := s.Verify(context.Background(), auditPolicies(t), func(f activation.Finding) error {
		found = append(found, f)
		return nil
	})
	require.NoError(t, err)
	return found, sum
}

// tamper runs sql on s's table as its owner, with the append-only trigger
// off for the statement: what someone with the database's password can do.
func tamper(t *testing.T, s *pgledger.Store, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	tx, err := s.Pool().Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `ALTER TABLE coterm_records DISABLE TRIGGER coterm_records_append_only`)
	require.NoError(t, err)
	tag, err := tx.Exec(ctx, sql, args...)
	require.NoError(t, err, sql)
	if !strings.HasPrefix(sql, "ALTER") {
		require.NotZero(t, tag.RowsAffected(), sql)
	}
	_, err = tx.Exec(ctx, `ALTER TABLE coterm_records ENABLE TRIGGER coterm_records_append_only`)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
}

// rewrite replaces the row at (tenant, product, seq) with rec, every
// column as the Store writes it: a tamperer who knows the encoding.
func rewrite(t *testing.T, s *pgledger.Store, tenant, product string, seq int64, rec activation.Record) {
	t.Helper()
	args, err := pgledger.InsertArgs(rec)
	require.NoError(t, err)
	tamper(t, s, `UPDATE coterm_records SET (tenant, product, seq, key_tail, fingerprint, operation, applied, day,
    seats_before, end_before, seats_after, end_after, policy, recorded_at, record, key_seats, explanation, kind, change) =
    ($4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
WHERE tenant = $1 AND product = $2 AND seq = $3`, append([]any{tenant, product, seq}, args...)...)
}

// recordAt reads the record at (tenant, product, seq) through the Store.
func recordAt(t *testing.T, s *pgledger.Store, tenant, product string, seq int64) activation.Record {
	t.Helper()
	recs, err := s.History(context.Background(), tenant, product, seq-1, 1)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	return recs[0]
}

type pgWant struct {
	place  activation.Place
	kind   activation.FindingKind
	detail string
}

// TestStoreVerifyFindsTamperedRows tampers with the table directly in SQL —
// a column, the record's bytes, a row deleted, a key given to a second row
// with the unique key dropped — and checks that the Store's audit reports
// exactly what each one breaks (R2 for keys).
func TestStoreVerifyFindsTamperedRows(t *testing.T) {
	needDB(t)
	contoso := func(seq int64) activation.Place {
		return activation.Place{Tenant: "contoso", Product: "M365-E3", Seq: seq}
	}
	fabrikam := func(seq int64) activation.Place {
		return activation.Place{Tenant: "fabrikam", Product: "Visio", Seq: seq}
	}
	claim := activation.Place{Tenant: "northwind", Product: "M365-E3"}
	visioClaim := activation.Place{Tenant: "northwind", Product: "Visio"}
	cases := []pgCase{
		{name: "clean", tamper: func(*testing.T, *pgledger.Store) {}},
		{
			name: "a seats column",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `UPDATE coterm_records SET seats_after = 999 WHERE tenant = 'contoso' AND seq = 2`)
			},
			want: []pgWant{{contoso(2), activation.BreakStore, "columns differ from the record: seats_after 999 (record: 125)"}},
		},
		{
			name: "the end and the day columns",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `UPDATE coterm_records SET end_after = '2030-01-01', day = NULL WHERE tenant = 'fabrikam' AND seq = 1`)
			},
			want: []pgWant{{fabrikam(1), activation.BreakStore, "day NULL (record: 2026-01-10); end_after 2030-01-01 (record: 2027-01-10)"}},
		},
		{
			name: "text columns are named, never quoted",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `UPDATE coterm_records SET policy = 'PGLDG-SECRT-00000-TESTK-00001', key_tail = NULL, operation = 'renew' WHERE tenant = 'contoso' AND seq = 3`)
			},
			want: []pgWant{{contoso(3), activation.BreakStore, "columns differ from the record: key_tail differs; operation differs; policy differs"}},
		},
		{
			name: "a fingerprint column",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `UPDATE coterm_records SET fingerprint = sha256('another key') WHERE tenant = 'contoso' AND seq = 2`)
			},
			want: []pgWant{{contoso(2), activation.BreakStore, "columns differ from the record: fingerprint differs"}},
		},
		{
			name: "the columns of a key claimed outside any history",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `UPDATE coterm_records SET seats_before = 11 WHERE seq IS NULL`)
			},
			want: []pgWant{{claim, activation.BreakStore, "seats_before 11 (record: 10)"}},
		},
		{
			name: "recorded_at",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `UPDATE coterm_records SET recorded_at = recorded_at + interval '1 microsecond' WHERE tenant = 'contoso' AND seq = 4`)
			},
			want: []pgWant{{contoso(4), activation.BreakStore, "recorded_at "}},
		},
		{
			name: "an Outcome rewritten with every column to match",
			tamper: func(t *testing.T, s *pgledger.Store) {
				rec := recordAt(t, s, "contoso", "M365-E3", 2)
				rec.Outcome.After.Seats = 500
				rewrite(t, s, "contoso", "M365-E3", 2, rec)
			},
			want: []pgWant{
				{contoso(2), activation.BreakOutcome, "After.Seats 500, recomputed 125"},
				{contoso(3), activation.BreakLink, "the previous record's After is 500 seats"},
			},
		},
		{
			name: "a record's bytes that are not a record",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `UPDATE coterm_records SET record = '\x0900'::bytea WHERE tenant = 'contoso' AND seq = 2`)
			},
			want: []pgWant{{contoso(2), activation.BreakUnreadable, "the record column holds no record this program reads"}},
		},
		{
			name: "a row deleted",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `DELETE FROM coterm_records WHERE tenant = 'contoso' AND seq = 3`)
			},
			want: []pgWant{{contoso(3), activation.BreakSequence, "Seq 3 is missing: the history goes on at Seq 4"}},
		},
		{
			name: "a key recorded twice, the unique key dropped",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `ALTER TABLE coterm_records DROP CONSTRAINT coterm_records_fingerprint_key`)
				rec := recordAt(t, s, "fabrikam", "Visio", 2)
				rec.Fingerprint = testKey(t, "AUDIT", 1).Fingerprint() // contoso #2's key
				rewrite(t, s, "fabrikam", "Visio", 2, rec)
			},
			want: []pgWant{{fabrikam(2), activation.BreakDuplicateKey, `the same key is recorded at "contoso" "M365-E3" #2`}},
		},
		{
			name: "a key of a history also claimed, the unique key dropped",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `ALTER TABLE coterm_records DROP CONSTRAINT coterm_records_fingerprint_key`)
				tamper(t, s, `INSERT INTO coterm_records (tenant, product, seq, key_tail, fingerprint, operation, applied, day,
    seats_before, end_before, seats_after, end_after, policy, recorded_at, record)
SELECT 'northwind', product, NULL, key_tail, fingerprint, operation, applied, day,
    seats_before, end_before, seats_after, end_after, policy, recorded_at, record
FROM coterm_records WHERE tenant = 'fabrikam' AND seq = 1`)
			},
			want: []pgWant{
				{visioClaim, activation.BreakStore, "columns differ from the record: tenant differs; seq NULL (record: 1)"},
				{visioClaim, activation.BreakDuplicateKey, `the same key is recorded at "fabrikam" "Visio" #1`},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			auditBooks(t, s)
			c.tamper(t, s)
			found, sum := storeVerify(t, s)
			requirePgFindings(t, c.want, found)
			require.EqualValues(t, len(c.want), sum.Breaks)
			require.EqualValues(t, 2, sum.Chains)

			// An error of found stops the audit at the first finding, in
			// whichever step made it, and is returned.
			stop := errors.New("stop")
			calls := 0
			_, err := s.Verify(context.Background(), auditPolicies(t), func(activation.Finding) error { calls++; return stop })
			if len(c.want) == 0 {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, stop)
			require.Equal(t, 1, calls)
		})
	}
}

// TestStoreVerifyAgreesWithJournalVerify: on a clean store and on one with
// a tampered Outcome, the Store's own audit and activation's audit through
// the Journal interface report the same findings and counts.
func TestStoreVerifyAgreesWithJournalVerify(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	s := newStore(t)
	auditBooks(t, s)
	for round := range 2 {
		if round == 1 {
			rec := recordAt(t, s, "fabrikam", "Visio", 1)
			rec.Outcome.After.End = day(2027, 2, 1)
			rewrite(t, s, "fabrikam", "Visio", 1, rec)
		}
		fromStore, sum := storeVerify(t, s)
		var fromJournal []activation.Finding
		jsum, err := auditPolicies(t).Verify(ctx, s, func(f activation.Finding) error {
			fromJournal = append(fromJournal, f)
			return nil
		})
		require.NoError(t, err)
		require.Equal(t, fromJournal, fromStore)
		require.Equal(t, jsum, sum)
		require.EqualValues(t, activation.AuditSummary{Chains: 2, Records: 6, Breaks: int64(2 * round)}, sum)
	}
}

// TestStoreVerifyPages: histories across many pages of the scan, and a
// break at a page's edge.
func TestStoreVerifyPages(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	s := newStore(t)
	const histories, length = 3, 1500 // 4,500 rows: three pages of 2,000
	var rows [][]any
	for h := range histories {
		for _, rec := range auditChain(fmt.Sprintf("tenant-%d", h), h*length, length) {
			args, err := pgledger.CopyArgs(rec)
			require.NoError(t, err)
			rows = append(rows, args)
		}
	}
	copyRows(t, s, rows)
	found, sum := storeVerify(t, s)
	require.Empty(t, found)
	require.Equal(t, activation.AuditSummary{Chains: histories, Records: histories * length}, sum)

	// Row 2,000 of the scan is tenant-1's Seq 500: the last of page one.
	tamper(t, s, `DELETE FROM coterm_records WHERE tenant = 'tenant-1' AND seq = 501`)
	found, _ = storeVerify(t, s)
	require.Len(t, found, 1)
	require.Equal(t, activation.Place{Tenant: "tenant-1", Product: "M365-E3", Seq: 501}, found[0].Place)
	require.Equal(t, activation.BreakSequence, found[0].Kind)

	done, cancel := context.WithCancel(ctx)
	cancel()
	_, err := s.Verify(done, auditPolicies(t), func(activation.Finding) error { return nil })
	require.ErrorIs(t, err, context.Canceled)
}

// auditChain returns the records of a history of tenant as a Book under
// PartnerCenter makes them: an import, then length − 1 add-seats
// redemptions of 1-seat keys numbered from firstKey.
func auditChain(tenant string, firstKey, length int) []activation.Record {
	p := activation.PartnerCenter()
	at := day(2026, 6, 15)
	now := time.Date(2026, 12, 6, 10, 0, 0, 123456789, time.UTC)
	sub := activation.Subscription{Tenant: tenant, Product: "M365-E3", Seats: 100, End: day(2027, 1, 1)}
	recs := make([]activation.Record, 0, length)
	recs = append(recs, activation.Record{Seq: 1, Policy: p.Name, RecordedAt: now, Outcome: activation.Outcome{
		Op: activation.Import, Applied: activation.Import, At: at,
		Before: activation.Subscription{Tenant: tenant, Product: "M365-E3"}, After: sub, StateBefore: activation.None}})
	k := auditStandIn()
	for i := 1; i < length; i++ {
		o, err := p.Apply(sub, token.Token{Key: k, Product: "M365-E3", Seats: 1}, activation.AddSeats, at)
		if err != nil {
			panic(err)
		}
		o.Token.Key = token.Key{}
		fp := auditFingerprint(firstKey + i)
		recs = append(recs, activation.Record{Fingerprint: fp, Request: activation.RequestID(fp), Outcome: o, Seq: int64(i + 1),
			KeyTail: "BENCH", Policy: p.Name, RecordedAt: now})
		sub = o.After
	}
	return recs
}

func auditStandIn() token.Key { return token.MustParseKey("PGLDG-AUDIT-BENCH-TESTK-00000") }

// auditFingerprint is the fingerprint of the n-th key of the audit's bulk
// histories (made without parsing a key for each).
func auditFingerprint(n int) token.Fingerprint {
	var fp token.Fingerprint
	copy(fp[:], fmt.Sprintf("audit-bulk-key-%017d", n))
	return fp
}

// copyRows inserts rows (InsertArgs of records) with COPY.
func copyRows(t testing.TB, s *pgledger.Store, rows [][]any) {
	t.Helper()
	n, err := s.Pool().CopyFrom(context.Background(), []string{"coterm_records"}, pgledger.CopyColumns,
		pgx.CopyFromRows(rows))
	require.NoError(t, err)
	require.EqualValues(t, len(rows), n)
}

// TestVerifyPagesUseIndexes: each page of Verify's scans searches an index
// from where the last page ended, in the index's order, so that a page costs
// its own rows, not the rows before it (see TestIndexesServeReads). The
// table holds 20,000 rows, analysed, so that the plans are those of a table
// that is not empty.
func TestVerifyPagesUseIndexes(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	s := newStore(t)
	var rows [][]any
	for h := range 20 {
		for _, rec := range auditChain(fmt.Sprintf("tenant-%d", h), h*1000, 1000) {
			args, err := pgledger.CopyArgs(rec)
			require.NoError(t, err)
			rows = append(rows, args)
		}
	}
	copyRows(t, s, rows)
	_, err := s.Pool().Exec(ctx, `ANALYZE coterm_records`)
	require.NoError(t, err)
	for _, q := range []struct {
		name, index, cond string
		sql               string
		args              []any
	}{
		{"histories", "coterm_records_place_key", "tenant", pgledger.SQLAuditNext, []any{"tenant-3", "M365-E3", 4, 2000}},
		{"claims", "coterm_records_pkey", "id", pgledger.SQLAuditClaims, []any{100, 1100, 2000}},
	} {
		plan, root := explain(t, s, q.sql, q.args...)
		require.NotContains(t, string(plan), `"Seq Scan"`, "%s reads the whole table:\n%s", q.name, plan)
		require.NotContains(t, string(plan), `"Sort"`, "%s sorts instead of reading the index in order:\n%s", q.name, plan)
		require.True(t, usesIndex(root, q.index, q.cond), "%s does not search %s on %s:\n%s", q.name, q.index, q.cond, plan)
	}
}

// explain returns the plan of sql with args, as JSON and as its root node,
// with sequential scans avoided where the planner can (on a small table it
// would prefer one), so that a query no index serves shows one anyway.
func explain(t *testing.T, s *pgledger.Store, sql string, args ...any) (plan []byte, root any) {
	t.Helper()
	ctx := context.Background()
	tx, err := s.Pool().Begin(ctx)
	require.NoError(t, err)
	defer func() { require.NoError(t, tx.Rollback(ctx)) }()
	_, err = tx.Exec(ctx, `SET LOCAL enable_seqscan = off`)
	require.NoError(t, err)
	require.NoError(t, tx.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+sql, args...).Scan(&plan))
	var nodes []map[string]any
	require.NoError(t, json.Unmarshal(plan, &nodes))
	require.NotEmpty(t, nodes)
	return plan, nodes[0]["Plan"]
}

// TestStoreVerifyRecordedAtUnset: a record without a time PostgreSQL holds
// gets the insert's time in recorded_at, which the column check accepts;
// a Policy that is not valid is refused before anything is read.
func TestStoreVerifyRecordedAtUnset(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	s := newStore(t)
	recs := auditChain("contoso", 0, 3)
	recs[1].RecordedAt = time.Time{}
	recs[2].RecordedAt = time.Date(10_000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, rec := range recs {
		_, taken, err := s.Append(ctx, rec)
		require.NoError(t, err)
		require.Equal(t, activation.NothingTaken, taken)
	}
	found, sum := storeVerify(t, s)
	require.Empty(t, found)
	require.Equal(t, activation.AuditSummary{Chains: 1, Records: 3}, sum)

	v := auditPolicies(t)
	p := v.Policies["partner-center"]
	p.TermMonths = 0
	v.Policies["partner-center"] = p
	_, err := s.Verify(ctx, v, func(activation.Finding) error { return nil })
	require.ErrorIs(t, err, activation.ErrInvalid)
}
