package proration

import (
	"fmt"
	"math"
	"time"
)

// MinYear and MaxYear bound every date proration accepts or produces: the
// years 0001 … 9999 of the proleptic Gregorian calendar. A date outside them,
// or arithmetic that would leave them, is an error wrapping [ErrDateRange].
const (
	MinYear = 1
	MaxYear = 9999
)

// MaxSeats is the largest seat count any formula accepts; the smallest is 1.
// With seats ≤ 10⁹ and day counts within the supported calendar, every
// seat-day product fits in an int64 with room to spare.
const MaxSeats = 1_000_000_000

// A day number counts days since 1970-01-01 (day 0) in the proleptic
// Gregorian calendar. It is the internal, exact representation of a date.
type dayNum = int64

const secondsPerDay = 86400

// minDay and maxDay are the day numbers of 0001-01-01 and 9999-12-31
// (constants, checked against the conversion in the tests).
const (
	minDay dayNum = -719162
	maxDay dayNum = 2932896
)

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// Shift constants of the Neri–Schneider algorithms: day numbers and years are
// moved by 82 eras of 400 years so that all arithmetic is on small unsigned
// integers, and the divisions are multiplications and shifts.
const (
	nsEras = 82
	nsK    = 719468 + 146097*nsEras // day shift
	nsL    = 400 * nsEras           // year shift
)

// daysFromCivilNS converts a proleptic Gregorian date of the years MinYear …
// MaxYear (m 1…12, d valid; the caller checks) to a day number, by C. Neri
// and L. Schneider, "Euclidean affine functions and their application to
// calendar algorithms" (2022), in 32-bit unsigned arithmetic: small enough to
// be inlined.
func daysFromCivilNS(y int64, m, d int) dayNum {
	uy, um := uint32(y)+nsL, uint32(m)
	if m <= 2 {
		uy--
		um += 12
	}
	c := uy / 100
	ystar := 1461*uy/4 - c + c/4
	mstar := (979*um - 2919) / 32
	return dayNum(ystar+mstar+uint32(d)-1) - nsK
}

// civilFromDaysNS is the inverse of daysFromCivilNS, for day numbers minDay …
// maxDay only (the caller checks).
func civilFromDaysNS(z dayNum) (y int64, m, d int) {
	n := uint32(z + nsK)
	n1 := 4*n + 3
	c := n1 / 146097
	nc := n1 % 146097 / 4
	p2 := uint64(2939745) * uint64(4*nc+3)
	zz := uint32(p2 >> 32)
	ny := uint32(p2) / 2939745 / 4
	n3 := 2141*ny + 197913
	um, ud := n3>>16, n3&0xffff/2141
	y = int64(100*c+zz) - nsL
	if ny >= 306 {
		y++
		um -= 12
	}
	return y, int(um), int(ud) + 1
}

// yearOfDay returns the proleptic Gregorian year of any day number z with
// |z| < 2⁶², in range or not, by the signed algorithm of H. Hinnant,
// "chrono-Compatible Low-Level Date Algorithms": checkDay names the year of a
// day out of range with it.
func yearOfDay(z dayNum) int64 {
	z += 719468 // days since 0000-03-01: years start in March
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	if doy := doe - (365*yoe + yoe/4 - yoe/100); doy >= 306 { // January or February
		y++
	}
	return y
}

// isLeap reports whether y is a leap year. A year divisible by 100 is leap iff
// it is divisible by 400, that is (being divisible by 25) by 16.
func isLeap(y int64) bool {
	if y%100 != 0 {
		return y&3 == 0
	}
	return y&15 == 0
}

// daysIn returns the number of days of month m (1 … 12) in year y.
func daysIn(y int64, m int) int {
	if m == 2 {
		if isLeap(y) {
			return 29
		}
		return 28
	}
	return 30 + (m^m>>3)&1 // 31 for Jan, Mar, May, Jul, Aug, Oct, Dec; 30 otherwise
}

