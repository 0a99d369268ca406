package entitlement

import (
	"unicode"
	"unicode/utf8"

	"github.com/coterm/coterm/internal/keytext"
)

// checkName checks a name the caller gives (a location, pool, product,
// licence, tenant, competency): not empty, at most MaxNameLen bytes, valid
// UTF-8, no character of Unicode category Cc, Cf, Zl or Zp, and not a text
// that could be read as a product key or holds one, by the module's one
// rule (a key in any spelling a person could paste, or a key-shaped run
// with a digit). The error names field and never the name.
func checkName(field path, s string) error {
	if s == "" {
		return bad(ErrInvalid, field, "empty")
	}
	return checkText(field, s)
}

// checkText is checkName for a text that may be empty (a reason).
func checkText(field path, s string) error {
	if len(s) > MaxNameLen {
		return bad(ErrInvalid, field, "%d bytes, want at most %d", len(s), MaxNameLen)
	}
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return bad(ErrInvalid, field, "not valid UTF-8 (byte %d)", i)
			}
		}
		if r < 0x20 || r == 0x7f || r >= utf8.RuneSelf && unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			return bad(ErrInvalid, field, "control, format or separator character %U at byte %d", r, i)
		}
		i += size
	}
	if keytext.Holds(s) {
		return bad(ErrInvalid, field, "could be read as a product key; a key is never stored in clear")
	}
	return nil
}
