package activation

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/coterm/coterm/token"
)

// Journal is the storage of a [Book]: every subscription's history as a chain
// of [Record] values, and the set of spent keys. It stores; it decides
// nothing. The Book computes every record and names its place; the Journal
// only keeps it there if the place is free and the key is new.
//
// A record's place is (Outcome.After.Tenant, Outcome.After.Product, Seq),
// with Seq 1, 2, 3, … along a subscription's history. A record with Seq 0 (a
// claim made by a [Redeemer] through a store that is also a [Ledger]) has no
// place. A record with the zero Fingerprint (an import) guards no key.
//
// Implementations must be safe for concurrent use by any number of Books in
// any number of processes, must return records as they were given (times
// may come back in another location but must be the same instants), and
// must record nothing when the context is already done. A Journal never loses
// a record it acknowledged (an Append that returned NothingTaken): it is
// there for every later call through every handle, or a Book's remembered
// heads would be wrong. A Book's Journal must not be replaced after the
// Book's first use (its remembered heads belong to that Journal). The package
// [github.com/coterm/coterm/activation/ledgertest] is the conformance suite
// every implementation must pass; [MemoryJournal] is the in-process
// reference.
//
// # In SQL
//
// One table holds the records of a Journal and the claims of a [Ledger] (see
// [Ledger] for its columns): unique keys on (fingerprint) and on (tenant,
// product, seq), NULL fingerprint for an import, NULL seq for a Ledger claim.
// Each method is one or two statements:
//
//	-- Append: one insert, then, only if it inserted no row, a new statement
//	-- (a new snapshot: see Ledger) that finds who holds the key, else the place:
//	INSERT INTO records (...) VALUES (...) ON CONFLICT DO NOTHING;
//	SELECT 1, record FROM records WHERE fingerprint = $fp
//	UNION ALL
//	SELECT 2, record FROM records WHERE tenant = $t AND product = $p AND seq = $seq
//	ORDER BY 1 LIMIT 1;
//	-- Lookup:
//	SELECT record FROM records WHERE fingerprint = $1;
//	-- Head:
//	SELECT record FROM records WHERE tenant = $1 AND product = $2 AND seq IS NOT NULL
//	    ORDER BY seq DESC LIMIT 1;
//	-- History:
//	SELECT record FROM records WHERE tenant = $1 AND product = $2 AND seq > $3
//	    ORDER BY seq LIMIT $4;
//	-- Heads: the last record of each subscription, then its end date (a
//	-- NULL end, no term, is before every date; NULL bounds are open):
//	SELECT record FROM (SELECT DISTINCT ON (tenant, product) tenant, product, end_after, record
//	    FROM records WHERE seq IS NOT NULL ORDER BY tenant, product, seq DESC) AS heads
//	    WHERE COALESCE(end_after, '-infinity') >= COALESCE($1, '-infinity')
//	      AND COALESCE(end_after, '-infinity') < COALESCE($2, 'infinity')
//	    ORDER BY tenant COLLATE "C", product COLLATE "C";
type Journal interface {
	// Append stores rec at its place, atomically, if that place is free and
	// no record has rec.Fingerprint (a zero Fingerprint guards nothing). It
	// returns what was stored and which unique key was taken, if any:
	//
	//   - Taken == NothingTaken: rec was stored; stored is rec.
	//   - Taken == KeyTaken: a record with rec.Fingerprint exists; stored is
	//     that record. This answer wins when both keys are taken.
	//   - Taken == PlaceTaken: a record holds rec's place; stored is that
	//     record.
	//
	// Of concurrent Appends that conflict, exactly one stores its record.
	// rec.Seq must be 1 or more (an error otherwise). Append MUST refuse a
	// record that would leave a gap — Seq more than 1 and no record of its
	// subscription at Seq − 1 — with an error wrapping [ErrGap], storing
	// nothing (the key check comes first: a taken key still answers
	// KeyTaken). A Book asks for such a place only on a head it
	// remembered, and then reads the head and computes again.
	Append(ctx context.Context, rec Record) (stored Record, taken Taken, err error)

	// Lookup returns the record of the key whose fingerprint is fp, and
	// whether there is one. It has the signature of [Ledger.Lookup], so a
	// store that is both answers for one set of spent keys.
	Lookup(ctx context.Context, fp token.Fingerprint) (rec Record, ok bool, err error)

	// Head returns the record with the highest Seq of (tenant, product), and
	// whether there is one.
	Head(ctx context.Context, tenant, product string) (rec Record, ok bool, err error)

	// History returns up to limit records of (tenant, product) with Seq >
	// afterSeq, in Seq order. Fewer than limit records means there are no
	// more. limit must be positive.
	History(ctx context.Context, tenant, product string, afterSeq int64, limit int) ([]Record, error)

	// Heads returns the head of every subscription whose end date after its
	// head record (Outcome.After.End, as a date) is on or after from and
	// before to, ordered by tenant, then product (byte order). A zero from
	// has no lower bound (it includes subscriptions with no term); a zero to
	// has no upper bound.
	Heads(ctx context.Context, from, to time.Time) ([]Record, error)
}

// ErrGap is wrapped by the error of a [Journal.Append] whose record would
// leave a gap in its subscription's history: Seq is more than 1 and no record
// holds Seq − 1. Every Journal refuses such a record and stores nothing. A
// [Book] never asks for one on a head it read; it may on a head it remembered
// (see [Book]), and then reads the head and computes again.
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

// String returns "nothing", "key" or "place", or "Taken(N)".
func (t Taken) String() string {
	switch t {
	case NothingTaken:
		return "nothing"
	case KeyTaken:
		return "key"
	case PlaceTaken:
		return "place"
	}
	return "Taken(" + strconv.Itoa(int(t)) + ")"
}
