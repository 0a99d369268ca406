package cli

import (
	"regexp"
	"strings"

	"github.com/coterm/coterm/token"
)

// KeysIn returns every product key spelled anywhere in s, in any accepted
// spelling (any case, groups separated by a hyphen, a space or nothing),
// as canonical forms "AAAA1-BBBB2-CCCC3-DDDD4-EEEE5", except those spelled
// exactly as a masked key ("XXXXX-XXXXX-XXXXX-XXXXX-EEEE5"): tests look for
// them in a program's output. Keys found overlapping are all returned.
func KeysIn(s string) []string {
	var keys []string
	for i := 0; i+25 <= len(s); i++ {
		if !isAlnum(s[i]) {
			continue
		}
		end, ok := keyAt(s, i)
		if !ok {
			continue
		}
		if masked(s, i, end) {
			continue
		}
		k, err := token.ParseKey(s[i:end])
		if err != nil {
			continue
		}
		c := k.Reveal()
		keys = append(keys, c)
	}
	return keys
}

// Leaks returns the keys (canonical forms, as KeysIn returns them) that out
// holds in any accepted spelling.
func Leaks(out string, keys []string) []string {
	up := strings.ToUpper(out)
	var leaked []string
	for _, k := range keys {
		g := strings.Split(k, "-")
		re := regexp.MustCompile(strings.Join(g, "[- ]?"))
		if re.MatchString(up) {
			leaked = append(leaked, k)
		}
	}
	return leaked
}
