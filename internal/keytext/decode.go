package keytext

import "unicode/utf8"

// text is what the scanner reads: a name or a line of output.
type text interface{ ~string | ~[]byte }

// decode returns the rune at s[i] and its length in bytes, exactly as
// utf8.DecodeRuneInString does (utf8.RuneError and 1 for a byte that does
// not start a valid encoding), for a string or a byte slice without
// converting one into the other.
func decode[T text](s T, i int) (rune, int) {
	c0 := s[i]
	if c0 < utf8.RuneSelf {
		return rune(c0), 1
	}
	n := len(s) - i
	switch {
	case c0 < 0xC2: // a continuation byte, or an overlong two-byte form
		return utf8.RuneError, 1
	case c0 < 0xE0:
		if n < 2 || !cont(s[i+1]) {
			return utf8.RuneError, 1
		}
		return rune(c0&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	case c0 < 0xF0:
		if n < 3 || !cont(s[i+1]) || !cont(s[i+2]) ||
			c0 == 0xE0 && s[i+1] < 0xA0 || // overlong
			c0 == 0xED && s[i+1] > 0x9F { // surrogate
			return utf8.RuneError, 1
		}
		return rune(c0&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3
	case c0 < 0xF5:
		if n < 4 || !cont(s[i+1]) || !cont(s[i+2]) || !cont(s[i+3]) ||
			c0 == 0xF0 && s[i+1] < 0x90 || // overlong
			c0 == 0xF4 && s[i+1] > 0x8F { // above U+10FFFF
			return utf8.RuneError, 1
		}
		return rune(c0&0x07)<<18 | rune(s[i+1]&0x3F)<<12 | rune(s[i+2]&0x3F)<<6 | rune(s[i+3]&0x3F), 4
	}
	return utf8.RuneError, 1
}

// cont reports whether b is a UTF-8 continuation byte.
func cont(b byte) bool { return b&0xC0 == 0x80 }
