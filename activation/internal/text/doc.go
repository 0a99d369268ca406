// Package text formats what activation and activation/plan write: counts
// with thousands separators ("18,125"), counts with a unit ("1 seat",
// "2 seats"), names quoted only when they cannot be read as a product key
// ([Name]), and errors that name their package once ([Error]). Every
// function is pure and never panics.
package text
