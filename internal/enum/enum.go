// Package enum is the one text form of coterm's enumerations: activation's
// Operation, State, Anchor and Service, proration's Rounding, Convention,
// CapRule and SwitchRule, and plan's GoalKind and Finding.
//
// # The rule
//
// Every enumeration is a typed int whose defined values each have one
// canonical name, written in lower case ASCII with hyphens ("add-seats",
// "half-even"). String returns the canonical name, or "Type(N)" for a value
// that is not defined, like time.Month. MarshalText writes the canonical name
// and refuses a value that is not defined.
//
// Parsing accepts the whole string as one name: a canonical name or one of the
// enumeration's documented aliases ("add-licenses" for add-seats), in any
// ASCII case ("ADD-SEATS", "Add-Licenses"). Nothing else is accepted: no
// white space is trimmed, no other separator stands in for the hyphen, and no
// Unicode case folding applies (the Kelvin sign U+212A is not a "k", "ſ" is
// not an "s").
//
// A refusal never repeats its input, which may be a secret pasted into the
// wrong field (a product key): it says what was expected, the list of names,
// and how many bytes were given.
//
// Every function is pure and never panics.
package enum

import (
	"strconv"
	"strings"
)

// Alias is another name of a value, accepted by [Set.Parse] but never
// written.
type Alias[T ~int] struct {
	Name  string // lower case ASCII
	Value T
}

// Set is the text form of one enumeration. Build it once, with [New], as a
// package-level value that is never changed.
type Set[T ~int] struct {
	typ     string
	what    string
	names   []string
	aliases []Alias[T]
	invalid func(msg string) error
}

// New returns the text form of the enumeration T: typ is T's name for
// String's fallback ("Operation(7)"), what names it in error messages
// ("operation"), names[v] is the canonical name of value v ("" for a value
// that is not defined, such as an unknown zero value), aliases are the other
// names Parse accepts, and invalid turns a message into the package's error
// (wrapping its sentinel for invalid input). Names and aliases are lower case
// ASCII.
func New[T ~int](typ, what string, invalid func(msg string) error, names []string, aliases ...Alias[T]) *Set[T] {
	return &Set[T]{typ: typ, what: what, names: names, aliases: aliases, invalid: invalid}
}

// Valid reports whether v is a defined value.
func (e *Set[T]) Valid(v T) bool {
	return v >= 0 && int(v) < len(e.names) && e.names[v] != ""
}

// String returns v's canonical name, or "Type(N)" for a value that is not
// defined.
func (e *Set[T]) String(v T) string {
	if e.Valid(v) {
		return e.names[v]
	}
	return e.typ + "(" + strconv.Itoa(int(v)) + ")"
}

// Parse returns the value named s under the package's rule: a canonical name
// or an alias, in any ASCII case, and nothing else. Otherwise it returns 0 and
// an error that lists the names and gives only the length of s.
func (e *Set[T]) Parse(s string) (T, error) {
	for v, n := range e.names {
		if n != "" && equalFoldASCII(s, n) {
			return T(v), nil
		}
	}
	for _, a := range e.aliases {
		if equalFoldASCII(s, a.Name) {
			return a.Value, nil
		}
	}
	return 0, e.invalid(e.unknown(len(s)))
}

// unknown is the message of a refused name of n bytes.
func (e *Set[T]) unknown(n int) string {
	var b strings.Builder
	b.WriteString("unknown ")
	b.WriteString(e.what)
	b.WriteString(" (")
	switch n {
	case 0:
		b.WriteString("empty")
	case 1:
		b.WriteString("1 byte")
	default:
		b.WriteString(strconv.Itoa(n))
		b.WriteString(" bytes")
	}
	b.WriteString("): want ")
	b.WriteString(e.List())
	return b.String()
}

// List returns the canonical names as "a, b or c", followed by the aliases
// if there are any: "a, b or c (also d, e)".
func (e *Set[T]) List() string {
	names := e.Names()
	var b strings.Builder
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(n)
	}
	for i, a := range e.aliases {
		if i == 0 {
			b.WriteString(" (also ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(a.Name)
		if i == len(e.aliases)-1 {
			b.WriteString(")")
		}
	}
	return b.String()
}

// Names returns the canonical names of the defined values, in value order.
// The slice is new on every call.
func (e *Set[T]) Names() []string {
	out := make([]string, 0, len(e.names))
	for _, n := range e.names {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// MarshalText returns v's canonical name, or an error for a value that is not
// defined.
func (e *Set[T]) MarshalText(v T) ([]byte, error) {
	if !e.Valid(v) {
		return nil, e.invalid(e.what + " " + e.String(v) + " is not defined")
	}
	return []byte(e.names[v]), nil
}

// UnmarshalText sets *p to the value [Set.Parse] reads from b; on error *p is
// unchanged.
func (e *Set[T]) UnmarshalText(p *T, b []byte) error {
	v, err := e.Parse(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// equalFoldASCII reports whether s is lower, a lower case ASCII name, with
// ASCII letters in any case. Bytes outside ASCII never match.
func equalFoldASCII(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
