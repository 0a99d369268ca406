// Package text formats the numbers of the explanations that activation and
// activation/plan write: counts with thousands separators ("18,125") and
// counts with a unit ("1 seat", "2 seats"). Every function is pure and never
// panics.
package text
