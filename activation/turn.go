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
