package proration

import (
	"fmt"
	"strconv"
	"strings"
)

// enumText is the text form shared by the enumerations [Rounding],
// [Convention] and [SwitchRule]: typ names the type in String's fallback
// ("Rounding(7)", like time.Month), what names it in error messages, and
// names[v] is the name of value v. An empty name marks a value that is not
// defined, such as SwitchRule's zero value.
type enumText struct {
	typ, what string
	names     []string
}

// valid reports whether v is a defined value.
func (e *enumText) valid(v int) bool { return v >= 0 && v < len(e.names) && e.names[v] != "" }

// string returns the name of v, or typ(v) for a value that is not defined.
func (e *enumText) string(v int) string {
	if e.valid(v) {
		return e.names[v]
	}
	return e.typ + "(" + strconv.Itoa(v) + ")"
}

// parse returns the value named s, exactly (case-sensitive, no white space),
// or 0 and an error wrapping [ErrInput] that lists the names.
func (e *enumText) parse(s string) (int, error) {
	for v, n := range e.names {
		if n != "" && s == n {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown %s %q (want %s)", ErrInput, e.what, s, e.list())
}

// list returns the names as "a, b or c".
func (e *enumText) list() string {
	var defined []string
	for _, n := range e.names {
		if n != "" {
			defined = append(defined, n)
		}
	}
	last := len(defined) - 1
	return strings.Join(defined[:last], ", ") + " or " + defined[last]
}

// marshal returns the name of v, or an error wrapping [ErrInput] for a value
// that is not defined.
func (e *enumText) marshal(v int) ([]byte, error) {
	if !e.valid(v) {
		return nil, inputErr("%s %s not defined", e.what, e.string(v))
	}
	return []byte(e.names[v]), nil
}

// unmarshal sets *p to the value named b, as parse; on error *p is unchanged.
func (e *enumText) unmarshal(p *int, b []byte) error {
	v, err := e.parse(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
