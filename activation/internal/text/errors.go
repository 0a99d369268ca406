package text

import "strings"

// Error is an error whose message names one package. Msg starts with the
// package's prefix and says what failed ("activation: invalid input:
// redemption day"); Err, if not nil, is the cause from another package, whose
// message follows Msg without its own package prefix, so that a wrap adds
// context and never a second prefix:
//
//	activation: invalid input: redemption day: date out of range: …
//
// rather than "…: redemption day: proration: date out of range: …".
// Kind is the sentinel the error also matches with errors.Is (nil for none).
type Error struct {
	Msg  string
	Kind error
	Err  error
}

// Error returns Msg, then ": " and Err's message without its package prefix.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Msg
	}
	return e.Msg + ": " + TrimPackage(e.Err.Error())
}

// Unwrap returns Kind and Err, those that are not nil.
func (e *Error) Unwrap() []error {
	switch {
	case e.Kind == nil && e.Err == nil:
		return nil
	case e.Kind == nil:
		return []error{e.Err}
	case e.Err == nil:
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// packages are the prefixes TrimPackage removes: the packages of the module
// whose errors are wrapped by another.
var packages = [...]string{"activation: ", "proration: ", "token: ", "plan: "}

// TrimPackage returns msg without a leading package prefix ("token: ",
// "proration: ", "activation: " or "plan: "), removed once.
func TrimPackage(msg string) string {
	for _, p := range packages {
		if rest, ok := strings.CutPrefix(msg, p); ok {
			return rest
		}
	}
	return msg
}
