package text

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/coterm/coterm/internal/keytext"
)

// TestNameNeverQuotesAKey: every spelling of a key that went through as a
// name comes back as the placeholder, with no character of the key; names
// the rule lets through are quoted as %q quotes them.
func TestNameNeverQuotesAKey(t *testing.T) {
	const key = "Q7RZK-M4XPA-J9CDV-T2WHN-B6G3F"
	for name, s := range map[string]string{
		"canonical":         key,
		"lower case":        strings.ToLower(key),
		"no hyphens":        strings.ReplaceAll(key, "-", ""),
		"spaces around":     " " + key + " ",
		"trailing dot":      key + ".",
		"no-break spaces":   strings.ReplaceAll(key, "-", "\u00a0"),
		"quotes":            "“" + key + "”",
		"em dashes":         strings.ReplaceAll(key, "-", "—"),
		"fullwidth hyphens": strings.ReplaceAll(key, "-", "－"),
		"key: label":        "key: " + key,
		"mixed separators":  "Q7RZK-M4XPA J9CDV_T2WHN.B6G3F",
		"inside a name":     "Contoso (" + key + ")",
		"masked":            "XXXXX-XXXXX-XXXXX-XXXXX-B6G3F",
		"words":             "Adams Baker Clark Davis Evans",
	} {
		got := Name(s)
		assert.Equal(t, keytext.Placeholder, got, name)
		for _, g := range []string{"Q7RZK", "M4XPA", "J9CDV", "T2WHN", "B6G3F", "ADAMS"} {
			assert.NotContains(t, strings.ToUpper(got), g, name)
		}
	}
	for s, want := range map[string]string{
		"contoso":                           `"contoso"`,
		"a\nb":                              `"a\nb"`,
		"M365-E3":                           `"M365-E3"`,
		"Adams Baker Clark Davis Evans LLP": `"Adams Baker Clark Davis Evans LLP"`,
	} {
		assert.Equal(t, want, Name(s), s)
	}
}
