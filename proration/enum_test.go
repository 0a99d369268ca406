package proration

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// isASCII reports whether s has only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// keySpellings are a product key as a user may paste it into the wrong field.
var keySpellings = []string{
	"Q7RZK-M4XPA-2B9CD-7FGHJ-3KLMN", "q7rzk-m4xpa-2b9cd-7fghj-3klmn",
	"Q7RZKM4XPA2B9CD7FGHJ3KLMN", "q7rzk m4xpa 2b9cd 7fghj 3klmn",
}

// assertNoKey fails if msg contains any group of the key of keySpellings.
func assertNoKey(t *testing.T, what, msg string) {
	t.Helper()
	up := strings.ToUpper(msg)
	for _, g := range []string{"Q7RZK", "M4XPA", "2B9CD", "7FGHJ", "3KLMN"} {
		assert.NotContains(t, up, g, "%s: %q", what, msg)
	}
}

// TestParseNeverEchoes: a refused name is not repeated in the error, which
// says what was expected instead.
func TestParseNeverEchoes(t *testing.T) {
	parsers := map[string]func(string) error{
		"ParseRounding":   func(s string) error { _, err := ParseRounding(s); return err },
		"ParseConvention": func(s string) error { _, err := ParseConvention(s); return err },
		"ParseSwitchRule": func(s string) error { _, err := ParseSwitchRule(s); return err },
	}
	for name, parse := range parsers {
		for _, k := range keySpellings {
			err := parse(k)
			require.ErrorIs(t, err, ErrInput, name)
			assertNoKey(t, name, err.Error())
			assert.Contains(t, err.Error(), "want ", name)
		}
	}
}
