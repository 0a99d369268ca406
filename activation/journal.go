package activation

import (
	"context"
	"errors"
	"time"

	"github.com/coterm/coterm/token"
)

// Journal is the storage of a [Book]: each subscription's history, records
// at places (Outcome.After's tenant and product, Seq 1, 2, 3, …), and the set
// of spent keys. It decides nothing. Append stores rec if its place is free
// and its key's fingerprint is new (a zero Fingerprint guards nothing), or
// says which was taken (the key wins over the place) and returns the record
// that took it; of concurrent Appends that conflict exactly one stores. It
// refuses, storing nothing, a Seq below 1, one past its subscription's head
// ([ErrGap]), a record [Record.MarshalBinary] refuses, and one of another
// [RecordKind] than the record before it ([ErrInvalid]: a place holds one).
// Lookup, Head, History (up to limit records after afterSeq, in Seq order)
// and Heads (the subscription heads whose end date is in [from, to), zero bounds open,
// by tenant then product in byte order) read. A Journal never sees a key,
// returns records as given (same instants), records nothing under a done
// context, and is safe for concurrent use by any number of Books in any
// number of processes. pgledger's doc has the SQL; ledgertest the suite.
type Journal interface {
	Append(ctx context.Context, rec Record) (stored Record, taken Taken, err error)
	Lookup(ctx context.Context, fp token.Fingerprint) (rec Record, ok bool, err error)
	Head(ctx context.Context, tenant, product string) (rec Record, ok bool, err error)
	History(ctx context.Context, tenant, product string, afterSeq int64, limit int) ([]Record, error)
	Heads(ctx context.Context, from, to time.Time) ([]Record, error)
}

// Ledger is the storage of a [Redeemer]: the set of spent keys, a [Record]
// per key fingerprint. Claim stores rec if no record has rec.Fingerprint and
// returns the record now stored for it, with inserted true if that is rec;
// of concurrent Claims for one fingerprint exactly one inserts and all
// return its record. Lookup returns the record of fp, if any. Like a
// [Journal], a Ledger never sees a key, refuses a record
// [Record.MarshalBinary] refuses, returns records as given, records nothing
// under a done context and is safe for concurrent use; a store that is both
// has one set of spent keys. [MemoryLedger] is the reference.
type Ledger interface {
	Claim(ctx context.Context, rec Record) (stored Record, inserted bool, err error)
	Lookup(ctx context.Context, fp token.Fingerprint) (rec Record, ok bool, err error)
}

// ErrGap is wrapped by the error of a [Journal.Append] whose record would
// leave a gap: Seq past 1 and no record at Seq − 1. Nothing is stored. A Book
// asks for the place after the head it read or remembered, so a gap means
// the store lost acknowledged records (a restore from a backup, a failover
// to an asynchronous standby): refusing it keeps a Book that remembers a
// newer head from writing past the loss. That Book reports [ErrBrokenStore]
// until [Book.Forget]; on a head it has just read, ErrGap is the store's.
var ErrGap = errors.New("activation: journal: record would leave a gap in the history")

// ErrBrokenStore is wrapped by the error a [Book] or a [Redeemer] returns when
// its Journal or Ledger answered against its contract: a record for another
// key or place than asked, or a history whose Seq is not 1, 2, 3, … . Nothing
// was recorded by the call that reports it.
var ErrBrokenStore = errors.New("activation: store broke its contract")

// Taken says which unique key of a [Journal] an Append found taken.
type Taken int

const (
	// NothingTaken: the record was stored.
	NothingTaken Taken = iota
	// KeyTaken: a record with the same key fingerprint exists.
	KeyTaken
	// PlaceTaken: a record with the same tenant, product and Seq exists.
	PlaceTaken
)
