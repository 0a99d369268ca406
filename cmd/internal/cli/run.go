package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Run runs a program's body with its standard output and error wrapped in
// an [Output] each, so that no line it writes holds a key in clear or a
// control character. An error that is neither [ErrNegative] nor [ErrHelp]
// is printed on standard error after the program's name ("replay: …").
// Both outputs are flushed; a failure to write standard output is the
// error when the body returned none. [ErrHelp] becomes nil.
func Run(program string, stdout, stderr io.Writer, body func(out, errOut *Output) error) error {
	out, errOut := NewOutput(stdout), NewOutput(stderr)
	err := body(out, errOut)
	var ce *Error
	if err != nil && !(errors.As(err, &ce) && (ce == ErrNegative || ce == ErrHelp)) {
		fmt.Fprintf(errOut, "%s: %s\n", program, err.Error())
	}
	if ferr := out.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	errOut.Flush()
	if err == ErrHelp {
		return nil
	}
	return err
}

// Reason is an error's innermost message, the last of its Unwrap chain:
// for an error of the os package, the reason without the file name, which
// may be a key.
func Reason(err error) string {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok || u.Unwrap() == nil {
			return err.Error()
		}
		err = u.Unwrap()
	}
}

// WriteFile writes text to the file name, given with the flag flagName
// ("-svg"), through an [Output]. Its error never names the file (the name
// may be a key) and reads "-svg: cannot create the file: …" or "-svg:
// cannot write the file: …", exit status 3.
func WriteFile(flagName, name, text string) error {
	f, err := os.Create(name)
	if err != nil {
		return Unreadablef("%s: cannot create the file: %s", flagName, Reason(err))
	}
	o := NewOutput(f)
	o.WriteString(text)
	err = o.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Unreadablef("%s: cannot write the file: %s", flagName, Reason(err))
	}
	return nil
}
