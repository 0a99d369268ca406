// Package proration is the exact calendar and seat-day arithmetic of coterm:
// month ends and leap days, the add-licenses blend (R4), the end-date
// extension and its cap (R5, R6), the roundings, and the money of a channel
// switch (R11). The rule ids are those of the rules table in coterm's README.
//
// Every function is pure: it depends only on its arguments, reads no clock
// (the day is always a parameter), holds no mutable package state, and never
// panics on any input. Arithmetic is on integers (day numbers and seat-days)
// and, for money only, on [decimal.Decimal] with an explicit scale; there is
// no binary floating point and no [time.Time.AddDate].
//
// # Calendar conventions
//
// Dates are calendar dates of the proleptic Gregorian calendar. The API takes
// [time.Time] and uses only its year, month and day in its own location; all
// results are dates at 00:00 UTC. No result depends on time zone or DST: a
// 23-hour or 25-hour day (America/New_York), a 23.5-hour day
// (Australia/Lord_Howe) and the date line (+14 h in Pacific/Kiritimati,
// −12 h in Etc/GMT+12) are all one calendar day, and the same dates in any
// location give the same results.
//
// Supported dates are the years [MinYear] … [MaxYear] (0001-01-01 …
// 9999-12-31). A date outside them, or arithmetic that would leave them, is
// an error wrapping [ErrDateRange] from the formulas; [AddMonths] returns the
// zero [time.Time] instead, and [Days] a meaningless count.
//
// # End date: the first day without service
//
// A subscription is active on day d iff d < End. The time remaining B on day
// at is Days(at, End), in days. A key's 12 months of service (R3) from day d
// end on AddMonths(d, 12).
//
// # Months: clamping and anchoring
//
// AddMonths(d, n) moves by n calendar months, either sign, and keeps the day
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
// Buying more licenses mid-term co-terms them (R10): all seats share one end
// date, the seat-weighted average of the remaining term and the key's term
// (R4):
//
//	R = (A·B + C·T) ÷ (A + C)    days remaining after the redemption
//
// with A the active seats, B their days remaining, C the key's seats and T
// the days of the key's term from the redemption day, Days(at, AddMonths(at,
// 12)); the new end is R days after at. "No time is added or lost": [Blend]
// reports the seat-days before (A·B + C·T) and after ((A + C)·R) and the
// residue the one rounding made, |residue| < A + C, at most (A + C) ÷ 2 for
// the nearest roundings. With B < T the end moves later, with B > T earlier;
// R always lies between B and T.
//
// # Extend end date (R5) and its cap (R6)
//
// Extending keeps the seats and moves the end date E by m = C ÷ A × 12
// months, kept as an exact fraction (R5, licensing scenarios 1–3: 100 + 25
// seats = +3 months, 100 + 100 = +12, 5 + 10 = +24). Under the default
// convention [CalendarMonths], with w the whole months of m and f its
// fraction, both months counted from E itself,
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
// The alternative convention [ExactSeatDays] adds round(C × T ÷ A) days, T
// being the days of the key's term from the redemption day: the key's
// seat-days spread over the active seats.
//
// The cap (R6, scenario 4): a key of more than 3 × the active seats is
// refused, so the end date moves by at most three years; C = 3A is allowed
// and adds exactly 36 months. The refusal is a [*CapError] that wraps
// [ErrExtensionCap] and carries the largest key accepted ([MaxKeySeats]).
// The term (12) and the factor (3) are fields of [ExtendInput].
//
// That is the per-key reading of "extend the end date by a maximum of three
// years", [CapPerKey], the default: each key is capped on its own, so keys
// redeemed one after another can move the end further (four 300-seat keys
// on 100 seats: 2027-03-01 → 2039-03-01). The other reading, [CapEndLimit],
// bounds the end date instead: after the extension it lies at most
// CapFactor × the key's term after the redemption day,
//
//	new end ≤ AddMonths(At, CapFactor × term)
//
// (the factor scales with the term as under CapPerKey: 36 months for a
// 12-month key). The largest key accepted is then found by binary search
// over seats (the new end is monotone in the key's seats) and carried by
// the [*CapError], with the limit; when not even one seat fits (the end is
// already at the limit), the error says so and names the first later day on
// which a key of one seat fits. [ExtendInput].CapRule selects the reading.
//
// # Money of a channel switch (R11)
//
// Switching channel mid-term costs a 25 % penalty on the remaining term;
// inside the first 30 days after activation the first month is paid instead
// (R11: "Wenn ich INNERHALB von 30 Tagen ab Web-Direct Aktivierung …
// umsteigen will, … das erste Monat an MS bezahlen … Unterjährig … die Pönale
// von 25 % für die Restlaufzeit"). The remaining days become months at a
// constant daily rate over the subscription year from activation (a named
// choice; the source leaves it open), so a switch on the activation day of a
// 12-month subscription leaves exactly 12 months:
//
//	remaining months = 12 × Days(At, End) ÷ Days(Activated, AddMonths(Activated, 12))
//	remaining value  = price per seat per month × seats × remaining months
//	penalty          = penalty rate (25 %) × remaining value
//	first month      = price per seat per month × seats
//
// Each amount is rounded once, from its exact value, to a named scale (2
// decimal places by default). The first month applies iff At lies in
// [WithinDays](Activated, 30): the activation day (day 0) through the 30th
// day after it, both included — activated 2027-01-31, a switch through
// 2027-03-02 pays the first month and one on 2027-03-03 the penalty.
// "Innerhalb von 30 Tagen ab … Aktivierung" is read exactly as R12's
// "within 30 days of activation" (package activation's replacement window):
// one function, WithinDays, decides both. [SwitchQuote.Explain] states the
// window's first and last day.
//
// # Rounding
//
// Every formula computes an exact fraction and rounds it once, at the end,
// by exact integer (or, for money, decimal) division — never an
// intermediate. The roundings are [HalfEven] (the zero value and default: to
// nearest, ties to even), [HalfUp] (ties away from zero), [Down] (toward
// zero) and [Up] (away from zero).
//
// # Conventions and defaults
//
// Every point the documents leave open is a named choice: [Rounding] (default
// [HalfEven]), [Convention] (default [CalendarMonths]), [CapRule] (default
// [CapPerKey]), the key's term
// ([DefaultTermMonths]), the cap factor ([DefaultCapFactor]), the switch
// penalty ([DefaultPenaltyPercent]), the first-days window
// ([DefaultFirstDays]) and the money scale ([DefaultMoneyScale]). A zero field
// in an input struct selects the default. Enums have String, Parse and text
// marshalling, so configuration files can name them.
//
// # Errors
//
//   - [ErrInput]: seats outside 1 … [MaxSeats] (10⁹), day counts outside
//     0 … 3,652,058 (the span of the supported calendar), an undefined
//     [Rounding] or [Convention], a term, cap factor, price, rate, window or
//     scale outside its documented range, a switch day outside [Activated,
//     End). The message names the argument and the range.
//   - [ErrDateRange]: a date, or a result, outside the years [MinYear] …
//     [MaxYear].
//   - [ErrExtensionCap], as a [*CapError]: a key larger than the cap (R6),
//     as [CapRule] reads it.
//
// Errors are wrapped with context; test them with [errors.Is] and
// [errors.As]. A failed call returns the zero result.
//
// # Limits and overflow
//
// With at most 10⁹ seats and day counts within the supported calendar, every
// seat-day product and sum fits in an int64 (2 · 10⁹ · 3.7 · 10⁶ < 2⁶³), so
// no formula can overflow.
//
// # Performance
//
// Each date is converted once to an integer day number, and the calendar
// arithmetic on it is branch-light integer code. [Blend], [Extend],
// [AddMonths] and [Days] allocate nothing (except an error); the benchmarks
// in bench_test.go compare each with the same computation done with
// shopspring/decimal on time.Time.
package proration
