package activation

import (
	"time"

	"github.com/coterm/coterm/token"
)

// Operations returns the four operations in the stable order Preview and
// Options list them: AddSeats, ExtendEnd, Renew, Activate.
func Operations() [4]Operation {
	return [4]Operation{AddSeats, ExtendEnd, Renew, Activate}
}

// Preview returns, side by side, the Outcome of every operation [Policy.Apply]
// would accept for key t on subscription s on day at, in the order of
// [Operations]. An operation Apply refuses (not allowed in the state, over the
// cap, over the seat limit) is left out; [Policy.Options] lists those with
// their reason. Preview fails only for inputs no operation could accept
// (invalid policy, subscription, token or day: [ErrInvalid]; another
// product: [ErrProductMismatch]). For each operation, Preview agrees with
// Apply exactly.
func (p Policy) Preview(s Subscription, t token.Token, at time.Time) ([]Outcome, error) {
	r, term, err := checkAll(&p, &s, &t, at)
	if err != nil {
		return nil, err
	}
	// The same steps as Apply after its common checks, without building the
	// errors of refused operations; each Outcome is computed in place.
	var effs [numOps]effect
	n := 0
	for _, op := range Operations() {
		if eff, ok := allowedFor(&p, &r, op, term); ok {
			effs[op-1] = eff
			n++
		}
	}
	out := make([]Outcome, n)
	keyEnd, err := keyTermEnd(&r, term)
	if err != nil { // every operation fails with it
		return out[:0], nil
	}
	n = 0
	for _, op := range Operations() {
		if effs[op-1] != 0 && apply(&out[n], &p, &s, &r, &t, op, effs[op-1], term, keyEnd) == nil {
			n++
		}
	}
	return out[:n], nil
}

// Option is one row of a what-if table: an operation with its Outcome if
// Apply accepts it, or the error saying why not.
type Option struct {
	Op      Operation
	Outcome Outcome // zero when Err is not nil
	Err     error   // nil when the operation is allowed
}

// Allowed reports whether the operation is allowed (Err is nil).
func (o Option) Allowed() bool { return o.Err == nil }

// Options returns the four operations in the order of [Operations], each with
// its Outcome or the error Apply returns for it: refused options keep their
// reason ([*NotAllowedError] with the state and the date it began, a cap
// error with the largest key accepted, …). Options never fails as a whole;
// for invalid inputs every row carries the same error.
func (p Policy) Options(s Subscription, t token.Token, at time.Time) []Option {
	out := make([]Option, numOps)
	// Apply's steps, with the common checks made once for the four rows.
	r, term, err := checkAll(&p, &s, &t, at)
	for i, op := range Operations() {
		out[i].Op = op
		if err != nil {
			out[i].Err = err
			continue
		}
		eff, ok := allowedFor(&p, &r, op, term)
		if !ok {
			out[i].Err = refusalFor(&p, &r, op, term)
			continue
		}
		keyEnd, kerr := keyTermEnd(&r, term)
		if kerr == nil {
			kerr = apply(&out[i].Outcome, &p, &s, &r, &t, op, eff, term, keyEnd)
		}
		if kerr != nil {
			out[i] = Option{Op: op, Err: kerr}
		}
	}
	return out
}
