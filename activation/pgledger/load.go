package pgledger

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// LoadRow is one row of a history that [Store.Load] loads: a redemption of
// Key with Op (Seats: the key's seats), or, with Import set, the state the
// admin portal shows (Seats and End; Key and Op are ignored).
type LoadRow struct {
	Line            int64 // the caller's number for the row (a file's line), reported with its result
	Day             time.Time
	Tenant, Product string
	Import          bool
	Key             token.Key
	Op              activation.Operation
	Seats           int
	End             time.Time
	// Malformed, if not empty, is why the caller could not read the row
	// (never quoting a key): Load reports it rejected, in its place.
	Malformed string
}

// LoadStatus is what became of a [LoadRow]; the zero value is unknown.
type LoadStatus int

const (
	// LoadApplied: the redemption was recorded.
	LoadApplied LoadStatus = iota + 1
	// LoadReplayed: the identical row is recorded already (a key row with
	// the same request, an import row whose state the subscription had on
	// its day): nothing was recorded.
	LoadReplayed
	// LoadImported: the import was recorded.
	LoadImported
	// LoadUnchanged: the import equals the subscription's state; nothing
	// was recorded.
	LoadUnchanged
	// LoadRejected: the rules or the input refuse the row (a bad name, the
	// extension cap, an operation not allowed, a day before an earlier row
	// of the same load); nothing was recorded. Later rows go on.
	LoadRejected
	// LoadRefused: the row conflicts with what the database holds (a key
	// spent elsewhere, a day before a head the load did not write, a place
	// that holds a chain of changes), or an earlier row of its subscription
	// was refused; nothing was recorded, nor is anything of the later rows
	// of that subscription.
	LoadRefused
)

var loadStatusNames = [...]string{LoadApplied: "applied", LoadReplayed: "replayed", LoadImported: "imported",
	LoadUnchanged: "unchanged", LoadRejected: "rejected", LoadRefused: "refused"}

// String returns the status in lower case, or "LoadStatus(n)".
func (s LoadStatus) String() string {
	if s > 0 && int(s) < len(loadStatusNames) {
		return loadStatusNames[s]
	}
	return "LoadStatus(" + strconv.Itoa(int(s)) + ")"
}

// LoadResult is the result of one [LoadRow].
type LoadResult struct {
	Line   int64
	Status LoadStatus
	// Outcome is what the row did (Applied, Imported) or had done (a
	// replayed key row), with the key zero; zero otherwise.
	Outcome activation.Outcome
	// Reason says why a row was rejected or refused, never quoting a key.
	Reason string
}

// LoadSummary counts the rows of a [Store.Load] by status.
type LoadSummary struct {
	Rows, Applied, Replayed, Imported, Unchanged, Rejected, Refused int
}

func (s *LoadSummary) add(st LoadStatus) {
	s.Rows++
	switch st {
	case LoadApplied:
		s.Applied++
	case LoadReplayed:
		s.Replayed++
	case LoadImported:
		s.Imported++
	case LoadUnchanged:
		s.Unchanged++
	case LoadRejected:
		s.Rejected++
	case LoadRefused:
		s.Refused++
	}
}

// loadChunk is how many rows Load computes between two round trips.
const loadChunk = 20_000

const (
	sqlLoadLock = `LOCK TABLE coterm_records IN SHARE ROW EXCLUSIVE MODE`

	// sqlLoadHeads reads the head of each (tenant, product) given.
	sqlLoadHeads = `SELECT h.record FROM unnest($1::text[], $2::text[]) AS c(tenant, product)
CROSS JOIN LATERAL (SELECT r.record FROM coterm_records r
    WHERE r.tenant = c.tenant COLLATE "C" AND r.product = c.product COLLATE "C" AND r.seq IS NOT NULL
    ORDER BY r.seq DESC LIMIT 1) h`

	// sqlLoadKeys reads the records of the fingerprints given.
	sqlLoadKeys = `SELECT record FROM coterm_records WHERE fingerprint = ANY($1::bytea[])`

	// sqlLoadKeysMine is sqlLoadKeys, saying of each record whether this
	// transaction wrote it.
	sqlLoadKeysMine = `SELECT record, xmin = xid(pg_current_xact_id()) FROM coterm_records WHERE fingerprint = ANY($1::bytea[])`

	// sqlLoadDays reads, for each (tenant, product, day) given, the
	// subscription's states on that day: after its last record before the
	// day, and after each record of the day.
	sqlLoadDays = `SELECT c.i, s.day, s.seats_after, s.end_after
FROM unnest($1::text[], $2::text[], $3::date[]) WITH ORDINALITY AS c(tenant, product, day, i)
CROSS JOIN LATERAL (
    (SELECT r.seq, r.day, r.seats_after, r.end_after FROM coterm_records r
     WHERE r.tenant = c.tenant COLLATE "C" AND r.product = c.product COLLATE "C" AND r.seq IS NOT NULL AND r.day < c.day
     ORDER BY r.seq DESC LIMIT 1)
    UNION ALL
    (SELECT r.seq, r.day, r.seats_after, r.end_after FROM coterm_records r
     WHERE r.tenant = c.tenant COLLATE "C" AND r.product = c.product COLLATE "C" AND r.seq IS NOT NULL AND r.day = c.day)
) s ORDER BY c.i, s.seq`
)

