package keytext

import (
	"regexp"
	"strings"
	"unicode"
)

// This file is the rule written a second way, plainly and slowly, from the
// package documentation: the tests hold the scanner and the trimming
// against it.

// refChar is one character of a text, folded, with its class.
type refChar struct {
	r        rune
	cl       class
	off, end int // its bytes in the text
}

// refChars returns the characters of s; an invalid byte is U+FFFD, of
// class other.
func refChars(s string) []refChar {
	var cs []refChar
	for i, r := range s {
		cs = append(cs, refChar{r: fold(r), cl: classRef(r), off: i})
	}
	for i := range cs {
		cs[i].end = len(s)
		if i+1 < len(cs) {
			cs[i].end = cs[i+1].off
		}
	}
	return cs
}

// refRun is a key-shaped run.
type refRun struct {
	key              string // canonical form
	end              int    // the end of its last character in the text
	digit            bool
	xs               int
	masked, isSecret bool
	offs             []int // the first byte of each of its letters and digits
}

// refRuns returns every key-shaped run of s, by its first character.
func refRuns(s string) []refRun {
	cs := refChars(s)
	var runs []refRun
	for i := range cs {
		if run, ok := refMatch(cs, i); ok {
			span := s[cs[i].off:run.end]
			run.masked = len(span) == len(MaskedPrefix)+5 && strings.HasPrefix(span, MaskedPrefix)
			run.isSecret = !run.masked && run.digit
			runs = append(runs, run)
		}
	}
	return runs
}

// refMatch matches a key-shaped run that starts at cs[i].
func refMatch(cs []refChar, i int) (refRun, bool) {
	var b strings.Builder
	var run refRun
	j := i
	for g := range 5 {
		if g > 0 {
			for j < len(cs) && (cs[j].cl == sep || cs[j].cl == ignore) {
				j++
			}
			b.WriteByte('-')
		}
		for c := range 5 {
			if c > 0 {
				for j < len(cs) && cs[j].cl == ignore {
					j++
				}
			}
			if j == len(cs) || !cs[j].cl.alnum() {
				return refRun{}, false
			}
			ch := unicode.ToUpper(cs[j].r)
			run.end = cs[j].end
			run.offs = append(run.offs, cs[j].off)
			b.WriteRune(ch)
			run.digit = run.digit || cs[j].cl == digit
			if ch == 'X' {
				run.xs++
			}
			j++
		}
	}
	run.key = b.String()
	return run, true
}

// refIsTrim is what trimming removes.
func refIsTrim(c refChar) bool {
	return c.cl == sep || c.cl == ignore || unicode.IsPunct(c.r) || strings.ContainsRune("`<>|", c.r)
}

// refCore is a regular run and nothing else, each character mapped to a
// letter: a (letter or digit), s (separator), i (invisible), o (other).
var refCore = regexp.MustCompile(`^(a(i*a){24}|a(i*a){4}([si]+a(i*a){4}){4})$`)

// refWhole is rule 1.
func refWhole(s string) bool {
	cs := refChars(s)
	for {
		for len(cs) > 0 && refIsTrim(cs[0]) {
			cs = cs[1:]
		}
		for len(cs) > 0 && refIsTrim(cs[len(cs)-1]) {
			cs = cs[:len(cs)-1]
		}
		n := -1
		for k := 0; k < len(cs) && k <= MaxLabel; k++ {
			r := cs[k].r
			if r == ':' || r == '=' {
				n = k
				break
			}
			if !unicode.In(r, unicode.L, unicode.M, unicode.N) && !(refIsTrim(cs[k]) && r != ':') {
				break
			}
		}
		if n < 0 {
			break
		}
		cs = cs[n+1:]
	}
	var m strings.Builder
	for _, c := range cs {
		m.WriteByte("oaasi"[c.cl])
	}
	return refCore.MatchString(m.String())
}

// refHolds is rule 2.
func refHolds(s string) bool {
	for _, run := range refRuns(s) {
		if run.digit || run.masked {
			return true
		}
	}
	return refWhole(s)
}

// refShaped returns every key-shaped run of s.
func refShaped(s string) []string {
	var keys []string
	for _, run := range refRuns(s) {
		keys = append(keys, run.key)
	}
	return keys
}

// refSecrets returns the secret runs of s.
func refSecrets(s string) []string {
	var keys []string
	for _, run := range refRuns(s) {
		if run.isSecret {
			keys = append(keys, run.key)
		}
	}
	return keys
}

// refSecretsShown returns the runs of s that hold a digit and show more
// than what the masked form shows: more than five characters other than X,
// or one that is not in the last group of a run in the masked form. After
// Redact, there must be none.
func refSecretsShown(s string) []string {
	runs := refRuns(s)
	lastGroups := map[int]bool{} // the offsets of the last groups of runs in the masked form
	for _, run := range runs {
		if run.masked {
			for _, off := range run.offs[20:] {
				lastGroups[off] = true
			}
		}
	}
	var shown []string
	for _, run := range runs {
		if !run.digit {
			continue
		}
		bad := run.xs < 20
		for _, off := range run.offs {
			if r, _ := decode(s, off); r != 'X' && r != 'Ｘ' && !lastGroups[off] {
				bad = true
			}
		}
		if bad {
			shown = append(shown, run.key)
		}
	}
	return shown
}
