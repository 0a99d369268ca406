package activation

import (
	"crypto/sha256"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/coterm/coterm/activation/internal/bincode"
	"github.com/coterm/coterm/internal/keytext"
	"github.com/coterm/coterm/token"
)

// RecordKind says what a [Record] records. A place (tenant, product) of a
// [Journal] holds records of one kind: a subscription's history, or a chain
// of changes that another package (such as activation/entitlement) keeps on
// the same machinery: exactly once per request, no lost update, history.
type RecordKind uint8

const (
	// SubscriptionRecord: a redemption, import or replacement; the zero
	// value, so every record made before kinds existed is one.
	SubscriptionRecord RecordKind = iota
	// ChangeRecord: one change of a chain kept by another package. Its
	// place is Outcome.After's Tenant and Product (the chain's names), its
	// day Outcome.At, its Fingerprint the change request's
	// ([ChangeFingerprint]), its Request the identity of what was asked, its
	// Change the change as that package encodes it, and its Note the
	// change's explanation as text. Every other field is zero.
	ChangeRecord
)

var recordKindText = [...]string{"subscription", "change"}

// String returns "subscription" or "change" ("RecordKind(n)" for others).
func (k RecordKind) String() string {
	if int(k) < len(recordKindText) {
		return recordKindText[k]
	}
	return fmt.Sprintf("RecordKind(%d)", uint8(k))
}

// MarshalText implements [encoding.TextMarshaler]; an undefined kind is an
// error wrapping [ErrInvalid].
func (k RecordKind) MarshalText() ([]byte, error) {
	if int(k) >= len(recordKindText) {
		return nil, invalid("record kind: %d is not defined", uint8(k))
	}
	return []byte(recordKindText[k]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]: "subscription" or
// "change". Other text is an error wrapping [ErrInvalid] that quotes
// nothing.
func (k *RecordKind) UnmarshalText(b []byte) error {
	for i, s := range recordKindText {
		if string(b) == s {
			*k = RecordKind(i)
			return nil
		}
	}
	return invalid("record kind: want \"subscription\" or \"change\"")
}

// recordVersionChange is the version of a change record's encoding: the
// byte 3, then Fingerprint, Request, Seq, Policy, RecordedAt, Outcome.At,
// Outcome.After.Tenant and Product, Change and Note.
const recordVersionChange = 3

// MaxChange is the most bytes a [ChangeRecord]'s Change may hold: text
// (UTF-8), such as JSON, that shows what changed in psql and in an export.
const MaxChange = 64 << 10

// changeDomain starts the hash of a change request's fingerprint.
const changeDomain = "coterm/activation.ChangeFingerprint/v1"

// ChangeFingerprint returns the fingerprint under which a store keeps the
// change that the request id of a chain kind asked for: a SHA-256 of kind
// (the package's name for its chain, such as "entitlement") and id, each
// length-prefixed, in a domain of its own, so that it is never a key's
// fingerprint and a store's one set of fingerprints makes each change
// request once: a retry finds its record ([KeyTaken]) and replays it if its
// Request is the same, and a different change under the same id is
// refused by the caller.
func ChangeFingerprint(kind, id string) token.Fingerprint {
	b := bincode.AppendLen([]byte(changeDomain), kind)
	return sha256.Sum256(bincode.AppendLen(b, id))
}

// codeChange writes a change record's fields to c, or reads them from c.
func (r *Record) codeChange(c *bincode.Codec) {
	c.Raw(r.Fingerprint[:])
	c.Raw(r.Request[:])
	bincode.Num(c, &r.Seq)
	c.Str(&r.Policy)
	c.Time(&r.RecordedAt)
	c.Time(&r.Outcome.At)
	c.Str(&r.Outcome.After.Tenant)
	c.Str(&r.Outcome.After.Product)
	c.Str(&r.Change)
	c.Str(&r.Note)
	if c.Read {
		r.Kind = ChangeRecord
	}
}

// checkChange refuses a change record that is not in the form
// [ChangeRecord] says, or whose names or note could show a key.
func (r *Record) checkChange(what string) error {
	o := r.Outcome
	o.At, o.After.Tenant, o.After.Product = time.Time{}, "", ""
	switch {
	case r.Kind != ChangeRecord:
		return invalid("%s: kind: %d is not defined", what, uint8(r.Kind))
	case r.Fingerprint.IsZero():
		return invalid("%s: a change record has the fingerprint of its request, not zero", what)
	case r.KeyTail != "" || !r.Replaces.IsZero() || r.ReplacesTail != "" || o != (Outcome{}):
		return invalid("%s: a change record holds its place, day, change and note only", what)
	case r.Outcome.After.Tenant == "" || r.Outcome.After.Product == "":
		return invalid("%s: a change record's place has two names", what)
	case len(r.Change) == 0 || len(r.Change) > MaxChange || !utf8.ValidString(r.Change):
		return invalid("%s: change: want 1 to %d bytes of UTF-8 text", what, MaxChange)
	}
	for _, f := range [...]struct{ field, s string }{
		{"policy", r.Policy},
		{"outcome.after.tenant", r.Outcome.After.Tenant},
		{"outcome.after.product", r.Outcome.After.Product},
		{"note", r.Note},
		{"change", r.Change},
	} {
		if keytext.Holds(f.s) {
			return invalid("%s: %s could be read as a product key; a record never holds a key", what, f.field)
		}
	}
	return nil
}

// sameKind refuses to put rec after prev in one place when their kinds
// differ.
func sameKind(prev, rec *Record, what string) error {
	if prev.Kind != rec.Kind {
		return invalid("%s: the place holds %s records, not %s records", what, prev.Kind, rec.Kind)
	}
	return nil
}
