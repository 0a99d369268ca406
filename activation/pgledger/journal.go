package pgledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// The SQL a Store runs. Every statement runs on its own (autocommit), so no
// pooled connection is held between two of them.
const (
	// sqlInsert inserts a record unless it would leave a gap in its
	// history or follow a record of another kind: a record with a place
	// ($3) past 1 goes in only if its predecessor is there and of its kind
	// ($18), checked in the same statement. A claim has no place (NULL) and
	// so no predecessor.
	sqlInsert = `INSERT INTO coterm_records (tenant, product, seq, key_tail, fingerprint, operation, applied, day,
    seats_before, end_before, seats_after, end_after, policy, recorded_at, record, key_seats, explanation, kind, change)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, coalesce($14, now()), $15, $16, $17, $18, $19
WHERE $3::bigint IS NULL OR $3 = 1 OR EXISTS (SELECT 1 FROM coterm_records p
    WHERE p.tenant = $1 AND p.product = $2 AND p.seq = $3 - 1 AND p.kind = $18)
ON CONFLICT DO NOTHING`

	// sqlTaken reads, in a new statement and so a new snapshot, why an
	// insert did nothing: the record that holds its key (first) or its
	// place, if any, and the kind of the record before its place (NULL:
	// none, a gap if the place is past 1). It always returns one row.
	sqlTaken = `SELECT t.record, t.same_key,
    (SELECT p.kind FROM coterm_records p WHERE p.tenant = $2 AND p.product = $3 AND p.seq = $4 - 1)
FROM (SELECT 1) one LEFT JOIN LATERAL (
    SELECT record, fingerprint = $1 AS same_key FROM coterm_records
    WHERE fingerprint = $1 OR (tenant = $2 AND product = $3 AND seq = $4)
    ORDER BY fingerprint = $1 DESC NULLS LAST LIMIT 1) t ON true`

	sqlLookup = `SELECT record FROM coterm_records WHERE fingerprint = $1`

	sqlHead = `SELECT record FROM coterm_records
WHERE tenant = $1 AND product = $2 AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1`

	sqlHistory = `SELECT record FROM coterm_records
WHERE tenant = $1 AND product = $2 AND seq > $3 ORDER BY seq LIMIT $4`

	// sqlHeadsBranch finds the subscription records (kind 0) whose end date
	// meets a condition through the index coterm_records_due, and keeps
	// those that are their subscription's head (no later record: one probe
	// of the place key).
	// sqlHeads orders the union of one or two such branches (a condition
	// with OR would read the whole index).
	sqlHeadsBranch = `SELECT r.record, r.tenant, r.product FROM coterm_records r
WHERE r.seq IS NOT NULL AND r.kind = 0 AND %s
AND NOT EXISTS (SELECT 1 FROM coterm_records n
    WHERE n.tenant = r.tenant AND n.product = r.product AND n.seq > r.seq)`
	sqlHeads = `SELECT h.record FROM (%s) h ORDER BY h.tenant, h.product`
)

// errPlaceTakenByClaim is the answer of Claim when the record's place is
// taken by another key's record: a Ledger cannot say that.
// errGap is the answer of Append when no record holds the Seq before the
// record's: it would leave a gap in the history, and nothing was stored.
var errGap = fmt.Errorf("pgledger: append: %w: no record holds the Seq before the record's; nothing was recorded", activation.ErrGap)

var errPlaceTakenByClaim = errors.New("pgledger: claim: the record's place in its history is taken by another record")

