package keytext

import (
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode"

	"github.com/coterm/coterm/token"
)

// fullEnv, set to 1, makes the measurements run on 10⁶ keys instead of a
// sample: COTERM_KEYTEXT_FULL=1 go test -run 'Spellings|Embedded' ./internal/keytext
const fullEnv = "COTERM_KEYTEXT_FULL"

// sampleSize returns n, or full when fullEnv is 1.
func sampleSize(n, full int) int {
	if os.Getenv(fullEnv) == "1" {
		return full
	}
	return n
}

// randomKey returns the five groups of a key drawn uniformly from A–Z and
// 0–9, in upper case.
func randomKey(rnd *rand.Rand) [5]string {
	var g [5]string
	var b [5]byte
	for i := range g {
		for j := range b {
			b[j] = token.Alphabet[rnd.IntN(len(token.Alphabet))]
		}
		g[i] = string(b[:])
	}
	return g
}

// hasDigit reports whether a key has a digit.
func hasDigit(g [5]string) bool {
	return strings.ContainsAny(strings.Join(g[:], ""), "0123456789")
}

// fullwidth returns s with its ASCII letters and digits in fullwidth
// forms.
func fullwidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && asciiClass[r].alnum() {
			return r + 0xFEE0
		}
		return r
	}, s)
}

// fullwidthDigits returns s with its digits in fullwidth forms.
func fullwidthDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return r + 0xFEE0
		}
		return r
	}, s)
}

// join joins the groups with sep.
func join(g [5]string, sep string) string { return strings.Join(g[:], sep) }

// each applies f to every group.
func each(g [5]string, f func(string) string) [5]string {
	for i := range g {
		g[i] = f(g[i])
	}
	return g
}

// spelling is a way a person could write a key as a whole text.
type spelling struct {
	name  string
	spell func(g [5]string, rnd *rand.Rand) string
}

// with returns a spelling that joins the groups with sep.
func with(name, sep string) spelling {
	return spelling{name, func(g [5]string, _ *rand.Rand) string { return join(g, sep) }}
}

// around returns a spelling that puts before and after around the
// canonical form.
func around(name, before, after string) spelling {
	return spelling{name, func(g [5]string, _ *rand.Rand) string { return before + join(g, "-") + after }}
}

// spellings are the 50 spellings of the measurement (rule 1).
var spellings = []spelling{
	with("canonical", "-"),
	{"lower case", func(g [5]string, _ *rand.Rand) string { return strings.ToLower(join(g, "-")) }},
	{"mixed case", func(g [5]string, rnd *rand.Rand) string {
		return strings.Map(func(r rune) rune {
			if rnd.IntN(2) == 0 {
				return unicode.ToLower(r)
			}
			return r
		}, join(g, "-"))
	}},
	with("spaces", " "),
	with("no separators", ""),
	{"hyphens and spaces", func(g [5]string, _ *rand.Rand) string {
		return g[0] + "-" + g[1] + " " + g[2] + "-" + g[3] + " " + g[4]
	}},
	{"a separator of each kind", func(g [5]string, _ *rand.Rand) string {
		return g[0] + "—" + g[1] + "\u00a0" + g[2] + "." + g[3] + "/" + g[4]
	}},
	with("em dashes", "—"),
	with("en dashes", "–"),
	with("Unicode hyphens", "\u2010"),
	with("minus signs", "\u2212"),
	with("no-break spaces", "\u00a0"),
	with("narrow no-break spaces", "\u202f"),
	with("ideographic spaces", "\u3000"),
	with("zero-width spaces", "\u200b"),
	with("word joiners", "\u2060"),
	with("byte order marks", "\ufeff"),
	with("soft hyphens", "\u00ad"),
	{"zero-width joiners inside groups", func(g [5]string, _ *rand.Rand) string {
		return join(each(g, func(s string) string { return s[:2] + "\u200d" + s[2:] }), "-")
	}},
	{"fullwidth throughout", func(g [5]string, _ *rand.Rand) string { return fullwidth(join(g, "－")) }},
	{"fullwidth groups, ASCII hyphens", func(g [5]string, _ *rand.Rand) string { return join(each(g, fullwidth), "-") }},
	{"fullwidth digits", func(g [5]string, _ *rand.Rand) string { return fullwidthDigits(join(g, " ")) }},
	{"fullwidth between groups", func(g [5]string, _ *rand.Rand) string {
		return g[0] + "－" + g[1] + "　" + g[2] + "．" + g[3] + "／" + g[4]
	}},
	with("tabs", "\t"),
	with("dots", "."),
	with("middle dots", "·"),
	with("bullets", " • "),
	with("slashes", "/"),
	with("backslashes", "\\"),
	with("fraction slashes", "\u2044"),
	with("underscores", "_"),
	with("spaced hyphens", " - "),
	with("katakana middle dots", "・"),
	with("wave dashes", "～"),
	around("trailing dot", "", "."),
	around("trailing ideographic full stop", "", "。"),
	around("new lines around", "\n  ", " \r\n"),
	around("ASCII double quotes", `"`, `"`),
	around("ASCII single quotes", "'", "'"),
	around("typographic quotes", "“", "”"),
	around("German quotes", "„", "“"),
	around("guillemets with no-break spaces", "«\u00a0", "\u00a0»"),
	around("corner brackets", "「", "」"),
	around("backticks and a comma", "`", "`,"),
	around("key: label", "key: ", ""),
	around("Product key = label", "Product key = ", ""),
	around("German label, quotes and a dot", "Lizenzschlüssel: „", "“."),
	{"Japanese label, fullwidth", func(g [5]string, _ *rand.Rand) string {
		return "プロダクトキー：「" + fullwidth(join(g, "－")) + "」"
	}},
	around("JSON", `{"productKey": "`, `"}`),
	{"French, lower case, em dashes and no-break spaces", func(g [5]string, _ *rand.Rand) string {
		return "Clé de produit\u00a0: «\u00a0" + strings.ToLower(join(g, " — ")) + "\u00a0»\u00a0!"
	}},
}

