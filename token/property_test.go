package token_test

import (
	"strings"
	"testing"

	"github.com/coterm/coterm/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// genCanonical generates the canonical form of a random key (R1).
func genCanonical() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		chars := rapid.SliceOfN(rapid.SampledFrom([]byte(token.Alphabet)), token.KeyLen, token.KeyLen).Draw(t, "chars")
		var b strings.Builder
		for i, c := range chars {
			if i > 0 && i%token.GroupLen == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(c)
		}
		return b.String()
	})
}

// spell writes canonical in a random accepted spelling: each letter in either case, the
// separators all absent or each '-' or ' ', surrounded by random ASCII white space.
func spell(t *rapid.T, canonical string) string {
	var b strings.Builder
	ws := rapid.SampledFrom([]byte(" \t\r\n"))
	for range rapid.IntRange(0, 8).Draw(t, "leading") {
		b.WriteByte(ws.Draw(t, "ws"))
	}
	noSeps := rapid.Bool().Draw(t, "no separators")
	for i := 0; i < len(canonical); i++ {
		c := canonical[i]
		switch {
		case c == '-':
			if !noSeps {
				b.WriteByte(rapid.SampledFrom([]byte("- ")).Draw(t, "separator"))
			}
		case c >= 'A' && c <= 'Z' && rapid.Bool().Draw(t, "lower"):
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	for range rapid.IntRange(0, 8).Draw(t, "trailing") {
		b.WriteByte(ws.Draw(t, "ws"))
	}
	return b.String()
}

// TestPropertyRoundTrip: every spelling of a key parses to the key, and Reveal gives the
// canonical form back (R1).
func TestPropertyRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		canonical := genCanonical().Draw(t, "key")
		in := spell(t, canonical)
		k, err := token.ParseKey(in)
		require.NoError(t, err, "ParseKey(%q)", in)
		assert.Equal(t, canonical, k.Reveal())
		back, err := token.ParseKey(k.Reveal())
		require.NoError(t, err)
		assert.Equal(t, k, back)
		var u token.Key
		require.NoError(t, u.UnmarshalText([]byte(in)))
		assert.Equal(t, k, u)
	})
}

// TestPropertyFingerprint: fingerprints (plain and keyed) are equal exactly when the
// canonical keys are equal, whatever the spelling (R2: the ledger's identity of a key).
func TestPropertyFingerprint(t *testing.T) {
	secret := []byte("a pepper of at least thirty-two bytes")
	rapid.Check(t, func(t *rapid.T) {
		c1 := genCanonical().Draw(t, "key 1")
		c2 := c1
		if rapid.Bool().Draw(t, "different") {
			// Often a near miss: one character changed.
			if rapid.Bool().Draw(t, "one character") {
				i := rapid.IntRange(0, len(c1)-1).Filter(func(i int) bool { return c1[i] != '-' }).Draw(t, "position")
				c := rapid.SampledFrom([]byte(token.Alphabet)).Draw(t, "character")
				c2 = c1[:i] + string(c) + c1[i+1:]
			} else {
				c2 = genCanonical().Draw(t, "key 2")
			}
		}
		k1 := token.MustParseKey(spell(t, c1))
		k2 := token.MustParseKey(spell(t, c2))
		same := c1 == c2
		assert.Equal(t, same, k1 == k2)
		assert.Equal(t, same, k1.Fingerprint() == k2.Fingerprint())
		assert.Equal(t, same, k1.Fingerprint().Equal(k2.Fingerprint()))
		assert.Equal(t, same, k1.KeyedFingerprint(secret).Equal(k2.KeyedFingerprint(secret)))
		assert.False(t, k1.Fingerprint().Equal(k1.KeyedFingerprint(secret)), "keyed equals plain fingerprint")
		f, err := token.ParseFingerprint(strings.ToUpper(k1.Fingerprint().String()))
		require.NoError(t, err)
		assert.Equal(t, k1.Fingerprint(), f)
	})
}

// TestPropertyMasking: every print path of every key gives the masked form, never the
// first 20 characters (R1 keys are bearer secrets, R2).
func TestPropertyMasking(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		canonical := genCanonical().Draw(t, "key")
		k := token.MustParseKey(spell(t, canonical))
		masked := "XXXXX-XXXXX-XXXXX-XXXXX-" + canonical[24:]
		require.Equal(t, masked, k.String())
		first20 := canonical[:23]
		if first20 == "XXXXX-XXXXX-XXXXX-XXXXX" {
			t.Skip("the key looks like its own masked form")
		}
		for _, p := range printPaths(k) {
			out := strings.ToUpper(p.out)
			if strings.Contains(out, first20) || strings.Contains(out, strings.ReplaceAll(first20, "-", "")) {
				t.Fatalf("%s prints the key in clear: %s", p.name, p.out)
			}
			if strings.Contains(out, strings.ReplaceAll(canonical, "-", "")) {
				t.Fatalf("%s prints the key in clear: %s", p.name, p.out)
			}
		}
	})
}