// Append implements [activation.Journal]: it inserts rec with INSERT … ON
// CONFLICT DO NOTHING and, when that inserted nothing, reads the record that
// holds rec's key (first) or place in a new statement, as [activation.Taken]
// says. rec.Seq must be 1 or more; a record with the zero Fingerprint (an
// import) guards no key (NULL). A record with Seq more than 1 goes in only
// if a record holds Seq − 1, checked by the insert itself: otherwise
// nothing is stored and the error wraps [activation.ErrGap] (a taken key,
// then a taken place, is the answer before a gap); one whose predecessor is
// of another [activation.RecordKind] is refused by the insert too, with an
// error wrapping [activation.ErrInvalid]. Serialization failures and
// deadlocks are retried.
func (s *Store) Append(ctx context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	switch {
	case rec.Seq < 1:
		return activation.Record{}, activation.NothingTaken, errors.New("pgledger: append: the record's Seq must be 1 or more")
	case !rec.Replaces.IsZero():
		return activation.Record{}, activation.NothingTaken, errors.New("pgledger: append: a replacement is appended with AppendBatch, which claims the key it replaces")
	}
	args, err := insertArgs(rec)
	if err != nil {
		return activation.Record{}, activation.NothingTaken, fmt.Errorf("pgledger: append: %w", err)
	}
	stored, taken, err := s.append(ctx, rec, args)
	if err != nil {
		return activation.Record{}, activation.NothingTaken, appendError("append", err)
	}
	return stored, taken, nil
}

// Claim implements [activation.Ledger] on the same table as [Store.Append]:
// one set of spent keys. A record with Seq 0 (what a Redeemer claims) takes
// no place in any history.
func (s *Store) Claim(ctx context.Context, rec activation.Record) (activation.Record, bool, error) {
	if rec.Fingerprint.IsZero() {
		return activation.Record{}, false, errors.New("pgledger: claim: the record has no key fingerprint")
	}
	args, err := insertArgs(rec)
	if err != nil {
		return activation.Record{}, false, fmt.Errorf("pgledger: claim: %w", err)
	}
	stored, taken, err := s.append(ctx, rec, args)
	switch {
	case err != nil:
		return activation.Record{}, false, wrapWrite("claim", err)
	case taken == activation.PlaceTaken:
		return activation.Record{}, false, errPlaceTakenByClaim
	}
	return stored, taken == activation.NothingTaken, nil
}

func (s *Store) append(ctx context.Context, rec activation.Record, args []any) (stored activation.Record, taken activation.Taken, err error) {
	// A caller's cancellation must not cut the insert's commit (see Append).
	wctx, cancel := s.commitContext(ctx)
	defer cancel()
	err = retry(ctx, func() error {
		for range maxAttempts {
			tag, err := s.pool.Exec(wctx, sqlInsert, args...)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 1 {
				stored, taken = rec, activation.NothingTaken
				return nil
			}
			found := false
			if stored, taken, found, err = takenBy(wctx, s.pool, args); err != nil || found {
				return err
			}
			// What conflicted is gone (an insert that rolled back), or the
			// predecessor that was missing has been committed since.
		}
		return errConflictsGone
	})
	return stored, taken, err
}

var errConflictsGone = errors.New("the insert kept conflicting with records that were not there")

// takenBy reads, in a new statement, why the insert of args stored nothing:
// the record holding its key or place. found is false if there is none and
// the place would leave no gap and follow a record of its kind; a gap is
// errGap, a record of another kind before the place a *kindError.
func takenBy(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, args []any) (stored activation.Record, taken activation.Taken, found bool, err error) {
	var b []byte
	var sameKey *bool
	var prevKind *int16
	if err = q.QueryRow(ctx, sqlTaken, args[4], args[0], args[1], args[2]).Scan(&b, &sameKey, &prevKind); err != nil {
		return stored, taken, false, err
	}
	if b == nil {
		seq, _ := args[2].(int64)
		return stored, taken, false, placeError(seq, prevKind, args[argKind].(int16))
	}
	if stored, err = decode(b); err != nil {
		return stored, taken, false, err
	}
	taken = activation.PlaceTaken
	if sameKey != nil && *sameKey {
		taken = activation.KeyTaken
	}
	return stored, taken, true, nil
}

// The places in insertArgs of the values of the kind and change columns.
const (
	argKind   = 17
	argChange = 18
)

