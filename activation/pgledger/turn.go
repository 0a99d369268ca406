package pgledger

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/coterm/coterm/activation"
)

// The statements of a turn: the first round trip opens a READ COMMITTED
// transaction (each statement a new snapshot), waits for the
// subscription's transaction-scoped advisory lock and reads the head after
// it has it; the second inserts the record and commits, which releases the
// lock once the commit is durable.
const (
	sqlTurnBegin = `BEGIN ISOLATION LEVEL READ COMMITTED`
	sqlTurnLock  = `SELECT pg_advisory_xact_lock($1)`
)

// turnKey is the advisory lock of (tenant, product): the first 8 bytes of
// the SHA-256 of both names. Two subscriptions that share one only share
// their turns.
func turnKey(tenant, product string) int64 {
	h := sha256.New()
	h.Write([]byte(tenant))
	h.Write([]byte{0}) // a place's names hold no NUL
	h.Write([]byte(product))
	return int64(binary.BigEndian.Uint64(h.Sum(nil)))
}

// AppendInTurn implements [activation.TurnJournal]: the writers of one
// subscription that call it queue on a transaction-scoped advisory lock of
// (tenant, product) instead of racing for its next place. In one round
// trip it begins a READ COMMITTED transaction, takes the lock and reads the
// head; it calls next; in a second it inserts the record as [Store.Append]
// does and commits (under the commit timeout, not ctx: see [Store.Append]),
// which releases the lock. If the insert stored nothing, the record that
// holds its key or place is read after the commit, in a new statement; a
// record of another kind than the head is refused as Append refuses it.
func (s *Store) AppendInTurn(ctx context.Context, tenant, product string, next func(head activation.Record, ok bool) (activation.Record, error)) (activation.Record, activation.Taken, error) {
	if !validText(tenant) || !validText(product) {
		return activation.Record{}, activation.NothingTaken, errors.New("pgledger: append in turn: the tenant or product is not valid UTF-8 text without NUL")
	}
	var stored activation.Record
	var taken activation.Taken
	var refused error // next's error, or the record's: returned as it is
	err := retry(ctx, func() error {
		for range maxAttempts {
			found, err := s.turn(ctx, tenant, product, next, &stored, &taken, &refused)
			if err != nil || found || refused != nil {
				return err
			}
		}
		return errConflictsGone
	})
	switch {
	case refused != nil:
		return activation.Record{}, activation.NothingTaken, refused
	case err != nil:
		return activation.Record{}, activation.NothingTaken, appendError("append in turn", err)
	}
	return stored, taken, nil
}

// turn is one turn of AppendInTurn. found is false if the insert stored
// nothing and nothing holds its key or place any more (a conflicting insert
// rolled back): the turn is to be taken again.
func (s *Store) turn(ctx context.Context, tenant, product string, next func(activation.Record, bool) (activation.Record, error),
	stored *activation.Record, taken *activation.Taken, refused *error) (found bool, err error) {
	var rec activation.Record
	var args []any
	*refused, err = s.inTurn(ctx, tenant, product, func(head activation.Record, ok bool) (err error) {
		if rec, err = next(head, ok); err != nil {
			return err
		}
		if args, err = insertArgs(rec); err != nil {
			return fmt.Errorf("pgledger: append in turn: %w", err)
		}
		return nil
	}, func(wctx context.Context, conn *pgxpool.Conn) error {
		inserted, err := insertAndCommit(wctx, conn, args)
		switch {
		case err != nil:
			return err
		case inserted:
			*stored, *taken, found = rec, activation.NothingTaken, true
			return nil
		}
		*stored, *taken, found, err = takenBy(wctx, conn, args)
		return err
	})
	return found, err
}

// inTurn takes one turn of (tenant, product) on a connection of its own:
// it begins the turn's transaction, takes the lock and reads the head, in
// one round trip, and calls prepare with the head. If prepare refuses (an
// error, returned as refused), it rolls back; otherwise it calls write,
// which inserts and commits, under the commit timeout, not ctx: a write
// once sent is not cut by the caller (see [Store.Append]).
func (s *Store) inTurn(ctx context.Context, tenant, product string, prepare func(head activation.Record, ok bool) error,
	write func(wctx context.Context, conn *pgxpool.Conn) error) (refused, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release() // a connection left in a transaction is destroyed
	head, ok, err := turnHead(ctx, conn, tenant, product)
	if err != nil {
		return nil, err
	}
	if refused = prepare(head, ok); refused != nil {
		// If the rollback fails, Release destroys the connection, which is
		// still in the transaction: the server rolls it back.
		_, _ = conn.Exec(ctx, "ROLLBACK")
		return refused, nil
	}
	wctx, cancel := s.commitContext(ctx)
	defer cancel()
	return nil, write(wctx, conn)
}

// insertAndCommit inserts the record of args in the turn's transaction and
// commits, in one round trip.
func insertAndCommit(ctx context.Context, conn *pgxpool.Conn, args []any) (inserted bool, err error) {
	tag, err := execAndCommit(ctx, conn, sqlInsert, args)
	return err == nil && tag.RowsAffected() == 1, err
}

// execAndCommit runs sql with args in the turn's transaction and commits,
// in one round trip; it returns sql's command tag.
func execAndCommit(ctx context.Context, conn *pgxpool.Conn, sql string, args []any) (pgconn.CommandTag, error) {
	b := &pgx.Batch{}
	b.Queue(sql, args...)
	b.Queue("COMMIT")
	br := conn.SendBatch(ctx, b)
	tag, err := br.Exec()
	if err == nil {
		_, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

// turnHead begins the turn's transaction on conn, waits for the lock of
// (tenant, product) and reads the head, in one round trip.
func turnHead(ctx context.Context, conn *pgxpool.Conn, tenant, product string) (activation.Record, bool, error) {
	b := &pgx.Batch{}
	b.Queue(sqlTurnBegin)
	b.Queue(sqlTurnLock, turnKey(tenant, product))
	b.Queue(sqlHead, tenant, product)
	br := conn.SendBatch(ctx, b)
	_, err := br.Exec()
	if err == nil {
		_, err = br.Exec()
	}
	var raw []byte
	if err == nil {
		err = br.QueryRow().Scan(&raw)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return activation.Record{}, false, nil
	case err != nil:
		return activation.Record{}, false, err
	}
	rec, err := decode(raw)
	return rec, err == nil, err
}
