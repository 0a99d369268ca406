package pgledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/coterm/coterm/activation"
)

// The SQL of Verify. Each page is one statement whose connection goes back
// to the pool before its rows are checked.
const (
	auditSelect = `tenant, product, seq, key_tail, fingerprint, operation, applied, day,
    seats_before, end_before, seats_after, end_after, policy, recorded_at, record, key_seats, explanation, kind, change,
    replaces_tail, replacement_claim`

	// sqlAuditFirst and sqlAuditNext read the records of every history in
	// place order, a page at a time, through the place key's index.
	sqlAuditFirst = `SELECT ` + auditSelect + ` FROM coterm_records
WHERE seq IS NOT NULL ORDER BY tenant, product, seq LIMIT $1`
	sqlAuditNext = `SELECT ` + auditSelect + ` FROM coterm_records
WHERE seq IS NOT NULL AND (tenant, product, seq) > ($1, $2, $3) ORDER BY tenant, product, seq LIMIT $4`

	// sqlAuditClaims reads the keys claimed outside any history, a page at a
	// time, by id, in a window of ids ($1, $2]: a search of the primary key,
	// so that the pages together read the table once (a claim has no place:
	// the place key cannot find them).
	sqlAuditClaims = `SELECT id, ` + auditSelect + ` FROM coterm_records
WHERE id > $1 AND id <= $2 AND seq IS NULL ORDER BY id LIMIT $3`
	sqlAuditMaxID = `SELECT coalesce(max(id), 0) FROM coterm_records`

	// sqlAuditDuplicates finds the key fingerprints held by more than one
	// row, a page at a time, with the rows' places in the order they were
	// inserted. With the unique key on fingerprint in place it finds none,
	// in one pass over that key's index; the database does the counting.
	sqlAuditDuplicates = `SELECT fingerprint, array_agg(tenant ORDER BY id), array_agg(product ORDER BY id),
    array_agg(seq ORDER BY id)
FROM coterm_records WHERE fingerprint IS NOT NULL AND fingerprint > $1
GROUP BY fingerprint HAVING count(*) > 1 ORDER BY fingerprint LIMIT $2`
)

// auditPageSize is how many rows Verify reads per statement; claimWindow
// how many ids a statement of step 2 searches.
const (
	auditPageSize = 2000
	claimWindow   = 1 << 14
)

// Verify checks every history in the store as [activation.Verifier.Verify]
// does, and adds the store's own checks, passing each finding to found:
//
//  1. Every history, in one ordered scan of the table (pages of 2,000 rows
//     by tenant, product and seq, through the place key), chains of changes
//     among them: the record's bytes are checked as a history
//     ([activation.Audit.Record]: a change record by v.Changes), bytes
//     that are not a record are [activation.BreakUnreadable], and every
//     column a person reads with psql must be what the record's bytes
//     decode to ([activation.BreakStore] naming the columns that differ,
//     with their values for numbers and dates; text columns are named,
//     never quoted), replaces_tail and replacement_claim (the claim that
//     makes a key's replacement once, R12) included. recorded_at is checked
//     to the microsecond, unless the record has no time PostgreSQL can hold
//     (the column then holds the time of the insert).
//  2. The keys claimed outside any history (seq NULL), by id: their columns
//     and bytes.
//  3. One record per key, by SQL (GROUP BY fingerprint HAVING count(*) >
//     1): every row of a key but the first inserted is
//     [activation.BreakDuplicateKey], naming the first.
//
// Memory is flat in the number of rows: one page at a time, no connection
// held while found runs. The summary counts the histories and their
// records; breaks of every step. An error from the database, ctx or found
// stops the audit and is returned with the summary so far; a Policy of v
// that is not valid is an error before anything is read.
func (s *Store) Verify(ctx context.Context, v activation.Verifier, found func(activation.Finding) error) (activation.AuditSummary, error) {
	a, err := v.Begin(found)
	if err != nil {
		return activation.AuditSummary{}, err
	}
	for _, step := range []func(context.Context, *activation.Audit) error{s.auditHistories, s.auditClaims, s.auditDuplicates} {
		if err := step(ctx, a); err != nil {
			return a.Summary(), err
		}
	}
	return a.Summary(), nil
}

// auditRow is a row of coterm_records as Verify reads it.
type auditRow struct {
	id                 int64
	tenant, product    string
	seq                *int64
	keyTail            *string
	fingerprint        []byte
	operation, applied string
	day                pgtype.Date
	seatsBefore        int64
	endBefore          pgtype.Date
	seatsAfter         int64
	endAfter           pgtype.Date
	policy             string
	recordedAt         time.Time
	record             []byte
	keySeats           *int64  // NULL in rows written before schema version 4
	explanation        *string // likewise
	kind               int16
	change             *string
	replacesTail       *string
	claim              []byte
}