// insertArgs returns the values of sqlInsert's parameters for rec: a
// change record's operation and applied columns read "change", its
// explanation is its Note and its key_seats NULL.
func insertArgs(rec activation.Record) ([]any, error) {
	if rec.Fingerprint.IsZero() && rec.Seq == 0 {
		return nil, errors.New("the record has neither a key fingerprint nor a place")
	}
	if rec.Seq < 0 {
		return nil, errors.New("the record's Seq is negative")
	}
	b, err := encodeRecord(rec)
	if err != nil {
		return nil, err
	}
	o := rec.Outcome
	tenant, product := o.After.Tenant, o.After.Product
	var seq, fp, tail any
	if rec.Seq > 0 {
		// The place is a unique key: it must be stored as it is.
		if !validText(tenant) || !validText(product) {
			return nil, errors.New("the record's tenant or product is not valid UTF-8 text without NUL")
		}
		seq = rec.Seq
	} else {
		tenant, product = columnText(tenant), columnText(product)
	}
	if !rec.Fingerprint.IsZero() {
		fp = rec.Fingerprint[:]
	}
	if rec.KeyTail != "" {
		tail = columnText(rec.KeyTail)
	}
	var recordedAt any
	if y := rec.RecordedAt.Year(); !rec.RecordedAt.IsZero() && y >= 1 && y <= 9999 {
		recordedAt = rec.RecordedAt
	}
	var op, applied, explanation string
	var seats, change any
	if rec.Kind == activation.SubscriptionRecord {
		op, applied, explanation, seats = o.Op.String(), o.Applied.String(), o.Explain(), keySeats(&o)
	} else {
		op, applied, explanation, change = rec.Kind.String(), rec.Kind.String(), rec.Note, columnText(rec.Change)
	}
	return []any{
		tenant, product, seq, tail, fp,
		columnText(op), columnText(applied), date(o.At),
		int64(o.Before.Seats), date(o.Before.End), int64(o.After.Seats), date(o.After.End),
		columnText(rec.Policy), recordedAt, b, seats, columnText(explanation), int16(rec.Kind), change,
	}, nil
}

// replacementArgs returns the values of replaces_tail and replacement_claim
// for rec: for a replacement, the replaced key's tail (NULL if it has none)
// and [activation.Record.ReplacementClaim]; NULL and NULL for every other
// record.
func replacementArgs(rec *activation.Record) (tail, claim any) {
	c := rec.ReplacementClaim()
	if c.IsZero() {
		return nil, nil
	}
	if rec.ReplacesTail != "" {
		tail = columnText(rec.ReplacesTail)
	}
	return tail, c[:]
}

// validText reports whether PostgreSQL can store s as text as it is.
func validText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// columnText returns s as PostgreSQL can store it as text, for the columns
// people read; the record itself keeps s exactly.
func columnText(s string) string {
	if validText(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// The years of the dates the date columns hold: [date] stores any other as
// NULL. PostgreSQL's own range is wider (4713 BC to 5874897 AD).
const (
	minColumnYear = -4700
	maxColumnYear = 5_000_000
)

// date returns t's calendar date in its own location, or NULL for the zero
// time and dates outside the years minColumnYear … maxColumnYear.
func date(t time.Time) pgtype.Date {
	if t.IsZero() {
		return pgtype.Date{}
	}
	y, m, d := t.Date()
	if y < minColumnYear || y > maxColumnYear {
		return pgtype.Date{}
	}
	return pgtype.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), Valid: true}
}

// boundDate returns t's calendar date in its own location as a bound to
// compare the date columns with, never NULL (which would compare with
// nothing): a date before every date a column holds is the first of
// minColumnYear, one after every such date the first of maxColumnYear + 1,
// so that such a bound includes or excludes every date as t would.
func boundDate(t time.Time) pgtype.Date {
	y, m, d := t.Date()
	switch {
	case y < minColumnYear:
		y, m, d = minColumnYear, time.January, 1
	case y > maxColumnYear:
		y, m, d = maxColumnYear+1, time.January, 1
	}
	return pgtype.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), Valid: true}
}

func decode(b []byte) (activation.Record, error) {
	rec, err := decodeRecord(b)
	if err != nil {
		return activation.Record{}, fmt.Errorf("a stored record cannot be read: %w", err)
	}
	return rec, nil
}

