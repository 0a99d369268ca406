package activation

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation/internal/bincode"
	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// BatchJournal is a [Journal] that also stores several records as one.
// AppendBatch stores recs, records of one subscription at consecutive places
// (recs[0].Seq, then + 1, …), all or none, atomically: all only if every
// place is free, every fingerprint new and every replacement's claim
// ([Record.ReplacementClaim]) new. Otherwise it stores nothing and returns
// the first conflict: the first record (in recs' order) whose key is taken,
// else the first whose claim is, else the first whose place is, with the
// stored record that took it. A first Seq past its subscription's head + 1
// is [ErrGap]; an empty batch, a record Append refuses, records of two
// subscriptions or at places that do not follow each other, and one
// fingerprint twice wrap [ErrInvalid]. Of concurrent AppendBatch and Append
// calls that conflict, exactly one stores.
type BatchJournal interface {
	Journal
	AppendBatch(ctx context.Context, recs []Record) (Conflict, error)
}

// Conflict is what [BatchJournal.AppendBatch] found taken: Taken
// (NothingTaken: the batch was stored), the index in the batch of the record
// that met it, and the stored record that holds the key, claim or place.
type Conflict struct {
	Index  int
	Taken  Taken
	Stored Record
}

// MaxBatch is the most keys [Book.RedeemAll] takes at once.
const MaxBatch = 1000

// BatchError is the error of [Book.RedeemAll] refused because of one of its
// keys: its index in the batch (0 for the first), the key's masked form and
// why (which errors.Is and errors.As find: a policy refusal, or
// [ErrAlreadyRedeemed]).
type BatchError struct {
	Index int
	Key   string // masked: XXXXX-XXXXX-XXXXX-XXXXX-EEEE5
	Err   error
}

// Error says which key, by its place and masked form, and why.
func (e *BatchError) Error() string {
	return (&text.Error{Pkg: pkg, Msg: fmt.Sprintf("book: redeem all: key %d (%s)", e.Index+1, e.Key), Err: e.Err}).Error()
}

// Unwrap returns why.
func (e *BatchError) Unwrap() error { return e.Err }

// batchDomain starts the encoding hashed into a batch's request identity.
const batchDomain = "coterm/activation.Book.RedeemAll/v1"

// RedeemAll applies the keys ts in the order given to (tenant, product) with
// op on day at, each on the state the one before left, and records them all
// or none at the head's Seq + 1 … + len(ts), at once, through the Journal,
// which must be a [BatchJournal] ([ErrInvalid] otherwise). Every record
// carries the identity of the whole ordered batch. A spent key answers first
// (the identical batch replays whole; any other request is
// [ErrAlreadyRedeemed]), then the first policy refusal, each as a
// [BatchError] naming the key. A key twice, no key or more than [MaxBatch]
// are bad input. Nothing is recorded on any error; like [Book.Redeem] it
// retries while another record takes its place.
func (b *Book) RedeemAll(ctx context.Context, tenant, product string, ts []token.Token, op Operation, at time.Time) ([]Outcome, error) {
	if err := b.check(ctx, "redeem all"); err != nil {
		return nil, err
	}
	bj, isBatch := b.Journal.(BatchJournal)
	switch {
	case !isBatch:
		return nil, invalid("book: redeem all: the Journal (%T) is not a BatchJournal: it cannot store a batch at once", b.Journal)
	case len(ts) == 0 || len(ts) > MaxBatch:
		return nil, invalid("book: redeem all: %d keys, want 1 … %d", len(ts), MaxBatch)
	}
	if err := checkNames(tenant, product); err != nil {
		return nil, err
	}
	sc, fps, recs := getBatchScratch(len(ts), b.Journal)
	defer putBatchScratch(sc)
	for i := range ts {
		if ts[i].Product != product { // checkRequest, but for the names checked once
			if err := checkRequest(tenant, product, &ts[i]); err != nil {
				return nil, err
			}
		}
		if ts[i].Key.IsZero() {
			return nil, invalid("book: redeem all: key %d is the zero key", i+1)
		}
		fps[i] = ts[i].Key.Fingerprint()
		for j := range i {
			if sameFingerprint(&fps[j], &fps[i]) {
				return nil, invalid("book: redeem all: key %d (%v) is key %d again", i+1, ts[i].Key, j+1)
			}
		}
	}
	if b.marks.isLost(tenant, product) {
		return nil, lostRecords("book: redeem all")
	}
	id := batchID(fps, tenant, product, ts, op, at)
	head, e, cached := b.cache.get(tenant, product)
	for ok := cached; ; cached = false {
		if err := ctx.Err(); err != nil {
			return nil, wrapErr("book: redeem all", err)
		}
		if !cached {
			var err error
			if head, e, ok, err = b.headRemembered(ctx, tenant, product); err != nil {
				return nil, err
			}
		}
		if i, err := b.computeAll(recs, &head, ok, tenant, product, ts, fps, id, op, at); err != nil {
			if cached { // never refuse on a guess: read the head and decide again
				b.cache.forget(tenant, product)
				continue
			}
			return b.refusedAll(ctx, tenant, product, ts, fps, id, i, err)
		}
		c, err := bj.AppendBatch(ctx, recs)
		if err != nil {
			b.cache.forget(tenant, product)
			if cached && errors.Is(err, ErrGap) {
				// The Journal lacks the head this Book appended or read:
				// it lost acknowledged records (see Book.Forget).
				b.marks.setLost(tenant, product, true)
				return nil, lostRecordsErr("book: redeem all: journal", err)
			}
			return nil, wrapErr("book: redeem all: journal", err)
		}
		switch i := c.Index; {
		case c.Taken == NothingTaken:
			last := &recs[len(recs)-1]
			b.cache.put(e, new(tipAfter(last)))
			out := make([]Outcome, len(recs))
			for i := range recs {
				out[i] = recs[i].Outcome
				out[i].Token.Key = ts[i].Key
			}
			return out, nil
		case c.Taken == KeyTaken && i >= 0 && i < len(fps) && c.Stored.Fingerprint == fps[i]:
			return b.answerAll(ctx, tenant, product, ts, fps, id, i, &c.Stored)
		case c.Taken == PlaceTaken && i == 0 && samePlace(&c.Stored, &recs[0]):
			b.cache.forget(tenant, product)
			b.retried()
			continue
		}
		return nil, brokenStore("book: redeem all", notTheRequest)
	}
}

