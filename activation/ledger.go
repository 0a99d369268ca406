package activation

import (
	"context"
	"time"

	"github.com/coterm/coterm/token"
)

// Ledger is the storage of a [Redeemer]: the set of spent keys, a [Record]
// per key fingerprint. Claim stores rec if no record has rec.Fingerprint and
// returns the record now stored for it, with inserted true if that is rec;
// of concurrent Claims for one fingerprint exactly one inserts and all
// return its record. Lookup returns the record of fp, if any. A Ledger never
// sees a key (records carry its fingerprint) and refuses, with an error
// wrapping [ErrInvalid], a record [Record.MarshalBinary] refuses; it returns
// records as given (times as the same instants), records nothing under a
// done context, and is safe for concurrent use. A store that is also a [Journal] has one set
// of spent keys for both. The conformance suite is
// [github.com/coterm/coterm/activation/ledgertest]; [MemoryLedger] is the
// reference.
type Ledger interface {
	Claim(ctx context.Context, rec Record) (stored Record, inserted bool, err error)
	Lookup(ctx context.Context, fp token.Fingerprint) (rec Record, ok bool, err error)
}

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
// for any other. A refusal records nothing. After a store error, retrying the
// identical request never spends a key twice or loses one. Bad input (nil
// Redeemer, Ledger or ctx, a zero Key, a recorded name [CheckName] refuses)
// wraps [ErrInvalid].
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
	where := "redeem " + t.Key.String() + ": ledger"
	fp := t.Key.Fingerprint()
	id := requestID(redeemerDomain, fp, s.Tenant, s.Product, &s, &t, op, at)
	o, err := r.Policy.Apply(s, t, op, at)
	if err != nil {
		return refused(ctx, r.Ledger, where, fp, id, &t, err)
	}
	if err := ctx.Err(); err != nil {
		return Outcome{}, wrapErr(where, err)
	}
	rec := Record{Fingerprint: fp, Request: id, Outcome: o}
	rec.Outcome.Token.Key = token.Key{} // a store keeps fingerprints, never keys
	stored, inserted, err := r.Ledger.Claim(ctx, rec)
	switch {
	case err != nil:
		return Outcome{}, wrapErr(where, err)
	case inserted:
		return o, nil // from Apply: Replayed is false
	case stored.Fingerprint != fp:
		return Outcome{}, brokenStore(where, anotherKey)
	}
	return answer(&t, id, &stored)
}
