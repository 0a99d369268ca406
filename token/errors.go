package token

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrSyntax is wrapped by every error of [ParseKey], [MustParseKey], [Key.UnmarshalText] and
// [Key.UnmarshalJSON]. Test for it with errors.Is; the concrete error is a *[SyntaxError].
var ErrSyntax = errors.New("token: key syntax")

// ErrMaskedKey is wrapped, besides [ErrSyntax], by the error [Key.UnmarshalText] returns for a
// masked key such as "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5": masked text cannot be turned back into
// the key it hides.
var ErrMaskedKey = errors.New("token: key is masked")

// ErrFingerprintSyntax is wrapped by every error of [ParseFingerprint] and
// [Fingerprint.UnmarshalText]; the concrete error is a *[FingerprintError].
var ErrFingerprintSyntax = errors.New("token: fingerprint syntax")

// SyntaxError describes why a string is not a product key. It never contains the key: only
// the position and the reason.
type SyntaxError struct {
	// Pos is the 1-based byte offset in the input of the first offending byte, or 0 when the
	// error concerns the input as a whole (its length, its number of groups).
	Pos int
	// Reason says what is wrong, in lower case, e.g. "24 characters, want 25".
	Reason string
	// Err is a more specific sentinel the error wraps besides ErrSyntax, such as
	// ErrMaskedKey, or nil.
	Err error
}

// Error returns "token: parse key: position 7: separator inside a group", or without the
// position when Pos is 0.
func (e *SyntaxError) Error() string { return parseError("key", e.Pos, e.Reason) }

// parseError is the message of a parse error: "token: parse what: position
// pos: reason", without the position when pos is 0.
func parseError(what string, pos int, reason string) string {
	if pos == 0 {
		return "token: parse " + what + ": " + reason
	}
	return "token: parse " + what + ": position " + strconv.Itoa(pos) + ": " + reason
}

// Unwrap returns ErrSyntax and, if set, e.Err.
func (e *SyntaxError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrSyntax}
	}
	return []error{ErrSyntax, e.Err}
}

// tooLong is the error for input longer than MaxInputLen bytes.
func tooLong(n int) *SyntaxError {
	return &SyntaxError{Pos: MaxInputLen + 1, Reason: fmt.Sprintf("input is %d bytes, at most %d allowed", n, MaxInputLen)}
}

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool {
	return c-'0' < 10 || c-'A' < 26 || c-'a' < 26
}

// isSep reports whether c separates groups.
func isSep(c byte) bool { return c == '-' || c == ' ' }

// describe gives the reason a byte that is neither alphanumeric nor a separator is refused.
// It is called only for such bytes, so it never names a key character.
func describe(c byte) string {
	switch {
	case c >= 0x80:
		return fmt.Sprintf("non-ASCII byte 0x%02x: a key has only A-Z and 0-9 (look-alike letters and digits, invisible and no-break spaces are refused)", c)
	case c == '\t' || c == '\r' || c == '\n':
		return "white space inside the key: groups are separated by one '-' or ' '"
	case c < 0x20 || c == 0x7f:
		return fmt.Sprintf("control character 0x%02x", c)
	}
	return fmt.Sprintf("character %q is not A-Z, 0-9 or a separator", rune(c))
}

// diagnose explains why s[start:end] (s without surrounding white space) is not a key. It is
// the slow path of ParseKey, called only for invalid input. The checks, in order: empty
// input; the first byte that is neither A–Z, a–z, 0–9 nor a separator; separators at the
// ends or doubled; the number of characters and groups; a separator inside a group; a
// mixture of present and absent separators.
func diagnose(s string, start, end int) *SyntaxError {
	body := s[start:end]
	if len(body) == 0 {
		if len(s) == 0 {
			return &SyntaxError{Reason: "empty input"}
		}
		return &SyntaxError{Reason: "input is only white space"}
	}
	for i := 0; i < len(body); i++ {
		if c := body[i]; !isAlnum(c) && !isSep(c) {
			return &SyntaxError{Pos: start + i + 1, Reason: describe(c)}
		}
	}
	if isSep(body[0]) {
		return &SyntaxError{Pos: start + 1, Reason: "separator before the first group"}
	}
	if isSep(body[len(body)-1]) {
		return &SyntaxError{Pos: end, Reason: "separator after the last group"}
	}
	chars, seps := 0, 0
	for i := 0; i < len(body); i++ {
		if !isSep(body[i]) {
			chars++
			continue
		}
		seps++
		if isSep(body[i-1]) {
			return &SyntaxError{Pos: start + i + 1, Reason: "doubled separator: groups are separated by one '-' or ' '"}
		}
	}
	if seps == 0 {
		return &SyntaxError{Reason: fmt.Sprintf("%d characters, want %d", chars, KeyLen)}
	}
	// Groups: all of length 5, but too few or too many of them?
	groups, allFive, firstBad, firstBadLen, firstBadGroup := 0, true, 0, 0, 0
	for i := 0; i < len(body); {
		j := i
		for j < len(body) && !isSep(body[j]) {
			j++
		}
		groups++
		if j-i != GroupLen && allFive {
			allFive, firstBad, firstBadLen, firstBadGroup = false, start+i+1, j-i, groups
		}
		i = j + 1
	}
	if allFive {
		return &SyntaxError{Reason: fmt.Sprintf("%d groups, want %d", groups, Groups)}
	}
	if chars != KeyLen {
		return &SyntaxError{Pos: firstBad, Reason: fmt.Sprintf("%d characters, want %d (group %d has %d)", chars, KeyLen, firstBadGroup, firstBadLen)}
	}
	// 25 characters: a separator inside a group, or separators missing.
	n := 0
	for i := 0; i < len(body); i++ {
		if !isSep(body[i]) {
			n++
			continue
		}
		if n%GroupLen != 0 {
			return &SyntaxError{Pos: start + i + 1, Reason: "separator inside a group"}
		}
	}
	n = 0
	for i := 0; i < len(body); i++ {
		if isSep(body[i]) {
			continue
		}
		if n > 0 && n%GroupLen == 0 && !isSep(body[i-1]) {
			return &SyntaxError{Pos: start + i + 1, Reason: fmt.Sprintf("separator missing before group %d: use all four separators or none", n/GroupLen+1)}
		}
		n++
	}
	return &SyntaxError{Reason: "malformed key"} // not reached: every invalid shape is named above
}
