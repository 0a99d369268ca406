// Package text formats what activation and activation/plan write: counts
// with thousands separators ("18,125"), counts with a unit ("1 seat",
// "2 seats"), and errors whose message names one package ([Error]: a wrap
// adds context and drops the wrapped message's package prefix). Every
// function is pure and never panics.
package text
