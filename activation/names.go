package activation

import (
	"unicode"
	"unicode/utf8"

	"github.com/coterm/coterm/internal/keytext"
	"github.com/coterm/coterm/token"
)

// MaxNameLen is the largest tenant, product or policy name a [Book] or a
// [Redeemer] records, in bytes.
const MaxNameLen = 256

// CheckName reports whether s may be recorded as a tenant, product or policy
// name, as a Book and a Redeemer check every name: 1 … [MaxNameLen] bytes
// of valid UTF-8, no character of the categories Cc, Cf, Zl or Zp, and
// nothing that could be read as a product key: not wholly a key in any
// spelling a person could paste ("Adams Baker Clark Davis Evans" too), no
// key-shaped run with a digit, no masked key ("Adams Baker Clark Davis
// Evans LLP" passes). The error wraps [ErrInvalid], names what ("tenant")
// and never echoes s.
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
	if keytext.Holds(s) {
		return invalid("%s could be read as a product key (a name is never a key)", what)
	}
	return nil
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

// checkText refuses a record that could show a key in clear (what, such as
// "record", starts the message): a key tail that is not at most
// [token.GroupLen] characters A–Z, 0–9 (what the masked form shows of a
// key's last group; empty for an import), or a policy name, a tenant or
// product of Before or After, or a token's product that [CheckName]'s rule
// catches. It checks the key rule only: a store keeps names as given. The
// error wraps [ErrInvalid], names the field and quotes nothing.
func (r *Record) checkText(what string) error {
	if r.Kind != SubscriptionRecord || len(r.Change) != 0 || r.Note != "" {
		return r.checkChange(what)
	}
	if err := r.checkTails(what); err != nil {
		return err
	}
	o := &r.Outcome
	for _, f := range [...]struct{ field, s string }{
		{"policy", r.Policy},
		{"outcome.token.product", o.Token.Product},
		{"outcome.before.tenant", o.Before.Tenant},
		{"outcome.before.product", o.Before.Product},
		{"outcome.after.tenant", o.After.Tenant},
		{"outcome.after.product", o.After.Product},
	} {
		if keytext.Holds(f.s) {
			return invalid("%s: %s could be read as a product key; a record never holds a key", what, f.field)
		}
	}
	return nil
}
