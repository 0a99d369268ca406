package proration

// Rounding says how a formula turns an exact fraction into a whole number of
// days (or, in [SwitchCost], of the smallest money unit). It is applied once,
// at the end, by exact integer division: never to an intermediate.
// The zero value is [HalfEven], the default.
type Rounding int

// The roundings. The zero value, HalfEven, is the default.
const (
	HalfEven Rounding = iota // to nearest, ties to the even neighbour
	HalfUp                   // to nearest, ties away from zero
	Down                     // toward zero (truncate); for non-negative values, floor
	Up                       // away from zero; for non-negative values, ceiling
)

// String returns "half-even", "half-up", "down" or "up", or "Rounding(N)"
// for a value outside the enumeration.
func (r Rounding) String() string { return roundingText.String(r) }

// Valid reports whether r is one of the defined roundings.
func (r Rounding) Valid() bool { return roundingText.Valid(r) }

// ParseRounding parses the names [Rounding.String] returns: "half-even",
// "half-up", "down" or "up", in any ASCII case, nothing trimmed (the module's
// rule for names, see the package documentation). Any other text is an
// error wrapping [ErrInput] that lists the names and does not repeat the
// text.
func ParseRounding(s string) (Rounding, error) {
	return roundingText.Parse(s)
}

// MarshalText implements [encoding.TextMarshaler]. It returns an error
// wrapping [ErrInput] for an invalid r.
func (r Rounding) MarshalText() ([]byte, error) { return roundingText.MarshalText(r) }

// UnmarshalText implements [encoding.TextUnmarshaler] by [ParseRounding].
func (r *Rounding) UnmarshalText(b []byte) error { return roundingText.UnmarshalText(r, b) }
