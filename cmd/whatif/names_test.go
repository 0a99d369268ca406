package main

import (
	"encoding/json"
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

// firmBook writes a book with firm's subscription and returns its path.
func firmBook(t *testing.T, tenant string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "book.csv")
	require.NoError(t, os.WriteFile(name, []byte("date,tenant,product,key,seats,operation,end\n"+
		"2026-01-15,"+tenant+",M365-E3,,100,import,2027-01-15\n"+
		"2026-03-01,"+tenant+",M365-E3,FAKE0-KEY00-NOT00-REAL0-WN001,25,add,\n"), 0o600))
	return name
}

// TestTenantOfWords: whatif accepts the tenant "Adams Baker Clark Davis
// Evans LLP" from a book and prints it as it is, in text, JSON and the
// picture's title; the same words without "LLP" are a key as a whole:
// refused as -tenant, never echoed.
func TestTenantOfWords(t *testing.T) {
	book := firmBook(t, firm)
	args := []string{"-book", book, "-tenant", firm, "-product", "M365-E3", "-on", "2026-12-01", "-key-seats", "25"}
	stdout, stderr, err := whatif(t, args...)
	require.NoError(t, err, stderr)
	assert.Contains(t, stdout, "Subscription: 125 seats of "+firm+"/M365-E3")

	js, _, err := whatif(t, append(args, "-json")...)
	require.NoError(t, err)
	var got struct {
		Book struct {
			Tenant string `json:"tenant"`
		} `json:"book"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &got), js)
	assert.Equal(t, firm, got.Book.Tenant)

	svg := filepath.Join(t.TempDir(), "firm.svg")
	_, _, err = whatif(t, append(args, "-svg", svg)...)
	require.NoError(t, err)
	assert.Contains(t, readSVG(t, svg), "<title>"+firm+" / M365-E3")

	words := strings.TrimSuffix(firm, " LLP")
	assertUsageError(t, []string{"-book", firmBook(t, words), "-tenant", words, "-product", "M365-E3", "-key-seats", "25"}, "-tenant: could be read as a product key")
	_, stderr, _ = whatif(t, "-book", book, "-tenant", words, "-product", "M365-E3", "-key-seats", "25")
	assert.NotContains(t, stderr, "Adams")
}

// TestPastedKeyNeverPrinted: a key pasted as -tenant, -product or -policy,
// in every spelling that went through before, is bad usage naming the flag,
// and no output — text, -json, a book that holds it — shows it.
func TestPastedKeyNeverPrinted(t *testing.T) {
	const key = "FAKE0-KEY00-NOT00-REAL0-WN002"
	for _, pasted := range clitest.NameSeeds(key) {
		if pasted == firm {
			continue
		}
		keys := clitest.Keys(pasted)
		require.NotEmpty(t, keys, pasted)
		q := `"` + strings.ReplaceAll(pasted, `"`, `""`) + `"`
		for flag, args := range map[string][]string{
			"-tenant":  {"-book", firmBook(t, q), "-tenant", pasted, "-product", "M365-E3", "-key-seats", "25"},
			"-product": cmd("options", "-product", pasted),
			"-policy":  cmd("options", "-policy", pasted),
		} {
			for _, extra := range [][]string{nil, {"-json"}} {
				stdout, stderr, err := whatif(t, append(cloned(args), extra...)...)
				assert.Equal(t, 2, exitCode(err), "%s %q", flag, pasted)
				assert.Contains(t, stderr, flag+":", "%s %q", flag, pasted)
				out := stdout + stderr + err.Error()
				assert.Empty(t, clitest.Leaks(out, keys), "%s %q:\n%s", flag, pasted, out)
			}
		}
		// A book whose rows name the pasted key: refused rows, counted, never
		// printed.
		stdout, stderr, err := whatif(t, "-book", firmBook(t, q), "-tenant", "contoso", "-product", "M365-E3", "-key-seats", "25", "-json")
		out := stdout + stderr
		if err != nil {
			out += err.Error()
		}
		assert.Empty(t, clitest.Leaks(out, keys), "a book with %q:\n%s", pasted, out)
	}
}

// cloned returns a copy of s, so that appending to it changes no table.
func cloned(s []string) []string { return append([]string(nil), s...) }

// TestPlanTooltipsInFull: the plan picture's tooltips name each key by its
// masked form and the operation in full words, "add licenses", which the
// output filter leaves as they are (it masks only runs with a digit).
func TestPlanTooltipsInFull(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "front.svg")
	_, _, err := whatif(t, cmd("plan", "-svg", svg)...)
	require.NoError(t, err)
	pic := readSVG(t, svg)
	assert.Contains(t, pic, "add licenses XXXXX-XXXXX-XXXXX-XXXXX-KEY01 (25)")
	assert.Contains(t, pic, "extend end date XXXXX-XXXXX-XXXXX-XXXXX-KEY04 (100)")
	assert.NotContains(t, pic, "licXXXXX")
}
