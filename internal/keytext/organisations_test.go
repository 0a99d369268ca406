package keytext

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// organisations returns the names of testdata/organisations.txt: real
// companies, universities, public bodies and NGOs of many countries and
// scripts, one a line.
func organisations(t testing.TB) []string {
	b, err := os.ReadFile("testdata/organisations.txt")
	require.NoError(t, err)
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// TestOrganisations measures the false alarms of the rule on real names:
// a name check refuses none of them, and the output filter changes none.
func TestOrganisations(t *testing.T) {
	names := organisations(t)
	require.GreaterOrEqual(t, len(names), 1000)
	seen := map[string]bool{}
	var held, masked []string
	for _, s := range names {
		require.NotEmpty(t, s)
		require.False(t, seen[s], "%q twice", s)
		seen[s] = true
		if Holds(s) || IsKey(s) {
			held = append(held, s)
		}
		if Mask(s) != s {
			masked = append(masked, s)
		}
		assert.Equal(t, refHolds(s), Holds(s), "Holds(%q) against the reference", s)
	}
	assert.Empty(t, held, "names a name check refuses")
	assert.Empty(t, masked, "names the output filter changes")
	require.Contains(t, names, "Adams Baker Clark Davis Evans LLP")
	t.Logf("%d names: %d refused by Holds, %d changed by Mask", len(names), len(held), len(masked))
}
