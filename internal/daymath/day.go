package daymath

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// ErrDateRange is returned when a date, or the result of date arithmetic, lies
// outside the years [MinYear] … [MaxYear]. Package proration exports it.
var ErrDateRange = errors.New("proration: date out of range")

// ErrInput is returned for arguments outside their documented range. Package
// proration exports it.
var ErrInput = errors.New("proration: invalid input")

// MinYear and MaxYear bound every supported date: the years 0001 … 9999 of
// the proleptic Gregorian calendar.
const (
	MinYear = 1
	MaxYear = 9999
)

// Day is a calendar date as its Rata Die number (see the package
// documentation): 0001-01-01 is Day 1 ([MinDay]), 9999-12-31 is [MaxDay], and
// the zero Day is invalid. Days compare with < and ==; e − d counts the days
// from d to e.
type Day int64

// MinDay and MaxDay are the first and last valid Days: 0001-01-01 and
// 9999-12-31.
const (
	MinDay Day = 1
	MaxDay Day = 3652059
)

// MaxDays is the span of the supported calendar, MaxDay − MinDay: the largest
// day count between two valid dates.
const MaxDays = 3652058

const _ = uint(MaxDays-int(MaxDay-MinDay)) + uint(int(MaxDay-MinDay)-MaxDays) // they agree

// unixDay is the Day of 1970-01-01: Day = Unix day number + unixDay.
const unixDay = 719163

const secondsPerDay = 86400

// Of returns the Day of t's calendar date: its year, month and day in t's own
// location, whatever the hour, zone or DST. A date outside the years
// [MinYear] … [MaxYear] gives an invalid Day; Of never overflows, even for a
// [time.FixedZone] of an absurd offset (the Day is then just out of range).
//
// A time in UTC from 0001-01-01 on takes one unsigned division by a
// constant; any other time takes ofZoned.
func Of(t time.Time) Day {
	if t.Location() == time.UTC { // no zone lookup
		if u := uint64(t.Unix() + ofShift); u < 1<<62 {
			return Day(u/secondsPerDay) - ofShiftDays
		}
	}
	return ofZoned(t)
}

// ofShift moves the Unix seconds of every date from 0001-01-01 on to a
// non-negative number: 5 eras of 400 years, 2,000 years before 1970. A sum
// that overflows or stays negative is ≥ 2⁶² as a uint64.
const (
	ofShift     = 5 * 146097 * secondsPerDay
	ofShiftDays = 5*146097 - unixDay
)

// ofZoned is Of for any time: in its location's offset, with floor division.
func ofZoned(t time.Time) Day {
	sec := t.Unix()
	if t.Location() == time.UTC {
		return Day(floorDiv(sec, secondsPerDay) + unixDay)
	}
	_, off := t.Zone()
	o := int64(off)
	s := sec + o
	if (o > 0 && s < sec) || (o < 0 && s > sec) {
		if o > 0 {
			return MaxDay + 1
		}
		return MinDay - 1
	}
	return Day(floorDiv(s, secondsPerDay) + unixDay)
}

// FromCivil returns the Day of the date y-m-d. The month must be 1 … 12 and
// the day exist in that month (2027-02-29 does not; nothing is normalised as
// [time.Date] would): otherwise the error wraps [ErrInput]. A year outside
// [MinYear] … [MaxYear] is an error wrapping [ErrDateRange]. On error the Day
// is 0.
func FromCivil(y int, m time.Month, d int) (Day, error) {
	if y < MinYear || y > MaxYear {
		return 0, yearErr(int64(y))
	}
	if m < time.January || m > time.December {
		return 0, inputErr("month %d outside 1…12", int(m))
	}
	if n := daysIn(int64(y), int(m)); d < 1 || d > n {
		return 0, inputErr("day %d outside 1…%d of %04d-%02d", d, n, y, int(m))
	}
	return fromCivil(int64(y), int(m), d), nil
}

// Valid reports whether d is a date of the years [MinYear] … [MaxYear].
func (d Day) Valid() bool { return d >= MinDay && d <= MaxDay }

// ValidAfterMin reports whether d is valid and after [MinDay]: a date of the
// years [MinYear] … [MaxYear] other than 0001-01-01, the zero time's date. It
// is one unsigned comparison.
func (d Day) ValidAfterMin() bool { return uint64(d-MinDay-1) < uint64(MaxDay-MinDay) }

// Check returns nil for a valid d and otherwise an error wrapping
// [ErrDateRange] that names d's year when it is representable.
func (d Day) Check() error {
	if d.Valid() {
		return nil
	}
	if d > -math.MaxInt64/2 && d < math.MaxInt64/2 {
		return yearErr(yearOf(int64(d)))
	}
	if d < 0 {
		return fmt.Errorf("%w: before year %d", ErrDateRange, MinYear)
	}
	return fmt.Errorf("%w: after year %d", ErrDateRange, MaxYear)
}

