package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
)

// FingerprintLen is the length of a [Fingerprint] in bytes.
const FingerprintLen = sha256.Size

// Fingerprint is the SHA-256 digest of a key's canonical form, or an HMAC-SHA-256 of it (see
// [Key.KeyedFingerprint]). It is what stores keep instead of the key, for example the ledger
// that makes a key redeemable exactly once (R2). The zero Fingerprint is the fingerprint of
// no key.
type Fingerprint [FingerprintLen]byte

// Fingerprint returns the SHA-256 of the canonical form of k ([Key.Reveal]), so every
// spelling of a key has the same fingerprint and different keys have different ones. The
// zero Key gives the zero Fingerprint. It does not allocate.
func (k Key) Fingerprint() Fingerprint {
	if k.IsZero() {
		return Fingerprint{}
	}
	var buf [CanonicalLen]byte
	k.canonical(&buf)
	return sha256.Sum256(buf[:])
}

// KeyedFingerprint returns HMAC-SHA-256(secret, canonical form of k), for stores that want a
// pepper: without the secret, a leaked table of keyed fingerprints cannot be checked against
// guessed keys. The secret should be at least 32 random bytes; an empty secret gives a valid
// but unpeppered HMAC. The zero Key gives the zero Fingerprint.
func (k Key) KeyedFingerprint(secret []byte) Fingerprint {
	if k.IsZero() {
		return Fingerprint{}
	}
	var buf [CanonicalLen]byte
	k.canonical(&buf)
	m := hmac.New(sha256.New, secret)
	m.Write(buf[:])
	var f Fingerprint
	m.Sum(f[:0])
	return f
}

// ParseFingerprint parses the 64 hexadecimal digits of a fingerprint, in either case, as
// [Fingerprint.String] gives them. The error never contains the input.
func ParseFingerprint(s string) (Fingerprint, error) {
	var f Fingerprint
	if len(s) != 2*FingerprintLen {
		return Fingerprint{}, &FingerprintError{Reason: "want 64 hexadecimal digits"}
	}
	if _, err := hex.Decode(f[:], []byte(s)); err != nil {
		return Fingerprint{}, &FingerprintError{Reason: "not hexadecimal"}
	}
	return f, nil
}

// FingerprintError is the error of [ParseFingerprint] and [Fingerprint.UnmarshalText].
type FingerprintError struct {
	// Reason says what is wrong.
	Reason string
}

// Error returns "token: parse fingerprint: " and the reason.
func (e *FingerprintError) Error() string { return "token: parse fingerprint: " + e.Reason }

// String returns f as 64 lower-case hexadecimal digits.
func (f Fingerprint) String() string { return hex.EncodeToString(f[:]) }

// IsZero reports whether f is the zero Fingerprint.
func (f Fingerprint) IsZero() bool { return f == Fingerprint{} }

// Equal reports whether f and g are equal, in time that does not depend on their contents:
// use it where a store compares a presented fingerprint with a kept one.
func (f Fingerprint) Equal(g Fingerprint) bool {
	return subtle.ConstantTimeCompare(f[:], g[:]) == 1
}

// MarshalText implements [encoding.TextMarshaler] with [Fingerprint.String].
func (f Fingerprint) MarshalText() ([]byte, error) {
	out := make([]byte, 2*FingerprintLen)
	hex.Encode(out, f[:])
	return out, nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseFingerprint].
func (f *Fingerprint) UnmarshalText(text []byte) error {
	p, err := ParseFingerprint(string(text))
	if err != nil {
		return err
	}
	*f = p
	return nil
}
