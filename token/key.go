package token

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Layout of a key (R1): five groups of five characters from A–Z and 0–9.
const (
	// KeyLen is the number of characters of a key without separators (R1).
	KeyLen = 25
	// GroupLen is the number of characters in each of the five groups (R1).
	GroupLen = 5
	// Groups is the number of groups of a key (R1).
	Groups = 5
	// CanonicalLen is the length of the canonical form AAAA1-BBBB2-CCCC3-DDDD4-EEEE5.
	CanonicalLen = KeyLen + Groups - 1
	// MaxInputLen is the longest input, in bytes, that ParseKey looks at; longer input is
	// rejected before anything else is examined.
	MaxInputLen = 64
	// Alphabet is the fixed ASCII alphabet of key characters, in index order.
	Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// maskPrefix is what String shows in place of the first four groups.
const maskPrefix = "XXXXX-XXXXX-XXXXX-XXXXX-"

// ZeroKeyString is what String, GoString, Format and LogValue give for the zero Key.
// It contains characters outside the key alphabet, so it can never be mistaken for a key
// (a real key may well end in XXXXX).
const ZeroKeyString = "(zero key)"

// Stored form. A Key never holds the ASCII code of its characters: character i with
// alphabet index v (0…35) is stored as storeBase + (v + storeMask[i]) mod 36, a byte in
// 200…235. So when a Key sits in an unexported field of a caller's struct and fmt prints it
// by reflection (%v, %+v, %#v, %x), neither the characters nor their ASCII byte values
// (48–57, 65–90, 97–122) appear: every stored byte is ≥ 0x80, and its decimal digits
// ("200"…"235") contain no two-digit ASCII code of a key character. This is obfuscation
// against accidental printing, not encryption. The zero Key (all bytes 0) is no valid key.
const (
	storeBase = 200
	// storeMask[i] = (7·i + 3) mod 36: a fixed per-position offset.
	storeMask = "\x03\x0a\x11\x18\x1f\x02\x09\x10\x17\x1e\x01\x08\x0f\x16\x1d\x00\x07\x0e\x15\x1c\x23\x06\x0d\x14\x1b"
)

// Key is a 25-character product key (R1), an immutable comparable value usable as a map
// key. Two Keys are equal exactly when their canonical forms are equal. The zero Key is
// invalid; see [Key.IsZero].
//
// Every way of printing a Key gives the masked form XXXXX-XXXXX-XXXXX-XXXXX-EEEE5; only
// [Key.Reveal] gives the clear key.
type Key struct {
	b [KeyLen]byte // encoded, see storeBase; never ASCII
}

// asciiIndex maps a byte to its index in Alphabet (0…35), letters in either case, or to
// badIndex when the byte is not ASCII A–Z, a–z or 0–9. It is indexed by the byte itself, so
// no Unicode case mapping ever happens: 'ſ', 'ı' or the Kelvin sign can never become an
// ASCII letter. TestStoredFormExhaustive checks every entry.
const asciiIndex = "" +
	"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80" +
	"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80" +
	"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80" +
	"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x80\x80\x80\x80\x80\x80" +
	"\x80\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18" +
	"\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20\x21\x22\x23\x80\x80\x80\x80\x80" +
	"\x80\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18" +
	"\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20\x21\x22\x23\x80\x80\x80\x80\x80" +
	"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80" +
	"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80" +
	"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80" +
	"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80" +
	"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80" +
	"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80" +
	"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80" +
	"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80"

// badIndex marks a byte outside the alphabet in asciiIndex.
const badIndex = 0x80

// encode returns the stored byte for ASCII byte c at key position i (0-based), and false if
// c is not in A–Z, a–z or 0–9.
func encode(i int, c byte) (byte, bool) {
	v := asciiIndex[c]
	return store(i, v&^badIndex), v&badIndex == 0
}

// store returns the stored byte for alphabet index v (0…35) at position i.
func store(i int, v byte) byte {
	v += storeMask[i]
	if v >= 36 {
		v -= 36
	}
	return storeBase + v
}

// decode returns the canonical (upper-case) ASCII character stored at position i.
func (k *Key) decode(i int) byte {
	v := int(k.b[i]) - storeBase - int(storeMask[i])
	if v < 0 {
		v += 36
	}
	return Alphabet[v]
}

// ParseKey parses a product key (R1). It accepts
//   - any case: "aaaa1-bbbb2-cccc3-dddd4-eeee5" is the same key as the upper-case spelling;
//   - the five groups separated by one '-' or one ' ' each (each of the four separators may be
//     either), or not separated at all; a mixture of present and absent separators is an error;
//   - surrounding ASCII white space (space, tab, CR, LF), which is ignored. Other white space
//     (no-break space, zero-width space, BOM, …) is an error.
//
// Input longer than [MaxInputLen] bytes is rejected before it is examined further. Every
// error is a *[SyntaxError] wrapping [ErrSyntax]: it names the position (1-based byte offset
// in s) and the reason, and never contains the key. A valid key is parsed without allocating.
func ParseKey(s string) (Key, error) {
	if len(s) > MaxInputLen {
		return Key{}, tooLong(len(s))
	}
	start, end := trim(s)
	body := s[start:end]
	var k Key
	var bad byte // badIndex is set in it when a byte is not in the alphabet
	switch len(body) {
	case KeyLen:
		for i := 0; i < KeyLen; i++ {
			v := asciiIndex[body[i]]
			bad |= v
			k.b[i] = store(i, v&^badIndex)
		}
	case CanonicalLen:
		if !isSep(body[5]) || !isSep(body[11]) || !isSep(body[17]) || !isSep(body[23]) {
			return Key{}, diagnose(s, start, end)
		}
		for g := 0; g < Groups; g++ {
			src := body[g*(GroupLen+1) : g*(GroupLen+1)+GroupLen]
			dst := k.b[g*GroupLen : g*GroupLen+GroupLen]
			mask := storeMask[g*GroupLen : g*GroupLen+GroupLen]
			for j := 0; j < GroupLen; j++ {
				v := asciiIndex[src[j]]
				bad |= v
				v = v&^badIndex + mask[j] // store, inlined by hand: bounds checks stay out
				if v >= 36 {
					v -= 36
				}
				dst[j] = storeBase + v
			}
		}
	default:
		return Key{}, diagnose(s, start, end)
	}
	// Every byte was looked up; the one test is here.
	if bad&badIndex != 0 {
		return Key{}, diagnose(s, start, end)
	}
	return k, nil
}

// MustParseKey is like [ParseKey] but panics if s is not a valid key. It is meant for tests
// and literals; the panic value is the *[SyntaxError], which never contains the key.
func MustParseKey(s string) Key {
	k, err := ParseKey(s)
	if err != nil {
		panic(err)
	}
	return k
}

// isSpace reports whether c is surrounding white space that ParseKey ignores.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// trim returns the bounds of s without surrounding ASCII white space.
func trim(s string) (start, end int) {
	start, end = 0, len(s)
	for start < end && isSpace(s[start]) {
		start++
	}
	for end > start && isSpace(s[end-1]) {
		end--
	}
	return start, end
}

// IsZero reports whether k is the zero Key, which is not a valid key.
func (k Key) IsZero() bool { return k == Key{} }

// Reveal returns the clear canonical form of k: upper case, groups separated by hyphens,
// "AAAA1-BBBB2-CCCC3-DDDD4-EEEE5". It is the only method that shows the key; ParseKey of the
// result gives k again. Reveal of the zero Key is "".
func (k Key) Reveal() string {
	if k.IsZero() {
		return ""
	}
	var buf [CanonicalLen]byte
	k.canonical(&buf)
	return string(buf[:])
}

// canonical writes the clear canonical form of k into buf.
func (k *Key) canonical(buf *[CanonicalLen]byte) {
	for g := 0; g < Groups; g++ {
		o := g * (GroupLen + 1)
		for j := 0; j < GroupLen; j++ {
			buf[o+j] = k.decode(g*GroupLen + j)
		}
		if g < Groups-1 {
			buf[o+GroupLen] = '-'
		}
	}
}

// Last5 returns the last group of k, the part the masked form shows ("EEEE5"), or "" for the
// zero Key.
func (k Key) Last5() string {
	if k.IsZero() {
		return ""
	}
	var buf [GroupLen]byte
	for j := range buf {
		buf[j] = k.decode(KeyLen - GroupLen + j)
	}
	return string(buf[:])
}

// Masked returns the masked form of k, "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5": the first four groups
// replaced by X, the last group in clear, as support staff and receipts show a key. The zero
// Key gives [ZeroKeyString].
func (k Key) Masked() string {
	if k.IsZero() {
		return ZeroKeyString
	}
	var buf [CanonicalLen]byte
	copy(buf[:], maskPrefix)
	for j := 0; j < GroupLen; j++ {
		buf[len(maskPrefix)+j] = k.decode(KeyLen - GroupLen + j)
	}
	return string(buf[:])
}

// String returns the masked form of k, see [Key.Masked]. It never returns the clear key.
func (k Key) String() string { return k.Masked() }

// GoString returns the masked form of k, so that %#v never shows the clear key.
func (k Key) GoString() string { return k.Masked() }

// Format implements [fmt.Formatter]: every verb prints the masked form of k. %q quotes it
// (%#q with back quotes, %+q ASCII-only); every other verb (%v %+v %#v %s %x %X %d …)
// prints it as %s would, honouring width, precision and the '-' flag.
func (k Key) Format(f fmt.State, verb rune) {
	if verb != 'q' {
		verb = 's'
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), k.Masked())
}

