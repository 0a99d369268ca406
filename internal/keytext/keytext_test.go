package keytext

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/token"
)

// TestRule pins the rule on the spellings of a key (R1) that the rule
// names, and on names that must pass.
func TestRule(t *testing.T) {
	for _, tc := range []struct {
		name        string
		s           string
		isKey, hold bool
	}{
		// Rule 1: wholly a key.
		{"canonical", "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2", true, true},
		{"trailing dot", "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2.", true, true},
		{"no-break spaces", "AB3DE\u00a0FG5HJ\u00a0KL7MN\u00a0PQ9RS\u00a0TUVW2", true, true},
		{"ASCII quotes", `"AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"`, true, true},
		{"typographic quotes", "“AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2”", true, true},
		{"German quotes", "„AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2“", true, true},
		{"guillemets", "« AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2 »", true, true},
		{"corner brackets", "「AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2」", true, true},
		{"em dashes", "AB3DE—FG5HJ—KL7MN—PQ9RS—TUVW2", true, true},
		{"fullwidth between groups", "AB3DE－FG5HJ　KL7MN．PQ9RS／TUVW2", true, true},
		{"fullwidth throughout", "ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２", true, true},
		{"key: label", "key: AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2", true, true},
		{"Product key = label", "Product key = ab3de-fg5hj-kl7mn-pq9rs-tuvw2", true, true},
		{"German label", "Lizenzschlüssel: AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2", true, true},
		{"Japanese label", "プロダクトキー：ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２", true, true},
		{"labels and quotes, twice", `Office: "key": 'AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2'.`, true, true},
		{"mixed separators", "AB3DE-FG5HJ KL7MN_PQ9RS.TUVW2", true, true},
		{"a trailing colon", "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2:", true, true},
		{"a trailing colon, no separators", "ADAMSBAKERCLARKDAVISEVANS:", true, true},
		{"separator runs", "AB3DE - FG5HJ -- KL7MN\t/ PQ9RS . TUVW2", true, true},
		{"no separators", "ab3defg5hjkl7mnpq9rstuvw2", true, true},
		{"zero-width between groups", "AB3DE\u200bFG5HJ\u200bKL7MN\u200bPQ9RS\u200bTUVW2", true, true},
		{"zero-width inside groups", "AB\u200b3DE-FG5\u00adHJ-KL7MN-PQ9RS-TUVW\u20602", true, true},
		{"words without a digit", "Adams Baker Clark Davis Evans", true, true},
		{"the masked form", "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5", true, true},
		// Not wholly a key.
		{"words and more", "Adams Baker Clark Davis Evans LLP", false, false},
		{"irregular words", "Brookfield Asset Management", false, false},
		{"irregular with a digit", "AB3DE-FG5HJKL7MN-PQ9RS-TUVW2", false, true},
		{"a key inside", "Tenant AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2 (old)", false, true},
		{"a key glued inside", "xAB3DEFG5HJKL7MNPQ9RSTUVW2y", false, true},
		{"masked form inside", "Tenant XXXXX-XXXXX-XXXXX-XXXXX-EEEEE", false, true},
		{"a label of 49 characters", "Produktschlüssel für Microsoft 365 Business Basic: Adams Baker Clark Davis Evans", false, false},
		{"a label of 48 characters", "Produktschlüssel für Microsoft 365 Business Std: Adams Baker Clark Davis Evans", true, true},
		{"a label with a symbol", "Key €: Adams Baker Clark Davis Evans", false, false},
		{"four groups", "AB3DE-FG5HJ-KL7MN-PQ9RS", false, false},
		{"six groups", "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2-YZ234", false, true},
		{"a group of six", "AB3DEF-G5HJ-KL7MN-PQ9RS-TUVW2", false, false},
		{"Cyrillic look-alike", "АB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2", false, false},
		{"a colon between groups", "AB3DE:FG5HJ:KL7MN:PQ9RS:TUVW2", false, false},
		{"plain names", "contoso", false, false},
		{"a product", "M365-E3", false, false},
		{"empty", "", false, false},
		{"invalid UTF-8", "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW\xff2", false, false},
		{"a continuation byte", "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW\x802", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.isKey, IsKey(tc.s), "IsKey(%q)", tc.s)
			assert.Equal(t, tc.hold, Holds(tc.s), "Holds(%q)", tc.s)
			assert.Equal(t, refWhole(tc.s), IsKey(tc.s), "IsKey(%q) against the reference", tc.s)
			assert.Equal(t, refHolds(tc.s), Holds(tc.s), "Holds(%q) against the reference", tc.s)
		})
	}
}

