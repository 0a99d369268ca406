package activation

import (
	"context"
	"fmt"
	"time"

	"github.com/coterm/coterm/token"
)

// Redeemer redeems product keys exactly once (R2): it computes each
// redemption with Policy and records it in Ledger. See [Ledger] for the
// protocol, the replay of identical requests and the handling of store
// failures.
//
// A Redeemer holds no state of its own: it is safe for concurrent use when
// its Ledger is, and any number of Redeemers in any number of processes may
// share one Ledger.
type Redeemer struct {
	// Policy computes every redemption; see [Policy.Apply].
	Policy Policy
	// Ledger records every redemption. It must not be nil.
	Ledger Ledger
}

// Redeem redeems t against s with op on day at, at most once per key.
//
// On success the Outcome is the result of r.Policy.Apply (Replayed false),
// or, when this identical request was recorded before, the recorded Outcome
// with Replayed true; in both cases the caller applies Outcome.After. A
// request for a key that another request redeemed fails with
// [ErrAlreadyRedeemed]; its message names the key masked and says nothing
// about the first redemption. A redemption that Apply refuses returns Apply's
// error and records nothing; but if the key is recorded already, Redeem
// answers as for any request for a recorded key (a replay of the identical
// request, recorded under a policy that may since have changed;
// ErrAlreadyRedeemed otherwise); when that lookup fails, Redeem returns the
// store's error, not Apply's, since the answer is then unknown. A done ctx
// returns ctx's error (wrapped) and records nothing. A store error is returned wrapped; retrying the identical
// request afterwards never spends the key twice (see [Ledger]).
//
// A nil Redeemer, a nil Ledger, a nil ctx or a zero Key is an error wrapping
// [ErrInvalid], never a panic. So is a name the record would hold that fails
// a [Book]'s name rules (see Book's "Bad input"): s.Tenant (unless empty),
// s.Product, t.Product, or Policy.Name (unless empty); the error does not
// echo it.
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
	o, applyErr := r.Policy.Apply(s, t, op, at)
	if applyErr != nil {
		return r.refused(ctx, s, t, op, at, applyErr)
	}
	if err := ctx.Err(); err != nil {
		return Outcome{}, wrapErr("activation: redeem "+t.Key.String(), err)
	}
	fp := t.Key.Fingerprint()
	rec := Record{Fingerprint: fp, Request: newRequestID(fp, s, t, op, at), Outcome: o}
	rec.Outcome.Token.Key = token.Key{} // a ledger stores fingerprints, never keys
	stored, inserted, err := r.Ledger.Claim(ctx, rec)
	if err != nil {
		return Outcome{}, wrapErr("activation: redeem "+t.Key.String()+": ledger", err)
	}
	if stored.Fingerprint != rec.Fingerprint {
		return Outcome{}, brokenStore("activation: redeem "+t.Key.String(), anotherKey)
	}
	return r.answer(t, o, rec.Request, stored, inserted)
}

// inUTC returns o with its dates as the same instants in UTC. A Ledger may
// return times in another location (see [Ledger]); every date here is read
// in its own location, so a replay brings them back to the dates at 00:00 UTC
// that Apply made, or 2027-07-31 00:00 UTC returned in New York would be read
// as 2027-07-30.
func (o Outcome) inUTC() Outcome {
	o.At = o.At.UTC()
	o.Before.End = o.Before.End.UTC()
	o.After.End = o.After.End.UTC()
	return o
}

// anotherKey says what a Ledger broke when it returned the record of
// another key.
const anotherKey = "the ledger returned the record of another key"

// answer turns the record a claim or lookup found into Redeem's result.
func (r *Redeemer) answer(t token.Token, o Outcome, req RequestID, stored Record, inserted bool) (Outcome, error) {
	switch {
	case inserted:
		return o, nil // from Apply: Replayed is false
	case stored.Request == req:
		o = stored.Outcome.inUTC()
		o.Token.Key = t.Key // same fingerprint, so the same key
		o.Replayed = true
		return o, nil
	default:
		// Deliberately nothing from stored: R2 says the second request
		// learns only that the key is spent.
		return Outcome{}, fmt.Errorf("%w: %v", ErrAlreadyRedeemed, t.Key)
	}
}

// refused handles a redemption that Apply refused. Nothing is recorded; but if
// the key is recorded already, the request answers as for a recorded key: the
// identical request replays (it succeeded before, under a policy that may
// since have changed), any other is ErrAlreadyRedeemed. If the lookup fails,
// the store's error is returned, not the refusal.
func (r *Redeemer) refused(ctx context.Context, s Subscription, t token.Token, op Operation, at time.Time, applyErr error) (Outcome, error) {
	if err := ctx.Err(); err != nil {
		// The lookup cannot run, so the answer is unknown: not the refusal.
		return Outcome{}, wrapErr("activation: redeem "+t.Key.String(), err)
	}
	fp := t.Key.Fingerprint()
	stored, ok, err := r.Ledger.Lookup(ctx, fp)
	switch {
	case err != nil:
		// The answer depends on the lookup: if the key is recorded, this
		// may be a replay. The error is the store's (retryable), never the
		// refusal, which may not be the answer.
		return Outcome{}, wrapErr("activation: redeem "+t.Key.String()+": ledger lookup", err)
	case !ok:
		return Outcome{}, applyErr
	case stored.Fingerprint != fp:
		return Outcome{}, brokenStore("activation: redeem "+t.Key.String(), anotherKey)
	}
	return r.answer(t, Outcome{}, newRequestID(fp, s, t, op, at), stored, false)
}