// dayOf returns the day number of t's calendar date in t's own location.
// It reads the zone offset instead of calling t.Date, which is several times
// cheaper and exact: the local date is floor((unix + offset) / 86400).
//
// For instants so extreme that unix + offset overflows an int64 (possible only
// with a [time.FixedZone] of an absurd offset), dayOf returns a day number
// outside the supported range, so that checkDay reports [ErrDateRange].
func dayOf(t time.Time) dayNum {
	sec := t.Unix()
	if t.Location() == time.UTC { // fast path: no zone lookup
		return floorDiv(sec, secondsPerDay)
	}
	_, off := t.Zone()
	o := int64(off)
	s := sec + o
	if (o > 0 && s < sec) || (o < 0 && s > sec) {
		if o > 0 {
			return maxDay + 1
		}
		return minDay - 1
	}
	return floorDiv(s, secondsPerDay)
}

// timeOf returns the date of day number n at 00:00 UTC.
func timeOf(n dayNum) time.Time {
	return time.Unix(n*secondsPerDay, 0).UTC()
}

// inRange reports whether day number n lies in the years MinYear … MaxYear.
func inRange(n dayNum) bool { return n >= minDay && n <= maxDay }

// checkDay returns an error wrapping ErrDateRange if n lies outside the years
// MinYear … MaxYear.
func checkDay(n dayNum) error {
	if n >= minDay && n <= maxDay {
		return nil
	}
	// Name the year when it is representable; never overflow while doing so.
	if n > -math.MaxInt64/2 && n < math.MaxInt64/2 {
		return yearErr(yearOfDay(n))
	}
	if n < 0 {
		return fmt.Errorf("%w: before year %d", ErrDateRange, MinYear)
	}
	return fmt.Errorf("%w: after year %d", ErrDateRange, MaxYear)
}

// CheckDate returns an error wrapping [ErrDateRange] if d's calendar date, in
// d's own location, is outside the years [MinYear] … [MaxYear].
func CheckDate(d time.Time) error { return checkDay(dayOf(d)) }

// Date returns the calendar date d (its year, month and day in its own
// location) at 00:00 UTC: the form of every date proration returns. If that
// date lies outside the years [MinYear] … [MaxYear], Date returns the zero
// [time.Time]; use [DateChecked] to get the error.
func Date(d time.Time) time.Time {
	t, _ := DateChecked(d) // documented: zero Time on a range error
	return t
}

// DateChecked is [Date] with an error wrapping [ErrDateRange] when d's date
// lies outside the years [MinYear] … [MaxYear].
func DateChecked(d time.Time) (time.Time, error) {
	z := dayOf(d)
	if err := checkDay(z); err != nil {
		return time.Time{}, err
	}
	return timeOf(z), nil
}

// maxMonths bounds a month count: the span of the supported calendar.
const maxMonths = (MaxYear - MinYear + 1) * 12

// addMonths adds n calendar months to day number z (in range), clamping the
// day of month to the target month's last day. It is the one month arithmetic
// of the package: AddMonths, Day.AddMonths, Extend's key term and SwitchCost's
// year all call it.
func addMonths(z dayNum, n int) (dayNum, error) {
	y, m, d := civilFromDaysNS(z)
	if n >= 0 && n <= maxMonths { // the common case, without signed division
		ny, nm, nd := addMonthsUp(y, m, d, n)
		if ny > MaxYear {
			return 0, yearErr(ny)
		}
		return daysFromCivilNS(ny, nm, nd), nil
	}
	if n > maxMonths || n < -maxMonths {
		return 0, fmt.Errorf("%w: %d months", ErrDateRange, n)
	}
	total := y*12 + int64(m-1) + int64(n)
	ny := floorDiv(total, 12)
	nm := int(total-ny*12) + 1
	if ny < MinYear {
		return 0, yearErr(ny)
	}
	return daysFromCivilNS(ny, nm, min(d, daysIn(ny, nm))), nil
}