// TestMask pins what the output filter does (rule 3): it redacts the runs
// that hold a digit, and leaves words and the masked form as they are.
func TestMask(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"a key", "key AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2: added", "key XXXXX-XXXXX-XXXXX-XXXXX-XXXXX: added"},
		{"a key and a word of five", "key AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2 added", "key XXXXX-XXXXX-XXXXX-XXXXX-XXXXX XXXXX"},
		{"words that are a regular run", "Adams Baker Clark Davis Evans LLP", "Adams Baker Clark Davis Evans LLP"},
		{"words that are a key as a whole", "Adams Baker Clark Davis Evans", "Adams Baker Clark Davis Evans"},
		{"words that are not a regular run", "UnitedHealth Group Incorporated", "UnitedHealth Group Incorporated"},
		{"a key without a digit", "key ABCDE-FGHIJ-KLMNO-PQRST-UVWXY: added", "key ABCDE-FGHIJ-KLMNO-PQRST-UVWXY: added"},
		{"words and a digit", "Adams Baker Clark Davis Evan5 LLP", "XXXXX XXXXX XXXXX XXXXX XXXXX LLP"},
		{"a word before the masked form, the plan's tooltip", "add licenses XXXXX-XXXXX-XXXXX-XXXXX-KEY01 (25)", "add licenses XXXXX-XXXXX-XXXXX-XXXXX-KEY01 (25)"},
		{"the masked form", "key XXXXX-XXXXX-XXXXX-XXXXX-EEEE5: added", "key XXXXX-XXXXX-XXXXX-XXXXX-EEEE5: added"},
		{"a word of five after the masked form", "key XXXXX-XXXXX-XXXXX-XXXXX-EEEE5 added", "key XXXXX-XXXXX-XXXXX-XXXXX-EEEE5 XXXXX"},
		{"a word before the masked form", "Tenant XXXXX-XXXXX-XXXXX-XXXXX-EEEE5", "Tenant XXXXX-XXXXX-XXXXX-XXXXX-EEEE5"},
		{"a word with a digit before the masked form", "Tenan7 XXXXX-XXXXX-XXXXX-XXXXX-EEEE5", "TXXXXX XXXXX-XXXXX-XXXXX-XXXXX-EEEE5"},
		{"a group after the masked form", "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5-AB3DE", "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5-XXXXX"},
		{"a group before the masked form", "FG5HJ-XXXXX-XXXXX-XXXXX-XXXXX-EEEE5", "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-EEEE5"},
		{"a key with three groups XXXXX", "XXXXX-XXXXX-XXXXX-AB3DE-FG5HJ", "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"},
		{"a key with four groups XXXXX first", "AB3DE-XXXXX-XXXXX-XXXXX-XXXXX", "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"},
		{"the masked form in lower case", "xxxxx-xxxxx-xxxxx-xxxxx-ab3de", "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"},
		{"the masked form with spaces", "XXXXX XXXXX XXXXX XXXXX AB3DE", "XXXXX XXXXX XXXXX XXXXX XXXXX"},
		{"the masked form in lower case, no digit", "xxxxx-xxxxx-xxxxx-xxxxx-abcde", "xxxxx-xxxxx-xxxxx-xxxxx-abcde"},
		{"an irregular run with a digit", "Brookfield Asset Manag3ment", "XXXXXXXXXX XXXXX XXXXXXXXXX"},
		{"overlapping keys", "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2-YZ234", "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"},
		{"fullwidth", "ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２。", "ＸＸＸＸＸ－ＸＸＸＸＸ－ＸＸＸＸＸ－ＸＸＸＸＸ－ＸＸＸＸＸ。"},
		{"mixed widths", "ab3de fg5hj kl7mn pq9rs ＴＵＶＷ２", "XXXXX XXXXX XXXXX XXXXX ＸＸＸＸＸ"},
		{"invisible characters stay", "AB\u200b3DE-FG5HJ-KL7MN-PQ9RS-TUVW2", "XX\u200bXXX-XXXXX-XXXXX-XXXXX-XXXXX"},
		{"invalid UTF-8 stays", "\xffAB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2\xc3", "\xffXXXXX-XXXXX-XXXXX-XXXXX-XXXXX\xc3"},
		{"a continuation byte ends a run", "AB3DE-FG5HJ\x80KL7MN-PQ9RS-TUVW2-YZ234", "AB3DE-FG5HJ\x80KL7MN-PQ9RS-TUVW2-YZ234"},
		{"a key after the masked form and a word", "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5 AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2", "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5 XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"},
		{"two masked forms joined", "XXXXX-XXXXX-XXXXX-XXXXX-ABCDEXXXXX-XXXXX-XXXXX-XXXXX-FGHIJ", "XXXXX-XXXXX-XXXXX-XXXXX-ABCDEXXXXX-XXXXX-XXXXX-XXXXX-FGHIJ"},
		{"nothing to do", "contoso M365-E3 100 seats", "contoso M365-E3 100 seats"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Mask(tc.in), "Mask(%q)", tc.in)
			b := []byte(tc.in)
			Redact(b)
			assert.Equal(t, tc.want, string(b), "Redact(%q)", tc.in)
			assert.Empty(t, refSecretsShown(string(b)), "secret runs left in %q", b)
		})
	}
}

