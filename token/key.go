package token

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/bits"
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

// Key is a 25-character product key (R1), an immutable comparable value usable as a map
// key. Two Keys are equal exactly when their canonical forms are equal. The zero Key is
// invalid; see [Key.IsZero].
//
// Every way of printing a Key, and its JSON, give the masked form
// XXXXX-XXXXX-XXXXX-XXXXX-EEEE5; only [Key.Reveal] gives the clear key. Its fields hold the
// characters sealed with a secret of the running process, so printers that bypass its
// methods show nothing usable (see Secrecy in the package documentation). A Key is not a
// JSON object name: encoding/json refuses a map[Key]T (see JSON there).
type Key struct {
	// hi and lo are the first four groups, 6 bits a character, sealed by secret.seal;
	// tail is the last group, 6 bits a character, XORed with secret.tail, bit 31 set so
	// that no valid key is the zero Key.
	hi, lo uint64
	tail   uint32
}

// secret is the key under which this process stores Keys. It is drawn from crypto/rand once,
// when the package is initialised, and never changes afterwards: it is not a setting and
// nothing can set it. It is what makes a Key printed by reflection (an unexported struct
// field, %p, encoding/binary, a test's diff) useless outside the process and without the
// secret, while == and map keys keep working (one key, one stored form, within a process).
var secret = newSealer(randomSeed())

// seedLen is the number of random bytes a sealer is made from.
const seedLen = 2*rounds*8 + 8

// randomSeed returns seedLen bytes from crypto/rand, which never fails: if the system
// cannot give random bytes, the program crashes inside crypto/rand (Go 1.24 and later).
func randomSeed() (seed [seedLen]byte) {
	rand.Read(seed[:])
	return seed
}

// rounds is the number of Feistel rounds of a sealer.
const rounds = 4

// sealer seals the first four groups of a key, 120 bits in two 60-bit halves, with a
// four-round Feistel network keyed by random 64-bit words: a permutation of 128-bit values
// that is cheap both ways. Its round function is the folded 128-bit product used by
// wyhash. Unlike a per-position pad, one key known together with its stored form does not
// open another key's stored form. It is a guard against accidental printing, not a
// cipher: a reader of the process's memory has the secret.
type sealer struct {
	add, mul [rounds]uint64 // round i: f(x) = fold((x ^ add[i]) · mul[i])
	tail     uint32         // XORed into the last group; bit 31 set
	masked   [2]uint64      // XXXXX-XXXXX-XXXXX-XXXXX sealed, for isMasked
}

// newSealer makes the sealer of a seed.
func newSealer(seed [seedLen]byte) sealer {
	var s sealer
	for i := range rounds {
		s.add[i] = binary.LittleEndian.Uint64(seed[16*i:])
		s.mul[i] = binary.LittleEndian.Uint64(seed[16*i+8:]) | 1<<63 | 1 // never 0
	}
	s.tail = binary.LittleEndian.Uint32(seed[16*rounds:]) | 1<<31
	x := uint64(0) // ten X, one half of XXXXX-XXXXX-XXXXX-XXXXX
	for range 10 {
		x = x<<6 | uint64(asciiIndex['X'])
	}
	s.masked[0], s.masked[1] = s.seal(x, x)
	return s
}

// f is the round function.
func (s *sealer) f(i int, x uint64) uint64 {
	hi, lo := bits.Mul64(x^s.add[i], s.mul[i])
	return hi ^ lo
}

// seal maps the two halves of the first four groups to their stored form.
func (s *sealer) seal(l, r uint64) (uint64, uint64) {
	for i := range rounds {
		l, r = r, l^s.f(i, r)
	}
	return l, r
}

// open is the inverse of seal.
func (s *sealer) open(l, r uint64) (uint64, uint64) {
	for i := rounds - 1; i >= 0; i-- {
		l, r = r^s.f(i, l), l
	}
	return l, r
}

// asciiIndex maps a byte to its index in Alphabet (0…35), letters in either case, or to
// badIndex when the byte is not ASCII A–Z, a–z or 0–9. It is indexed by the byte itself, so
// no Unicode case mapping ever happens: 'ſ', 'ı' or the Kelvin sign can never become an
// ASCII letter. TestAlphabetIndexExhaustive checks every entry.
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

