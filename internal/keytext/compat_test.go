package keytext

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The programs' own tests of their name check and output filter, which
// Holds and Redact are to replace, hold for the rule as they are (copied
// from cmd/internal/cli, whose clearKey is a made-up key).
const clearKey = "FAKE0-KEY00-NOT00-REAL0-ABCDE"

func TestCompatCheckName(t *testing.T) {
	for name, s := range map[string]string{
		"a key":            clearKey,
		"a key inside":     "acme " + strings.ToLower(clearKey) + " corp",
		"a key, no hyphen": "x" + strings.ReplaceAll(clearKey, "-", "") + "y",
		"25 letters":       strings.Repeat("a", 25),
	} {
		assert.True(t, Holds(s), name)
	}
	for _, s := range []string{"contoso", "acme/emea", "Müller & Söhne", strings.Repeat("ab.", 85) + "a", "FAKE0-KEY00-NOT00-REAL0"} {
		assert.False(t, Holds(s), s)
	}
}

// TestCompatRedact: the programs' own filter tests, with the decision that
// the filter redacts only runs that hold a digit: the same texts with a
// digit in the last group are redacted as the programs redacted them, and
// as they were written, without a digit, they are left as they are.
func TestCompatRedact(t *testing.T) {
	for in, want := range map[string]string{
		"XXXXX-XXXXX-XXXXX-XXXXX-ABCD5":                                          "XXXXX-XXXXX-XXXXX-XXXXX-ABCD5",
		"XXXXX-XXXXX-XXXXX-ABCD5-FGHIJ":                                          "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX",
		"ABCD5-XXXXX-XXXXX-XXXXX-XXXXX":                                          "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX",
		"xxxxx-xxxxx-xxxxx-xxxxx-abcd5":                                          "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX",
		"XXXXX XXXXX XXXXX XXXXX ABCD5":                                          "XXXXX XXXXX XXXXX XXXXX XXXXX",
		"XXXXXXXXXXXXXXXXXXXXABCD5":                                              "XXXXXXXXXXXXXXXXXXXXXXXXX",
		"XXXXX-XXXXX-XXXXX-XXXXX-ABCD5-FGHIJ":                                    "XXXXX-XXXXX-XXXXX-XXXXX-ABCD5-XXXXX",
		"FGHI5-XXXXX-XXXXX-XXXXX-XXXXX-ABCDE":                                    "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-ABCDE",
		"a masked key XXXXX-XXXXX-XXXXX-XXXXX-ABCD5: stays, with words after it": "a masked key XXXXX-XXXXX-XXXXX-XXXXX-ABCD5: stays, with words after it",
	} {
		assert.Equal(t, want, Mask(in), in)
		if noDigit := strings.Map(func(r rune) rune {
			if r == '5' {
				return 'E'
			}
			return r
		}, in); !strings.ContainsAny(noDigit, "0123456789") {
			assert.Equal(t, noDigit, Mask(noDigit), noDigit)
		}
	}
	// KeysIn and Leaks: Runs finds the key in every spelling of the tests.
	assert.Contains(t, Runs("-key-"+strings.ToLower(clearKey)+" XXXXX-XXXXX-XXXXX-XXXXX-ABCDE"), clearKey)
	assert.Equal(t, []string{"XXXXX-XXXXX-XXXXX-ABCD5-FGHIJ"}, Runs("x XXXXX-XXXXX-XXXXX-ABCD5-FGHIJ y"))
	assert.Empty(t, Runs("x XXXXX-XXXXX-XXXXX-ABCDE-FGHIJ y"))
	for _, out := range []string{clearKey, strings.ReplaceAll(clearKey, "-", ""), strings.ReplaceAll(clearKey, "-", " "), "x fake0-key00 not00real0-abcde y"} {
		assert.Contains(t, Runs(out), clearKey, out)
	}
	assert.NotContains(t, Runs("XXXXX-XXXXX-XXXXX-XXXXX-ABCDE FAKE0"), clearKey)
}