// copyColumns are the columns Load and LoadRecords copy: insertArgs's, then
// a replacement's (NULL for any other record).
var copyColumns = []string{"tenant", "product", "seq", "key_tail", "fingerprint", "operation", "applied", "day",
	"seats_before", "end_before", "seats_after", "end_after", "policy", "recorded_at", "record", "key_seats", "explanation",
	"kind", "change", "replaces_tail", "replacement_claim"}

// Load loads a history — the rows of an admin's file, in their order —
// into the store under policy, with every guarantee of an
// [activation.Book]: each row is what Book.Redeem or Book.Import would make
// of it, each key is spent once, each history stays a chain. Loading the
// same rows again changes nothing: a key row replays its record, and an
// import row whose state the subscription had on its day (after the last
// record before that day, or after one of that day's) is a replay too. A
// row that conflicts with what the database holds is [LoadRefused], and so
// are the later rows of its subscription; nothing of them is stored.
//
// It is bulk: one transaction that locks coterm_records against other
// writers (SHARE ROW EXCLUSIVE: Books on other connections wait, reads do
// not), then per 20,000 rows three statements that read the heads, the
// spent keys and the states the rows need, and one COPY of the new
// records. report receives each row's result in order as it is computed;
// the results hold only if Load returns no error: on an error nothing was
// stored (the caller's own errors, from rows or report, are returned
// wrapped). The summary counts the rows reported.
func (s *Store) Load(ctx context.Context, policy activation.Policy, rows iter.Seq2[LoadRow, error], report func(LoadResult) error) (LoadSummary, error) {
	if err := policy.Validate(); err != nil {
		return LoadSummary{}, fmt.Errorf("pgledger: load: %w", err)
	}
	l := &loader{policy: policy, report: report, refused: make(map[subPlace]int64), wrote: make(map[subPlace]struct{})}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		l.tx = tx
		chunk := make([]LoadRow, 0, loadChunk)
		for row, err := range rows {
			if err != nil {
				return callerError{err}
			}
			if chunk = append(chunk, row); len(chunk) == loadChunk {
				if err := l.chunk(ctx, chunk); err != nil {
					return err
				}
				chunk = chunk[:0]
			}
		}
		return l.chunk(ctx, chunk)
	})
	return l.sum, loadError("load", err)
}

// callerError is an error of the caller's rows, report or writer.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }
func (e callerError) Unwrap() error { return e.err }

// uncommitted is an error that ended a bulk write's transaction before its
// commit: nothing was stored.
type uncommitted struct{ err error }

func (e uncommitted) Error() string { return e.err.Error() }
func (e uncommitted) Unwrap() error { return e.err }

// loadError wraps the error of a bulk write: nothing was stored, unless the
// commit itself failed.
func loadError(op string, err error) error {
	var u uncommitted
	var ce callerError
	switch {
	case errors.As(err, &ce):
		return fmt.Errorf("pgledger: %s: stopped, nothing was recorded: %w", op, ce.err)
	case errors.As(err, &u):
		return fmt.Errorf("pgledger: %s: nothing was recorded: %w", op, u.err)
	}
	return wrapWrite(op, err)
}