func (r *auditRow) dest() []any {
	return []any{&r.tenant, &r.product, &r.seq, &r.keyTail, &r.fingerprint, &r.operation, &r.applied, &r.day,
		&r.seatsBefore, &r.endBefore, &r.seatsAfter, &r.endAfter, &r.policy, &r.recordedAt, &r.record, &r.keySeats, &r.explanation,
		&r.kind, &r.change, &r.replacesTail, &r.claim}
}

// place returns where the store keeps r: its tenant, product and seq
// columns (Seq 0 for a claim).
func (r *auditRow) place() activation.Place {
	p := activation.Place{Tenant: r.tenant, Product: r.product}
	if r.seq != nil {
		p.Seq = *r.seq
	}
	return p
}

// readPage runs one statement and returns its rows, scanned with scan.
func (s *Store) readPage(ctx context.Context, sql string, withID bool, args ...any) ([]auditRow, error) {
	var page []auditRow
	err := retry(ctx, func() error {
		page = page[:0]
		rows, err := s.pool.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r auditRow
			dest := r.dest()
			if withID {
				dest = append([]any{&r.id}, dest...)
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			page = append(page, r)
		}
		return rows.Err()
	})
	return page, wrap("verify", err)
}

// auditHistories is step 1 of Verify.
func (s *Store) auditHistories(ctx context.Context, a *activation.Audit) error {
	var last *auditRow
	for {
		var page []auditRow
		var err error
		if last == nil {
			page, err = s.readPage(ctx, sqlAuditFirst, false, auditPageSize)
		} else {
			page, err = s.readPage(ctx, sqlAuditNext, false, last.tenant, last.product, *last.seq, auditPageSize)
		}
		if err != nil {
			return err
		}
		for i := range page {
			r := &page[i]
			rec, why := decodeColumn(r)
			var err error
			if why != "" {
				err = a.Unreadable(r.tenant, r.product, *r.seq, why)
			} else if err = auditColumns(a, r, &rec); err == nil {
				err = a.Record(r.tenant, r.product, rec)
			}
			if err != nil {
				return err
			}
		}
		if len(page) < auditPageSize {
			return nil
		}
		last = &page[len(page)-1]
	}
}

// auditClaims is step 2 of Verify: the claims among the rows inserted
// before it began.
func (s *Store) auditClaims(ctx context.Context, a *activation.Audit) error {
	var maxID int64
	err := retry(ctx, func() error { return s.pool.QueryRow(ctx, sqlAuditMaxID).Scan(&maxID) })
	if err != nil {
		return wrap("verify", err)
	}
	for lo := int64(0); lo < maxID; {
		hi := min(lo+claimWindow, maxID)
		page, err := s.readPage(ctx, sqlAuditClaims, true, lo, hi, auditPageSize)
		if err != nil {
			return err
		}
		for i := range page {
			r := &page[i]
			rec, why := decodeColumn(r)
			if why != "" {
				err = a.Report(activation.Finding{Place: r.place(), Kind: activation.BreakUnreadable, Detail: why})
			} else {
				err = auditColumns(a, r, &rec)
			}
			if err != nil {
				return err
			}
		}
		if len(page) == auditPageSize {
			lo = page[len(page)-1].id
		} else {
			lo = hi
		}
	}
	return nil
}

// auditDuplicates is step 3 of Verify.
func (s *Store) auditDuplicates(ctx context.Context, a *activation.Audit) error {
	type group struct {
		fp       []byte
		tenants  []string
		products []string
		seqs     []*int64
	}
	after := []byte{}
	for {
		var page []group
		err := retry(ctx, func() error {
			page = page[:0]
			rows, err := s.pool.Query(ctx, sqlAuditDuplicates, after, auditPageSize)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var g group
				if err := rows.Scan(&g.fp, &g.tenants, &g.products, &g.seqs); err != nil {
					return err
				}
				page = append(page, g)
			}
			return rows.Err()
		})
		if err != nil {
			return wrap("verify", err)
		}
		for _, g := range page {
			if len(g.tenants) != len(g.seqs) || len(g.products) != len(g.seqs) {
				return errors.New("pgledger: verify: the database answered the duplicate keys query with arrays of different lengths")
			}
			places := make([]activation.Place, len(g.seqs))
			for i := range places {
				places[i] = activation.Place{Tenant: g.tenants[i], Product: g.products[i]}
				if g.seqs[i] != nil {
					places[i].Seq = *g.seqs[i]
				}
			}
			for _, dup := range places[1:] {
				if err := a.DuplicateKey(dup, places[0]); err != nil {
					return err
				}
			}
		}
		if len(page) < auditPageSize {
			return nil
		}
		after = page[len(page)-1].fp
	}
}