// LogValue implements [slog.LogValuer]: a Key logs as its masked form.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.Masked()) }

// MarshalText implements [encoding.TextMarshaler] with the masked form, so that a Key in a
// marshalled struct never leaks. The zero Key marshals as empty text. Because the masked form
// is not the key, MarshalText and UnmarshalText do not round-trip: store [Key.Fingerprint], or
// marshal [Key.Reveal] explicitly where the clear key must travel.
func (k Key) MarshalText() ([]byte, error) {
	if k.IsZero() {
		return []byte{}, nil
	}
	return []byte(k.Masked()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]: it parses a full key with [ParseKey].
// Empty text gives the zero Key. A masked key (the first four groups all X) is rejected with
// a *[SyntaxError] that wraps both [ErrSyntax] and [ErrMaskedKey].
func (k *Key) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*k = Key{}
		return nil
	}
	p, err := ParseKey(string(text))
	if err != nil {
		return err
	}
	if p.isMasked() {
		return &SyntaxError{Pos: 1, Reason: "masked key: the first four groups are XXXXX, unmarshal needs the full key", Err: ErrMaskedKey}
	}
	*k = p
	return nil
}

// isMasked reports whether the first four groups of k are all X.
func (k *Key) isMasked() bool {
	for i := 0; i < KeyLen-GroupLen; i++ {
		if k.decode(i) != 'X' {
			return false
		}
	}
	return true
}

// MarshalJSON implements [json.Marshaler] with the masked form as a JSON string ("" for the
// zero Key), like [Key.MarshalText].
func (k Key) MarshalJSON() ([]byte, error) {
	if k.IsZero() {
		return []byte(`""`), nil
	}
	return []byte(`"` + k.Masked() + `"`), nil
}

// UnmarshalJSON implements [json.Unmarshaler]: it accepts a JSON string holding a full key
// (see [Key.UnmarshalText]) or null, which leaves k unchanged.
func (k *Key) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		return &SyntaxError{Pos: 1, Reason: "JSON value is not a string"}
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		// The decoder's message may quote part of the input: never pass it on.
		return &SyntaxError{Pos: 1, Reason: "malformed JSON string"}
	}
	return k.UnmarshalText([]byte(s))
}