// addMonthsUp adds n ≥ 0 months to the civil date y-m-d of the years MinYear …
// MaxYear, clamping the day of month, for n ≤ 12·MaxYear (the caller
// guarantees both). The resulting year may exceed MaxYear: the caller checks.
// It is addMonths' common case without the checks and signed division, for
// the hot paths of Extend, which need the civil result.
func addMonthsUp(y int64, m, d, n int) (ny int64, nm, nd int) {
	t := uint32(y)*12 + uint32(m-1) + uint32(n)
	ny, nm = int64(t/12), int(t%12)+1
	return ny, nm, min(d, daysIn(ny, nm))
}

// yearErr is the range error for a date in year y.
func yearErr(y int64) error {
	return fmt.Errorf("%w: year %d outside %d…%d", ErrDateRange, y, MinYear, MaxYear)
}

// AddMonthsChecked is [AddMonths] with an error wrapping [ErrDateRange] when d
// or the result lies outside the years [MinYear] … [MaxYear].
func AddMonthsChecked(d time.Time, n int) (time.Time, error) {
	z := dayOf(d)
	if err := checkDay(z); err != nil {
		return time.Time{}, err
	}
	r, err := addMonths(z, n)
	if err != nil {
		return time.Time{}, err
	}
	return timeOf(r), nil
}

// AddMonths returns the calendar date n months after d (before d for negative
// n), at 00:00 UTC. The day of month is kept unless the target month is
// shorter, in which case it is that month's last day: Jan 31 + 1 month is
// Feb 28 (Feb 29 in a leap year), never Mar 3 as [time.Time.AddDate] gives.
// The result is computed from d itself, never by chaining clamped results.
//
// If d or the result lies outside the years [MinYear] … [MaxYear], AddMonths
// returns the zero [time.Time]; use [AddMonthsChecked] to get the error.
func AddMonths(d time.Time, n int) time.Time {
	t, _ := AddMonthsChecked(d, n) // documented: zero Time on a range error
	return t
}

// AddDaysChecked is [AddDays] with an error wrapping [ErrDateRange] when d or
// the result lies outside the years [MinYear] … [MaxYear].
func AddDaysChecked(d time.Time, n int) (time.Time, error) {
	z := dayOf(d)
	if err := checkDay(z); err != nil {
		return time.Time{}, err
	}
	if n > int(maxDay-minDay) || n < -int(maxDay-minDay) {
		return time.Time{}, fmt.Errorf("%w: %d days", ErrDateRange, n)
	}
	r := z + int64(n)
	if err := checkDay(r); err != nil {
		return time.Time{}, err
	}
	return timeOf(r), nil
}

// AddDays returns the calendar date n days after d at 00:00 UTC. Out of the
// years [MinYear] … [MaxYear] it returns the zero [time.Time]; use
// [AddDaysChecked] to get the error.
func AddDays(d time.Time, n int) time.Time {
	t, _ := AddDaysChecked(d, n) // documented: zero Time on a range error
	return t
}

// Days returns the number of whole calendar days from the date of from to the
// date of to, each taken as year-month-day in its own location: negative when
// to is earlier. It never depends on time zone offsets or DST: a day of 23 or
// 25 hours is one day. For dates outside the years [MinYear] … [MaxYear] the
// result is meaningless (but Days does not panic); use [DaysChecked] to get an
// error instead.
func Days(from, to time.Time) int {
	return int(dayOf(to) - dayOf(from))
}

// DaysChecked is [Days] with an error wrapping [ErrDateRange] when either date
// lies outside the years [MinYear] … [MaxYear].
func DaysChecked(from, to time.Time) (int, error) {
	f, t := dayOf(from), dayOf(to)
	if err := checkDay(f); err != nil {
		return 0, err
	}
	if err := checkDay(t); err != nil {
		return 0, err
	}
	return int(t - f), nil
}