// inTx runs fn in one transaction at READ COMMITTED, holding the lock of
// sqlLoadLock. An error before the commit is an uncommitted. ctx can stop
// the load until its COMMIT is sent; the COMMIT runs under the commit
// timeout, as every write's does (see [Store.Append]).
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return uncommitted{err}
	}
	wctx, cancel := s.commitContext(ctx)
	defer cancel()
	defer func() { _ = tx.Rollback(wctx) }() // after a commit, a no-op
	if _, err := tx.Exec(ctx, sqlLoadLock); err != nil {
		return uncommitted{err}
	}
	if err := fn(tx); err != nil {
		return uncommitted{err}
	}
	if err := ctx.Err(); err != nil {
		return uncommitted{err}
	}
	return tx.Commit(wctx)
}

// copyArgs returns the values of copyColumns for rec.
func copyArgs(rec activation.Record) ([]any, error) {
	args, err := insertArgs(rec)
	if err != nil {
		return nil, err
	}
	if args[13] == nil {
		args[13] = time.Now().UTC() // what the column holds when the record's time is out of its range
	}
	tail, claim := replacementArgs(&rec)
	return append(args, tail, claim), nil
}

type subPlace struct{ tenant, product string }

// loader is the state of one Load.
type loader struct {
	tx      pgx.Tx
	policy  activation.Policy
	report  func(LoadResult) error
	sum     LoadSummary
	refused map[subPlace]int64    // the subscriptions refused, with the line of the refused row
	wrote   map[subPlace]struct{} // the subscriptions this load appended to
}

// chunk loads rows: reads what they need, computes them through a Book on
// a journal in memory over those reads, and copies the new records.
func (l *loader) chunk(ctx context.Context, rows []LoadRow) error {
	if len(rows) == 0 {
		return nil
	}
	j, err := l.prefetch(ctx, rows)
	if err != nil {
		return err
	}
	src := &chunkSource{l: l, ctx: ctx, book: &activation.Book{Policy: l.policy, Journal: j}, j: j, rows: rows}
	_, err = l.tx.CopyFrom(ctx, pgx.Identifier{"coterm_records"}, copyColumns, src)
	if src.err != nil {
		return src.err
	}
	return err
}

// chunkSource is the COPY source of a chunk: it computes the rows one by
// one as COPY asks for the next record, so that the computation here and
// the insertions on the server overlap.
type chunkSource struct {
	l    *loader
	ctx  context.Context
	book *activation.Book
	j    *loadJournal
	rows []LoadRow
	next int
	cur  []any
	err  error
}

func (c *chunkSource) Next() bool {
	for len(c.j.pending) == 0 {
		if c.next == len(c.rows) || c.err != nil {
			return false
		}
		res, err := c.l.row(c.ctx, c.book, c.j, &c.rows[c.next])
		c.next++
		if err != nil {
			c.err = err
			return false
		}
		c.l.sum.add(res.Status)
		if c.l.report != nil {
			if err := c.l.report(res); err != nil {
				c.err = callerError{err}
				return false
			}
		}
	}
	c.cur, c.j.pending[0] = c.j.pending[0], nil
	c.j.pending = c.j.pending[1:]
	return true
}

func (c *chunkSource) Values() ([]any, error) { return c.cur, nil }

func (c *chunkSource) Err() error { return c.err }

// copyRecords copies the rows of new records into coterm_records.
func copyRecords(ctx context.Context, tx pgx.Tx, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"coterm_records"}, copyColumns, pgx.CopyFromRows(rows))
	return err
}