// digits64 is Alphabet padded to 64 characters, so that a 6-bit field indexes it without a
// bounds check; a valid key never has a field above 35.
const digits64 = Alphabet + "????????????????????????????"

// group packs the five characters at g[0:5] into 30 bits, 6 a character, and returns them
// with the OR of their asciiIndex entries: badIndex is set in it when a byte is not in the
// alphabet, and then the packed bits mean nothing.
func group(g string) (uint64, byte) {
	_ = g[4]
	a, b, c, d, e := asciiIndex[g[0]], asciiIndex[g[1]], asciiIndex[g[2]], asciiIndex[g[3]], asciiIndex[g[4]]
	return uint64(a)<<24 | uint64(b)<<18 | uint64(c)<<12 | uint64(d)<<6 | uint64(e), a | b | c | d | e
}

// unpack writes into dst the len(dst) characters packed 6 bits each in the low bits of x,
// the first character in the highest of those bits.
func unpack(dst []byte, x uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = digits64[x&63]
		x >>= 6
	}
}

// ParseKey parses a product key (R1) in any of the spellings listed under Accepted
// spellings in the package documentation: any case, the groups separated by '-' or ' ' or
// not at all, surrounding ASCII white space ignored. Every error is a *[SyntaxError]
// wrapping [ErrSyntax]; it names the position and the reason, never the key.
func ParseKey(s string) (Key, error) {
	if len(s) > MaxInputLen {
		return Key{}, tooLong(len(s))
	}
	start, end := trim(s)
	body := s[start:end]
	step := GroupLen // from the start of a group to the next
	switch len(body) {
	case KeyLen:
	case CanonicalLen:
		if !isSep(body[5]) || !isSep(body[11]) || !isSep(body[17]) || !isSep(body[23]) {
			return Key{}, diagnose(s, start, end)
		}
		step = GroupLen + 1
	default:
		return Key{}, diagnose(s, start, end)
	}
	g0, b0 := group(body)
	g1, b1 := group(body[step:])
	g2, b2 := group(body[2*step:])
	g3, b3 := group(body[3*step:])
	g4, b4 := group(body[4*step:])
	// Every byte was looked up; the one test is here.
	if (b0|b1|b2|b3|b4)&badIndex != 0 {
		return Key{}, diagnose(s, start, end)
	}
	hi, lo := secret.seal(g0<<30|g1, g2<<30|g3)
	return Key{hi: hi, lo: lo, tail: uint32(g4) ^ secret.tail}, nil
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
	l, r := secret.open(k.hi, k.lo)
	unpack(buf[0:5], l>>30)
	unpack(buf[6:11], l)
	unpack(buf[12:17], r>>30)
	unpack(buf[18:23], r)
	k.last(buf[24:29])
	buf[5], buf[11], buf[17], buf[23] = '-', '-', '-', '-'
}

// last writes the last group of k into dst.
func (k *Key) last(dst []byte) { unpack(dst, uint64(k.tail^secret.tail)) }

// Last5 returns the last group of k, the part the masked form shows ("EEEE5"), or "" for the
// zero Key.
func (k Key) Last5() string {
	if k.IsZero() {
		return ""
	}
	var buf [GroupLen]byte
	k.last(buf[:])
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
	k.last(buf[len(maskPrefix):])
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

// MarshalText implements [encoding.TextMarshaler] for *Key with the masked form, so that a
// Key in a marshalled struct never leaks. The zero Key marshals as empty text. Because the
// masked form is not the key, MarshalText and UnmarshalText do not round-trip: store
// [Key.Fingerprint], or marshal [Key.Reveal] explicitly where the clear key must travel.
//
// The receiver is a pointer on purpose, unlike every other method of Key: a Key value does
// not implement encoding.TextMarshaler, so encoding/json refuses a map[Key]T (whose object
// names would be masked forms, two keys with one last group colliding) instead of losing an
// entry. encoding/json marshals Key values with [Key.MarshalJSON] and is not otherwise
// affected; encoding/xml finds MarshalText only on addressable values (marshal &v, not v,
// or the Key is written empty); encoding/gob refuses a Key, which it could not carry anyway.
func (k *Key) MarshalText() ([]byte, error) {
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
func (k *Key) isMasked() bool { return k.hi == secret.masked[0] && k.lo == secret.masked[1] }

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
