package text

import (
	"errors"
	"testing"
)

func TestError(t *testing.T) {
	kind := errors.New("activation: invalid input")
	cause := errors.New("proration: date out of range: year 10000")
	e := &Error{Pkg: "activation", Msg: "invalid input: redemption day", Kind: kind, Err: cause}
	if got, want := e.Error(), "activation: invalid input: redemption day: proration: date out of range: year 10000"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, kind) || !errors.Is(e, cause) {
		t.Errorf("errors.Is: %v, %v; want both", errors.Is(e, kind), errors.Is(e, cause))
	}
	wrapped := &Error{Pkg: "plan", Msg: "key 1", Err: e}
	if got, want := wrapped.Error(), "plan: key 1: invalid input: redemption day: proration: date out of range: year 10000"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(wrapped, kind) || !errors.Is(wrapped, cause) {
		t.Error("a wrap of a wrap loses its sentinels")
	}
	// A foreign name is never cut, whatever it is called.
	for _, msg := range []string{"pgledger: append: failed", "token: x", "activation: y"} {
		w := &Error{Pkg: "activation", Msg: "book: redeem: journal", Err: errors.New(msg)}
		if got, want := w.Error(), "activation: book: redeem: journal: "+msg; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	}
	if got, want := (&Error{Pkg: "plan", Err: e}).Error(), "plan: invalid input: redemption day: proration: date out of range: year 10000"; got != want {
		t.Errorf("no context: Error() = %q, want %q", got, want)
	}
	only := &Error{Pkg: "plan", Msg: "invalid input: no keys", Kind: kind}
	if only.Error() != "plan: invalid input: no keys" || !errors.Is(only, kind) || len(only.Unwrap()) != 1 {
		t.Errorf("%q: %v", only.Error(), only.Unwrap())
	}
	if (&Error{Msg: "x"}).Unwrap() != nil || len((&Error{Msg: "x", Err: cause}).Unwrap()) != 1 {
		t.Error("Unwrap lists a nil error")
	}
}
