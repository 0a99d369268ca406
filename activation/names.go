package activation

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coterm/coterm/token"
)

// MaxNameLen is the largest tenant, product or policy name a [Book] or a
// [Redeemer] records, in bytes.
const MaxNameLen = 256

// CheckName reports whether s may be recorded as a tenant, product or policy
// name: 1 … [MaxNameLen] bytes of valid UTF-8, without characters of the
// Unicode categories Cc, Cf, Zl or Zp (they forge report lines and corrupt
// database text), and not itself a product key in any spelling
// [token.ParseKey] accepts (it would be stored and printed in clear). The
// error wraps [ErrInvalid], names what ("tenant") and never echoes s. A Book
// and a Redeemer apply it to every name they record.
func CheckName(what, s string) error {
	switch {
	case s == "":
		return invalid("%s is empty", what)
	case len(s) > MaxNameLen:
		return invalid("%s has %d bytes, want at most %d", what, len(s), MaxNameLen)
	}
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return invalid("%s is not valid UTF-8 (byte %d)", what, i)
			}
		}
		// ASCII has no Cf, Zl or Zp: its Cc are below space and DEL.
		if r < 0x20 || r == 0x7f || r >= utf8.RuneSelf && unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			return invalid("%s has the control, format or separator character %U at byte %d", what, r, i)
		}
		i += size
	}
	if isKey(s) {
		return invalid("%s holds a product key (a name is never a key)", what)
	}
	return nil
}

// isKey reports whether token.ParseKey accepts s. Most names cannot be a key
// (25 characters of A–Z, 0–9, with up to four separators, spaces around):
// those are answered without building ParseKey's error.
func isKey(s string) bool {
	t := strings.Trim(s, " ")
	if len(t) < token.KeyLen || len(t) > token.KeyLen+token.Groups-1 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == ' ') {
			return false
		}
	}
	_, err := token.ParseKey(s)
	return err == nil
}

func checkNames(tenant, product string) error {
	if err := CheckName("tenant", tenant); err != nil {
		return err
	}
	return CheckName("product", product)
}

// checkRequest checks the names and the key of a Book's redemption request.
func checkRequest(tenant, product string, t *token.Token) error {
	if err := checkNames(tenant, product); err != nil {
		return err
	}
	if t.Key.IsZero() {
		return invalid("book: zero key")
	}
	// A key for another product is refused by Apply, after the key was
	// looked up; its name must be one a Book accepts, as the error names it.
	return CheckName("the key's product", t.Product)
}

// checkRecorded refuses the names a Redeemer would record that fail
// [CheckName]: the subscription's tenant (if not empty) and product, the
// key's product and the policy's name (if not empty).
func checkRecorded(p *Policy, s *Subscription, t *token.Token) error {
	if s.Tenant != "" {
		if err := CheckName("tenant", s.Tenant); err != nil {
			return err
		}
	}
	if err := CheckName("product", s.Product); err != nil {
		return err
	}
	if err := CheckName("the key's product", t.Product); err != nil {
		return err
	}
	return checkPolicyName(p)
}

// checkPolicyName refuses a Policy whose Name, recorded with every record,
// fails [CheckName] (an empty Name is allowed).
func checkPolicyName(p *Policy) error {
	if p.Name == "" {
		return nil
	}
	return CheckName("policy name", p.Name)
}
