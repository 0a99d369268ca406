package text

import (
	"errors"
	"testing"
)

func TestError(t *testing.T) {
	kind := errors.New("activation: invalid input")
	cause := errors.New("proration: date out of range: year 10000")
	e := &Error{Msg: "activation: invalid input: redemption day", Kind: kind, Err: cause}
	if got, want := e.Error(), "activation: invalid input: redemption day: date out of range: year 10000"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, kind) || !errors.Is(e, cause) {
		t.Errorf("errors.Is: %v, %v; want both", errors.Is(e, kind), errors.Is(e, cause))
	}
	wrapped := &Error{Msg: "plan: key 1", Err: e}
	if got, want := wrapped.Error(), "plan: key 1: invalid input: redemption day: date out of range: year 10000"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(wrapped, kind) || !errors.Is(wrapped, cause) {
		t.Error("a wrap of a wrap loses its sentinels")
	}
	only := &Error{Msg: "plan: invalid input: no keys", Kind: kind}
	if only.Error() != only.Msg || !errors.Is(only, kind) || len(only.Unwrap()) != 1 {
		t.Errorf("%q: %v", only.Error(), only.Unwrap())
	}
	if (&Error{Msg: "x"}).Unwrap() != nil || len((&Error{Msg: "x", Err: cause}).Unwrap()) != 1 {
		t.Error("Unwrap lists a nil error")
	}
	for in, want := range map[string]string{
		"token: seats out of range": "seats out of range", "plan: x": "x", "activation: y": "y",
		"tokens: z": "tokens: z", "token: token: z": "token: z", "": "",
	} {
		if got := TrimPackage(in); got != want {
			t.Errorf("TrimPackage(%q) = %q, want %q", in, got, want)
		}
	}
}
