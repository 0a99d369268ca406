package entitlement

import (
	"errors"
	"fmt"
	"strconv"
)

// The sentinel errors. Every error of bad input is an [*InputError] that
// wraps [ErrInvalid] and, where one fits, one of the more specific
// sentinels, so callers branch with [errors.Is]. No message quotes a name or
// a text the caller gave (it could hold a product key): it names the field,
// by its place in the input, and says why.
var (
	// ErrInvalid: an input is malformed or out of range: a quantity of zero
	// or less, a date outside the years 1 … 9999, an empty or unusable name,
	// an enumeration value that is not defined, an incoherent policy.
	ErrInvalid = errors.New("entitlement: invalid input")

	// ErrUnknown: an input names a location, pool, product, licence or
	// program year that the organisation does not declare.
	ErrUnknown = errors.New("entitlement: unknown name")

	// ErrCountry: a country is not an officially assigned ISO 3166-1 alpha-2
	// code.
	ErrCountry = errors.New("entitlement: not a country code")

	// ErrDuplicate: a name that must be unique is declared twice: a
	// location, a pool, a product or licence in two pools, a tenant's
	// placement, a token's fingerprint.
	ErrDuplicate = errors.New("entitlement: declared twice")

	// ErrNotAssociated: a location is not associated with the
	// headquarters, or the organisation has no headquarters or two (R17:
	// licences are shared only within one organisation).
	ErrNotAssociated = errors.New("entitlement: not associated with the headquarters")

	// ErrOverlap: a program year ends before it starts, or overlaps another
	// year of the same membership at the same location.
	ErrOverlap = errors.New("entitlement: program years overlap")

	// ErrToolkit: an Additional Benefit Toolkit grant at the headquarters or
	// for a membership that is not a competency (R18).
	ErrToolkit = errors.New("entitlement: toolkit not allowed here")
)

// InputError is the error of a bad input. Field is the input's place, such
// as "grants[3].quantity" or "locations[2].years[0]"; Reason says what is
// wrong; Kind is the specific sentinel (or [ErrInvalid]); Err, if not nil,
// is the cause reported by another package.
type InputError struct {
	Field  string
	Reason string
	Kind   error
	Err    error
}

// Error returns "entitlement: <field>: <reason>", then the cause's message
// as it reads (a wrap adds context; it never cuts a name from the cause).
func (e *InputError) Error() string {
	msg := "entitlement: " + e.Field + ": " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns [ErrInvalid], Kind if it is another sentinel, and Err if
// there is one.
func (e *InputError) Unwrap() []error {
	errs := []error{ErrInvalid}
	if e.Kind != nil && e.Kind != ErrInvalid {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// path is the place of a field in the input, "grants[3].pool": a list, an
// index (-1 for none) and a field name. It is formatted only when an error
// names it, so that validating a record costs no formatting.
type path struct {
	list string
	i    int
	name string
}

// top is the path of a top-level input, such as "at".
func top(name string) path { return path{list: name, i: -1} }

// item is the path of the i-th element of list.
func item(list string, i int) path { return path{list: list, i: i} }

// at returns the path of field name inside p.
func (p path) at(name string) path {
	if p.name != "" {
		name = p.name + "." + name
	}
	p.name = name
	return p
}

// String formats p.
func (p path) String() string {
	s := p.list
	if p.i >= 0 {
		s += "[" + strconv.Itoa(p.i) + "]"
	}
	if p.name != "" {
		s += "." + p.name
	}
	return s
}

// bad returns an *InputError of kind for the field at f.
func bad(kind error, f path, format string, args ...any) error {
	return &InputError{Field: f.String(), Reason: fmt.Sprintf(format, args...), Kind: kind}
}

// badWrap returns an *InputError of kind for the field at f with the cause
// err.
func badWrap(kind error, f path, reason string, err error) error {
	return &InputError{Field: f.String(), Reason: reason, Kind: kind, Err: err}
}

// countryErr is the error of a text that is not a country code.
func countryErr(format string, args ...any) error {
	return bad(ErrCountry, top("country"), format, args...)
}

// invalidMsg is the error of the enumerations' parsers.
func invalidMsg(msg string) error { return &InputError{Field: "text", Reason: msg, Kind: ErrInvalid} }
