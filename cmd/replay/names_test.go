package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/cmd/internal/clitest"
)

// firm is a tenant of words that passes the name check (see clitest.Firm).
const firm = clitest.Firm

// firmHistory is a history of firm's subscription: an import and a key.
const firmHistory = "date,tenant,product,key,seats,operation,end\n" +
	"2026-01-15," + firm + ",M365-E3,,100,import,2027-01-15\n" +
	"2026-03-01," + firm + ",M365-E3,FAKE0-KEY00-NOT00-REAL0-NW001,25,add,\n"

// TestTenantOfWords: replay accepts the tenant "Adams Baker Clark Davis
// Evans LLP" and prints it as it is in every output: rows, summary, the
// subscription explained, the worklist and the picture's title; the same
// words without "LLP" are a key as a whole, refused as a row's tenant and
// as -tenant.
func TestTenantOfWords(t *testing.T) {
	out, stderr, err := replayArgs(t, firmHistory, "-")
	require.NoError(t, err, stderr)
	assert.Contains(t, out, "line 2: imported 2026-01-15: "+firm+"/M365-E3 100 seats until 2027-01-15, active")
	assert.Contains(t, out, "line 3: applied 2026-03-01 add-seats key XXXXX-XXXXX-XXXXX-XXXXX-NW001: "+firm+"/M365-E3 125 seats")
	assert.Contains(t, out, "  "+firm+"/M365-E3: 125 seats until")

	out, _, err = replayArgs(t, firmHistory, "-tenant", firm, "-product", "M365-E3", "-")
	require.NoError(t, err)
	assert.Contains(t, out, firm+"/M365-E3")
	assert.Contains(t, out, "key …NW001")

	out, _, err = replayArgs(t, firmHistory, "-due", "2026-01-01..2030-01-01", "-")
	require.NoError(t, err)
	assert.Contains(t, out, firm+"/M365-E3")

	svg := filepath.Join(t.TempDir(), "firm.svg")
	_, _, err = replayArgs(t, firmHistory, "-tenant", firm, "-product", "M365-E3", "-svg", svg, "-")
	require.NoError(t, err)
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(b), "<title>"+firm+" / M365-E3")

	words := strings.TrimSuffix(firm, " LLP")
	out, _, err = replayArgs(t, strings.ReplaceAll(firmHistory, firm, words), "-")
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, out, "line 2: REJECTED: tenant: could be read as a product key (a name is never a key)")
	assert.NotContains(t, out, "Adams")
	_, stderr, err = replayArgs(t, firmHistory, "-tenant", words, "-product", "M365-E3", "-")
	assert.Equal(t, 2, exitCode(err))
	assert.Contains(t, err.Error(), "-tenant: could be read as a product key")
	assert.NotContains(t, err.Error()+stderr, "Adams")
}

// TestPastedKeyNeverPrinted: a key pasted as a tenant or a product, in every
// spelling that went through before, is rejected with the row's line, and
// no output — rows, summary, -due, -tenant with -svg, -policy — shows it.
func TestPastedKeyNeverPrinted(t *testing.T) {
	const key = "FAKE0-KEY00-NOT00-REAL0-NW002"
	for _, pasted := range clitest.NameSeeds(key) {
		if pasted == firm {
			continue
		}
		q := `"` + strings.ReplaceAll(pasted, `"`, `""`) + `"`
		for column, in := range map[string]string{
			"tenant": "date,tenant,product,key,seats,operation,end\n" +
				"2026-01-15," + q + ",M365-E3,,100,import,2027-01-15\n" +
				"2026-03-01," + q + ",M365-E3,FAKE0-KEY00-NOT00-REAL0-NW003,25,add,\n",
			"product": "date,tenant,product,key,seats,operation,end\n" +
				"2026-01-15,contoso," + q + ",,100,import,2027-01-15\n",
		} {
			keys := clitest.Keys(pasted)
			require.NotEmpty(t, keys, pasted)
			var all strings.Builder
			for _, args := range [][]string{{"-"}, {"-due", "2026-01-01..2030-01-01", "-"}, {"-q", "-"}} {
				out, stderr, err := replayArgs(t, in, args...)
				assert.Equal(t, 1, exitCode(err), "%s %q %v", column, pasted, args)
				all.WriteString(out + stderr)
			}
			out, _, _ := replayArgs(t, in, "-")
			assert.Contains(t, out, "line 2: REJECTED: "+column+": could be read as a product key", pasted)
			svg := filepath.Join(t.TempDir(), "p.svg")
			_, stderr, err := replayArgs(t, in, "-tenant", pasted, "-product", "M365-E3", "-svg", svg, "-")
			assert.Equal(t, 2, exitCode(err), "-tenant %q", pasted)
			all.WriteString(stderr + err.Error())
			_, err = os.Stat(svg)
			assert.True(t, os.IsNotExist(err), "no picture of a refused tenant")
			_, stderr, err = replayArgs(t, in, "-policy", pasted, "-")
			assert.Equal(t, 2, exitCode(err), "-policy %q", pasted)
			all.WriteString(stderr + err.Error())
			assert.Empty(t, clitest.Leaks(all.String(), keys), "%s %q:\n%s", column, pasted, all.String())
		}
	}
}
