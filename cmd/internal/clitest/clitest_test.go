package clitest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const clearKey = "FAKE0-KEY00-NOT00-REAL0-ABCDE"

// TestKeysAndLeaks: Keys finds the keys a text holds in any spelling, a
// digitless key only when the text is wholly one, never the masked form;
// Leaks finds them in an output in any spelling.
func TestKeysAndLeaks(t *testing.T) {
	found := Keys("-key-" + strings.ToLower(clearKey) + " XXXXX-XXXXX-XXXXX-XXXXX-ABCD5")
	require.Contains(t, found, clearKey)
	for _, k := range found {
		assert.NotContains(t, k, "ABCD5", "the masked form is no secret")
	}
	keys := []string{clearKey}
	assert.Equal(t, []string{"XXXXX-XXXXX-XXXXX-ABCD5-FGHIJ"}, Keys("x XXXXX-XXXXX-XXXXX-ABCD5-FGHIJ y"), "a real key with three groups XXXXX is a key")
	assert.Empty(t, Keys("XXXXX XXXXX XXXXX XXXXX ABCD5", "Adams Baker Clark Davis Evans LLP"), "what the masked form shows; words")
	assert.Equal(t, []string{"ADAMS-BAKER-CLARK-DAVIS-EVANS"}, Keys("Adams Baker Clark Davis Evans", "adams baker clark davis evans"))
	assert.Equal(t, []string{"ABCDE-FGHIJ-KLMNO-PQRST-UVWXY"}, Keys("key: “ABCDE—FGHIJ—KLMNO—PQRST—UVWXY”."))
	for _, out := range []string{clearKey, strings.ReplaceAll(clearKey, "-", ""), strings.ReplaceAll(clearKey, "-", " "),
		"x fake0-key00 not00real0-abcde y", strings.ReplaceAll(clearKey, "-", "\u00a0") + ".", "ＦＡＫＥ０－ＫＥＹ００－ＮＯＴ００－ＲＥＡＬ０－ＡＢＣＤＥ"} {
		assert.Equal(t, keys, Leaks(out, keys), out)
	}
	assert.Empty(t, Leaks("XXXXX-XXXXX-XXXXX-XXXXX-ABCDE FAKE0", keys))
	words := Keys("Adams Baker Clark Davis Evans")
	assert.Equal(t, words, Leaks("tenant Adams Baker Clark Davis Evans: refused", words))
}

// TestPassingNamesBesideTheirKey: a tenant of words the programs print as
// it is hides no leak of the cell that is its first 25 letters, and an echo
// of that cell alone is still one.
func TestPassingNamesBesideTheirKey(t *testing.T) {
	cells := []string{"2026-04-01", " \"" + Firm + "\" ", "Adams Baker Clark Davis Evans", clearKey, "contoso", "M365-E3"}
	names := PassingNames(cells...)
	assert.Equal(t, []string{Firm}, names, "neither the whole key, nor a key with a digit, nor a short name")
	keys := Keys(cells...)
	require.Contains(t, keys, "ADAMS-BAKER-CLARK-DAVIS-EVANS")
	assert.Empty(t, LeaksBeside("imported: "+Firm+"/M365-E3 40 seats", names, keys))
	assert.Equal(t, []string{"ADAMS-BAKER-CLARK-DAVIS-EVANS"}, LeaksBeside(Firm+": Adams Baker Clark Davis Evans refused", names, keys))
	assert.Equal(t, []string{"ADAMS-BAKER-CLARK-DAVIS-EVANS"}, LeaksBeside("imported: "+Firm+"/M365-E3", nil, keys), "without the names it is one")
}
