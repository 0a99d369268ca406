package text

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNameMasksKeys(t *testing.T) {
	const key = "Q7RZK-M4XPA-J9CDV-T2WHN-B6G3F"
	for _, s := range []string{key, strings.ToLower(key), strings.ReplaceAll(key, "-", ""), " " + key + " "} {
		got := Name(s)
		assert.NotContains(t, strings.ToUpper(got), "Q7RZK", s)
		assert.NotContains(t, strings.ToUpper(got), "M4XPA", s)
		assert.Contains(t, got, "B6G3F", s)
	}
	assert.Equal(t, `"contoso"`, Name("contoso"))
	assert.Equal(t, `"a\nb"`, Name("a\nb"))
}
