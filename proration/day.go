package proration

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Day is a calendar date as a day number: the Rata Die count of the proleptic
// Gregorian calendar, in which 0001-01-01 is Day 1, 1970-01-01 is Day 719163
// and 9999-12-31 is Day 3652059 ([MinDay] … [MaxDay]). Convert a [time.Time]
// once with [DayOf] or a civil date with [DayFromCivil], then work on
// integers: Days compare with < and ==, e.Sub(d) = int(e − d) is the number
// of days from d to e (what [Days] returns for the same dates; e − d itself is
// a Day and would print as a date), and d + Day(n) is n days later (check the
// result with [Day.Valid], or use [Day.AddDays]).
//
// The zero Day is invalid (it would be 0000-12-31, outside the supported
// years), so an unset Day never passes for a date. Day is a comparable value,
// usable as a map key; its methods never panic.
type Day int64

// MinDay and MaxDay are the first and last valid Days: 0001-01-01 and
// 9999-12-31, the years [MinYear] … [MaxYear].
const (
	MinDay Day = 1
	MaxDay Day = Day(maxDay - minDay + 1)
)

// rdOffset converts between the internal Unix day numbers (1970-01-01 is 0)
// and Days: Day = day number + rdOffset.
const rdOffset = 1 - minDay

// DayOf returns the Day of t's calendar date: its year, month and day in t's
// own location, whatever the hour, zone or DST. A date outside the years
// [MinYear] … [MaxYear] gives an invalid Day ([Day.Valid] is false, and
// [Day.Check] says which year it was when that is representable); DayOf
// never overflows, even for a [time.FixedZone] of an absurd offset.
func DayOf(t time.Time) Day { return Day(dayOf(t) + rdOffset) }

// DayFromCivil returns the Day of the date y-m-d. The month must be 1 … 12
// and the day exist in that month (2027-02-29 does not; nothing is
// normalised as [time.Date] would): otherwise the error wraps [ErrInput].
// A year outside [MinYear] … [MaxYear] is an error wrapping [ErrDateRange].
// On error the Day is 0, which is invalid.
func DayFromCivil(y int, m time.Month, d int) (Day, error) {
	if y < MinYear || y > MaxYear {
		return 0, yearErr(int64(y))
	}
	if m < time.January || m > time.December {
		return 0, inputErr("month %d outside 1…12", int(m))
	}
	if n := daysIn(int64(y), int(m)); d < 1 || d > n {
		return 0, inputErr("day %d outside 1…%d of %04d-%02d", d, n, y, int(m))
	}
	return Day(daysFromCivilNS(int64(y), int(m), d) + rdOffset), nil
}

// Valid reports whether d is a date of the years [MinYear] … [MaxYear]:
// [MinDay] ≤ d ≤ [MaxDay].
func (d Day) Valid() bool { return d >= MinDay && d <= MaxDay }

// Check returns nil for a valid d, and otherwise an error wrapping
// [ErrDateRange] that names the year when it is representable.
func (d Day) Check() error {
	if d.Valid() {
		return nil
	}
	return checkDay(d.num())
}

// num returns d as an internal day number, saturating instead of overflowing
// for Days near the int64 limits (they stay out of range).
func (d Day) num() dayNum {
	if int64(d) < math.MinInt64+rdOffset {
		return math.MinInt64
	}
	return dayNum(d) - rdOffset
}

// Time returns d at 00:00 UTC, the form of every date proration returns, or
// the zero [time.Time] for an invalid d.
func (d Day) Time() time.Time {
	if !d.Valid() {
		return time.Time{}
	}
	return timeOf(dayNum(d) - rdOffset)
}

// Civil returns the year, month and day of d, or 0, 0, 0 for an invalid d.
func (d Day) Civil() (year int, month time.Month, day int) {
	if !d.Valid() {
		return 0, 0, 0
	}
	y, m, dd := civilFromDaysNS(dayNum(d) - rdOffset)
	return int(y), time.Month(m), dd
}

// Sub returns the number of days from u to d: int(d − u), negative when d is
// earlier, as [Days] counts them. For valid Days it never overflows.
func (d Day) Sub(u Day) int { return int(d - u) }

// AddMonths returns the date n calendar months after d (before d for
// negative n) with the day of month clamped to the target month's last day,
// exactly as [AddMonths] does: Jan 31 + 1 month = Feb 28 (Feb 29 in a leap
// year), computed from d itself. If d is invalid or the result lies outside
// the years [MinYear] … [MaxYear], the error wraps [ErrDateRange] and the Day
// is 0, which is invalid.
func (d Day) AddMonths(n int) (Day, error) {
	if !d.Valid() {
		return 0, d.Check()
	}
	r, err := addMonths(dayNum(d)-rdOffset, n)
	if err != nil {
		return 0, err
	}
	return Day(r + rdOffset), nil
}

// AddDays returns the date n days after d (before d for negative n). If d is
// invalid or the result lies outside the years [MinYear] … [MaxYear], the
// error wraps [ErrDateRange] and the Day is 0, which is invalid.
func (d Day) AddDays(n int) (Day, error) {
	if !d.Valid() {
		return 0, d.Check()
	}
	if n > MaxDays || n < -MaxDays {
		return 0, fmt.Errorf("%w: %d days", ErrDateRange, n)
	}
	r := d + Day(n)
	if !r.Valid() {
		return 0, r.Check()
	}
	return r, nil
}

// String returns d as YYYY-MM-DD, or "Day(N)" for an invalid d.
func (d Day) String() string {
	if !d.Valid() {
		return "Day(" + strconv.FormatInt(int64(d), 10) + ")"
	}
	y, m, dd := d.Civil()
	b := [10]byte{
		byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-',
		byte('0' + dd/10), byte('0' + dd%10),
	}
	return string(b[:])
}
