package activation

import (
	"context"
	"fmt"
	"time"

	"github.com/coterm/coterm/token"
)

// Redeemer redeems product keys exactly once (R2): it computes each
// redemption with Policy ([Policy.Apply]) and claims it in Ledger. It holds
// no state of its own: any number of Redeemers in any number of processes
// may share one Ledger.
type Redeemer struct {
	Policy Policy
	Ledger Ledger // must not be nil
}

// Redeem applies t to s with op on day at and claims the record under the
// key's fingerprint and [NewRequestID]: Apply's Outcome if the claim
// inserted; the recorded Outcome (Replayed) for the identical request (same
// key, tenant, state before, token, operation and day); [ErrAlreadyRedeemed]
// for any other. A refusal records nothing; after a store error, retrying the
// identical request converges. Bad input (nil Redeemer, Ledger or ctx, a
// zero Key, a name [CheckName] refuses) wraps [ErrInvalid].
func (r *Redeemer) Redeem(ctx context.Context, s Subscription, t token.Token, op Operation, at time.Time) (Outcome, error) {
	switch {
	case r == nil:
		return Outcome{}, invalid("redeem: nil Redeemer")
	case r.Ledger == nil:
		return Outcome{}, invalid("redeem: Redeemer has no Ledger")
	case ctx == nil:
		return Outcome{}, invalid("redeem: nil context")
	case t.Key.IsZero():
		return Outcome{}, invalid("redeem: zero key")
	}
	if err := checkRecorded(&r.Policy, &s, &t); err != nil {
		return Outcome{}, err
	}
	fp := t.Key.Fingerprint()
	id := requestID(redeemerDomain, fp, s.Tenant, s.Product, &s, &t, op, at)
	o, err := r.Policy.Apply(s, t, op, at)
	if err != nil {
		return refused(ctx, r.Ledger.Lookup, ledgerWhere(&t), fp, id, &t, err)
	}
	if err := ctx.Err(); err != nil {
		return Outcome{}, wrapErr(ledgerWhere(&t), err)
	}
	rec := Record{Fingerprint: fp, Request: id, Outcome: o}
	rec.Outcome.Token.Key = token.Key{} // a store keeps fingerprints, never keys
	var stored Record
	var inserted bool
	if mj, ok := r.Ledger.(*MemoryJournal); ok {
		// checkRecorded accepted every name rec holds; it has no key tail.
		inserted, err = mj.claim(ctx, &rec, &stored, false)
	} else {
		stored, inserted, err = r.Ledger.Claim(ctx, rec)
	}
	switch {
	case err != nil:
		return Outcome{}, wrapErr(ledgerWhere(&t), err)
	case inserted:
		return o, nil // from Apply: Replayed is false
	case stored.Fingerprint != fp:
		return Outcome{}, brokenStore(ledgerWhere(&t), anotherKey)
	}
	return answer(&t, id, &stored)
}

// ledgerWhere is the context of a Redeemer's errors for t, made only for an
// error: a redemption Apply accepts, stored or replayed, allocates nothing
// for it.
func ledgerWhere(t *token.Token) string { return "redeem " + t.Key.String() + ": ledger" }

// anotherKey says what a store broke when it answered a request for one key
// with the record of another.
const anotherKey = "it returned the record of another key"

// answer is the answer of a Redeemer and a Book to a request (identity id)
// for t's spent key: the identical request replays the recorded Outcome
// (Replayed set, t's key, dates in UTC); any other is [ErrAlreadyRedeemed],
// which deliberately takes nothing from stored (R2).
func answer(t *token.Token, id RequestID, stored *Record) (Outcome, error) {
	if stored.Request != id {
		return Outcome{}, fmt.Errorf("%w: %v", ErrAlreadyRedeemed, t.Key)
	}
	o := stored.Outcome.inUTC()
	o.Token.Key = t.Key // the same fingerprint, so the same key
	o.Replayed = true
	return o, nil
}

// refused answers a request refused with why before anything was stored: if
// t's key is spent (lookup, a Ledger's or a Journal's), as a request for a
// spent key ([answer]), even if the policy or the day would refuse it now;
// otherwise why. When the lookup fails the answer is unknown: the error is
// the store's (retryable), never why. where names the caller and its store.
func refused(ctx context.Context, lookup func(context.Context, token.Fingerprint) (Record, bool, error), where string, fp token.Fingerprint, id RequestID, t *token.Token, why error) (Outcome, error) {
	if err := ctx.Err(); err != nil {
		return Outcome{}, wrapErr(where, err)
	}
	stored, ok, err := lookup(ctx, fp)
	switch {
	case err != nil:
		return Outcome{}, wrapErr(where+" lookup", err)
	case !ok:
		return Outcome{}, why
	case stored.Fingerprint != fp:
		return Outcome{}, brokenStore(where, anotherKey)
	}
	return answer(t, id, &stored)
}

// inUTC returns o with its dates as the same instants in UTC: a store may
// return times in another location, where a date would read otherwise.
func (o Outcome) inUTC() Outcome {
	o.At = o.At.UTC()
	o.Before.End = o.Before.End.UTC()
	o.After.End = o.After.End.UTC()
	return o
}

// recordUTC returns rec with all its times as the same instants in UTC.
func recordUTC(rec Record) Record {
	rec.Outcome = rec.Outcome.inUTC()
	rec.RecordedAt = rec.RecordedAt.UTC()
	return rec
}

// samePlace reports whether stored is at rec's place, as a PlaceTaken answer
// must be.
func samePlace(stored, rec *Record) bool {
	return stored.Seq == rec.Seq && stored.Outcome.After.Tenant == rec.Outcome.After.Tenant &&
		stored.Outcome.After.Product == rec.Outcome.After.Product
}
