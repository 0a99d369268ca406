package token

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// asciiCode reports whether b is the ASCII code of a key character in any case: 48–57,
// 65–90, 97–122.
func asciiCode(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z'
}

// TestAlphabetIndexExhaustive checks every entry of asciiIndex: the alphabet index of A–Z,
// a–z and 0–9, badIndex for every other byte (R1: no case mapping beyond ASCII).
func TestAlphabetIndexExhaustive(t *testing.T) {
	for c := 0; c < 256; c++ {
		v := asciiIndex[c]
		if !asciiCode(byte(c)) {
			assert.Equal(t, byte(badIndex), v, "asciiIndex[%#x]", c)
			continue
		}
		assert.Equal(t, strings.ToUpper(string(rune(c)))[0], Alphabet[v], "asciiIndex[%q]", rune(c))
	}
	assert.Len(t, digits64, 64)
	assert.Equal(t, Alphabet, digits64[:36])
}

// otherProcess is a sealer made from a fixed seed, standing for the secret of another
// process (or a guess at this one's).
func otherProcess(b byte) *sealer {
	var seed [seedLen]byte
	for i := range seed {
		seed[i] = b + byte(i)
	}
	s := newSealer(seed)
	return &s
}

// opened returns the first 20 characters that sealer s finds in k's stored form.
func opened(s *sealer, k Key) string {
	var buf [20]byte
	l, r := s.open(k.hi, k.lo)
	unpack(buf[0:10], l)
	unpack(buf[10:20], r)
	return string(buf[:])
}

// TestStoredFormExhaustive proves the stored form over every character at every position:
// a key with character c at position i (in either case) reveals c there, two characters
// give two different Keys, and the first four groups cannot be read back with another
// secret (R1 keys stay secret when printed by reflection).
func TestStoredFormExhaustive(t *testing.T) {
	zero := otherProcess(0)
	for i := 0; i < KeyLen; i++ {
		seen := map[Key]byte{}
		for c := 0; c < 256; c++ {
			if !asciiCode(byte(c)) {
				continue
			}
			in := []byte(strings.Repeat("0", KeyLen))
			if i == 0 {
				in[1] = 'Z' // so that the key differs from the all-zero one in the others
			}
			in[i] = byte(c)
			k, err := ParseKey(string(in))
			require.NoError(t, err)
			up := strings.ToUpper(string(rune(c)))[0]
			joined := strings.ReplaceAll(k.Reveal(), "-", "")
			require.Equal(t, up, joined[i], "ParseKey(%q) reveals %q at %d", in, joined[i], i)
			if prev, ok := seen[k]; ok {
				require.Equal(t, up, prev, "two characters at %d give one Key", i)
			}
			seen[k] = up
			require.NotEqual(t, joined[:20], opened(zero, k), "the zero secret opens %q", in)
			require.NotEqual(t, uint32(0), k.tail, "a valid key with the zero tail")
		}
		assert.Len(t, seen, 36, "position %d: the stored form must be one-to-one on the alphabet", i)
	}
}

// TestSealerInverse: open undoes seal, for every secret; another secret gives another
// stored form and does not open this one.
func TestSealerInverse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var seed [seedLen]byte
		copy(seed[:], rapid.SliceOfN(rapid.Byte(), seedLen, seedLen).Draw(t, "seed"))
		s := newSealer(seed)
		l := rapid.Uint64().Draw(t, "l")
		r := rapid.Uint64().Draw(t, "r")
		hi, lo := s.seal(l, r)
		gl, gr := s.open(hi, lo)
		require.Equal(t, [2]uint64{l, r}, [2]uint64{gl, gr}, "open(seal(x)) != x")
		// One bit of a round's add word, or of its mul word but for the two bits newSealer sets.
		word, bit := rapid.IntRange(0, 2*rounds-1).Draw(t, "word"), rapid.IntRange(1, 62).Draw(t, "bit")
		seed[8*word+bit/8] ^= 1 << (bit % 8)
		o := newSealer(seed)
		ohi, olo := o.seal(l, r)
		assert.NotEqual(t, [2]uint64{hi, lo}, [2]uint64{ohi, olo}, "one bit of the secret changes nothing")
		gl, gr = o.open(hi, lo)
		assert.NotEqual(t, [2]uint64{l, r}, [2]uint64{gl, gr}, "another secret opens the stored form")
	})
}

