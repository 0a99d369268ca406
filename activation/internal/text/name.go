package text

import "github.com/coterm/coterm/internal/keytext"

// Name returns s quoted for a message, as %q would, unless s could be read
// as a product key or holds one, in any spelling a person could paste (the
// one rule of package keytext): then it returns a placeholder that is not
// quoted, "(a name that could be read as a key)". So a key pasted as a
// tenant, product or policy name never comes back in a message, and a name
// of words such as "Adams Baker Clark Davis Evans LLP" is quoted as given.
func Name(s string) string { return keytext.Quote(s) }