// prefetch reads the heads of the rows' subscriptions, the records of their
// keys and, for the import rows, their subscriptions' states on their days.
func (l *loader) prefetch(ctx context.Context, rows []LoadRow) (*loadJournal, error) {
	j := newLoadJournal(l.wrote)
	var tenants, products []string
	var fps [][]byte
	for i := range rows {
		r := &rows[i]
		if r.Malformed != "" {
			continue
		}
		p := subPlace{r.Tenant, r.Product}
		if _, ok := j.known[p]; !ok && validText(r.Tenant) && validText(r.Product) {
			j.known[p] = struct{}{}
			tenants, products = append(tenants, r.Tenant), append(products, r.Product)
		}
		if !r.Import && !r.Key.IsZero() {
			fp := r.Key.Fingerprint()
			if _, ok := j.fetched[fp]; !ok {
				j.fetched[fp] = struct{}{}
				fps = append(fps, fp[:])
			}
		}
	}
	heads, err := queryRecords(ctx, l.tx, sqlLoadHeads, tenants, products)
	if err != nil {
		return nil, err
	}
	for _, h := range heads {
		p := subPlace{h.Outcome.After.Tenant, h.Outcome.After.Product}
		j.heads[p], j.base[p] = h, h
	}
	res, err := l.tx.Query(ctx, sqlLoadKeysMine, fps)
	if err != nil {
		return nil, err
	}
	var b []byte
	var mine bool
	if _, err := pgx.ForEachRow(res, []any{&b, &mine}, func() error {
		rec, err := decode(b)
		j.keys[rec.Fingerprint] = rec
		if mine {
			j.mine[rec.Fingerprint] = struct{}{}
		}
		return err
	}); err != nil {
		return nil, err
	}
	return j, l.prefetchDays(ctx, j, rows)
}

// prefetchDays reads the states on their days of the subscriptions of the
// import rows that are not after their subscription's head in the database.
func (l *loader) prefetchDays(ctx context.Context, j *loadJournal, rows []LoadRow) error {
	var tenants, products []string
	var days []pgtype.Date
	var asked []dayQuery
	for i := range rows {
		r := &rows[i]
		h, ok := j.heads[subPlace{r.Tenant, r.Product}]
		if !r.Import || !ok || daymath.Of(r.Day) > daymath.Of(h.Outcome.At.UTC()) {
			continue
		}
		q := dayQuery{subPlace{r.Tenant, r.Product}, daymath.Of(r.Day)}
		if _, dup := j.days[q]; dup {
			continue
		}
		j.days[q] = nil
		asked = append(asked, q)
		tenants, products, days = append(tenants, r.Tenant), append(products, r.Product), append(days, date(r.Day))
	}
	if len(asked) == 0 {
		return nil
	}
	res, err := l.tx.Query(ctx, sqlLoadDays, tenants, products, days)
	if err != nil {
		return err
	}
	var i int64
	var st dayState
	var end pgtype.Date
	_, err = pgx.ForEachRow(res, []any{&i, &st.day, &st.seats, &end}, func() error {
		st.end = end
		q := asked[i-1]
		j.days[q] = append(j.days[q], st)
		return nil
	})
	return err
}

// queryRecords reads the records that sql selects.
func queryRecords(ctx context.Context, tx pgx.Tx, sql string, args ...any) ([]activation.Record, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	bs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, err
	}
	recs := make([]activation.Record, len(bs))
	for i, b := range bs {
		if recs[i], err = decode(b); err != nil {
			return nil, err
		}
	}
	return recs, nil
}

// row loads one row through book, on j.
func (l *loader) row(ctx context.Context, book *activation.Book, j *loadJournal, r *LoadRow) (LoadResult, error) {
	res := LoadResult{Line: r.Line}
	if r.Malformed != "" {
		res.Status, res.Reason = LoadRejected, r.Malformed
		return res, nil
	}
	p := subPlace{r.Tenant, r.Product}
	if line, ok := l.refused[p]; ok {
		return l.afterRefusal(ctx, book, j, r, res, line)
	}
	if head, ok := j.heads[p]; ok && head.Kind != activation.SubscriptionRecord {
		return l.refuse(p, res, "the place holds a chain of "+head.Kind.String()+" records, not a subscription"), nil
	}
	if r.Import {
		return l.importRow(ctx, book, j, r, res)
	}
	head, hasHead := j.heads[p]
	o, err := book.Redeem(ctx, r.Tenant, r.Product, r.token(), r.Op, r.Day)
	switch {
	case j.err != nil:
		return res, j.err
	case err == nil:
		o.Token.Key = token.Key{}
		res.Status, res.Outcome = LoadApplied, o
		if o.Replayed {
			res.Status = LoadReplayed
		}
		return res, nil
	case errors.Is(err, activation.ErrAlreadyRedeemed):
		if _, mine := j.mine[r.Key.Fingerprint()]; mine {
			res.Status, res.Reason = LoadRejected, "the key is spent by an earlier row of this load: "+err.Error()
			return res, nil
		}
		return l.refuse(p, res, "the key is spent already: "+err.Error()), nil
	case hasHead && daymath.Of(r.Day) < daymath.Of(head.Outcome.At.UTC()) && !ruleRefusal(err):
		return l.lateRow(p, j, head, res), nil
	}
	res.Status, res.Reason = LoadRejected, err.Error()
	return res, nil
}

