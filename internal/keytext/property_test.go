package keytext

import (
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/coterm/coterm/token"
)

var (
	alnumRunes = []rune(token.Alphabet + "abcdefghijklmnopqrstuvwxyz")
	sepRunes   = []rune(" \t\n\r-._/\\~\u00a0\u2000\u202f\u3000\u2010\u2011\u2013\u2014\u2015\u2212\u2043\u301c\u30fc\u00b7\u2022\u2024\u2026\u2027\u3002\u30fb\u2044\u2215\u203f\uff0d\uff0e\uff0f\uff3c\uff3f\uff5e")
	invRunes   = []rune("\u00ad\u200b\u200c\u200d\u200e\u2060\ufeff\u034f\ufe0f")
	quotePairs = [][2]string{{"", ""}, {`"`, `"`}, {"'", "'"}, {"“", "”"}, {"„", "“"}, {"‘", "’"}, {"‚", "‘"}, {"«", "»"}, {"» ", " «"}, {"‹", "›"}, {"「", "」"}, {"『", "』"}, {"【", "】"}, {"（", "）"}, {"＂", "＂"}, {"(", ")"}, {"[", "]"}, {"<", ">"}, {"`", "`"}, {"**", "**"}}
	labels     = []string{"", "key: ", "Key:", "Product key = ", "Lizenzschlüssel: ", "Clé de produit : ", "プロダクトキー：", "产品密钥：", "Ключ продукта: ", "\"key\": ", "Key #2 = "}
	trailers   = []string{"", ".", ",", ";", "!", "?", "…", "。", "！", ". ", ".\n", ")."}
)

// keyGroups draws the five groups of a key, upper case.
func keyGroups(t *rapid.T, label string) [5]string {
	var g [5]string
	for i := range g {
		g[i] = strings.ToUpper(rapid.StringOfN(rapid.SampledFrom(alnumRunes), 5, 5, -1).Draw(t, label))
	}
	return g
}

// spellRun draws a spelling of g as a run: each character in either case
// and width, invisible characters inside groups, and between groups a run
// of separators and invisible characters, at every group end or at none;
// with regular false, each group end has one or not at random.
func spellRun(t *rapid.T, g [5]string, regular bool) string {
	var b strings.Builder
	all := rapid.Bool().Draw(t, "separated")
	for i, grp := range g {
		if i > 0 && (regular && all || !regular && rapid.Bool().Draw(t, "end")) {
			n := rapid.IntRange(1, 3).Draw(t, "separators")
			for range n {
				b.WriteRune(rapid.SampledFrom(append(sepRunes, invRunes...)).Draw(t, "separator"))
			}
		}
		for j, r := range grp {
			if j > 0 && rapid.IntRange(0, 9).Draw(t, "invisible?") == 0 {
				b.WriteRune(rapid.SampledFrom(invRunes).Draw(t, "invisible"))
			}
			if rapid.Bool().Draw(t, "lower") && 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			if rapid.IntRange(0, 3).Draw(t, "fullwidth?") == 0 {
				r += 0xFEE0
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// spellWhole draws a spelling of g as a whole text: a regular run with
// quotes, a label and trailing punctuation.
func spellWhole(t *rapid.T, g [5]string) string {
	q := rapid.SampledFrom(quotePairs).Draw(t, "quotes")
	l := rapid.SampledFrom(labels).Draw(t, "label")
	return l + q[0] + spellRun(t, g, true) + q[1] + rapid.SampledFrom(trailers).Draw(t, "trailer")
}

// noisyText draws a text made of keys in many spellings, masked forms,
// words, and arbitrary characters and bytes.
func noisyText(t *rapid.T) string {
	var b strings.Builder
	n := rapid.IntRange(1, 6).Draw(t, "pieces")
	for range n {
		switch rapid.IntRange(0, 6).Draw(t, "piece") {
		case 0:
			b.WriteString(spellWhole(t, keyGroups(t, "group")))
		case 1:
			b.WriteString(spellRun(t, keyGroups(t, "group"), false))
		case 2:
			b.WriteString("XXXXX-XXXXX-XXXXX-XXXXX-" + keyGroups(t, "group")[4])
		case 3:
			b.WriteString(rapid.StringOfN(rapid.SampledFrom([]rune("Xx0A1 -ＸＢ２\u200b")), 1, 40, -1).Draw(t, "x-ish"))
		case 4:
			b.WriteString(rapid.SampledFrom([]string{"Adams Baker Clark Davis Evans", " LLP ", "Tenant ", " added ", "Donaudampfschiffahrtsgesellschaft", ": ", "(", "\n"}).Draw(t, "words"))
		case 5:
			b.WriteString(rapid.String().Draw(t, "string"))
		default:
			b.Write(rapid.SliceOfN(rapid.Byte(), 0, 8).Draw(t, "bytes"))
		}
	}
	return b.String()
}

func TestPropRevealIsKey(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := keyGroups(t, "group")
		k := token.MustParseKey(join(g, ""))
		if !IsKey(k.Reveal()) || !Holds(k.Reveal()) {
			t.Fatalf("IsKey(%q) or Holds is false", k.Reveal())
		}
	})
}

// TestPropParseKeyIsKey: every spelling token.ParseKey accepts is a key.
func TestPropParseKeyIsKey(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := keyGroups(t, "group")
		seps := rapid.SampledFrom([]string{"", "-", " "})
		var b strings.Builder
		b.WriteString(rapid.SampledFrom([]string{"", " ", "\t", "\n", " \r\n"}).Draw(t, "before"))
		present := rapid.Bool().Draw(t, "separated")
		for i, grp := range g {
			if i > 0 && present {
				if s := seps.Draw(t, "sep"); s != "" {
					b.WriteString(s)
				} else {
					b.WriteString("-")
				}
			}
			if rapid.Bool().Draw(t, "lower") {
				grp = strings.ToLower(grp)
			}
			b.WriteString(grp)
		}
		b.WriteString(rapid.SampledFrom([]string{"", " ", "\t"}).Draw(t, "after"))
		s := b.String()
		if _, err := token.ParseKey(s); err == nil && !IsKey(s) {
			t.Fatalf("ParseKey accepts %q, IsKey does not", s)
		}
	})
}

