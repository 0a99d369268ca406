package token

import (
	"errors"
	"fmt"
	"strings"
)

// Limits of a [Token].
const (
	// MinSeats and MaxSeats bound Token.Seats.
	MinSeats = 1
	MaxSeats = 1_000_000_000
	// DefaultTermMonths is the term of a key whose TermMonths is 0: 12 months (R3).
	DefaultTermMonths = 12
	// MaxTermMonths is the longest term a Token may state.
	MaxTermMonths = 36
)

// Errors of [Token.Validate]. Each wraps [ErrInvalidToken].
var (
	// ErrInvalidToken is wrapped by every error of Token.Validate.
	ErrInvalidToken = errors.New("token: invalid token")
	// ErrZeroKey means the Token has the zero Key.
	ErrZeroKey = fmt.Errorf("%w: zero key", ErrInvalidToken)
	// ErrProduct means the Token's Product is empty or only white space.
	ErrProduct = fmt.Errorf("%w: empty product", ErrInvalidToken)
	// ErrSeats means the Token's Seats are outside MinSeats…MaxSeats.
	ErrSeats = fmt.Errorf("%w: seats out of range", ErrInvalidToken)
	// ErrTerm means the Token's TermMonths is neither 0 (12 months) nor 1…MaxTermMonths.
	ErrTerm = fmt.Errorf("%w: term out of range", ErrInvalidToken)
)

// Token is a product key with what it grants: Seats licenses of Product for TermMonths
// months. A key is redeemed exactly once and never split (R2): a 25-seat Token is never five
// 5-seat Tokens. Printing a Token prints its Key masked.
//
// In JSON a Token is an object with camelCase names,
//
//	{"key":"XXXXX-XXXXX-XXXXX-XXXXX-5VD6L","product":"O365-E3","seats":25,"termMonths":0}
//
// and its key is masked: unmarshalling accepts a full key, but a marshalled Token cannot be
// unmarshalled again, because its masked key fails with [ErrMaskedKey].
type Token struct {
	// Key is the product key (R1).
	Key Key `json:"key"`
	// Product names what the key licenses; it must match the subscription's product.
	Product string `json:"product"`
	// Seats is the number of licenses, MinSeats…MaxSeats.
	Seats int `json:"seats"`
	// TermMonths is the term the key gives; 0 means DefaultTermMonths (12, R3).
	TermMonths int `json:"termMonths"`
}

// Term returns t's term in months: TermMonths, or [DefaultTermMonths] when it is 0.
func (t Token) Term() int {
	if t.TermMonths == 0 {
		return DefaultTermMonths
	}
	return t.TermMonths
}

// Validate checks t and returns nil or one error that names every failure, for example
//
//	token: invalid token: zero key; seats out of range: 0, want 1…1000000000
//
// and wraps [ErrInvalidToken] and the sentinel of each failure: [ErrZeroKey], [ErrProduct],
// [ErrSeats], [ErrTerm]. The message never contains the key.
func (t Token) Validate() error {
	var e *invalidError
	if t.Key.IsZero() {
		e = e.add(ErrZeroKey, "")
	}
	if strings.TrimSpace(t.Product) == "" {
		e = e.add(ErrProduct, "")
	}
	if t.Seats < MinSeats || t.Seats > MaxSeats {
		e = e.add(ErrSeats, fmt.Sprintf("%d, want %d…%d", t.Seats, MinSeats, MaxSeats))
	}
	if t.TermMonths < 0 || t.TermMonths > MaxTermMonths {
		e = e.add(ErrTerm, fmt.Sprintf("%d months, want 0 (meaning %d) or 1…%d", t.TermMonths, DefaultTermMonths, MaxTermMonths))
	}
	if e == nil {
		return nil
	}
	return e
}

// invalidError is the error of Token.Validate: every failure in one message with one prefix.
type invalidError struct {
	errs []error // ErrInvalidToken, then the sentinel of each failure
	msg  []byte
}

// add records the failure sentinel with an optional detail and returns e, made if nil.
func (e *invalidError) add(sentinel error, detail string) *invalidError {
	if e == nil {
		e = &invalidError{errs: []error{ErrInvalidToken}, msg: []byte(ErrInvalidToken.Error() + ": ")}
	} else {
		e.msg = append(e.msg, "; "...)
	}
	e.errs = append(e.errs, sentinel)
	e.msg = append(e.msg, strings.TrimPrefix(sentinel.Error(), ErrInvalidToken.Error()+": ")...)
	if detail != "" {
		e.msg = append(e.msg, ": "+detail...)
	}
	return e
}

// Error returns the message.
func (e *invalidError) Error() string { return string(e.msg) }

// Unwrap returns ErrInvalidToken and the sentinel of each failure.
func (e *invalidError) Unwrap() []error { return e.errs }
