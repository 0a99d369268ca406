package text

// Error is an error of one package: Pkg is the package's name ("activation"),
// Msg what failed, in that package's words and without its name ("invalid
// input: redemption day"), Kind the sentinel the error also matches with
// errors.Is (nil for none), and Err the cause (nil for none). Its message
// names its package once:
//
//	activation: invalid input: redemption day: proration: date out of range: …
//	plan: key 1: product mismatch: key for "O365-E5", subscription for …
//
// A cause that is an *Error adds its words without its package's name,
// which it keeps apart: a wrap adds context, never a second name. Any other
// cause (of token, proration, pgledger, the standard library) reads as it
// reads, its own package's name included: no name is ever cut from a
// message by matching it.
type Error struct {
	Pkg  string
	Msg  string
	Kind error
	Err  error
}

// Error returns Pkg, Msg and the cause's message, each after ": ".
func (e *Error) Error() string { return e.Pkg + ": " + e.words() }

// words is the message without the package's name.
func (e *Error) words() string {
	var cause string
	switch c := e.Err.(type) {
	case nil:
		return e.Msg
	case *Error:
		cause = c.words()
	default:
		cause = c.Error()
	}
	if e.Msg == "" {
		return cause
	}
	return e.Msg + ": " + cause
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
