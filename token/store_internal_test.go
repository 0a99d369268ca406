package token

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// asciiCode reports whether b is the ASCII code of a key character in any case: 48–57,
// 65–90, 97–122.
func asciiCode(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z'
}

// TestStoredFormExhaustive proves the stored form over its whole finite domain: every key
// character (upper and lower case) at every position is stored as a byte in 200…235 that is
// not ASCII, that decodes to the character, and whose decimal digits contain no two-digit
// ASCII code of a key character (R1 keys stay secret when printed by reflection).
func TestStoredFormExhaustive(t *testing.T) {
	for i := 0; i < KeyLen; i++ {
		assert.Equal(t, byte((7*i+3)%36), storeMask[i], "storeMask[%d]", i)
		seen := map[byte]bool{}
		for c := 0; c < 256; c++ {
			s, ok := encode(i, byte(c))
			require.Equal(t, asciiCode(byte(c)), ok, "encode(%d, %#x) ok", i, c)
			if !ok {
				continue
			}
			require.GreaterOrEqual(t, s, byte(200))
			require.LessOrEqual(t, s, byte(235))
			require.False(t, asciiCode(s), "encode(%d, %q) = %d, an ASCII key code", i, rune(c), s)
			dec := fmt.Sprint(s)
			for a := 48; a <= 122; a++ {
				if asciiCode(byte(a)) {
					require.NotContains(t, dec, fmt.Sprint(a), "encode(%d, %q) = %d", i, rune(c), s)
				}
			}
			var k Key
			k.b[i] = s
			up := strings.ToUpper(string(rune(c)))
			require.Equal(t, up[0], k.decode(i), "decode(encode(%d, %q))", i, rune(c))
			seen[s] = true
		}
		assert.Len(t, seen, 36, "position %d: the encoding must be one-to-one on the alphabet", i)
	}
}

// TestPropertyStoredForm checks, for generated keys in any case, that no stored byte is the
// ASCII code of a key character and that the raw stored form, printed as fmt prints an
// unexported field, shows neither the characters nor their byte values.
func TestPropertyStoredForm(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		chars := rapid.SliceOfN(rapid.SampledFrom([]byte(Alphabet+"abcdefghijklmnopqrstuvwxyz")), KeyLen, KeyLen).Draw(t, "chars")
		in := string(chars)
		if rapid.Bool().Draw(t, "hyphenated") { // the other loop of ParseKey
			in = in[0:5] + "-" + in[5:10] + "-" + in[10:15] + "-" + in[15:20] + "-" + in[20:25]
		}
		k, err := ParseKey(in)
		require.NoError(t, err)
		for i := range KeyLen {
			want, ok := encode(i, chars[i])
			require.True(t, ok)
			require.Equal(t, want, k.b[i], "ParseKey(%q) stores position %d unlike encode", in, i)
		}
		for i, b := range k.b {
			if asciiCode(b) || b < 0x80 {
				t.Fatalf("stored byte %d is %d, an ASCII code", i, b)
			}
		}
		up := strings.ToUpper(string(chars))
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			raw := fmt.Sprintf(verb, k.b)
			for j := 0; j+3 <= KeyLen; j++ {
				needles := []string{
					fmt.Sprintf("%d %d %d", up[j], up[j+1], up[j+2]),
					fmt.Sprintf("%d, %d, %d", chars[j], chars[j+1], chars[j+2]),
					fmt.Sprintf("%d %d %d", chars[j], chars[j+1], chars[j+2]),
				}
				// Three characters with a letter G–Z cannot occur by chance in a decimal or
				// hexadecimal dump; digits and A–F can, without telling anything.
				if strings.ContainsAny(up[j:j+3], "GHIJKLMNOPQRSTUVWXYZ") {
					needles = append(needles, up[j:j+3])
				}
				for _, n := range needles {
					if strings.Contains(raw, n) {
						t.Fatalf("Sprintf(%q, stored) = %s contains %q", verb, raw, n)
					}
				}
			}
		}
	})
}
