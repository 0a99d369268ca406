package token

import (
	"errors"
	"strings"
	"testing"
)

// rotateHex replaces every hexadecimal digit of s by another one (0→1, f→0, F→A) and every
// other ASCII letter by another letter that is not a hexadecimal digit (g→h, z→g); other
// bytes stay. ParseFingerprint must refuse s and rotateHex(s) with the same message.
func rotateHex(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			b[i] = "1234567890"[c-'0']
			if c == '9' {
				b[i] = 'a'
			}
		case c >= 'a' && c <= 'f':
			b[i] = "bcdef0"[c-'a']
		case c >= 'A' && c <= 'F':
			b[i] = "BCDEFA"[c-'A']
		case c >= 'g' && c <= 'z':
			b[i] = 'g' + (c-'g'+1)%20
		case c >= 'G' && c <= 'Z':
			b[i] = 'G' + (c-'G'+1)%20
		}
	}
	return string(b)
}

// FuzzParseFingerprint: ParseFingerprint never panics; what it accepts prints back as the
// same digits in lower case and parses again to the same value; a refusal is a
// *FingerprintError wrapping ErrFingerprintSyntax with the zero Fingerprint, a position
// inside the input, and a message that does not depend on the input's letters and digits,
// so it cannot echo them (a key pasted here never comes back).
func FuzzParseFingerprint(f *testing.F) {
	good := MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5").Fingerprint().String()
	for _, s := range []string{good, strings.ToUpper(good), good[:63], good + "0", "", "zz" + good[2:], "\xff",
		"K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L", "K7Q2M9XRTBH4J8PZC3WN5VD6L", "K7Q2M9XRTBH4J8PZC3WN5VD6L" + good[25:],
		good[:30] + "é" + good[32:], good[:63] + "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fp, err := ParseFingerprint(s)
		if err != nil {
			if !fp.IsZero() {
				t.Fatalf("ParseFingerprint(%q) = %v with error", s, fp)
			}
			var fe *FingerprintError
			if !errors.As(err, &fe) || !errors.Is(err, ErrFingerprintSyntax) {
				t.Fatalf("ParseFingerprint(%q) error %v (%T) is not a *FingerprintError wrapping ErrFingerprintSyntax", s, err, err)
			}
			if fe.Pos < 0 || fe.Pos > len(s) {
				t.Fatalf("ParseFingerprint(%q) reports position %d outside the input", s, fe.Pos)
			}
			_, err2 := ParseFingerprint(rotateHex(s))
			if err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("ParseFingerprint(%q) = %q but ParseFingerprint(%q) = %v: the message depends on the input", s, err, rotateHex(s), err2)
			}
			if len(s) >= 5 && rotateHex(s) == s && strings.Contains(err.Error(), s) {
				t.Fatalf("ParseFingerprint(%q): message %q echoes the input", s, err)
			}
			return
		}
		if got := fp.String(); got != strings.ToLower(s) {
			t.Fatalf("ParseFingerprint(%q).String() = %q", s, got)
		}
		again, err := ParseFingerprint(fp.String())
		if err != nil || !again.Equal(fp) {
			t.Fatalf("round trip of %q: %v, %v", s, again, err)
		}
	})
}
