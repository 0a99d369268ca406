package activation

import (
	"context"
)

// TurnJournal is a [Journal] that can queue the writers of one
// subscription instead of letting them race. AppendInTurn waits for the
// turn of (tenant, product), which at most one AppendInTurn of that
// subscription holds at a time in any process, reads the head as Head does,
// calls next with it (ok false: none), and appends the record next returns
// as Append does, keeping the turn until that append is durable or refused.
// If next returns an error, nothing is appended and that error is returned
// as it is. A plain Append does not wait for turns, so the answer may still
// be PlaceTaken. next may be called again if the store retries.
type TurnJournal interface {
	Journal
	AppendInTurn(ctx context.Context, tenant, product string, next func(head Record, ok bool) (Record, error)) (stored Record, taken Taken, err error)
}

// BatchTurnJournal is a [BatchJournal] whose batches can take their
// subscription's turn, as [TurnJournal.AppendInTurn] does for one record:
// AppendBatchInTurn waits for the turn of (tenant, product), reads the head
// as Head does, calls next with it (ok false: none) and appends the records
// next returns as AppendBatch does, keeping the turn until that append is
// durable or refused. If next returns an error, nothing is appended and that
// error is returned as it is. next may be called again if the store retries.
// A Book that combines the redemptions queued on a contended subscription
// (see [Book.Redeem]) appends each batch in the turn, so that the writers of
// several processes take turns instead of racing for the next place.
type BatchTurnJournal interface {
	BatchJournal
	TurnJournal
	AppendBatchInTurn(ctx context.Context, tenant, product string, next func(head Record, ok bool) ([]Record, error)) (Conflict, error)
}
