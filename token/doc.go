// Package token holds product keys and what they grant: [Key], the 25-character code, and
// [Token], a key with its product, seats and term. It parses keys strictly, never lets a
// key leak into a log line, an error or a printed struct, and gives stores a fingerprint to
// keep instead of the key.
//
// Every function is pure and never panics on any input; only [MustParseKey] panics. The
// package has no mutable state and no settings: its one package-level value, the secret that
// seals stored Keys (see Secrecy), is drawn once at start-up and never changes.
//
// # Rules
//
// Tests cite these rules by their ids, those of the rules table in the module's README,
// which names the source of each.
//
//   - R1: a product key is 25 characters, five groups of five alphanumerics,
//     AAAA1-BBBB2-CCCC3-DDDD4-EEEE5.
//   - R2: a key can be redeemed exactly once and cannot be split. This package supplies the
//     identity a ledger records a redemption under: [Key.Fingerprint] or
//     [Key.KeyedFingerprint].
//   - R3: each key gives 12 months of service: [Token.TermMonths] 0 means 12.
//
// # Format
//
// A key has 25 characters from the alphabet A–Z, 0–9 ([Alphabet]) in five groups of five
// ([KeyLen], [Groups], [GroupLen]). Its canonical form, which [Key.Reveal] returns, is upper
// case with the groups separated by hyphens: AAAA1-BBBB2-CCCC3-DDDD4-EEEE5.
//
// # Accepted spellings
//
// [ParseKey] accepts:
//
//   - any case, letter by letter: "aaaa1-BbBb2-…" is the canonical key in lower or mixed case;
//   - the groups separated by one '-' or one ' ' each, each of the four separators
//     independently, or no separators at all: "AAAA1 BBBB2-CCCC3 DDDD4-EEEE5" and
//     "AAAA1BBBB2CCCC3DDDD4EEEE5" are the same key. A mixture of present and absent
//     separators is refused;
//   - surrounding ASCII white space (space, tab, CR, LF), which is ignored.
//
// It refuses, before looking further, any input longer than [MaxInputLen] (64) bytes,
// surrounding white space included: a bound on work done for untrusted input, taken from
// the whole input so that no padding makes parsing cost more (trim very long padding before
// calling ParseKey). Then it refuses: the empty string; 24 or 26 characters; 4 or 6 groups;
// a separator inside a group, doubled, or at either end; any byte that is not ASCII A–Z,
// a–z, 0–9 or a separator. The last rule refuses every look-alike from other scripts
// (Cyrillic А, Greek Α, fullwidth Ａ and ５, Arabic-Indic digits), the characters that
// Unicode case mapping turns into ASCII letters (ſ, ı, the Kelvin sign K U+212A), zero-width
// and no-break spaces, the byte order mark, direction overrides, NUL and invalid UTF-8: the
// check looks at the ASCII byte before any case mapping, and case mapping is ASCII only.
//
// # Secrecy
//
// A product key is a bearer secret: whoever has it can redeem it, once (R2). So every way of
// printing a Key gives the masked form XXXXX-XXXXX-XXXXX-XXXXX-EEEE5, which shows only the
// last group: [Key.String], [Key.GoString], [Key.Format] for every fmt verb, [Key.LogValue]
// for log/slog, and marshalling (see JSON). The zero Key prints as [ZeroKeyString],
// "(zero key)". Only [Key.Reveal] gives the clear key.
//
// Some printers bypass a Key's methods and print its fields: fmt for a Key in an unexported
// struct field or under a verb it rejects (%p), log/slog's text handler for a struct holding
// one, encoding/binary, the diff of a failed test assertion. A Key therefore stores its
// characters sealed with a secret that the package draws from crypto/rand when the process
// starts and never changes: the first four groups pass through a keyed permutation, the last
// group is XORed with a pad. Within a process one key has one stored form, so == and map keys
// work; printed by reflection a Key shows numbers that neither another process nor a reader
// of the source can turn back into the key, and one key known with its stored form does not
// open another. This guards against accidents; it is not encryption against
// someone who can read the process's memory.
//
// # JSON
//
// A Key marshals as its masked form (the zero Key as "") and unmarshals from a full key in
// any accepted spelling, or "" for the zero Key; a masked key fails with [ErrMaskedKey].
// Marshalling is therefore one-way: keep a [Fingerprint], or move the clear key explicitly
// with Reveal where it must travel. A [Token] is an object with camelCase names, "key",
// "product", "seats" and "termMonths"; everything but its key round-trips.
//
// encoding/json refuses a map[Key]T with an "unsupported type" error, whatever it holds:
// its object names could only be masked forms, and two keys with the same last group would
// share one name, an entry silently lost. A map[Fingerprint]T marshals, one name a key.
//
// # Fingerprints
//
// [Key.Fingerprint] is the SHA-256 of the canonical form, so all spellings of one key share
// it and two keys share it only if they are equal. [Key.KeyedFingerprint] is
// HMAC-SHA-256(secret, canonical form), for stores that add a pepper. Compare fingerprints
// with [Fingerprint.Equal], which takes constant time. [Fingerprint.String] and
// [ParseFingerprint] convert to and from 64 hexadecimal digits.
//
// # Errors
//
// Every message starts with "token: ", once, says what was expected rather than what was
// given, and never contains a key nor any of its characters. A key that does not parse gives
// a *[SyntaxError] wrapping [ErrSyntax], with the 1-based byte position of the offending
// byte in the input (0 when the input as a whole is wrong) and the reason:
//
//	token: parse key: 24 characters, want 25
//	token: parse key: position 7: separator inside a group
//	token: parse key: position 9: non-ASCII byte 0xd0: a key has only A-Z and 0-9 (…)
//
// A fingerprint that does not parse gives a *[FingerprintError] wrapping
// [ErrFingerprintSyntax]. [Token.Validate] names every failure in one error that wraps
// [ErrInvalidToken] and the sentinel of each failure: [ErrZeroKey], [ErrProduct],
// [ErrSeats] (seats outside 1…1,000,000,000), [ErrTerm] (TermMonths outside 0…36).
//
// # Performance
//
// [ParseKey] of a valid key and [Key.Fingerprint] do not allocate; a Key is 24 bytes and
// compares with ==. The methods that return a string allocate it. The benchmarks in the
// package's tests measure them.
package token