// recordError returns what UnmarshalBinary said was wrong, which names the
// field and never quotes the bytes.
func recordError(err error) string {
	return strings.TrimPrefix(err.Error(), "activation: record: ")
}

// decodeColumn decodes r's record column, or says why a finding of
// BreakUnreadable names it.
func decodeColumn(r *auditRow) (activation.Record, string) {
	rec, err := decodeRecord(r.record)
	if err != nil {
		return rec, "the record column holds no record this program reads: " + recordError(err)
	}
	return rec, ""
}

// The places of recorded_at and key_seats (explanation follows) in
// auditColumnNames.
const (
	recordedAtColumn = 13
	keySeatsColumn   = 15
)

// auditColumnNames names sqlInsert's columns in the order of insertArgs,
// then replacementArgs's.
var auditColumnNames = [...]string{"tenant", "product", "seq", "key_tail", "fingerprint", "operation", "applied", "day",
	"seats_before", "end_before", "seats_after", "end_after", "policy", "recorded_at", "record", "key_seats", "explanation",
	"kind", "change", "replaces_tail", "replacement_claim"}

// auditColumns reports the columns of r that differ from what the Store
// writes for rec, the record r's bytes decode to (insertArgs and
// replacementArgs: the writer's own mapping, so the two cannot drift apart).
func auditColumns(a *activation.Audit, r *auditRow, rec *activation.Record) error {
	want, err := insertArgs(*rec)
	if err != nil {
		return a.Report(activation.Finding{Place: r.place(), Kind: activation.BreakStore,
			Detail: "the record is not one this store writes: " + err.Error()})
	}
	var seq, tail any
	if r.seq != nil {
		seq = *r.seq
	}
	if r.keyTail != nil {
		tail = *r.keyTail
	}
	var fp, repTail, claim any
	if r.fingerprint != nil {
		fp = r.fingerprint
	}
	if r.replacesTail != nil {
		repTail = *r.replacesTail
	}
	if r.claim != nil {
		claim = r.claim
	}
	repTailWant, claimWant := replacementArgs(rec)
	want = append(want, repTailWant, claimWant)
	got := [...]any{r.tenant, r.product, seq, tail, fp, r.operation, r.applied, r.day,
		r.seatsBefore, r.endBefore, r.seatsAfter, r.endAfter, r.policy, r.recordedAt, r.record, nil, nil, r.kind, nil, repTail, claim}
	if r.keySeats != nil {
		got[keySeatsColumn] = *r.keySeats
	}
	if r.explanation != nil {
		got[keySeatsColumn+1] = *r.explanation
	}
	if r.change != nil {
		got[argChange] = *r.change
	}
	var diff []string
	for i, g := range got {
		switch {
		case i == recordedAtColumn && want[i] == nil:
			continue // the record has no time PostgreSQL holds: the column is the insert's
		case (i == keySeatsColumn || i == keySeatsColumn+1) && r.explanation == nil && r.keySeats == nil:
			continue // a row written before these columns
		}
		if w := want[i]; !sameColumn(w, g) {
			diff = append(diff, columnDiff(auditColumnNames[i], w, g))
		}
	}
	if len(diff) == 0 {
		return nil
	}
	return a.Report(activation.Finding{Place: r.place(), Kind: activation.BreakStore,
		Detail: "columns differ from the record: " + strings.Join(diff, "; ")})
}

// sameColumn reports whether the column value got is the value want that
// insertArgs gives for the record.
func sameColumn(want, got any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case []byte:
		g, ok := got.([]byte)
		return ok && bytes.Equal(w, g)
	case pgtype.Date:
		g, ok := got.(pgtype.Date)
		return ok && w.Valid == g.Valid && w.InfinityModifier == g.InfinityModifier && (!w.Valid || w.Time.Equal(g.Time))
	case time.Time:
		// pgx sends microseconds, truncated; PostgreSQL keeps them.
		g, ok := got.(time.Time)
		return ok && w.Truncate(time.Microsecond).Equal(g)
	}
	return want == got
}

// columnDiff describes one column that differs: its value and the record's
// for numbers and dates, its name alone for text and bytes (which may hold
// anything, even a key).
func columnDiff(name string, want, got any) string {
	text := func(v any) (string, bool) {
		switch v := v.(type) {
		case nil:
			return "NULL", true
		case int64, int16:
			return fmt.Sprint(v), true
		case pgtype.Date:
			if !v.Valid {
				return "NULL", true
			}
			return v.Time.Format(time.DateOnly), true
		case time.Time:
			return v.UTC().Format(time.RFC3339Nano), true
		}
		return "", false
	}
	w, wok := text(want)
	g, gok := text(got)
	if wok && gok {
		return fmt.Sprintf("%s %s (record: %s)", name, g, w)
	}
	return name + " differs"
}
