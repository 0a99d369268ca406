package activation_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// TestRequestIDText: a RequestID is written as 64 lower-case hexadecimal
// digits and read back from either case; any other text is an error wrapping
// ErrInvalid that says what is wanted (64 hexadecimal digits) and how many
// bytes came, never the text itself, and leaves the RequestID unchanged.
func TestRequestIDText(t *testing.T) {
	var id activation.RequestID
	for i := range id {
		id[i] = byte(0xf0 - i)
	}
	b, err := id.MarshalText()
	require.NoError(t, err)
	require.Equal(t, fmt.Sprintf("%x", id), string(b))
	require.Regexp(t, `^[0-9a-f]{64}$`, string(b))
	for _, in := range []string{string(b), strings.ToUpper(string(b))} {
		var got activation.RequestID
		require.NoError(t, got.UnmarshalText([]byte(in)))
		assert.Equal(t, id, got)
	}
	tests := map[string]string{
		"":                        "request ID: 0 bytes, want 64 hexadecimal digits",
		"secret-ish":              "request ID: 10 bytes, want 64 hexadecimal digits",
		string(b) + "0":           "request ID: 65 bytes, want 64 hexadecimal digits",
		string(b[:63]):            "request ID: 63 bytes, want 64 hexadecimal digits",
		"g" + string(b[1:]):       "request ID: want 64 hexadecimal digits",
		strings.Repeat("zz", 32):  "request ID: want 64 hexadecimal digits",
		string(b[:62]) + "\u00e9": "request ID: want 64 hexadecimal digits",
	}
	for in, want := range tests {
		got := id
		err := got.UnmarshalText([]byte(in))
		require.ErrorIs(t, err, activation.ErrInvalid, "%q", in)
		assert.Contains(t, err.Error(), want, "%q", in)
		if in != "" {
			assert.NotContains(t, err.Error(), in, "the error quotes the input")
		}
		assert.Equal(t, id, got, "%q: a failed UnmarshalText changed the RequestID", in)
	}
}
