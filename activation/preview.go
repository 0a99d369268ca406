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
	r, term, err := p.checkAll(s, t, at)
	if err != nil {
		return nil, err
	}
	out := make([]Outcome, 0, numOps)
	for _, op := range Operations() {
		// The same steps as Apply after its common checks, without building
		// the errors of refused operations.
		eff, ok := p.allowed(&r, op)
		if !ok {
			continue
		}
		out = append(out, Outcome{})
		if p.apply(&out[len(out)-1], &r, t, op, eff, term) != nil {
			out = out[:len(out)-1]
		}
	}
	return out, nil
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
	out := make([]Option, 0, numOps)
	for _, op := range Operations() {
		o, err := p.Apply(s, t, op, at)
		out = append(out, Option{Op: op, Outcome: o, Err: err})
	}
	return out
}

// checkAll runs the checks Apply makes before the transition table: invalid
// inputs and a product mismatch.
func (p Policy) checkAll(s Subscription, t token.Token, at time.Time) (request, int, error) {
	r, err := p.check(s, AddSeats, at)
	if err != nil {
		return request{}, 0, err
	}
	term, err := p.keyTerm(t)
	if err != nil {
		return request{}, 0, err
	}
	if s.Product != "" && t.Product != s.Product {
		return request{}, 0, &ProductMismatchError{Subscription: s.Product, Token: t.Product}
	}
	return r, term, nil
}
