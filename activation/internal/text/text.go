package text

import "strconv"

// Group formats n in decimal with a comma every three digits from the
// right: 18125 → "18,125", -1000 → "-1,000", 999 → "999". It handles every
// int64, math.MinInt64 included.
func Group(n int64) string {
	var buf [26]byte // the longest result, "-9,223,372,036,854,775,808"
	return string(AppendGroup(buf[:0], n))
}

// AppendGroup appends n, formatted by [Group], to b.
func AppendGroup(b []byte, n int64) []byte {
	var digits [20]byte // math.MinInt64 has a sign and 19 digits
	s := strconv.AppendInt(digits[:0], n, 10)
	if n < 0 {
		b, s = append(b, '-'), s[1:]
	}
	first := len(s) % 3
	if first == 0 {
		first = 3
	}
	b = append(b, s[:first]...)
	for i := first; i < len(s); i += 3 {
		b = append(b, ',')
		b = append(b, s[i:i+3]...)
	}
	return b
}

// Plural returns n, formatted by [Group], and unit, with an "s" appended
// unless n is 1 or -1: "1 seat", "0 seats", "1,000 seat-days". unit must
// take a plain "s" in the plural.
func Plural(n int64, unit string) string {
	var buf [64]byte
	return string(AppendPlural(buf[:0], n, unit))
}

// AppendPlural appends n and unit, as [Plural] formats them, to b.
func AppendPlural(b []byte, n int64, unit string) []byte {
	b = append(AppendGroup(b, n), ' ')
	b = append(b, unit...)
	if n != 1 && n != -1 {
		b = append(b, 's')
	}
	return b
}
