package token_test

import (
	"encoding/json"
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
		// The masked form shows X's and the last group only: a key whose
		// first four groups are each XXXXX or its last group can look like a
		// part of it ("XXXXX-XXXXX-XXXXX-XXXX5-XXXX5") without showing a
		// secret character.
		if !maskLike(clear) {
			if strings.Contains(masked, clear[:23]) || strings.Contains(masked, strings.ReplaceAll(clear[:23], "-", "")) {
				t.Fatalf("String() %q contains the first 20 characters of the key", masked)
			}
		}
		if !k.Fingerprint().Equal(back.Fingerprint()) {
			t.Fatalf("two parses of one key have different fingerprints")
		}
	})
}

// maskLike reports whether each of the first four groups of the canonical
// key clear is XXXXX or the last group: what its masked form shows.
func maskLike(clear string) bool {
	last := clear[24:]
	for g := 0; g < 4; g++ {
		if group := clear[6*g : 6*g+5]; group != "XXXXX" && group != last {
			return false
		}
	}
	return true
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

// FuzzKeyUnmarshalJSON checks Key.UnmarshalJSON on arbitrary input: it never panics; null
// leaves the Key alone; a JSON string is parsed exactly as ParseKey parses its contents; any
// other refusal is one of two fixed messages, so a key is never echoed (FuzzParseKey checks
// ParseKey's messages).
func FuzzKeyUnmarshalJSON(f *testing.F) {
	for _, tc := range goodSpellings {
		j, _ := json.Marshal(tc.in)
		f.Add(string(j))
	}
	for _, tc := range badInputs {
		j, _ := json.Marshal(tc.in)
		f.Add(string(j))
	}
	for _, s := range []string{`null`, `""`, `"XXXXX-XXXXX-XXXXX-XXXXX-5VD6L"`, `12`, `"\x"`, `"K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L`,
		`"\u004b7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L"`, `{"key":"K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L"}`, `["K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var k token.Key
		err := k.UnmarshalJSON([]byte(data))
		var s string
		isString := len(data) >= 2 && data[0] == '"' && data[len(data)-1] == '"' && json.Unmarshal([]byte(data), &s) == nil
		switch {
		case data == "null":
			if err != nil || !k.IsZero() {
				t.Fatalf("UnmarshalJSON(null) = %v, %v", k, err)
			}
		case isString:
			want, perr := token.ParseKey(s)
			switch {
			case s == "":
				if err != nil || !k.IsZero() {
					t.Fatalf(`UnmarshalJSON("") = %v, %v`, k, err)
				}
			case perr != nil:
				if err == nil || err.Error() != perr.Error() || !k.IsZero() {
					t.Fatalf("UnmarshalJSON(%s) = %v, %v; ParseKey gives %v", data, k, err, perr)
				}
			case strings.HasPrefix(want.Reveal(), "XXXXX-XXXXX-XXXXX-XXXXX-"):
				if !errors.Is(err, token.ErrMaskedKey) || !k.IsZero() {
					t.Fatalf("UnmarshalJSON(%s) of a masked key = %v, %v", data, k, err)
				}
			default:
				if err != nil || k != want {
					t.Fatalf("UnmarshalJSON(%s) = %v, %v; want the key ParseKey gives", data, k, err)
				}
			}
		default:
			if err == nil || !k.IsZero() || !errors.Is(err, token.ErrSyntax) {
				t.Fatalf("UnmarshalJSON(%s) = %v, %v; want a syntax error", data, k, err)
			}
			if m := err.Error(); m != "token: parse key: position 1: JSON value is not a string" && m != "token: parse key: position 1: malformed JSON string" {
				t.Fatalf("UnmarshalJSON(%s): unexpected message %q", data, m)
			}
		}
	})
}