// Time returns d at 00:00 UTC, or the zero [time.Time] for an invalid d.
func (d Day) Time() time.Time {
	if !d.Valid() {
		return time.Time{}
	}
	return d.time()
}

// time is Time for a valid d.
func (d Day) time() time.Time {
	return time.Unix((int64(d)-unixDay)*secondsPerDay, 0).UTC()
}

// Civil returns the year, month and day of d, or 0, 0, 0 for an invalid d.
func (d Day) Civil() (year int, month time.Month, day int) {
	if !d.Valid() {
		return 0, 0, 0
	}
	y, m, dd := civil(d)
	return int(y), time.Month(m), dd
}

// Sub returns the number of days from u to d, negative when d is earlier.
func (d Day) Sub(u Day) int { return int(d - u) }

// AddMonths returns the date n calendar months after d (before d for
// negative n), clamped and anchored (see the package documentation). If d is
// invalid or the result lies outside the years [MinYear] … [MaxYear], the
// error wraps [ErrDateRange] and the Day is 0.
func (d Day) AddMonths(n int) (Day, error) {
	if !d.Valid() {
		return 0, d.Check()
	}
	y, m, dd := civil(d)
	if n >= 0 && n <= maxMonths { // the common case, without signed division
		ny, nm, nd := addMonthsUp(y, m, dd, n)
		if ny > MaxYear {
			return 0, yearErr(ny)
		}
		return fromCivil(ny, nm, nd), nil
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
	return fromCivil(ny, nm, min(dd, daysIn(ny, nm))), nil
}

// AddTerm is [Day.AddMonths] for a caller that has checked d (valid) and n
// (0 … 1,200, a term), without those checks and without an error: ok is
// false, and the Day meaningless, when the result lies past [MaxYear]. For
// any other d or n the result is meaningless, but AddTerm never panics.
func (d Day) AddTerm(n int) (end Day, ok bool) {
	y, m, dd := civil(d)
	ny, nm, nd := addMonthsUp(y, m, dd, n)
	return fromCivil(ny, nm, nd), ny <= MaxYear
}

// AddDays returns the date n days after d (before d for negative n). If d is
// invalid or the result lies outside the years [MinYear] … [MaxYear], the
// error wraps [ErrDateRange] and the Day is 0.
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

// maxMonths bounds a month count: the span of the supported calendar.
const maxMonths = (MaxYear - MinYear + 1) * 12

// yearErr is the range error for a date in year y.
func yearErr(y int64) error {
	return fmt.Errorf("%w: year %d outside %d…%d", ErrDateRange, y, MinYear, MaxYear)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// Shift constants of the Neri–Schneider algorithms: Days and years are moved
// by 82 eras of 400 years so that all arithmetic is on small unsigned
// integers, and the divisions are multiplications and shifts.
const (
	nsEras = 82
	nsK    = 719468 + 146097*nsEras - unixDay // day shift
	nsL    = 400 * nsEras                     // year shift
)

// fromCivil returns the Day of the date y-m-d of the years MinYear … MaxYear
// (m 1…12, d valid: the caller checks), by Neri–Schneider.
func fromCivil(y int64, m, d int) Day {
	uy, um := uint32(y)+nsL, uint32(m)
	if m <= 2 {
		uy--
		um += 12
	}
	c := uy / 100
	ystar := 1461*uy/4 - c + c/4
	mstar := (979*um - 2919) / 32
	return Day(ystar+mstar+uint32(d)-1) - nsK
}

// civil is the inverse of fromCivil, for valid Days only (the caller checks).
func civil(z Day) (y int64, m, d int) {
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

// yearOf returns the proleptic Gregorian year of any Day z with |z| < 2⁶²,
// valid or not, by the signed algorithm of H. Hinnant ("chrono-Compatible
// Low-Level Date Algorithms"): Check names the year of a Day out of range.
func yearOf(z int64) int64 {
	z += 719468 - unixDay // days since 0000-03-01: years start in March
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

// addMonthsUp adds n ≥ 0 months to the civil date y-m-d of the years MinYear …
// MaxYear, clamping the day of month, for n ≤ maxMonths (the caller
// guarantees both). The resulting year may exceed MaxYear: the caller checks.
func addMonthsUp(y int64, m, d, n int) (ny int64, nm, nd int) {
	t := uint32(y)*12 + uint32(m-1) + uint32(n)
	ny, nm = int64(t/12), int(t%12)+1
	return ny, nm, min(d, daysIn(ny, nm))
}
