package pgledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/jackc/pgx/v5"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

const (
	// sqlExport reads every record, histories and claims, in the order
	// they were stored (one pass over the table).
	sqlExport = `SELECT record FROM coterm_records ORDER BY id`

	// sqlLoadPlaces reads the records at the places given.
	sqlLoadPlaces = `SELECT r.record FROM unnest($1::text[], $2::text[], $3::bigint[]) AS c(tenant, product, seq)
JOIN coterm_records r ON r.tenant = c.tenant COLLATE "C" AND r.product = c.product COLLATE "C" AND r.seq = c.seq`
)

// Export passes every record of the store to w, in the order they were
// stored (each history in Seq order, a Redeemer's claims among them), from
// one snapshot (a REPEATABLE READ, READ ONLY transaction, whose connection
// it holds until it returns). It returns how many records w took. Records
// hold no key; their JSON ([activation.Record.MarshalJSON]) is what a file
// keeps, and [Store.LoadRecords] reads them into another store. An error of
// w stops the export and is returned wrapped.
func (s *Store) Export(ctx context.Context, w func(activation.Record) error) (int64, error) {
	var n int64
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlExport)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			rec, err := decode(rows.RawValues()[0])
			if err != nil {
				return err
			}
			if err := w(rec); err != nil {
				return callerError{err}
			}
			n++
		}
		return rows.Err()
	})
	var ce callerError
	if errors.As(err, &ce) {
		return n, fmt.Errorf("pgledger: export: stopped: %w", ce.err)
	}
	return n, wrap("export", err)
}

// LoadRecordsSummary counts the records of a [Store.LoadRecords].
type LoadRecordsSummary struct {
	Stored  int64 // records copied in
	Present int64 // records the store held already, byte for byte
}

// LoadRecords stores records that [Store.Export] wrote (read back with
// [activation.Record.UnmarshalJSON]), checking each chain: a record of a
// history (Seq 1 or more) must follow its subscription's head, in the
// store or earlier in recs (Seq one more, of the head's kind and, for a
// subscription, Before the head's After), and its key (a change's request)
// must be new; a Redeemer's claim (Seq 0) must have a new key. A
// record the store holds already, the same bytes at its place (or for its
// key), is counted as present and skipped, so loading an export twice
// changes nothing. It is all or nothing: the first record that breaks a
// rule is a [RecordError] naming its number in recs (from 1), and
// nothing is stored. It runs in one transaction that locks out other writers, as
// [Store.Load] does, copying 20,000 records at a time.
func (s *Store) LoadRecords(ctx context.Context, recs iter.Seq2[activation.Record, error]) (LoadRecordsSummary, error) {
	var sum LoadRecordsSummary
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var n int64
		chunk := make([]activation.Record, 0, loadChunk)
		for rec, err := range recs {
			if err != nil {
				return callerError{err}
			}
			if chunk = append(chunk, rec); len(chunk) == loadChunk {
				if err := loadRecordChunk(ctx, tx, chunk, n, &sum); err != nil {
					return err
				}
				n += int64(len(chunk))
				chunk = chunk[:0]
			}
		}
		return loadRecordChunk(ctx, tx, chunk, n, &sum)
	})
	if err != nil {
		return LoadRecordsSummary{}, loadError("load records", err)
	}
	return sum, nil
}

// RecordError is the error of [Store.LoadRecords] for a record that breaks
// a rule: its number in the records given (from 1), and why.
type RecordError struct {
	N      int64
	Reason string
}

func (e *RecordError) Error() string { return fmt.Sprintf("record %d: %s", e.N, e.Reason) }

// loadRecordChunk checks and copies recs, numbered from first + 1.
func loadRecordChunk(ctx context.Context, tx pgx.Tx, recs []activation.Record, first int64, sum *LoadRecordsSummary) error {
	if len(recs) == 0 {
		return nil
	}
	heads, keys, stored, err := prefetchRecords(ctx, tx, recs)
	if err != nil {
		return err
	}
	var rows [][]any
	for i := range recs {
		rec := &recs[i]
		n := first + int64(i) + 1
		args, err := copyArgs(*rec)
		if err != nil {
			return &RecordError{n, err.Error()}
		}
		b := args[14].([]byte)
		p := subPlace{rec.Outcome.After.Tenant, rec.Outcome.After.Product}
		if old, ok := stored[placeSeq{p, rec.Seq}]; ok && rec.Seq > 0 {
			if !bytes.Equal(old, b) {
				return &RecordError{n, fmt.Sprintf("another record holds its place (Seq %d)", rec.Seq)}
			}
			sum.Present++
			continue
		}
		if !rec.Fingerprint.IsZero() {
			if k, ok := keys[rec.Fingerprint]; ok {
				if rec.Seq == 0 && bytes.Equal(k, b) {
					sum.Present++
					continue
				}
				return &RecordError{n, "its key is spent by another record"}
			}
			keys[rec.Fingerprint] = b
		}
		if rec.Seq > 0 {
			head, ok := heads[p]
			if why := follows(rec, head, ok); why != "" {
				return &RecordError{n, why}
			}
			heads[p] = *rec
		}
		rows = append(rows, args)
		sum.Stored++
	}
	return copyRecords(ctx, tx, rows)
}

