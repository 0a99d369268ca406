// Package daymath is the integer core of coterm's date and seat-day
// arithmetic, shared by proration, activation and activation/plan. Package
// proration checks the inputs and states the rules (R3–R6); daymath computes
// them on integers for callers that have checked already.
//
// Every function is pure and never panics. There is no floating point and no
// [time.Time.AddDate].
//
// # Days
//
// A [Day] is the Rata Die number of a date of the proleptic Gregorian
// calendar: 0001-01-01 is Day 1 ([MinDay]), 1970-01-01 is Day 719163 and
// 9999-12-31 is [MaxDay]. The zero Day is invalid, so an unset Day never
// passes for a date. e − d is the number of days from d to e, and d + n is n
// days later.
//
// [Of] takes a [time.Time]'s year, month and day in its own location:
//
//	Of(t) = ⌊(t.Unix() + zone offset) ÷ 86400⌋ + 719163
//
// so that neither the hour nor DST matters. Dates go to and from year, month
// and day by the algorithms of C. Neri and L. Schneider ("Euclidean affine
// functions and their application to calendar algorithms", 2022): Days and
// years are shifted by 82 eras of 400 years so that all arithmetic is on
// small unsigned integers, and every division is a multiplication and a
// shift. The year of a Day outside the range, for error messages, is computed
// by H. Hinnant's signed algorithm.
//
// # Months
//
// d + n months keeps the day of month unless the target month is shorter,
// then it is that month's last day, always counted from d itself:
//
//	AddMonths(y-m-d, n) = y'-m'-min(d, days in m' of y'),  12·y' + m' = 12·y + m + n
//
// # Rounding
//
// [Rounding.Div] rounds num ÷ den from the integer quotient q and remainder
// r: [Down] keeps q, [Up] moves away from zero when r ≠ 0, [HalfUp] when
// 2|r| ≥ |den|, [HalfEven] when 2|r| > |den| or 2|r| = |den| and q is odd.
// It compares r with den − r, so it never overflows.
//
// # Formulas
//
// [Blend] is R = (a·b + c·t) ÷ (a + c), and [Extend] the calendar-months and
// exact-seat-days conventions of extend end date, as package proration
// states them. Extend takes the span of the month after Ew,
//
//	Days(Ew, Ew1) = (days in Ew's month − day of Ew) + min(day of E, days in the next month)
//
// from the civil date it has already computed, without converting Ew1, and
// reduces m = c·term ÷ a by the binary GCD.
//
// # Errors
//
// [ErrDateRange] for a date outside the years [MinYear] … [MaxYear], and
// [ErrInput] for an impossible civil date or an undefined rounding; package
// proration exports both.
//
// # Performance
//
// Nothing allocates except an error. A date costs one conversion each way,
// and the functions a formula calls on its hot path are small enough to be
// inlined (inlining_test.go pins them). Divisions run in 32 bits when the
// operands fit, which is almost always: seats are at most 10⁹ and a seat-day
// sum of realistic inputs stays below 2³².
package daymath
