package keytext

import (
	"strconv"
	"strings"
	"testing"

	"github.com/coterm/coterm/token"
)

// fuzzSeeds are the spellings of a key that went through as names, and
// their neighbours.
var fuzzSeeds = []string{
	"AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2.",
	"AB3DE\u00a0FG5HJ\u00a0KL7MN\u00a0PQ9RS\u00a0TUVW2",
	"\"AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2\"",
	"“AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2”",
	"AB3DE—FG5HJ—KL7MN—PQ9RS—TUVW2",
	"AB3DE－FG5HJ　KL7MN．PQ9RS／TUVW2",
	"ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２",
	"key: AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2",
	"AB3DE-FG5HJ KL7MN_PQ9RS.TUVW2",
	"ab3de fg5hj kl7mn pq9rs tuvw2",
	"AB3DEFG5HJKL7MNPQ9RSTUVW2",
	"AB\u200b3DE-FG5\u00adHJ-KL7MN-PQ9RS-TUVW2",
	"Adams Baker Clark Davis Evans",
	"Adams Baker Clark Davis Evans LLP",
	"Brookfield Asset Management",
	"XXXXX-XXXXX-XXXXX-XXXXX-EEEE5",
	"Tenant XXXXX-XXXXX-XXXXX-XXXXX-EEEE5 added",
	"XXXXXXXXXXXXXXXABCDEFGHIJXXXXXKLMNOPQRSTXXXXXXXXXXXXXXX",
	"Lizenzschlüssel: „ab3de fg5hj kl7mn pq9rs tuvw2“.",
	"プロダクトキー：「ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２」",
	"\u00a0FG5HJKL7MNPQ9RSTUVW2",
	"AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW\xff2\xc3",
	"\xef\xbc\x90\xef\xbc",
	"contoso",
	"M365-E3",
	"",
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
}

// FuzzIsKey: IsKey agrees with the reference, implies Holds, and accepts
// every spelling ParseKey accepts.
func FuzzIsKey(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		isKey := IsKey(s)
		if want := refWhole(s); isKey != want {
			t.Fatalf("IsKey(%q) = %v, reference %v", s, isKey, want)
		}
		if isKey && !Holds(s) {
			t.Fatalf("IsKey(%q) but not Holds", s)
		}
		if _, err := token.ParseKey(s); err == nil && !isKey {
			t.Fatalf("ParseKey accepts %q, IsKey does not", s)
		}
	})
}

// FuzzHolds: Holds agrees with the reference; a text that holds a secret
// run with a digit is held; Quote quotes only what is not held.
func FuzzHolds(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		held := Holds(s)
		if want := refHolds(s); held != want {
			t.Fatalf("Holds(%q) = %v, reference %v", s, held, want)
		}
		for _, run := range refRuns(s) {
			if run.digit && !held {
				t.Fatalf("Holds(%q) = false, but it holds %q", s, run.key)
			}
		}
		for i := 0; i+token.KeyLen <= len(s); i++ {
			for _, n := range []int{token.KeyLen, token.CanonicalLen} {
				if i+n <= len(s) {
					if k, err := token.ParseKey(s[i : i+n]); err == nil && strings.ContainsAny(k.Reveal(), "0123456789") && !held {
						t.Fatalf("Holds(%q) = false, but ParseKey accepts %q", s, s[i:i+n])
					}
				}
			}
		}
	})
}

// FuzzRedact: the output filter leaves no secret run, in any spelling.
func FuzzRedact(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		checkRedacted(t, s)
	})
}

// FuzzMask: Mask is Redact on a copy, and returns s itself when there is
// nothing to redact; Runs lists what it redacts, and Shaped every
// key-shaped run.
func FuzzMask(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		m := Mask(s)
		b := []byte(s)
		Redact(b)
		if m != string(b) {
			t.Fatalf("Mask(%q) = %q, Redact gives %q", s, m, b)
		}
		runs := Runs(s)
		if len(runs) == 0 && m != s {
			t.Fatalf("Mask(%q) = %q, but Runs is empty", s, m)
		}
		for _, run := range runs {
			if m == s && strings.Count(run, "X") < keyLen-shownMax {
				t.Fatalf("Mask(%q) left it as it was, but it holds %q", s, run)
			}
		}
		if got, want := strings.Join(runs, ","), strings.Join(refSecrets(s), ","); got != want {
			t.Fatalf("Runs(%q) = %q, reference %q", s, got, want)
		}
		if got, want := strings.Join(Shaped(s), ","), strings.Join(refShaped(s), ","); got != want {
			t.Fatalf("Shaped(%q) = %q, reference %q", s, got, want)
		}
	})
}

// FuzzQuote: a quoted name never holds a key, and is strconv.Quote's
// unless it is the placeholder.
func FuzzQuote(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		q := Quote(s)
		if Holds(q) || Holds("name "+q+" x") {
			t.Fatalf("Quote(%q) = %q holds a key", s, q)
		}
		if q != Placeholder && q != strconv.Quote(s) {
			t.Fatalf("Quote(%q) = %q, want strconv.Quote or the placeholder", s, q)
		}
		if q == Placeholder && !Holds(s) && !Holds(strconv.Quote(s)) {
			t.Fatalf("Quote(%q) is the placeholder, but neither it nor its quoted form holds a key", s)
		}
	})
}
