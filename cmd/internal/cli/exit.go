// Package cli holds what the example programs whatif and replay share: one
// table of exit statuses, command-line parsing that never echoes what was
// typed, strict dates, names of tenants and products, and an output writer
// that never lets a product key or a control character through ([Run] wraps
// a program's standard output and error in one each, [WriteFile] a file's
// content).
//
// # Exit status
//
// Both programs document and use the same table:
//
//	0  done: every row applied or replayed; a question answered
//	1  a negative answer: some rows rejected; a goal no plan reaches; a subscription not
//	   in the book
//	2  bad usage: an unknown flag, a bad or missing value (one line on stderr)
//	3  the input cannot be read at all: a missing file, a bad header (no summary)
//
// # Never echo
//
// A product key is a secret, and a user pastes it into the wrong place: a
// flag's value, a flag's name (-key-KEY for -key=KEY), a file name. So no
// message here quotes what was typed; it names the flag or the argument's
// position and says what was expected. The flag package's own errors quote
// the value and are never passed through.
package cli

import (
	"errors"
	"fmt"
)

// The exit statuses of both programs.
const (
	ExitOK         = 0 // done, or a question answered
	ExitNegative   = 1 // a negative answer: rows rejected, a goal no plan reaches, no such subscription
	ExitUsage      = 2 // bad usage
	ExitUnreadable = 3 // the input cannot be read at all
)

// ExitTable is the exit-status table as both programs' usage texts print it.
const ExitTable = `Exit status:
  0  done: every row applied or replayed; a question answered
  1  a negative answer: some rows rejected; a goal no plan reaches; a subscription not
     in the book
  2  bad usage: an unknown flag, a missing or bad value (one line on standard error)
  3  the input cannot be read at all: a missing file, a bad header (then no summary)
`

// Error is an error with an exit status. Its message never holds what the
// user typed.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Usagef returns a bad-usage error (exit status 2).
func Usagef(format string, args ...any) error {
	return &Error{Code: ExitUsage, Msg: fmt.Sprintf(format, args...)}
}

// Unreadablef returns an error for input that cannot be read at all (exit
// status 3).
func Unreadablef(format string, args ...any) error {
	return &Error{Code: ExitUnreadable, Msg: fmt.Sprintf(format, args...)}
}

// Negativef returns a negative answer (exit status 1) whose message the
// program prints on standard error: a subscription not in the book.
func Negativef(format string, args ...any) error {
	return &Error{Code: ExitNegative, Msg: fmt.Sprintf(format, args...)}
}

// ErrNegative is a negative answer (exit status 1): rows were rejected, or a
// goal no plan reaches. What it means has been printed already.
var ErrNegative = &Error{Code: ExitNegative, Msg: "negative answer"}

// ErrHelp is returned after the usage text was printed on request (-h):
// exit status 0.
var ErrHelp = &Error{Code: ExitOK, Msg: "help requested"}

// ExitCode returns the exit status for err: 0 for nil, the code of an
// [*Error], and 3 for any other error (an I/O error: the input or the output
// could not be used).
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ExitUnreadable
}