// Lookup implements [activation.Ledger] and [activation.Journal]: the record
// of the key whose fingerprint is fp, whether a Book or a Redeemer made it.
func (s *Store) Lookup(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	if fp.IsZero() {
		return activation.Record{}, false, nil
	}
	rec, ok, err := s.one(ctx, sqlLookup, fp[:])
	return rec, ok, wrap("lookup", err)
}

// Head implements [activation.Journal]: one probe of the place key.
func (s *Store) Head(ctx context.Context, tenant, product string) (activation.Record, bool, error) {
	if !validText(tenant) || !validText(product) {
		return activation.Record{}, false, nil // such a place cannot be stored
	}
	rec, ok, err := s.one(ctx, sqlHead, tenant, product)
	return rec, ok, wrap("head", err)
}

// one reads the record that sql selects, if any.
func (s *Store) one(ctx context.Context, sql string, args ...any) (rec activation.Record, ok bool, err error) {
	err = retry(ctx, func() error {
		var b []byte
		err := s.pool.QueryRow(ctx, sql, args...).Scan(&b)
		if errors.Is(err, pgx.ErrNoRows) {
			ok = false
			return nil
		}
		if err != nil {
			return err
		}
		rec, err = decode(b)
		ok = err == nil
		return err
	})
	return rec, ok, err
}

// History implements [activation.Journal]: one page, read in one statement
// whose connection goes back to the pool before History returns.
func (s *Store) History(ctx context.Context, tenant, product string, afterSeq int64, limit int) ([]activation.Record, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("pgledger: history: limit must be positive")
	}
	if !validText(tenant) || !validText(product) {
		return nil, nil
	}
	recs, err := s.many(ctx, s.reads(), sqlHistory, tenant, product, afterSeq, limit)
	return recs, wrap("history", err)
}

// Heads implements [activation.Journal]. The dates are from's and to's
// calendar dates in their own locations.
func (s *Store) Heads(ctx context.Context, from, to time.Time) ([]activation.Record, error) {
	var args []any
	if !from.IsZero() {
		args = append(args, boundDate(from))
	}
	if !to.IsZero() {
		args = append(args, boundDate(to))
	}
	recs, err := s.many(ctx, s.reads(), headsSQL(!from.IsZero(), !to.IsZero()), args...)
	return recs, wrap("heads", err)
}

// headsSQL returns the SQL of Heads with a lower bound ($1), an upper bound
// ($1 or $2), both or neither. A subscription with no term (NULL end) is
// below every upper bound: with an upper bound alone, it is found by a
// branch of its own, so that each branch searches the index.
func headsSQL(from, to bool) string {
	var conds []string
	switch {
	case from && to:
		conds = []string{"r.end_after >= $1 AND r.end_after < $2"}
	case from:
		conds = []string{"r.end_after >= $1"}
	case to:
		conds = []string{"r.end_after < $1", "r.end_after IS NULL"}
	default:
		conds = []string{"true"}
	}
	branches := make([]string, len(conds))
	for i, c := range conds {
		branches[i] = fmt.Sprintf(sqlHeadsBranch, c)
	}
	return fmt.Sprintf(sqlHeads, strings.Join(branches, "\nUNION ALL\n"))
}

// many reads every record that sql selects.
func (s *Store) many(ctx context.Context, pool *pgxpool.Pool, sql string, args ...any) (recs []activation.Record, err error) {
	err = retry(ctx, func() error {
		rows, err := pool.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		bs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
		if err != nil {
			return err
		}
		recs = make([]activation.Record, 0, len(bs))
		for _, b := range bs {
			rec, err := decode(b)
			if err != nil {
				return err
			}
			recs = append(recs, rec)
		}
		return nil
	})
	return recs, err
}

// encodeRecord returns the lossless encoding of rec that the record column
// keeps; a record holding a product key is an error that does not show it.
func encodeRecord(rec activation.Record) ([]byte, error) { return rec.MarshalBinary() }

func decodeRecord(b []byte) (activation.Record, error) {
	var rec activation.Record
	err := rec.UnmarshalBinary(b)
	return rec, err
}
