package entitlement

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coterm/coterm/token"
)

// checkName checks a name the caller gives (a location, pool, product,
// licence, tenant, competency): not empty, at most MaxNameLen bytes, valid
// UTF-8, no character of Unicode category Cc, Cf, Zl or Zp, and not a product
// key. The error names field and never the name.
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
	if looksLikeKey(s) {
		return bad(ErrInvalid, field, "a product key; a key is never stored in clear")
	}
	return nil
}

// looksLikeKey reports whether token.ParseKey accepts s as a whole. Most
// names cannot be a key; those are answered without calling ParseKey.
func looksLikeKey(s string) bool {
	t := strings.TrimSpace(s)
	if len(t) < token.KeyLen || len(t) > token.KeyLen+token.Groups-1 {
		return false
	}
	_, err := token.ParseKey(s)
	return err == nil
}