// TestPropertyStoredForm checks, for generated keys in any case, that ParseKey stores the
// key's characters 6 bits each, the first four groups sealed with this process's secret,
// that another secret neither stores the key alike nor opens this stored form, and that
// neither the raw stored form printed as fmt prints an unexported field shows the
// characters or their byte values.
func TestPropertyStoredForm(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		chars := rapid.SliceOfN(rapid.SampledFrom([]byte(Alphabet+"abcdefghijklmnopqrstuvwxyz")), KeyLen, KeyLen).Draw(t, "chars")
		in := string(chars)
		if rapid.Bool().Draw(t, "hyphenated") { // the other path of ParseKey
			in = in[0:5] + "-" + in[5:10] + "-" + in[10:15] + "-" + in[15:20] + "-" + in[20:25]
		}
		k, err := ParseKey(in)
		require.NoError(t, err)
		up := strings.ToUpper(string(chars))
		var packed [3]uint64 // chars 0–9, 10–19, 20–24, 6 bits each, independently of group
		for i := range KeyLen {
			packed[i/10] = packed[i/10]<<6 | uint64(strings.IndexByte(Alphabet, up[i]))
		}
		hi, lo := secret.seal(packed[0], packed[1])
		require.Equal(t, Key{hi: hi, lo: lo, tail: uint32(packed[2]) ^ secret.tail}, k)
		assert.Equal(t, up[:20], opened(&secret, k))

		other := otherProcess(rapid.Byte().Draw(t, "other secret"))
		ohi, olo := other.seal(packed[0], packed[1])
		assert.NotEqual(t, [2]uint64{hi, lo}, [2]uint64{ohi, olo}, "another secret stores the key alike")
		assert.NotEqual(t, up[:20], opened(other, k), "another secret opens the stored form")

		type holder struct{ k Key }
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%c", "%U", "%b", "%o"} {
			raw := fmt.Sprintf(verb, holder{k})
			for j := 0; j+3 <= 20; j++ {
				needles := []string{
					fmt.Sprintf("%d %d %d", up[j], up[j+1], up[j+2]),
					fmt.Sprintf("%d, %d, %d", chars[j], chars[j+1], chars[j+2]),
				}
				// Five characters with a letter G–Z cannot occur by chance in a decimal,
				// octal, binary or hexadecimal dump.
				if j%5 == 0 && strings.ContainsAny(up[j:j+5], "GHIJKLMNOPQRSTUVWXYZ") {
					needles = append(needles, up[j:j+5])
				}
				for _, n := range needles {
					if strings.Contains(strings.ToUpper(raw), n) {
						t.Fatalf("Sprintf(%q, stored) = %s contains %q", verb, raw, n)
					}
				}
			}
		}
	})
}

// storedEnv names the environment variable that makes TestHelperPrintStored print.
const storedEnv = "TOKEN_TEST_PRINT_STORED"

// TestHelperPrintStored is run by TestSecretPerProcess in a child process: it prints one key
// as fmt prints it in an unexported field.
func TestHelperPrintStored(t *testing.T) {
	if os.Getenv(storedEnv) != "1" {
		t.Skip("run by TestSecretPerProcess")
	}
	fmt.Printf("stored=%v\n", struct{ k Key }{MustParseKey("K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L")})
}

// TestSecretPerProcess runs two more processes that print the stored form of one key and
// checks that the three processes stored it three ways: a stored form printed by one
// process is useless to another.
func TestSecretPerProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two processes")
	}
	k := MustParseKey("K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L")
	seen := map[string]bool{fmt.Sprintf("stored=%v", struct{ k Key }{k}): true}
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperPrintStored$", "-test.v")
		cmd.Env = append(os.Environ(), storedEnv+"=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		var line string
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "stored=") {
				line = l
			}
		}
		require.NotEmpty(t, line, "child printed no stored form: %s", out)
		assert.False(t, seen[line], "two processes stored the key alike: %s", line)
		seen[line] = true
	}
}

// TestKeySize pins the size the package documentation states: a Key is 24 bytes.
func TestKeySize(t *testing.T) {
	assert.Equal(t, uintptr(24), unsafe.Sizeof(Key{}))
}
