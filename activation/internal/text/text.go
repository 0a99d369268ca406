package text

import "strconv"

// Group formats n in decimal with a comma every three digits from the
// right: 18125 → "18,125", -1000 → "-1,000", 999 → "999". It handles every
// int64, math.MinInt64 included.
func Group(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	b := make([]byte, 0, len(sign)+len(s)+(len(s)-1)/3)
	b = append(b, sign...)
	first := len(s) % 3
	if first == 0 {
		first = 3
	}
	b = append(b, s[:first]...)
	for i := first; i < len(s); i += 3 {
		b = append(b, ',')
		b = append(b, s[i:i+3]...)
	}
	return string(b)
}

// Plural returns n, formatted by [Group], and unit, with an "s" appended
// unless n is 1 or -1: "1 seat", "0 seats", "1,000 seat-days". unit must
// take a plain "s" in the plural.
func Plural(n int64, unit string) string {
	if n == 1 || n == -1 {
		return Group(n) + " " + unit
	}
	return Group(n) + " " + unit + "s"
}