func TestRuns(t *testing.T) {
	assert.Equal(t, []string{"AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"}, Runs("key: ab3de—fg5hj—kl7mn—pq9rs—tuvw2."))
	assert.Equal(t, []string{"AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2", "FG5HJ-KL7MN-PQ9RS-TUVW2-YZ234"}, Runs("AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2-YZ234"))
	assert.Empty(t, Runs("Adams Baker Clark Davis Evans LLP"))
	assert.Equal(t, []string{"ADAMS-BAKER-CLARK-DAVIS-EVAN5"}, Runs("Adams Baker Clark Davis Evan5 LLP"))
	assert.Empty(t, Runs("XXXXX-XXXXX-XXXXX-XXXXX-EEEE5"))
	assert.Empty(t, Runs("Brookfield Asset Management"))
	assert.Nil(t, Runs("contoso"))
	s := "x AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2 ＸＸＸＸＸ Donaudampfschiffahrtsgesellschaft"
	assert.Equal(t, refSecrets(s), Runs(s))
}

// TestShaped: every key-shaped run, with or without a digit, masked or
// not.
func TestShaped(t *testing.T) {
	assert.Equal(t, []string{"ADAMS-BAKER-CLARK-DAVIS-EVANS"}, Shaped("Adams Baker Clark Davis Evans LLP"))
	assert.Equal(t, []string{"XXXXX-XXXXX-XXXXX-XXXXX-EEEE5"}, Shaped("(XXXXX-XXXXX-XXXXX-XXXXX-EEEE5)"))
	assert.Equal(t, []string{"BROOK-FIELD-ASSET-MANAG-EMENT"}, Shaped("Brookfield Asset Management"))
	assert.Equal(t, []string{"AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2", "FG5HJ-KL7MN-PQ9RS-TUVW2-YZ234"}, Shaped("AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2-YZ234"))
	assert.Nil(t, Shaped("contoso"))
	s := "x AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2 ＸＸＸＸＸ Donaudampfschiffahrtsgesellschaft"
	assert.Equal(t, refShaped(s), Shaped(s))
}

func TestQuote(t *testing.T) {
	assert.Equal(t, `"contoso"`, Quote("contoso"))
	assert.Equal(t, `"Adams Baker Clark Davis Evans LLP"`, Quote("Adams Baker Clark Davis Evans LLP"))
	assert.Equal(t, Placeholder, Quote("AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2."))
	assert.Equal(t, Placeholder, Quote("Adams Baker Clark Davis Evans"))
	assert.Equal(t, Placeholder, Quote("XXXXX-XXXXX-XXXXX-XXXXX-EEEE5"))
	// An escape adds letters and digits: "\u00a0" then 20 characters is
	// "u00a0" and 20 characters once quoted.
	s := "\u00a0FG5HJKL7MNPQ9RSTUVW2"
	require.False(t, Holds(s))
	require.True(t, Holds(strconv.Quote(s)))
	assert.Equal(t, Placeholder, Quote(s))
	assert.False(t, Holds(Placeholder))
}

// TestMaskedForm holds the masked form that token prints against the rule:
// a name check catches it, the output filter keeps it.
func TestMaskedForm(t *testing.T) {
	k := token.MustParseKey("AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2")
	for _, s := range []string{k.String(), "key " + k.String() + ": added", "Tenant: " + k.String(), "(" + k.String() + ")"} {
		assert.True(t, Holds(s), "Holds(%q)", s)
		assert.Equal(t, s, Mask(s), "Mask(%q)", s)
	}
	assert.True(t, IsKey(k.Reveal()))
	assert.Equal(t, "XXXXX-XXXXX-XXXXX-XXXXX-TUVW2", k.String())
}

// TestZeroAllocs: the name check and the output filter allocate nothing.
func TestZeroAllocs(t *testing.T) {
	line := []byte("2024-05-01 contoso/M365-E3 key AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2: activate 100 seats, Adams Baker Clark Davis Evans LLP")
	for name, f := range map[string]func(){
		"Holds ASCII": func() { Holds("contoso") },
		"Holds long":  func() { Holds("Adams Baker Clark Davis Evans LLP, Rechtsanwälte") },
		"Holds Unicode": func() {
			Holds("ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２")
		},
		"IsKey":        func() { IsKey("key: AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2.") },
		"Redact":       func() { Redact(line) },
		"Mask nothing": func() { Mask("UnitedHealth Group Incorporated 2024") },
	} {
		assert.Zero(t, testing.AllocsPerRun(100, f), name)
	}
}
