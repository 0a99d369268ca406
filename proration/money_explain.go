package proration

import (
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Explain returns the price of the switch in plain English, for a support
// desk to paste: the rule of R11 that applied, with the first and last day
// of the first-month window, and the amount due. For example:
//
//	Channel switch (R11): activated 2026-01-01, switched 2026-01-31 (day 30), inside the first-month
//	window 2026-01-01 … 2026-01-31 (within 30 days of activation, both days included): the first
//	month is paid: 5 seats × 10 per month = 50.00.
//
// The zero SwitchQuote gives "no switch".
func (q SwitchQuote) Explain() string {
	if !q.Rule.Valid() {
		return "no switch"
	}
	var b strings.Builder
	b.WriteString("Channel switch (R11): activated ")
	b.WriteString(dateOnly(q.Activated))
	b.WriteString(", switched ")
	b.WriteString(dateOnly(q.At))
	b.WriteString(" (day ")
	b.WriteString(strconv.Itoa(q.DaysSinceActivation))
	b.WriteString("), ")
	if q.Rule == SwitchFirstMonth {
		b.WriteString("inside")
	} else {
		b.WriteString("after")
	}
	b.WriteString(" the first-month window ")
	b.WriteString(q.FirstMonthDays.String())
	b.WriteString(" (within ")
	b.WriteString(strconv.Itoa(q.FirstDays))
	b.WriteString(" days of activation, both days included): ")
	if q.Rule == SwitchFirstMonth {
		b.WriteString("the first month is paid: ")
		b.WriteString(seatsText(q.Seats))
		b.WriteString(" × ")
		b.WriteString(q.PricePerSeatMonth.String())
		b.WriteString(" per month = ")
		b.WriteString(q.FirstMonth.StringFixed(q.Scale))
		b.WriteString(".")
		return b.String()
	}
	b.WriteString("the penalty is paid: the remaining ")
	b.WriteString(strconv.Itoa(q.RemainingDays))
	b.WriteString(" days are ")
	b.WriteString(q.RemainingMonths(3).String())
	b.WriteString(" months of a ")
	b.WriteString(strconv.Itoa(q.YearDays))
	b.WriteString("-day year, worth ")
	b.WriteString(q.RemainingValue.StringFixed(q.Scale))
	b.WriteString(" for ")
	b.WriteString(seatsText(q.Seats))
	b.WriteString(" at ")
	b.WriteString(q.PricePerSeatMonth.String())
	b.WriteString(" per month; ")
	b.WriteString(q.PenaltyRate.Mul(decimal.New(100, 0)).String())
	b.WriteString(" % of it = ")
	b.WriteString(q.Penalty.StringFixed(q.Scale))
	b.WriteString(".")
	return b.String()
}

// seatsText returns "1 seat" or "n seats".
func seatsText(n int) string {
	if n == 1 {
		return "1 seat"
	}
	return strconv.Itoa(n) + " seats"
}

// dateOnly returns d's date as YYYY-MM-DD.
func dateOnly(d time.Time) string { return d.Format(time.DateOnly) }
