package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
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
// [Fingerprint.String] gives them. Every error is a *[FingerprintError] wrapping
// [ErrFingerprintSyntax]; it says what was expected and never contains the input, so a key
// pasted here by mistake does not come back in the message.
func ParseFingerprint(s string) (Fingerprint, error) {
	if len(s) != 2*FingerprintLen {
		return Fingerprint{}, &FingerprintError{Reason: strconv.Itoa(len(s)) + " bytes, want 64 hexadecimal digits"}
	}
	var f Fingerprint
	for i := range f {
		hi, ok1 := fromHex(s[2*i])
		lo, ok2 := fromHex(s[2*i+1])
		if !ok1 || !ok2 {
			pos := 2*i + 1
			if ok1 {
				pos++
			}
			return Fingerprint{}, &FingerprintError{Pos: pos, Reason: "not a hexadecimal digit, want 0-9, a-f or A-F"}
		}
		f[i] = hi<<4 | lo
	}
	return f, nil
}

// fromHex returns the value of the hexadecimal digit c, and false if c is none.
func fromHex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// FingerprintError is the error of [ParseFingerprint] and [Fingerprint.UnmarshalText]. It
// wraps [ErrFingerprintSyntax] and never contains the input.
type FingerprintError struct {
	// Pos is the 1-based byte offset of the first byte that is not a hexadecimal digit, or 0
	// when the input as a whole is wrong (its length).
	Pos int
	// Reason says what is wrong and what was expected.
	Reason string
}

// Error returns "token: parse fingerprint: position 7: not a hexadecimal digit, …", or
// without the position when Pos is 0.
func (e *FingerprintError) Error() string { return parseError("fingerprint", e.Pos, e.Reason) }

// Unwrap returns [ErrFingerprintSyntax].
func (e *FingerprintError) Unwrap() error { return ErrFingerprintSyntax }

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
