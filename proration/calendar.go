package proration

import (
	"fmt"
	"time"
)

// MinYear and MaxYear bound every date proration accepts or produces.
const (
	MinYear = 1
	MaxYear = 9999
)

// MaxSeats is the largest seat count any formula accepts.
const MaxSeats = 1_000_000_000

// A day number counts days since 1970-01-01 (day 0) in the proleptic
// Gregorian calendar. It is the internal, exact representation of a date.
type dayNum = int64

const secondsPerDay = 86400

var (
	minDay = daysFromCivil(MinYear, 1, 1)
	maxDay = daysFromCivil(MaxYear, 12, 31)
)

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// daysFromCivil converts a proleptic Gregorian date to a day number
// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
func daysFromCivil(y int64, m, d int) dayNum {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z dayNum) (y int64, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysIn returns the number of days of month m in year y.
func daysIn(y int64, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// dayOf returns the day number of t's calendar date in t's own location.
// It reads the zone offset instead of calling t.Date, which is several times
// cheaper and exact: the local date is floor((unix + offset) / 86400).
func dayOf(t time.Time) dayNum {
	_, off := t.Zone()
	return floorDiv(t.Unix()+int64(off), secondsPerDay)
}

// timeOf returns the date of day number n at 00:00 UTC.
func timeOf(n dayNum) time.Time {
	return time.Unix(n*secondsPerDay, 0).UTC()
}

func checkDay(n dayNum) error {
	if n < minDay || n > maxDay {
		y, _, _ := civilFromDays(n)
		return fmt.Errorf("%w: year %d outside %d…%d", ErrDateRange, y, MinYear, MaxYear)
	}
	return nil
}

// CheckDate returns an error wrapping [ErrDateRange] if d's calendar date, in
// d's own location, is outside the years [MinYear] … [MaxYear].
func CheckDate(d time.Time) error { return checkDay(dayOf(d)) }

// Date returns the calendar date d (its year, month and day in its own
// location) at 00:00 UTC: the form of every date proration returns.
func Date(d time.Time) time.Time { return timeOf(dayOf(d)) }

// addMonths adds n calendar months to day number z, clamping the day of month
// to the target month's last day.
func addMonths(z dayNum, n int) (dayNum, error) {
	const maxMonths = (MaxYear - MinYear + 1) * 12
	if n > maxMonths || n < -maxMonths {
		return 0, fmt.Errorf("%w: %d months", ErrDateRange, n)
	}
	y, m, d := civilFromDays(z)
	total := y*12 + int64(m-1) + int64(n)
	ny := floorDiv(total, 12)
	nm := int(total-ny*12) + 1
	if dim := daysIn(ny, nm); d > dim {
		d = dim
	}
	r := daysFromCivil(ny, nm, d)
	return r, checkDay(r)
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
// to is earlier. It never depends on time zone offsets or DST.
func Days(from, to time.Time) int {
	return int(dayOf(to) - dayOf(from))
}
