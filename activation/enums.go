package activation

import "github.com/coterm/coterm/internal/enum"

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
// the four key operations: ParseOperation does not accept it and Apply
// refuses it; String and the text form name it "import".
const Import Operation = numOps + 1

// opText names the four key operations, which ParseOperation accepts;
// recordOpText also names Import, for String and the text form.
var (
	opAliases = []enum.Alias[Operation]{
		{Name: "add", Value: AddSeats}, {Name: "add-licenses", Value: AddSeats},
		{Name: "extend", Value: ExtendEnd}, {Name: "extend-end-date", Value: ExtendEnd},
	}
	opText       = enum.New("Operation", "operation", invalidMsg, []string{"", "add-seats", "extend-end", "renew", "activate"}, opAliases...)
	recordOpText = enum.New("Operation", "operation", invalidMsg, []string{"", "add-seats", "extend-end", "renew", "activate", "import", "replace"}, opAliases...)
)

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

var stateText = enum.New[State]("State", "state", invalidMsg, []string{"", "active", "expired", "disabled", "deleted", "none"})

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

var anchorText = enum.New[Anchor]("Anchor", "anchor", invalidMsg, []string{"", "redemption-day", "old-end"})

// The text form of the enumerations (see "Names"), method by method.

// String returns "add-seats", "extend-end", "renew", "activate" or "import",
// or "Operation(N)" for any other value.
func (op Operation) String() string { return recordOpText.String(op) }

// String returns "active", "expired", "disabled", "deleted" or "none", or
// "State(N)" for any other value.
func (st State) String() string { return stateText.String(st) }

// String returns "redemption-day" or "old-end", or "Anchor(N)".
func (a Anchor) String() string { return anchorText.String(a) }

// MarshalText implements [encoding.TextMarshaler]: the operation's name, also
// "import" for [Import]. Any other value is an error wrapping [ErrInvalid].
func (op Operation) MarshalText() ([]byte, error) { return recordOpText.MarshalText(op) }

// MarshalText implements [encoding.TextMarshaler]. A state that is not valid
// is an error wrapping [ErrInvalid].
func (st State) MarshalText() ([]byte, error) { return stateText.MarshalText(st) }

// MarshalText implements [encoding.TextMarshaler]. An anchor that is not
// valid is an error wrapping [ErrInvalid].
func (a Anchor) MarshalText() ([]byte, error) { return anchorText.MarshalText(a) }

// valid reports whether op is one of the four operations.
func (op Operation) valid() bool { return op >= AddSeats && op <= Activate }

// valid reports whether st is one of the five states.
func (st State) valid() bool { return st >= Active && st <= None }

// valid reports whether a is one of the anchors.
func (a Anchor) valid() bool { return a == RedemptionDay || a == OldEnd }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseOperation],
// and also reads "import" as [Import]; on error op is unchanged.
func (op *Operation) UnmarshalText(b []byte) error { return recordOpText.UnmarshalText(op, b) }

// UnmarshalText implements [encoding.TextUnmarshaler]: a name [State.String]
// returns, in any ASCII case. Any other text is an error wrapping
// [ErrInvalid]; st is then unchanged.
func (st *State) UnmarshalText(b []byte) error { return stateText.UnmarshalText(st, b) }

// UnmarshalText implements [encoding.TextUnmarshaler]: a name [Anchor.String]
// returns, in any ASCII case; on error a is unchanged.
func (a *Anchor) UnmarshalText(b []byte) error { return anchorText.UnmarshalText(a, b) }

// ParseOperation parses an operation name: "add-seats" (also "add",
// "add-licenses"), "extend-end" (also "extend", "extend-end-date"), "renew"
// or "activate", in any ASCII case. Any other text is an error wrapping
// [ErrInvalid] that lists the names and does not repeat the text.
//
//go:noinline
func ParseOperation(s string) (Operation, error) {
	// Not inlined: a caller in another package then sees that s does not
	// escape (the generic Parse keeps nothing of it), and a text converted
	// from bytes to call it stays on the caller's stack.
	return opText.Parse(s)
}
