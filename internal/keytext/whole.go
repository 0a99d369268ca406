package keytext

import "unicode/utf8"

// MaxLabel is the most characters a label before a key may have, its ':' or
// '=' not counted (see Labels in the package documentation).
const MaxLabel = 48

// whole reports whether s, as a whole, is a key (rule 1): trimmed at both
// ends and stripped of leading labels, as many times as that changes it, it
// is a regular key-shaped run.
func whole(s string) bool {
	a, b := 0, len(s)
	for {
		a, b = trim(s, a, b)
		l := label(s, a, b)
		if l == a {
			break
		}
		a = l
	}
	return isCore(s[a:b])
}

// trim returns the bounds of s[a:b] without the characters isTrim trims at
// either end.
func trim(s string, a, b int) (int, int) {
	for a < b {
		r, size := decode(s, a)
		if !isTrim(fold(r)) {
			break
		}
		a += size
	}
	for a < b {
		r, size := utf8.DecodeLastRuneInString(s[a:b])
		if !isTrim(fold(r)) {
			break
		}
		b -= size
	}
	return a, b
}

// label returns the end of the label that starts s[a:b], just after its
// ':' or '=', or a if s[a:b] does not start with a label: at most MaxLabel
// characters for which isLabelRune holds, then ':' or '=' (or their
// fullwidth forms).
func label(s string, a, b int) int {
	for i, k := a, 0; i < b && k <= MaxLabel; k++ {
		r, size := decode(s, i)
		r = fold(r)
		i += size
		switch {
		case r == ':' || r == '=':
			return i
		case !isLabelRune(r):
			return a
		}
	}
	return a
}

// isCore reports whether t is a regular key-shaped run and nothing else:
// five groups of five letters or digits, invisible characters anywhere,
// and between two groups a separator run or nothing, never a separator
// run at one group end and nothing at another.
func isCore(t string) bool {
	k, g := 0, joined // letters and digits so far; the gap since the last
	sepEnds, joinedEnds := 0, 0
	for i := 0; i < len(t); {
		r, size := decode(t, i)
		i += size
		switch classOf(r) {
		case letter, digit:
			switch {
			case k == keyLen, g == separated && k%groupLen != 0:
				return false
			case k > 0 && k%groupLen == 0 && g == separated:
				sepEnds++
			case k > 0 && k%groupLen == 0 && g == joined:
				joinedEnds++
			}
			k, g = k+1, joined
		case sep:
			g = separated
		case ignore:
			g = max(g, invisible)
		default:
			return false
		}
	}
	return k == keyLen && g == joined && (sepEnds == 0 || joinedEnds == 0)
}
