package cli

import (
	"errors"
	"strings"

	"github.com/coterm/coterm/activation"
)

// CheckName checks a tenant or product name: the library's rule
// ([activation.CheckName]: not empty, at most 256 bytes, valid UTF-8, no
// character of Unicode category Cc, Cf, Zl or Zp, not a product key), and,
// more strictly, no product key anywhere in it (a name that holds one would
// print it in clear). The error says what is wrong, never what was given.
func CheckName(s string) error {
	if err := activation.CheckName("name", s); err != nil {
		return errors.New(strings.TrimPrefix(libraryReason(err), "name "))
	}
	if ContainsKey(s) {
		return errors.New("holds a product key (a name is never a key)")
	}
	return nil
}

// libraryReason returns the message of an error of package activation
// without the words every such message for bad input starts with
// ("activation: invalid input: "), for a line that names the field itself.
func libraryReason(err error) string {
	return strings.TrimPrefix(err.Error(), activation.ErrInvalid.Error()+": ")
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// keyAt reports whether a product key in an accepted spelling starts at
// s[i] (five groups of five ASCII letters or digits, in any case, each pair
// of groups separated by one hyphen, one space or nothing), and where it
// ends. It finds keys inside longer text too.
func keyAt[T ~string | ~[]byte](s T, i int) (end int, ok bool) {
	j := i
	for g := 0; g < 5; g++ {
		if g > 0 && j < len(s) && (s[j] == '-' || s[j] == ' ') {
			j++
		}
		for range 5 {
			if j >= len(s) || !isAlnum(s[j]) {
				return 0, false
			}
			j++
		}
	}
	return j, true
}

// ContainsKey reports whether s holds a product key in any accepted
// spelling anywhere in it.
func ContainsKey[T ~string | ~[]byte](s T) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if isAlnum(s[i]) {
			n++
		}
	}
	if n < 25 {
		return false
	}
	for i := 0; i+25 <= len(s); i++ {
		if isAlnum(s[i]) {
			if _, ok := keyAt(s, i); ok {
				return true
			}
		}
	}
	return false
}

// maskedPrefix is what the masked form of a key shows of its first four
// groups.
const maskedPrefix = "XXXXX-XXXXX-XXXXX-XXXXX-"

// masked reports whether the key spelled in s[i:end] (as keyAt found it) is
// exactly the masked form of a key, "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5": only
// its last group shown. Any other spelling, a real key with some groups
// XXXXX included, is a key.
func masked[T ~string | ~[]byte](s T, i, end int) bool {
	return end-i == len(maskedPrefix)+5 && string(s[i:i+len(maskedPrefix)]) == maskedPrefix
}

// Redact replaces, in place, with X every letter and digit of every
// product key in b, in any spelling token.ParseKey accepts, that is not
// exactly a masked key ("XXXXX-XXXXX-XXXXX-XXXXX-EEEE5", which stays as it
// is). Keys found overlapping are all redacted, each decided on b as it was:
// what is left shows of any key at most one group, as its masked form does.
func Redact(b []byte) {
	if !ContainsKey(b) {
		return
	}
	type span struct{ from, to int }
	var keep, redact []span
	for i := 0; i+25 <= len(b); i++ {
		if !isAlnum(b[i]) {
			continue
		}
		end, ok := keyAt(b, i)
		switch {
		case !ok:
		case masked(b, i, end):
			keep = append(keep, span{i, end})
		default:
			redact = append(redact, span{i, end})
		}
	}
	for _, r := range redact {
	next:
		for j := r.from; j < r.to; j++ {
			for _, k := range keep {
				if k.from <= j && j < k.to {
					continue next
				}
			}
			if isAlnum(b[j]) {
				b[j] = 'X'
			}
		}
	}
}
