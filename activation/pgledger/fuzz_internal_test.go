package pgledger

import (
	"testing"
	"unicode/utf8"
)

// FuzzColumnText: what goes into a text column is text PostgreSQL stores
// (valid UTF-8, no NUL), and text it can store goes in unchanged.
func FuzzColumnText(f *testing.F) {
	for _, s := range []string{"", "contoso", "a\x00b", "\xff\xfe", "租户 🙂 \u202e", "e\u0301", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := columnText(s)
		if !utf8.ValidString(got) || !validText(got) {
			t.Fatalf("columnText(%q) = %q: not storable", s, got)
		}
		if validText(s) != (got == s) {
			t.Fatalf("columnText(%q) = %q: valid text must pass unchanged, other text must change", s, got)
		}
	})
}
