package pgledger

import (
	"errors"
	"fmt"

	"github.com/coterm/coterm/activation"
)

// kindError is why an append stored nothing when the record before its
// place is of another [activation.RecordKind]: a place holds records of
// one kind. It wraps [activation.ErrInvalid].
type kindError struct {
	held, given activation.RecordKind
}

func (e *kindError) Error() string {
	return fmt.Sprintf("%v: the place holds %s records, not %s records; nothing was recorded", activation.ErrInvalid, e.held, e.given)
}

func (e *kindError) Unwrap() error { return activation.ErrInvalid }

// placeError says why a record at place seq (0: none) whose insert stored
// nothing, and whose key and place no record holds, was not stored: the
// record before its place is missing (errGap) or of another kind than kind
// (a *kindError); nil if neither (a conflict that has vanished). prevKind is
// the kind of the record before the place, nil if there is none.
func placeError(seq int64, prevKind *int16, kind int16) error {
	switch {
	case seq > 1 && prevKind == nil:
		return errGap
	case prevKind != nil && *prevKind != kind:
		return &kindError{held: activation.RecordKind(*prevKind), given: activation.RecordKind(kind)}
	}
	return nil
}

// appendError is the error of an append (op) that stored nothing: a gap
// or a kind it refused, as it is, or err wrapped by wrapWrite.
func appendError(op string, err error) error {
	var ke *kindError
	switch {
	case errors.Is(err, errGap):
		return errGap
	case errors.As(err, &ke):
		return fmt.Errorf("pgledger: %s: %w", op, ke)
	}
	return wrapWrite(op, err)
}
