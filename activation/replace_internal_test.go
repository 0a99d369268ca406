package activation

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/token"
)

// TestMaskedTailIsTheKeyAlphabet: maskedTail's ranges are token.Alphabet,
// byte for byte, and its length limit is a group's.
func TestMaskedTailIsTheKeyAlphabet(t *testing.T) {
	for c := range 256 {
		s := string([]byte{byte(c)})
		require.Equal(t, strings.IndexByte(token.Alphabet, byte(c)) >= 0, maskedTail(s), "byte %#x", c)
	}
	require.True(t, maskedTail(""))
	require.True(t, maskedTail("Z9A0K"))
	require.False(t, maskedTail("Z9A0K1"), "longer than a group")
	require.False(t, maskedTail("Z9a0K"), "a lower-case letter")
}
