package token_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/coterm/coterm/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestErrorsOneVoice: every error the package returns starts with the one prefix "token: ",
// says it once, is one line, wraps the sentinel of its type and names no key.
func TestErrorsOneVoice(t *testing.T) {
	k := token.MustParseKey(varied)
	errs := map[string]struct {
		err      error
		sentinel error
	}{}
	for name, tc := range badInputs {
		_, err := token.ParseKey(tc.in)
		errs["ParseKey "+name] = struct{ err, sentinel error }{err, token.ErrSyntax}
	}
	var key token.Key
	for _, in := range []string{`12`, `"\x"`, `"XXXXX-XXXXX-XXXXX-XXXXX-5VD6L"`, `"` + varied[:20] + `"`} {
		errs["Key.UnmarshalJSON "+in] = struct{ err, sentinel error }{key.UnmarshalJSON([]byte(in)), token.ErrSyntax}
	}
	var tok token.Token
	errs["json.Unmarshal Token"] = struct{ err, sentinel error }{json.Unmarshal([]byte(`{"key":"`+varied[:28]+`"}`), &tok), token.ErrSyntax}
	for _, in := range []string{"", "0", varied, strings.Repeat("0", 63) + "g", "\xff" + strings.Repeat("0", 63)} {
		_, err := token.ParseFingerprint(in)
		errs["ParseFingerprint "+in] = struct{ err, sentinel error }{err, token.ErrFingerprintSyntax}
	}
	for name, bad := range map[string]token.Token{
		"zero key":   {Product: "p", Seats: 1},
		"all wrong":  {Product: " ", Seats: -1, TermMonths: 99},
		"seats":      {Key: k, Product: "p", Seats: 0},
		"term":       {Key: k, Product: "p", Seats: 1, TermMonths: 37},
		"everything": {TermMonths: -1},
	} {
		errs["Validate "+name] = struct{ err, sentinel error }{bad.Validate(), token.ErrInvalidToken}
	}
	for name, tc := range errs {
		require.Error(t, tc.err, name)
		msg := tc.err.Error()
		assert.True(t, strings.HasPrefix(msg, "token: "), "%s: %q", name, msg)
		// One package prefix: no other "token: " starts the message or follows a ": ".
		assert.Equal(t, 1, strings.Count(": "+msg, ": token: "), "%s: %q has more than one prefix", name, msg)
		assert.NotContains(t, msg, "\n", "%s: %q", name, msg)
		assert.ErrorIs(t, tc.err, tc.sentinel, name)
		assertNoKeyIn(t, msg, varied)
	}
}

// TestValidateOneMessage: Validate names every failure in one message and wraps each
// failure's sentinel.
func TestValidateOneMessage(t *testing.T) {
	err := token.Token{Seats: 0, TermMonths: 48}.Validate()
	assert.EqualError(t, err, "token: invalid token: zero key; empty product; seats out of range: 0, want 1…1000000000; term out of range: 48 months, want 0 (meaning 12) or 1…36")
	for _, s := range []error{token.ErrInvalidToken, token.ErrZeroKey, token.ErrProduct, token.ErrSeats, token.ErrTerm} {
		assert.ErrorIs(t, err, s)
	}
	err = token.Token{Key: token.MustParseKey(varied), Product: "p", Seats: 2_000_000_000}.Validate()
	assert.EqualError(t, err, "token: invalid token: seats out of range: 2000000000, want 1…1000000000")
	assert.NotErrorIs(t, err, token.ErrZeroKey)
	assert.NoError(t, token.Token{Key: token.MustParseKey(varied), Product: "p", Seats: 1}.Validate())
}

// TestParseFingerprintErrors: each refusal says what was expected and where, wraps
// ErrFingerprintSyntax, and never echoes the input, not even a key pasted in its place.
func TestParseFingerprintErrors(t *testing.T) {
	good := token.MustParseKey(varied).Fingerprint().String()
	for name, tc := range map[string]struct {
		in   string
		pos  int
		want string
	}{
		"empty":                {"", 0, "token: parse fingerprint: 0 bytes, want 64 hexadecimal digits"},
		"a key":                {varied, 0, "token: parse fingerprint: 29 bytes, want 64 hexadecimal digits"},
		"63 digits":            {good[:63], 0, "token: parse fingerprint: 63 bytes, want 64 hexadecimal digits"},
		"65 digits":            {good + "0", 0, "token: parse fingerprint: 65 bytes, want 64 hexadecimal digits"},
		"g first":              {"g" + good[1:], 1, "token: parse fingerprint: position 1: not a hexadecimal digit, want 0-9, a-f or A-F"},
		"g second":             {good[:1] + "g" + good[2:], 2, "position 2: not a hexadecimal digit"},
		"g last":               {good[:63] + "G", 64, "position 64: not"},
		"a key padded to 64":   {varied + strings.Repeat("0", 35), 1, "position 1: not"},
		"a key in hex's place": {strings.Repeat("0", 35) + varied, 36, "position 36: not"},
		"non-ASCII":            {good[:10] + "é" + good[12:], 11, "position 11: not"},
	} {
		t.Run(name, func(t *testing.T) {
			f, err := token.ParseFingerprint(tc.in)
			require.Error(t, err)
			assert.True(t, f.IsZero())
			assert.ErrorIs(t, err, token.ErrFingerprintSyntax)
			var fe *token.FingerprintError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.pos, fe.Pos)
			assert.Contains(t, err.Error(), tc.want)
			assertNoKeyIn(t, err.Error(), varied)
			if len(tc.in) >= 4 {
				assert.NotContains(t, err.Error(), tc.in)
			}
		})
	}
	assert.True(t, errors.Is(&token.FingerprintError{Reason: "r"}, token.ErrFingerprintSyntax))
	assert.False(t, errors.Is(&token.FingerprintError{Reason: "r"}, token.ErrSyntax))
}

// TestValidateAllocs: a valid Token is checked without allocating, so that callers on a hot
// path (activation's Apply) stay at zero allocations.
func TestValidateAllocs(t *testing.T) {
	tok := token.Token{Key: token.MustParseKey(varied), Product: "p", Seats: 25, TermMonths: 12}
	var err error
	assert.Zero(t, testing.AllocsPerRun(100, func() { err = tok.Validate() }))
	assert.NoError(t, err)
}
