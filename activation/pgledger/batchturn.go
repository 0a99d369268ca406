package pgledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/coterm/coterm/activation"
)

var _ activation.BatchTurnJournal = (*Store)(nil)

// AppendBatchInTurn implements [activation.BatchTurnJournal]: a batch takes
// the subscription's turn as [Store.AppendInTurn] does. In one round trip it
// begins a READ COMMITTED transaction, takes the advisory lock of (tenant,
// product) and reads the head; it calls next; in a second it inserts the
// batch as [Store.AppendBatch] does and commits (under the commit timeout,
// not ctx), which releases the lock. If the insert stored nothing, the
// transaction is rolled back and the first conflict read, as AppendBatch
// reads it. The writers of one subscription that all take turns therefore
// never race: they queue on the lock, in the order PostgreSQL grants it.
func (s *Store) AppendBatchInTurn(ctx context.Context, tenant, product string, next func(head activation.Record, ok bool) ([]activation.Record, error)) (activation.Conflict, error) {
	if !validText(tenant) || !validText(product) {
		return activation.Conflict{}, errors.New("pgledger: append batch in turn: the tenant or product is not valid UTF-8 text without NUL")
	}
	var c activation.Conflict
	var refused error // next's error, or the batch's: returned as it is
	err := retry(ctx, func() error {
		for range maxAttempts {
			var err error
			if c, err = s.batchTurn(ctx, tenant, product, next, &refused); refused != nil || !errors.Is(err, errVanished) {
				return err
			}
		}
		return errConflictsGone
	})
	switch {
	case refused != nil:
		return activation.Conflict{}, refused
	case err != nil:
		return activation.Conflict{}, appendError("append batch in turn", err)
	}
	return c, nil
}

// batchTurn is one turn of AppendBatchInTurn; errVanished if the batch met
// a conflict that was gone when read (the turn is to be taken again).
func (s *Store) batchTurn(ctx context.Context, tenant, product string, next func(activation.Record, bool) ([]activation.Record, error), refused *error) (activation.Conflict, error) {
	var recs []activation.Record
	var args []any
	var c activation.Conflict
	var err error
	*refused, err = s.inTurn(ctx, tenant, product, func(head activation.Record, ok bool) (err error) {
		if recs, err = next(head, ok); err != nil {
			return err
		}
		if args, err = batchArgs(recs); err == nil && (recs[0].Outcome.After.Tenant != tenant || recs[0].Outcome.After.Product != product) {
			err = errors.New("the batch is of another subscription than its turn")
		}
		if err != nil {
			return fmt.Errorf("pgledger: append batch in turn: %w", err)
		}
		return nil
	}, func(wctx context.Context, conn *pgxpool.Conn) error {
		tag, err := execAndCommit(wctx, conn, sqlInsertBatch, args)
		if conflict, err := batchInserted(tag, err, len(recs)); err != nil || !conflict {
			return err
		}
		// The insert aborted the transaction: end it, then read the conflict.
		if _, err := conn.Exec(wctx, "ROLLBACK"); err != nil {
			return err
		}
		c, err = batchConflict(wctx, conn, recs, args)
		return err
	})
	return c, err
}
