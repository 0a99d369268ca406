package proration

import "github.com/coterm/coterm/internal/daymath"

// The tests reach the date helpers and the integer rounding of the core,
// which proration uses but does not export, under these names.

var (
	addDays          = daymath.AddDays
	addMonthsChecked = daymath.AddMonthsChecked
	dateOf           = daymath.Date
)

const (
	maxDays   = daymath.MaxDays
	maxMonths = (MaxYear - MinYear + 1) * 12
)

// div is r's integer division, as the formulas round.
func div(r Rounding, num, den int64) int64 { return daymath.Rounding(r).Div(num, den) }
