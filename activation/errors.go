package activation

import (
	"errors"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/proration"
)

// The sentinel errors: every error of the package wraps exactly one, for
// [errors.Is]; typed errors ([*NotAllowedError], [*ProductMismatchError],
// [*proration.CapError]) carry the details.
var (
	// ErrNotAllowed: the operation is not permitted in the subscription's
	// state under the policy (the transition table, R7–R9). The error is a
	// [*NotAllowedError].
	ErrNotAllowed = errors.New("activation: operation not allowed")
	// ErrAlreadyRedeemed: the key was already redeemed (R2). Returned by a
	// Redeemer or a Book, never by Apply, which has no memory.
	ErrAlreadyRedeemed = errors.New("activation: key already redeemed")
	// ErrExtensionCap is proration.ErrExtensionCap: a key of more than
	// Policy.CapFactor × the active seats cannot extend the end date (R6). The
	// error is a [*proration.CapError] naming the largest key accepted.
	ErrExtensionCap = proration.ErrExtensionCap
	// ErrProductMismatch: the key is for another product than the
	// subscription. The error is a [*ProductMismatchError].
	ErrProductMismatch = errors.New("activation: product mismatch")
	// ErrInvalid: an input (policy, subscription, token, operation, date) is
	// malformed or out of range. The message says which and why.
	ErrInvalid = errors.New("activation: invalid input")
	// ErrSeatLimit: the operation would leave more than [MaxSeats] seats on
	// the subscription.
	ErrSeatLimit = errors.New("activation: seat limit exceeded")
)

// pkg is the name every error of this package starts with (see [text.Error]).
const pkg = "activation"

// NotAllowedError reports an operation the transition table refuses: which
// operation, in which state, since when, and when (if ever in this state) it
// becomes allowed. It wraps [ErrNotAllowed].
type NotAllowedError struct {
	Op    Operation
	State State
	// Since is the day the state began: the end date for Expired, the end
	// date + GraceDays for Disabled, and so on. It is the zero time for
	// Active and None, whose start the library does not know.
	Since time.Time
	// Opens is the first later day on which the operation becomes allowed as
	// days pass — the renew window (R9) or the end date (Renew, Activate of
	// an Active subscription) — or the zero time if waiting does not help.
	Opens time.Time
	// Reason, when set, says why the operation is refused beyond the state:
	// a grace renewal whose key term would end it before the redemption day.
	Reason string
}

// Error implements error.
func (e *NotAllowedError) Error() string {
	msg := "activation: " + e.Op.String() + " not allowed: subscription " + e.State.String()
	if !e.Since.IsZero() {
		msg += " since " + dateString(e.Since)
	}
	if !e.Opens.IsZero() {
		msg += "; allowed from " + dateString(e.Opens)
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Is reports whether target is [ErrNotAllowed].
func (e *NotAllowedError) Is(target error) bool { return target == ErrNotAllowed }

// ProductMismatchError reports a key for another product than the
// subscription's. It wraps [ErrProductMismatch]. It names the products, never
// the key.
type ProductMismatchError struct {
	Subscription string // the subscription's product
	Token        string // the key's product
}

// Error implements error.
func (e *ProductMismatchError) Error() string {
	return "activation: product mismatch: key for " + text.Name(e.Token) + ", subscription for " + text.Name(e.Subscription)
}

// Is reports whether target is [ErrProductMismatch].
func (e *ProductMismatchError) Is(target error) bool { return target == ErrProductMismatch }

// invalid returns an error wrapping [ErrInvalid] whose message is
// "activation: invalid input: " and the formatted text.
func invalid(format string, args ...any) error {
	return invalidMsg(fmt.Sprintf(format, args...))
}

// invalidMsg is invalid with a message that is not a format.
func invalidMsg(msg string) error {
	return &text.Error{Pkg: pkg, Msg: "invalid input: " + msg, Kind: ErrInvalid}
}

// invalidWrap wraps both ErrInvalid and err (for example
// proration.ErrDateRange): "activation: invalid input: what: " and err's
// message.
func invalidWrap(what string, err error) error {
	return &text.Error{Pkg: pkg, Msg: "invalid input: " + what, Kind: ErrInvalid, Err: err}
}

// invalidCause wraps both ErrInvalid and err, a cause that names its subject
// itself ("token: invalid token: …").
func invalidCause(err error) error {
	return &text.Error{Pkg: pkg, Msg: "invalid input", Kind: ErrInvalid, Err: err}
}

// wrapErr returns an error whose message is the package's name, msg (what
// failed) and err's message; errors.Is finds err.
func wrapErr(msg string, err error) error {
	return &text.Error{Pkg: pkg, Msg: msg, Err: err}
}

// brokenStore returns an error wrapping [ErrBrokenStore]: msg, then what the
// store returned against its contract.
func brokenStore(msg, what string) error {
	return &text.Error{Pkg: pkg, Msg: msg + ": store broke its contract: " + what, Kind: ErrBrokenStore}
}
