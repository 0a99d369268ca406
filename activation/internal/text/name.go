package text

import (
	"strconv"

	"github.com/coterm/coterm/token"
)

// Name returns s quoted for a message, as %q would, unless s is a product key
// (any spelling [token.ParseKey] accepts): then it returns the key's masked
// form, quoted, so that a key pasted as a tenant, product or policy name never
// comes back in clear.
func Name(s string) string {
	if k, err := token.ParseKey(s); err == nil {
		return strconv.Quote(k.String())
	}
	return strconv.Quote(s)
}