func TestPropWholeSpellings(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := spellWhole(t, keyGroups(t, "group"))
		if !IsKey(s) || !Holds(s) {
			t.Fatalf("IsKey(%q) = %v, Holds = %v", s, IsKey(s), Holds(s))
		}
	})
}

// TestPropEmbedded: a key with a digit, in any spelling, irregular too, with
// anything before and after it, is held (rule 2).
func TestPropEmbedded(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := keyGroups(t, "group")
		if !hasDigit(g) {
			i := rapid.IntRange(0, 24).Draw(t, "digit at")
			b := []byte(g[i/5])
			b[i%5] = byte('0' + rapid.IntRange(0, 9).Draw(t, "digit"))
			g[i/5] = string(b)
		}
		s := rapid.String().Draw(t, "prefix") + spellRun(t, g, false) + rapid.String().Draw(t, "suffix")
		if !Holds(s) {
			t.Fatalf("Holds(%q) = false", s)
		}
	})
}

// TestPropAgainstReference holds IsKey, Holds and Runs against the plain
// reference of the rule.
func TestPropAgainstReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := noisyText(t)
		if got, want := IsKey(s), refWhole(s); got != want {
			t.Fatalf("IsKey(%q) = %v, reference %v", s, got, want)
		}
		if got, want := Holds(s), refHolds(s); got != want {
			t.Fatalf("Holds(%q) = %v, reference %v", s, got, want)
		}
		if got, want := Runs(s), refSecrets(s); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("Runs(%q) = %q, reference %q", s, got, want)
		}
	})
}

// TestPropRedact: the output filter leaves no key in any spelling.
func TestPropRedact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		checkRedacted(t, noisyText(t))
	})
}

// checkRedacted checks Redact and Mask on s.
func checkRedacted(t interface {
	Fatalf(format string, args ...any)
}, s string) {
	b := []byte(s)
	Redact(b)
	out := string(b)
	if m := Mask(s); m != out {
		t.Fatalf("Mask(%q) = %q, Redact gives %q", s, m, out)
	}
	if len(out) != len(s) {
		t.Fatalf("Redact(%q) changed the length: %q", s, out)
	}
	// Only letters and digits change, into X.
	for i := 0; i < len(s); {
		r, size := decode(s, i)
		if s[i:i+size] != out[i:i+size] {
			x, _ := decode(out, i)
			if !classOf(r).alnum() || x != 'X' && x != 'Ｘ' {
				t.Fatalf("Redact(%q) = %q: byte %d changed and is not a letter or digit made X", s, out, i)
			}
		}
		i += size
	}
	if shown := refSecretsShown(out); len(shown) > 0 {
		t.Fatalf("Redact(%q) = %q: a run with a digit shows more than the masked form does: %q", s, out, shown[0])
	}
	// Every window ParseKey accepts that holds a digit shows at most five
	// characters other than X.
	for i := range len(out) {
		for _, n := range []int{token.KeyLen, token.CanonicalLen} {
			if i+n > len(out) {
				continue
			}
			w := out[i : i+n]
			if _, err := token.ParseKey(w); err == nil && strings.ContainsAny(w, "0123456789") && countX(w) < keyLen-shownMax {
				t.Fatalf("Redact(%q) = %q: ParseKey accepts %q", s, out, w)
			}
		}
	}
	// Nothing without a digit is redacted: a run without one is as it was.
	for _, run := range refRuns(s) {
		if run.digit {
			continue
		}
		for _, off := range run.offs {
			if a, b := nextRune(s, off), nextRune(out, off); a != b && !inDigitRun(s, off) {
				t.Fatalf("Redact(%q) = %q: byte %d is in no run with a digit, and changed", s, out, off)
			}
		}
	}
	again := []byte(out)
	if Redact(again); string(again) != out {
		t.Fatalf("Redact is not idempotent on %q: %q, then %q", s, out, again)
	}
}

// nextRune returns the bytes of the character at s[i].
func nextRune(s string, i int) string {
	_, size := decode(s, i)
	return s[i : i+size]
}

// inDigitRun reports whether the character at byte off of s is in a
// key-shaped run that holds a digit.
func inDigitRun(s string, off int) bool {
	for _, run := range refRuns(s) {
		if run.digit && slices.Contains(run.offs, off) {
			return true
		}
	}
	return false
}

// shownMax is the most characters other than X or x that a secret run may
// show after Redact: one group, as the masked form does.
const shownMax = groupLen

// countX counts X and x, ASCII and fullwidth, in s.
func countX(s string) int {
	n := 0
	for _, r := range s {
		if r = fold(r); r == 'X' || r == 'x' {
			n++
		}
	}
	return n
}
