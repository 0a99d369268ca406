package activation

import (
	"context"
	"encoding/json"
	"time"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// operations are the four operations in the stable order Preview and Options
// list them.
var operations = [4]Operation{AddSeats, ExtendEnd, Renew, Activate}

// Preview returns, side by side, the Outcome of every operation [Policy.Apply]
// accepts for key t on subscription s on day at, in the order AddSeats,
// ExtendEnd, Renew, Activate, each as Apply computes it; [Policy.Options]
// also lists the refused ones with their reason. Preview fails only for
// inputs no operation could accept ([ErrInvalid], [ErrProductMismatch]).
func (p Policy) Preview(s Subscription, t token.Token, at time.Time) ([]Outcome, error) {
	r, term, err := checkAll(&p, &s, &t, at)
	if err != nil {
		return nil, err
	}
	// The same steps as Apply after its common checks, without building the
	// errors of refused operations; each Outcome is computed in place.
	var effs [numOps]effect
	n := 0
	for _, op := range operations {
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
	for _, op := range operations {
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

// Options returns the four operations in the order AddSeats, ExtendEnd,
// Renew, Activate, each with its Outcome or the error Apply returns for it
// ([*NotAllowedError], a cap error with the largest key accepted, …); for
// invalid inputs every row carries the same error.
func (p Policy) Options(s Subscription, t token.Token, at time.Time) []Option {
	out := make([]Option, numOps)
	// Apply's steps, with the common checks made once for the four rows.
	r, term, err := checkAll(&p, &s, &t, at)
	for i, op := range operations {
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

// Preview is a subscription's current state in a [Book] and every option of
// a key on it, as [Book.Preview] computed them.
type Preview struct {
	Subscription Subscription // the head's After, or none for a subscription the book does not track
	Seq          int64        // the head's Seq (0: untracked), for [Book.RedeemIfUnchanged]
	Options      []Option     // the four operations, as [Policy.Options] lists them
}

// MarshalJSON implements [json.Marshaler]: {"subscription", "seq",
// "options"}, each option {"op", "outcome"} or {"op", "error"} (the error's
// message, never a key in clear). It is an output form: an error's type
// does not survive JSON, so there is no UnmarshalJSON.
func (p Preview) MarshalJSON() ([]byte, error) {
	type optionJSON struct {
		Op      Operation `json:"op"`
		Outcome *Outcome  `json:"outcome,omitempty"`
		Error   string    `json:"error,omitempty"`
	}
	v := struct {
		Subscription Subscription `json:"subscription"`
		Seq          int64        `json:"seq"`
		Options      []optionJSON `json:"options"`
	}{Subscription: p.Subscription, Seq: p.Seq, Options: make([]optionJSON, len(p.Options))}
	for i := range p.Options {
		o := &p.Options[i]
		v.Options[i].Op = o.Op
		if o.Err != nil {
			v.Options[i].Error = o.Err.Error()
		} else {
			v.Options[i].Outcome = &o.Outcome
		}
	}
	return json.Marshal(v)
}

// Preview returns the current state of (tenant, product), its head's Seq,
// and every option of key t on it on day at (see [Policy.Options]). Pass the
// Seq to [Book.RedeemIfUnchanged] to redeem only if nothing changed since.
// It records nothing and does not look the key up.
func (b *Book) Preview(ctx context.Context, tenant, product string, t token.Token, at time.Time) (Preview, error) {
	if err := b.check(ctx, "preview"); err != nil {
		return Preview{}, err
	}
	if err := checkRequest(tenant, product, &t); err != nil {
		return Preview{}, err
	}
	head, ok, err := b.head(ctx, tenant, product)
	if err != nil {
		return Preview{}, err
	}
	p := Preview{Subscription: Subscription{Tenant: tenant, Product: product}}
	if ok {
		if day := daymath.Of(at); day.Valid() {
			if err := checkOrder(day, head.day); err != nil {
				return Preview{}, err
			}
		}
		p.Subscription, p.Seq = head.after, head.seq
	}
	p.Options = b.Policy.Options(p.Subscription, t, at)
	return p, nil
}