// computeAll fills recs with the records of redeeming ts in turn on head
// (ok false: none), or returns the index of the key refused and why (the
// first key's for a day before the head's).
func (b *Book) computeAll(recs []Record, head *tip, ok bool, tenant, product string, ts []token.Token, fps []token.Fingerprint, id RequestID, op Operation, at time.Time) (int, error) {
	s := Subscription{Tenant: tenant, Product: product}
	if ok {
		s = head.after
	}
	now, day := b.now(), daymath.Of(at)
	tails, off := keyTails(ts), 0
	for i := range ts {
		rec := &recs[i]
		*rec = Record{Fingerprint: fps[i], Request: id}
		if err := applyTo(&rec.Outcome, &b.Policy, &s, &ts[i], op, at); err != nil {
			return i, err
		}
		if i == 0 && ok && day.Valid() {
			if err := checkOrder(day, head.day); err != nil {
				return 0, err
			}
		}
		rec.Outcome.Token.Key = token.Key{} // a journal stores fingerprints, never keys
		n := len(ts[i].Key.Last5())
		rec.Seq, rec.KeyTail, rec.Policy, rec.RecordedAt = head.seq+1+int64(i), tails[off:off+n], b.Policy.Name, now
		off += n
		s = rec.Outcome.After
	}
	return 0, nil
}

// refusedAll answers a batch that key i refused with why, before anything
// was stored: as a batch with a spent key ([Book.answerAll]) if one of its
// keys is spent (the first in the batch's order), otherwise why, naming key
// i. A failed lookup is the store's error, never why.
func (b *Book) refusedAll(ctx context.Context, tenant, product string, ts []token.Token, fps []token.Fingerprint, id RequestID, i int, why error) ([]Outcome, error) {
	for j, fp := range fps {
		if err := ctx.Err(); err != nil {
			return nil, wrapErr("book: redeem all", err)
		}
		stored, ok, err := b.Journal.Lookup(ctx, fp)
		switch {
		case err != nil:
			return nil, wrapErr("book: redeem all: journal lookup", err)
		case !ok:
			continue
		case stored.Fingerprint != fp:
			return nil, brokenStore("book: redeem all", anotherKey)
		}
		return b.answerAll(ctx, tenant, product, ts, fps, id, j, &stored)
	}
	return nil, &BatchError{Index: i, Key: ts[i].Key.String(), Err: why}
}

// answerAll answers a batch whose key i is spent, stored: if stored is the
// identical batch's, the batch's records, read from the Journal, replay
// (each must be the identical batch's at its place); otherwise key i is
// [ErrAlreadyRedeemed].
func (b *Book) answerAll(ctx context.Context, tenant, product string, ts []token.Token, fps []token.Fingerprint, id RequestID, i int, stored *Record) ([]Outcome, error) {
	if stored.Request != id {
		return nil, &BatchError{Index: i, Key: ts[i].Key.String(), Err: ErrAlreadyRedeemed}
	}
	first := stored.Seq - int64(i)
	recs, err := b.Journal.History(ctx, tenant, product, first-1, len(ts))
	if err != nil {
		return nil, wrapErr("book: redeem all: journal history", err)
	}
	if len(recs) != len(ts) {
		return nil, brokenStore("book: redeem all", "the history lacks records of a batch it stored")
	}
	out := make([]Outcome, len(recs))
	for j := range recs {
		if recs[j].Fingerprint != fps[j] || recs[j].Seq != first+int64(j) {
			return nil, brokenStore("book: redeem all", "a batch's records are not at consecutive places")
		}
		if out[j], err = answer(&ts[j], id, &recs[j]); err != nil {
			return nil, brokenStore("book: redeem all", "a batch's records do not share its request")
		}
	}
	return out, nil
}

// batchID is a batch's request identity: the SHA-256 of batchDomain, the
// number of keys, then, each length-prefixed, the tenant, the product, every
// key's fingerprint and token (product, seats and term as given) in the
// batch's order, the operation's number and the day.
func batchID(fps []token.Fingerprint, tenant, product string, ts []token.Token, op Operation, at time.Time) RequestID {
	b := make([]byte, 0, 1024)
	b = ridAppendInt(append(b, batchDomain...), int64(len(ts)))
	b = bincode.AppendLen(bincode.AppendLen(b, tenant), product)
	for i := range ts {
		b = ridAppendToken(bincode.AppendLen(b, fps[i][:]), &ts[i])
	}
	return sha256.Sum256(ridAppendDate(ridAppendInt(b, int64(op)), at))
}
