package history

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestClosest: "no such subscription" suggests at most three tracked names,
// closest first, and never one that could be read as a key.
func TestClosest(t *testing.T) {
	file := head7 +
		"2026-01-15,contoso,M365-E3,,100,import,2027-01-15\n" +
		"2026-01-15,Contoso,M365-E3,,100,import,2027-01-15\n" +
		"2026-01-15,contoso,M365-E5,,100,import,2027-01-15\n" +
		"2026-01-15,contoso ltd,M365-E3,,100,import,2027-01-15\n" +
		"2026-01-15,fabrikam,Visio,,100,import,2027-01-15\n" +
		"2026-01-15,Adams Baker Clark Davis Evans LLP,M365-E3,,100,import,2027-01-15\n"
	_, ld := load(t, file)
	names := func(subs []*Sub) (out []string) {
		for _, s := range subs {
			out = append(out, s.Tenant+"/"+s.Product)
		}
		return out
	}
	assert.Equal(t, []string{"contoso/M365-E3", "Contoso/M365-E3", "contoso/M365-E5"}, names(ld.Closest("contoso ", "M365-E3")))
	assert.Equal(t, []string{"fabrikam/Visio"}, names(ld.Closest("fabrikam", "visio")))
	assert.Empty(t, ld.Closest("northwind", "Project"))
	assert.Equal(t, []string{"Adams Baker Clark Davis Evans LLP/M365-E3"}, names(ld.Closest("Adams Baker Clark Davis Evans  LLP", "M365-E3")))
	assert.Equal(t, `; did you mean -tenant "contoso" -product "M365-E3", or -tenant "Contoso" -product "M365-E3", or -tenant "contoso" -product "M365-E5"?`,
		DidYouMean(ld.Closest("contoso ", "M365-E3")))
	assert.Empty(t, DidYouMean(nil))

	// A tracked name the key rule catches is never suggested (the book
	// refuses such names; the rule is checked again here).
	ld.list = append(ld.list, &Sub{Tenant: "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2", Product: "M365-E3"})
	for _, s := range ld.Closest("AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW3", "M365-E3") {
		assert.NotContains(t, s.Tenant, "AB3DE")
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "abc", 0}, {"abc", "abd", 1}, {"abc", "ab", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}} {
		assert.Equal(t, c.want, distance([]rune(c.a), []rune(c.b), 10), "distance(%q, %q)", c.a, c.b)
	}
	assert.Greater(t, distance([]rune("a"), []rune("abcdef"), 2), 2)
}
