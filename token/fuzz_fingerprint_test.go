package token

import (
	"strings"
	"testing"
)

// FuzzParseFingerprint: ParseFingerprint never panics, refuses with the zero
// Fingerprint, and what it accepts prints back as the same digits in lower
// case and parses again to the same value.
func FuzzParseFingerprint(f *testing.F) {
	good := MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5").Fingerprint().String()
	for _, s := range []string{good, strings.ToUpper(good), good[:63], good + "0", "", "zz" + good[2:], "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fp, err := ParseFingerprint(s)
		if err != nil {
			if !fp.IsZero() {
				t.Fatalf("ParseFingerprint(%q) = %v with error", s, fp)
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