// token is the row's key as a token for its product.
func (r *LoadRow) token() token.Token {
	return token.Token{Key: r.Key, Product: r.Product, Seats: r.Seats}
}

// ruleRefusal reports whether err is the rules' refusal of a redemption,
// which does not depend on where the row stands in its history.
func ruleRefusal(err error) bool {
	return errors.Is(err, activation.ErrExtensionCap) || errors.Is(err, activation.ErrNotAllowed) || errors.Is(err, activation.ErrProductMismatch)
}

// afterRefusal is the result of a row of a subscription refused at line: a
// replay if it is one (nothing to store), refused otherwise.
func (l *loader) afterRefusal(ctx context.Context, book *activation.Book, j *loadJournal, r *LoadRow, res LoadResult, line int64) (LoadResult, error) {
	p := subPlace{r.Tenant, r.Product}
	if r.Import {
		if _, ok := j.heads[p]; ok && j.hadState(p, daymath.Of(r.Day), activation.Subscription{Seats: r.Seats, End: r.End}) {
			res.Status = LoadReplayed
			return res, nil
		}
	} else if _, spent := j.keys[r.Key.Fingerprint()]; spent && !r.Key.IsZero() {
		// A spent key only replays or is refused: the Book records nothing.
		o, err := book.Redeem(ctx, r.Tenant, r.Product, r.token(), r.Op, r.Day)
		if j.err != nil {
			return res, j.err
		}
		if err == nil && o.Replayed {
			o.Token.Key = token.Key{}
			res.Status, res.Outcome = LoadReplayed, o
			return res, nil
		}
	}
	res.Status, res.Reason = LoadRefused, "an earlier row of this subscription (line "+strconv.FormatInt(line, 10)+") was refused: nothing after it is loaded"
	return res, nil
}

// lateRow is the result of a row dated before its subscription's head: a
// conflict with the database when the head is the database's, a rejection
// when this load wrote it.
func (l *loader) lateRow(p subPlace, j *loadJournal, head activation.Record, res LoadResult) LoadResult {
	why := "the day is before the subscription's last record (" + head.Outcome.At.UTC().Format(time.DateOnly) + ")"
	if _, mine := j.wrote[p]; mine {
		res.Status, res.Reason = LoadRejected, why+", an earlier row of this load"
		return res
	}
	return l.refuse(p, res, why+" in the database")
}

func (l *loader) refuse(p subPlace, res LoadResult, why string) LoadResult {
	l.refused[p] = res.Line
	res.Status, res.Reason = LoadRefused, why
	return res
}

// importRow loads an import row.
func (l *loader) importRow(ctx context.Context, book *activation.Book, j *loadJournal, r *LoadRow, res LoadResult) (LoadResult, error) {
	p := subPlace{r.Tenant, r.Product}
	s := activation.Subscription{Tenant: r.Tenant, Product: r.Product, Seats: r.Seats, End: r.End}
	day := daymath.Of(r.Day)
	head, ok := j.heads[p]
	res.Outcome = activation.Outcome{Op: activation.Import, Applied: activation.Import, At: r.Day, After: s}
	if ok {
		res.Outcome.Before = head.Outcome.After
		headDay := daymath.Of(head.Outcome.At.UTC())
		switch {
		case day >= headDay && sameState(head.Outcome.After, s):
			res.Status = LoadUnchanged
			return res, nil
		case day <= headDay && j.hadState(p, day, s):
			res.Status = LoadReplayed
			return res, nil
		case day < headDay:
			return l.lateRow(p, j, head, res), nil
		}
	}
	err := book.Import(ctx, s, r.Day)
	switch {
	case j.err != nil:
		return res, j.err
	case err != nil:
		res.Status, res.Reason = LoadRejected, err.Error()
		return res, nil
	}
	res.Status = LoadImported
	return res, nil
}

// sameState reports whether a and b have the same seats and end date.
func sameState(a, b activation.Subscription) bool {
	return a.Seats == b.Seats && daymath.Of(a.End.UTC()) == daymath.Of(b.End)
}