// follows says why rec cannot follow head (ok false: none), or "": a
// change record follows a head of its kind at the next Seq (its Before is
// not linked: its chain's package gives the rules).
func follows(rec *activation.Record, head activation.Record, ok bool) string {
	o := &rec.Outcome
	switch {
	case rec.Seq != head.Seq+1:
		return fmt.Sprintf("Seq %d does not follow its subscription's head (Seq %d)", rec.Seq, head.Seq)
	case ok && rec.Kind != head.Kind:
		return fmt.Sprintf("a %s record after a %s record: a place holds records of one kind", rec.Kind, head.Kind)
	case rec.Kind != activation.SubscriptionRecord:
		return ""
	case !ok && !o.Before.IsNone():
		return "the first record of a history must start from no subscription"
	case ok && (!sameState(head.Outcome.After, o.Before) || o.Before.Tenant != head.Outcome.After.Tenant || o.Before.Product != head.Outcome.After.Product):
		return "its Before is not the After of the record before it"
	}
	return ""
}

type placeSeq struct {
	p   subPlace
	seq int64
}

// prefetchRecords reads the heads of recs' subscriptions, the records of
// their keys (as bytes) and the records at the places of recs that are not
// after their heads (as bytes).
func prefetchRecords(ctx context.Context, tx pgx.Tx, recs []activation.Record) (map[subPlace]activation.Record, map[token.Fingerprint][]byte, map[placeSeq][]byte, error) {
	seen := make(map[subPlace]struct{})
	var tenants, products []string
	var fps [][]byte
	for i := range recs {
		a := &recs[i].Outcome.After
		if p := (subPlace{a.Tenant, a.Product}); recs[i].Seq > 0 && validText(a.Tenant) && validText(a.Product) {
			if _, ok := seen[p]; !ok {
				seen[p] = struct{}{}
				tenants, products = append(tenants, a.Tenant), append(products, a.Product)
			}
		}
		if fp := recs[i].Fingerprint; !fp.IsZero() {
			fps = append(fps, fp[:])
		}
	}
	headRecs, err := queryRecords(ctx, tx, sqlLoadHeads, tenants, products)
	if err != nil {
		return nil, nil, nil, err
	}
	heads := make(map[subPlace]activation.Record, len(headRecs))
	for _, h := range headRecs {
		heads[subPlace{h.Outcome.After.Tenant, h.Outcome.After.Product}] = h
	}
	keys := make(map[token.Fingerprint][]byte)
	if err := queryBytes(ctx, tx, sqlLoadKeys, func(b []byte) error {
		rec, err := decode(b)
		keys[rec.Fingerprint] = b
		return err
	}, fps); err != nil {
		return nil, nil, nil, err
	}
	var pt, pp []string
	var ps []int64
	for i := range recs {
		a := &recs[i].Outcome.After
		if h, ok := heads[subPlace{a.Tenant, a.Product}]; ok && recs[i].Seq > 0 && recs[i].Seq <= h.Seq {
			pt, pp, ps = append(pt, a.Tenant), append(pp, a.Product), append(ps, recs[i].Seq)
		}
	}
	stored := make(map[placeSeq][]byte)
	err = queryBytes(ctx, tx, sqlLoadPlaces, func(b []byte) error {
		rec, err := decode(b)
		stored[placeSeq{subPlace{rec.Outcome.After.Tenant, rec.Outcome.After.Product}, rec.Seq}] = b
		return err
	}, pt, pp, ps)
	return heads, keys, stored, err
}

// queryBytes passes a copy of the first column of every row sql selects to
// fn.
func queryBytes(ctx context.Context, tx pgx.Tx, sql string, fn func([]byte) error, args ...any) error {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	var b []byte
	_, err = pgx.ForEachRow(rows, []any{&b}, func() error { return fn(bytes.Clone(b)) })
	return err
}
