package daymath

import "time"

// The tests moved here from package proration count days as Unix day
// numbers (1970-01-01 is 0) and use proration's names; these translate.

type dayNum = int64

const (
	minDay dayNum = int64(MinDay) - unixDay
	maxDay dayNum = int64(MaxDay) - unixDay
)

func civilFromDaysNS(z dayNum) (int64, int, int) { return civil(Day(z + unixDay)) }
func daysFromCivilNS(y int64, m, d int) dayNum   { return int64(fromCivil(y, m, d)) - unixDay }
func yearOfDay(z dayNum) int64                   { return yearOf(z + unixDay) }
func timeOf(z dayNum) time.Time                  { return Day(z + unixDay).time() }

var (
	DayOf        = Of
	DayFromCivil = FromCivil
)

var (
	benchAt  = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	benchEnd = time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	sinkInt  int
	sinkTime time.Time
)