// runSpellings is the number of spellings, at the start of the list, that
// are a run and nothing more: the others add quotes, labels or punctuation,
// which a context can turn into a label of its own.
const runSpellings = 34

// TestSpellings measures the misses of rule 1: every key in every
// spelling is a key as a whole. The sample is 1,000 keys × 50 spellings;
// with COTERM_KEYTEXT_FULL=1, 10⁶ keys × 50 spellings.
func TestSpellings(t *testing.T) {
	if len(spellings) != 50 {
		t.Fatalf("%d spellings, want 50", len(spellings))
	}
	names := map[string]bool{}
	for _, sp := range spellings {
		if names[sp.name] {
			t.Fatalf("spelling %q twice", sp.name)
		}
		names[sp.name] = true
	}
	n := sampleSize(1_000, 1_000_000)
	full := n > 1_000
	rnd := rand.New(rand.NewPCG(1, 2))
	misses := map[string]int{}
	checked := 0
	for range n {
		g := randomKey(rnd)
		for i, sp := range spellings {
			s := sp.spell(g, rnd)
			checked++
			if !IsKey(s) || !Holds(s) {
				misses[sp.name]++
				continue
			}
			// The output filter, which redacts keys with a digit (rule 3):
			// on the sample, and on one spelling a key in the full run.
			if (!full || i == checked%len(spellings)) && hasDigit(g) && Mask(s) == s {
				t.Errorf("%s: Mask left the key as it was", sp.name)
			}
		}
	}
	total := 0
	for name, m := range misses {
		t.Errorf("%s: %d misses", name, m)
		total += m
	}
	t.Logf("rule 1: %d misses in %d texts (%d keys × %d spellings)", total, checked, n, len(spellings))
}

// context is text around a key inside a longer text: it holds no group of
// five letters and digits that could complete a run with part of a key.
var contexts = [][2]string{
	{"Tenant ", " LLP"},
	{"Contoso, Ltd. (", ")"},
	{"東京本社 ", " 株式会社"},
	{"renewal for ", " — due"},
	{"Adams & Co: ", ", Inc."},
	{"ref#", " ok"},
}

// TestEmbedded measures the misses of rule 2: a key inside a longer text
// is caught exactly when it holds a digit (a random key has none with
// probability (26/36)²⁵ ≈ 2.93·10⁻⁴). The sample is 100,000 keys; with
// COTERM_KEYTEXT_FULL=1, 10⁶.
func TestEmbedded(t *testing.T) {
	const p = 2.929349430814811e-4 // (26/36)^25
	if spellings[runSpellings].name != "trailing dot" {
		t.Fatalf("spellings[%d] is %q, want the first that is more than a run", runSpellings, spellings[runSpellings].name)
	}
	n := sampleSize(100_000, 1_000_000)
	rnd := rand.New(rand.NewPCG(3, 4))
	misses, digitless := 0, 0
	for i := range n {
		g := randomKey(rnd)
		c := contexts[i%len(contexts)]
		s := c[0] + spellings[i%runSpellings].spell(g, rnd) + c[1]
		if IsKey(s) {
			t.Fatalf("IsKey(%q): the context should make it not a whole key", s)
		}
		held := Holds(s)
		if !hasDigit(g) {
			digitless++
		}
		switch {
		case !held && hasDigit(g):
			t.Fatalf("Holds(%q) = false: the key has a digit", s)
		case !held:
			misses++
		}
	}
	// Every miss is a key without a digit, and every key without a digit is
	// a miss (unless it has 20 X).
	if misses != digitless {
		t.Errorf("%d misses, %d keys without a digit", misses, digitless)
	}
	mean := p * float64(n)
	sd := math.Sqrt(mean * (1 - p))
	if d := float64(misses) - mean; d > 5*sd || d < -5*sd {
		t.Errorf("%d misses in %d, expected %.1f ± %.1f", misses, n, mean, sd)
	}
	t.Logf("rule 2: %d misses in %d keys inside longer texts (rate %.2e; (26/36)^25 = %.2e, expected %.1f ± %.1f)",
		misses, n, float64(misses)/float64(n), p, mean, sd)
}
