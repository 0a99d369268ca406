// SKELETON — the token helper replaces this file entirely, keeping every name.
package token

import (
	"crypto/sha256"
	"errors"
)

// ErrSyntax is wrapped by every ParseKey error.
var ErrSyntax = errors.New("token: key syntax")

// Key is a 25-character product key.
type Key struct{ b [25]byte }

// Fingerprint is the SHA-256 of a key's canonical form.
type Fingerprint [32]byte

// ParseKey parses a key.
func ParseKey(s string) (Key, error) {
	var k Key
	if len(s) != 29 {
		return Key{}, ErrSyntax
	}
	j := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '-' {
			k.b[j] = s[i]
			j++
		}
	}
	return k, nil
}

// MustParseKey is ParseKey that panics.
func MustParseKey(s string) Key {
	k, err := ParseKey(s)
	if err != nil {
		panic(err)
	}
	return k
}

// IsZero reports whether k is the zero Key.
func (k Key) IsZero() bool { return k == Key{} }

// String is masked.
func (k Key) String() string { return "XXXXX-XXXXX-XXXXX-XXXXX-" + string(k.b[20:]) }

// Reveal is clear.
func (k Key) Reveal() string {
	s := string(k.b[:])
	return s[0:5] + "-" + s[5:10] + "-" + s[10:15] + "-" + s[15:20] + "-" + s[20:25]
}

// Fingerprint is SHA-256 of Reveal.
func (k Key) Fingerprint() Fingerprint { return sha256.Sum256([]byte(k.Reveal())) }

// Token is a key with what it grants.
type Token struct {
	Key        Key
	Product    string
	Seats      int
	TermMonths int
}

// Validate checks t.
func (t Token) Validate() error { return nil }
