package history

import (
	"slices"
	"strings"
	"unicode"

	"github.com/coterm/coterm/internal/keytext"
)

// MaxSuggestions is how many names [Loader.Closest] suggests at most.
const MaxSuggestions = 3

// Closest returns the subscriptions of the file whose names are closest to
// (tenant, product), at most [MaxSuggestions], closest first: for "no such
// subscription", as names compare exactly. Closeness is the edit distance
// (insertions, deletions, substitutions of characters) between the two
// "tenant/product" texts once each is lower-cased and its runs of white
// space are made one space and trimmed, then between the texts as they are;
// a name is suggested when the first distance is at most 2 or at most a
// third of the asked name's length. A name that could be read as a key
// (keytext.Holds) is never suggested.
func (l *Loader) Closest(tenant, product string) []*Sub {
	want := tenant + "/" + product
	fw := []rune(fold(want))
	limit := max(2, len(fw)/3)
	type cand struct {
		sub        *Sub
		folded, as int
	}
	var cs []cand
	for _, s := range l.list {
		name := s.Tenant + "/" + s.Product
		if name == want || keytext.Holds(s.Tenant) || keytext.Holds(s.Product) {
			continue
		}
		d := distance(fw, []rune(fold(name)), limit)
		if d > limit {
			continue
		}
		cs = append(cs, cand{s, d, distance([]rune(want), []rune(name), 1<<30)})
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if a.folded != b.folded {
			return a.folded - b.folded
		}
		return a.as - b.as
	})
	out := make([]*Sub, 0, MaxSuggestions)
	for _, c := range cs[:min(len(cs), MaxSuggestions)] {
		out = append(out, c.sub)
	}
	return out
}

// DidYouMean is "; did you mean -tenant "T" -product "P" (, or …)?" for
// subs, or empty for none. Each name is quoted (keytext.Quote), so that a
// stray space shows.
func DidYouMean(subs []*Sub) string {
	if len(subs) == 0 {
		return ""
	}
	parts := make([]string, len(subs))
	for i, s := range subs {
		parts[i] = "-tenant " + keytext.Quote(s.Tenant) + " -product " + keytext.Quote(s.Product)
	}
	return "; did you mean " + strings.Join(parts, ", or ") + "?"
}

// fold lower-cases s and makes each run of white space one space, trimmed.
func fold(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), unicode.IsSpace), " ")
}

// distance is the edit distance between a and b, or a number above limit
// when it is above limit.
func distance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
