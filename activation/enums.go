package activation

import (
	"fmt"
	"strconv"
)

// Operation is what a redemption does with a key. The zero value is unknown
// and refused by every function.
type Operation int

// The operations, in the stable order [Policy.Preview] lists them.
const (
	// AddSeats is "add licenses" (R4, R10): the seats grow by the key's seats
	// and all seats share one seat-weighted average end date.
	AddSeats Operation = iota + 1
	// ExtendEnd is "extend end date" (R5, R6): the seats stay and the end date
	// moves by key seats ÷ active seats × the term, at most CapFactor terms.
	ExtendEnd
	// Renew starts the next term of a subscription (R9): under Open2014 inside
	// the renew window or the grace period; under PartnerCenter after the end
	// date, where it is an activation anew (R7).
	Renew
	// Activate starts a new term from the redemption day on a subscription
	// that has none or is no longer active (R7): seats = the key's seats.
	Activate
)

const numOps = 4

// Import is the operation of a record made by [Book.Import]: a subscription
// recorded as it stands elsewhere, or a correction of one. It is not one of
// the four key operations: Valid reports false for it and Apply refuses it.
const Import Operation = numOps + 1

var opNames = [numOps + 1]string{"", "add-seats", "extend-end", "renew", "activate"}

// String returns "add-seats", "extend-end", "renew", "activate" or "import",
// or "Operation(N)" for any other value.
func (op Operation) String() string {
	if op.Valid() {
		return opNames[op]
	}
	if op == Import {
		return "import"
	}
	return "Operation(" + strconv.Itoa(int(op)) + ")"
}

// Valid reports whether op is one of the four operations.
func (op Operation) Valid() bool { return op >= AddSeats && op <= Activate }

// ParseOperation parses an operation name, in any ASCII case: "add-seats"
// (also "add", "add-licenses"), "extend-end" (also "extend",
// "extend-end-date"), "renew", "activate". Errors wrap [ErrInvalid].
func ParseOperation(s string) (Operation, error) {
	switch lowerASCII(s) {
	case "add-seats", "add", "add-licenses":
		return AddSeats, nil
	case "extend-end", "extend", "extend-end-date":
		return ExtendEnd, nil
	case "renew":
		return Renew, nil
	case "activate":
		return Activate, nil
	}
	return 0, fmt.Errorf("%w: unknown operation %q (want add-seats, extend-end, renew or activate)", ErrInvalid, clip(s))
}

// MarshalText implements encoding.TextMarshaler: the operation's name, also
// "import" for [Import]. An unknown operation is an error.
func (op Operation) MarshalText() ([]byte, error) {
	if !op.Valid() && op != Import {
		return nil, fmt.Errorf("%w: %s", ErrInvalid, op)
	}
	return []byte(op.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseOperation],
// and also reads "import" as [Import].
func (op *Operation) UnmarshalText(b []byte) error {
	if string(b) == "import" {
		*op = Import
		return nil
	}
	v, err := ParseOperation(string(b))
	if err != nil {
		return err
	}
	*op = v
	return nil
}

// State is where a subscription stands in its lifecycle on a given day (R8);
// see [Policy.State]. The zero value is unknown.
type State int

// The states, in the order a subscription passes through them as days pass.
const (
	// Active: the day is before the end date; fully functional.
	Active State = iota + 1
	// Expired: the grace period, GraceDays from the end date; still fully
	// functional (R8: 30 days).
	Expired
	// Disabled: read-only for DisabledDays after the grace (R8: 90 days).
	Disabled
	// Deleted: the data is gone (R8: 120 days after the end date); only
	// Activate, which starts a new subscription, is possible.
	Deleted
	// None: the tenant has no subscription to the product yet (Seats 0 and
	// a zero End; the portal's "No Active Subscription"). Only Activate is
	// possible. None never turns into another state as days pass.
	None
)

const numStates = 5

var stateNames = [numStates + 1]string{"", "active", "expired", "disabled", "deleted", "none"}

// String returns "active", "expired", "disabled", "deleted" or "none", or
// "State(N)" for any other value.
func (st State) String() string {
	if st.Valid() {
		return stateNames[st]
	}
	return "State(" + strconv.Itoa(int(st)) + ")"
}

// Valid reports whether st is one of the five states.
func (st State) Valid() bool { return st >= Active && st <= None }

// ParseState parses the names [State.String] returns, in any ASCII case.
// Errors wrap [ErrInvalid].
func ParseState(s string) (State, error) {
	l := lowerASCII(s)
	for i := Active; i <= None; i++ {
		if l == stateNames[i] {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown state %q (want active, expired, disabled, deleted or none)", ErrInvalid, clip(s))
}

// MarshalText implements encoding.TextMarshaler. An unknown state is an error.
func (st State) MarshalText() ([]byte, error) {
	if !st.Valid() {
		return nil, fmt.Errorf("%w: %s", ErrInvalid, st)
	}
	return []byte(stateNames[st]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseState].
func (st *State) UnmarshalText(b []byte) error {
	v, err := ParseState(string(b))
	if err != nil {
		return err
	}
	*st = v
	return nil
}

// Anchor is the day a renewal's new term is counted from (R9). The zero value
// is unknown.
type Anchor int

// The anchors.
const (
	// RedemptionDay: new end = AddMonths(redemption day, term). Days left
	// before the old end date are lost, and reported (R9, before the end).
	RedemptionDay Anchor = iota + 1
	// OldEnd: new end = AddMonths(old end date, term); nothing is lost
	// (R9, inside the grace period).
	OldEnd
)

var anchorNames = [3]string{"", "redemption-day", "old-end"}

// String returns "redemption-day" or "old-end", or "Anchor(N)".
func (a Anchor) String() string {
	if a.Valid() {
		return anchorNames[a]
	}
	return "Anchor(" + strconv.Itoa(int(a)) + ")"
}

// Valid reports whether a is one of the anchors.
func (a Anchor) Valid() bool { return a == RedemptionDay || a == OldEnd }

// ParseAnchor parses the names [Anchor.String] returns, in any ASCII case.
func ParseAnchor(s string) (Anchor, error) {
	switch lowerASCII(s) {
	case "redemption-day":
		return RedemptionDay, nil
	case "old-end":
		return OldEnd, nil
	}
	return 0, fmt.Errorf("%w: unknown anchor %q (want redemption-day or old-end)", ErrInvalid, clip(s))
}

// MarshalText implements encoding.TextMarshaler.
func (a Anchor) MarshalText() ([]byte, error) {
	if !a.Valid() {
		return nil, fmt.Errorf("%w: %s", ErrInvalid, a)
	}
	return []byte(anchorNames[a]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseAnchor].
func (a *Anchor) UnmarshalText(b []byte) error {
	v, err := ParseAnchor(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// lowerASCII lower-cases ASCII letters only: "K" (U+212A KELVIN SIGN) stays
// what it is and fails to parse, as it should.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + ('a' - 'A')
				}
			}
			return string(b)
		}
	}
	return s
}

// clip shortens s for an error message.
func clip(s string) string {
	const max = 40
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
