package clitest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLeaksBesideKeepsAKeyANameOverlaps: a key with a digit is never part of
// a passing name, so no name may hide it; but a name that starts inside the
// key's last group (or ends inside its first) takes some of its letters
// away with it, and the clear key is missed.
func TestLeaksBesideKeepsAKeyANameOverlaps(t *testing.T) {
	const key = "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"
	keys := Keys(key)
	require.Equal(t, []string{key}, keys)
	for _, tc := range []struct{ name, out string }{
		// replay prints "key K: tenant/product"; a cell "2: <tenant>" anywhere in the file
		{"2: " + Firm, "line 3: applied 2026-03-01 add key " + key + ": " + Firm + "/M365-E3 5 seats"},
		{"2 " + Firm, key + " " + Firm},
		{Firm + " A", Firm + " " + key},
	} {
		names := PassingNames(tc.name)
		require.Equal(t, []string{tc.name}, names, "a passing name")
		assert.Equal(t, []string{key}, Leaks(tc.out, keys), "without names: caught")
		assert.Equal(t, []string{key}, LeaksBeside(tc.out, names, keys), "%q hides the clear key in %q", tc.name, tc.out)
	}
}

// TestLeaksBesideReplacementJoinsNoRun: the replacement of a name must end
// every run, not be a separator that joins the text on either side into a
// new key-shaped run (a false alarm).
func TestLeaksBesideReplacementJoinsNoRun(t *testing.T) {
	const key = "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"
	out := "AB3DE-FG5HJ " + Firm + " KL7MN-PQ9RS-TUVW2"
	keys := Keys(key)
	assert.Empty(t, Leaks(out, keys), "the output does not show the key")
	assert.Empty(t, LeaksBeside(out, PassingNames(Firm), keys), "taking the name out must not make it")
}

// TestLeaksBesideJSONForm: replay -json and position print a name inside a
// JSON string, where encoding/json writes & < > as \u0026 \u003c \u003e
// (and quotes and backslashes escaped): the name is then not there "as it
// is", and the cell that is its first 25 letters is reported as a leak.
func TestLeaksBesideJSONForm(t *testing.T) {
	const name = "Adams Baker Clark Davis Evans LLP & Co"
	keys := Keys("Adams Baker Clark Davis Evans")
	require.Equal(t, []string{name}, PassingNames(name))
	out := `{"tenant":"Adams Baker Clark Davis Evans LLP \u0026 Co","product":"M365-E3"}`
	assert.Empty(t, LeaksBeside(out, PassingNames(name), keys))
	assert.Equal(t, keys, LeaksBeside(`{"reason":"Adams Baker Clark Davis Evans"}`, PassingNames(name), keys), "an echo of the cell alone is still one")
}
