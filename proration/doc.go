// Package proration is the exact calendar and seat-day arithmetic of coterm:
// month ends and leap days, the add-licenses blend (R4), the end-date
// extension and its cap (R5, R6), the roundings, and the money of a channel
// switch (R11). Rule ids refer to the table in coterm's DESIGN.md; each rule
// names its source document.
//
// Every function is pure: it depends only on its arguments, reads no clock
// (the day is always a parameter), holds no mutable package state, and never
// panics on any input. Arithmetic is on integers (int64 day numbers and
// seat-days) and, for money only, on [decimal.Decimal] with an explicit scale;
// there is no binary floating point and no [time.Time.AddDate] anywhere.
//
// # Calendar conventions
//
// Dates are calendar dates of the proleptic Gregorian calendar. The API takes
// [time.Time] and uses only its year, month and day in its own location; all
// results are dates at 00:00 UTC. No result depends on time zone or DST: a
// 23-hour or 25-hour day (America/New_York), a 23.5-hour day
// (Australia/Lord_Howe) and the date line (+14 h in Pacific/Kiritimati,
// −12 h in Etc/GMT+12) are all one calendar day, and the same dates in any
// location give the same results. [Date] normalises a time to its date.
//
// Supported dates are the years [MinYear] … [MaxYear] (0001-01-01 …
// 9999-12-31). A date outside them, or arithmetic that would leave them, is an
// error wrapping [ErrDateRange] from the *Checked functions and the formulas;
// the unchecked [AddMonths], [AddDays] and [Date] return the zero [time.Time]
// instead, and [Days] returns a meaningless count (use [DaysChecked]).
//
// # Day numbers
//
// A caller that does more than one computation on the same dates converts
// each once to a [Day] and works on integers. A Day is the Rata Die number of
// a date: 0001-01-01 is Day 1 ([MinDay]), 9999-12-31 is [MaxDay], and the
// zero Day is invalid, so an unset Day never passes for a date.
//
//	DayOf(t)                 t's date in its own location (any zone, any hour)
//	DayFromCivil(y, m, d)    an exact civil date; 2027-02-29 is an error
//	d.Valid(), d.Check()     in the years MinYear … MaxYear?
//	d.Sub(u)                 days from u to d, as Days counts them
//	d.AddMonths(n)           AddMonths on Days: clamped, anchored on d
//	d.AddDays(n)             n days later, range-checked
//	d.Civil(), d.Time()      back to year, month, day, or 00:00 UTC
//	d.String()               YYYY-MM-DD
//
// Every Day function agrees with its time.Time counterpart in every zone, and
// [ExtendDay] is [Extend] on a Day and a day count T, as [Blend] takes its
// day counts: no date is converted twice.
//
// # End date: the first day without service
//
// A subscription is active on day d iff d < End. The time remaining B on day
// at is Days(at, End), in days. A key's 12 months of service (R3,
// partner-center-cloud-services) from day d end on AddMonths(d, 12).
//
// # Months: clamping and anchoring
//
// [AddMonths](d, n) moves by n calendar months, either sign, and keeps the day
// of month unless the target month is shorter, in which case it is that
// month's last day: Jan 31 + 1 = Feb 28 (Feb 29 in a leap year), Feb 29 + 12
// = Feb 28, Mar 31 − 1 = Feb 28/29, Aug 31 + 1 = Sep 30. It never overflows
// into the next month as time.AddDate does (Jan 31 + 1 month = Mar 3 there).
//
// Every result is computed from the given anchor, never by chaining clamped
// results: AddMonths(Jan 31, i) for i = 1 … 12 gives Feb 28, Mar 31, Apr 30,
// …, Dec 31, Jan 31, whereas adding one month twelve times to the previous
// result would drift to the 28th. Callers that step month by month must
// likewise add i months to the anchor.
//
// # Add licenses (R4, R10)
//
// Buying more licenses mid-term co-terms them (R10, open-renewal-faq-de
// question 5): all seats share one end date, the seat-weighted average of the
// remaining term and the key's term (R4, partner-center-cloud-services):
//
//	R = (A·B + C·T) ÷ (A + C)    days remaining after the redemption
//
// with A the active seats, B their days remaining, C the key's seats and T
// the days of the key's term from the redemption day, Days(at, AddMonths(at,
// 12)). "No time is added or lost": [Blend] reports the seat-days before
// (A·B + C·T) and after ((A + C)·R) and the residue the one rounding made,
// at most (A + C) ÷ 2 seat-days for the nearest roundings. With B < T the end
// moves later, with B > T earlier; R always lies between B and T.
//
// # Extend end date (R5) and its cap (R6)
//
// Extending keeps the seats and moves the end date E by m = C ÷ A × 12
// months, kept as an exact fraction (R5, partner-center-cloud-services,
// licensing scenarios 1–3: 100 + 25 seats = +3 months, 100 + 100 = +12,
// 5 + 10 = +24). Under the default convention [CalendarMonths], with w the
// whole months of m and f its fraction,
//
//	Ew      = AddMonths(E, w)
//	Ew1     = AddMonths(E, w + 1)
//	new end = Ew + round(f × Days(Ew, Ew1))
//
// Worked example: E = 2027-01-31, A = 8, C = 1: m = 1.5, Ew = 2027-02-28,
// Ew1 = 2027-03-31, 0.5 × 31 = 15.5 → 16 (ties to even) → 2027-03-16.
// A key of C = k·A seats adds exactly 12·k calendar months; a larger key
// never gives an earlier end, and no extension moves the end earlier.
//
// The alternative convention [ExactSeatDays] adds C × T ÷ A days, T being the
// days of the key's term from the redemption day: the key's seat-days spread
// over the active seats.
//
// The cap (R6, scenario 4): a key of more than 3 × the active seats is
// refused, so the end date moves by at most three years; C = 3A is allowed
// and adds exactly 36 months. The refusal is a [*CapError] that wraps
// [ErrExtensionCap] and carries the largest key accepted ([MaxKeySeats]).
// The term (12) and the factor (3) are fields of [ExtendInput].
//
// # Rounding
//
// Every formula computes an exact fraction and rounds it once, at the end, by
// exact integer division ([Rounding.Div]) — never an intermediate. The
// roundings are [HalfEven] (the zero value and default: to nearest, ties to
// even), [HalfUp] (ties away from zero), [Down] (toward zero) and [Up] (away
// from zero). [SwitchCost] applies the same rules to money at a decimal scale.
//
// # Conventions and defaults
//
// Every point the documents leave open is a named choice: [Rounding] (default
// [HalfEven]), [Convention] (default [CalendarMonths]), the key's term
// ([DefaultTermMonths]), the cap factor ([DefaultCapFactor]), the switch
// penalty ([DefaultPenaltyPercent]), the first-days window
// ([DefaultFirstDays]) and the money scale ([DefaultMoneyScale]). A zero field
// in an input struct selects the default. Enums have String, Parse and text
// marshalling, so configuration files can name them.
//
// # Money of a channel switch (R11)
//
// Switching channel mid-term costs a 25 % penalty on the remaining term;
// inside the first 30 days after activation the first month is paid instead
// (R11, open-renewal-faq-de question 3: "Wenn ich INNERHALB von 30 Tagen ab
// Web-Direct Aktivierung … umsteigen will, … das erste Monat an MS bezahlen
// … Unterjährig … die Pönale von 25 % für die Restlaufzeit"). [SwitchCost]
// turns the remaining days into months at a constant daily rate over the
// subscription year from activation,
//
//	remaining months = 12 × Days(At, End) ÷ Days(Activated, AddMonths(Activated, 12))
//	remaining value  = price per seat per month × seats × remaining months
//	penalty          = 25 % × remaining value
//	first month      = price per seat per month × seats
//
// and rounds each amount once, from its exact value, to a named scale (2
// decimal places by default). The first month applies iff Days(Activated, At)
// < 30, the activation day being day 0. Rate, window, scale and rounding are
// fields of [SwitchInput].
//
// # Errors
//
//   - [ErrInput]: seats outside 1 … [MaxSeats] (10⁹), days outside 0 …
//     [MaxDays], an undefined [Rounding] or [Convention], a term, cap factor,
//     price, rate, window or scale outside its documented range, a switch day
//     outside [Activated, End). The message names the argument and the range.
//   - [ErrDateRange]: a date, or a result, outside the years [MinYear] …
//     [MaxYear].
//   - [ErrExtensionCap], as a [*CapError]: a key larger than the cap (R6).
//
// Errors are wrapped with context; test them with [errors.Is] and
// [errors.As]. A failed call returns the zero result.
//
// # Limits and overflow
//
// With at most 10⁹ seats and [MaxDays] days, every seat-day product and sum
// fits in an int64 (2 · 10⁹ · 3.7 · 10⁶ < 2⁶³), so no formula can overflow.
// [Rounding.Div] itself handles every int64 pair, including the extremes,
// without overflow; [Rounding.DivChecked] reports division by zero.
//
// # Performance
//
// Dates are converted once to integer day numbers (the zone offset of the
// time, then a division), and the civil conversions are branch-light integer
// arithmetic (Neri–Schneider). [Blend], [Extend], [ExtendDay], [AddMonths],
// [Days] and the [Day] methods allocate nothing; the benchmarks in
// bench_test.go compare each with the same computation done with
// shopspring/decimal on time.Time.
//
// [Extend] takes and returns time.Time in structs of 96 and 136 bytes: with
// Go's calling convention, passing and copying those costs more than the
// arithmetic (a function with Extend's signature that only converts the
// dates measures about 20–30 ns). [ExtendDay] takes and returns a few
// integers, in registers, and is the entry point for callers that hold Days;
// [BlendRemaining] is [Blend] reduced to R for the same reason.
package proration
