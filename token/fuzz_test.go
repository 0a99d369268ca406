package token_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/coterm/coterm/token"
)

// FuzzParseKey checks ParseKey (R1) on arbitrary input: it never panics; an accepted input
// round-trips through Reveal and masks its first four groups; a refusal wraps ErrSyntax,
// names a position inside the input and never echoes the input.
func FuzzParseKey(f *testing.F) {
	for _, tc := range goodSpellings {
		f.Add(tc.in)
	}
	for _, tc := range badInputs {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := token.ParseKey(s)
		if err != nil {
			checkRefusal(t, s, k, err)
			return
		}
		if k.IsZero() {
			t.Fatalf("ParseKey(%q) accepted the input and returned the zero Key", s)
		}
		clear := k.Reveal()
		back, err := token.ParseKey(clear)
		if err != nil || back != k {
			t.Fatalf("ParseKey(ParseKey(%q).Reveal()) = %v, %v; want the same key", s, back.Reveal(), err)
		}
		if got := strings.ToUpper(strings.NewReplacer("-", "", " ", "", "\t", "", "\r", "", "\n", "").Replace(s)); got != strings.ReplaceAll(clear, "-", "") {
			t.Fatalf("ParseKey(%q).Reveal() = %q: not the input's characters", s, clear)
		}
		masked := k.String()
		if want := "XXXXX-XXXXX-XXXXX-XXXXX-" + clear[24:]; masked != want {
			t.Fatalf("String() = %q, want %q", masked, want)
		}
		// A key whose first four groups are all X looks like its own masked form.
		if clear[:23] != "XXXXX-XXXXX-XXXXX-XXXXX" {
			if strings.Contains(masked, clear[:23]) || strings.Contains(masked, strings.ReplaceAll(clear[:23], "-", "")) {
				t.Fatalf("String() %q contains the first 20 characters of the key", masked)
			}
		}
		if !k.Fingerprint().Equal(back.Fingerprint()) {
			t.Fatalf("two parses of one key have different fingerprints")
		}
	})
}

// checkRefusal checks the error ParseKey(s) returned.
func checkRefusal(t *testing.T, s string, k token.Key, err error) {
	t.Helper()
	if !k.IsZero() {
		t.Fatalf("ParseKey(%q) returned a non-zero Key with an error", s)
	}
	if !errors.Is(err, token.ErrSyntax) {
		t.Fatalf("ParseKey(%q) error %v does not wrap ErrSyntax", s, err)
	}
	var se *token.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("ParseKey(%q) error %T is not a *SyntaxError", s, err)
	}
	if se.Pos < 0 || se.Pos > max(len(s), token.MaxInputLen+1) {
		t.Fatalf("ParseKey(%q) reports position %d outside the input", s, se.Pos)
	}
	msg := err.Error()
	// The message must not depend on which letters and digits the input has: rotating every
	// one of them gives the same message, so the message cannot echo them.
	_, err2 := token.ParseKey(rotate(s))
	if err2 == nil || err2.Error() != msg {
		t.Fatalf("ParseKey(%q) = %q but ParseKey(%q) = %v: the message depends on the key's characters", s, msg, rotate(s), err2)
	}
	// And it never contains the input. An input that is a word of the fixed message text
	// (say "parse") occurs in every message; the check above proved the message does not
	// depend on the input's letters and digits, so such an occurrence is no echo. An input
	// without letters and digits must not occur at all.
	if len(s) >= 5 && strings.Contains(msg, s) && rotate(s) == s {
		t.Fatalf("ParseKey(%q): message %q echoes the input", s, msg)
	}
}
