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

func TestTokenValidate(t *testing.T) {
	k := token.MustParseKey(varied)
	good := []token.Token{
		{Key: k, Product: "Office 365 E3", Seats: 1},
		{Key: k, Product: "p", Seats: 1_000_000_000, TermMonths: 36},
		{Key: k, Product: "p", Seats: 25, TermMonths: 0},
		{Key: k, Product: "p", Seats: 25, TermMonths: 1},
	}
	for _, tok := range good {
		assert.NoError(t, tok.Validate(), "%+v", tok)
	}
	bad := map[string]struct {
		tok  token.Token
		want []error
	}{
		"zero key":            {token.Token{Product: "p", Seats: 1}, []error{token.ErrZeroKey}},
		"empty product":       {token.Token{Key: k, Seats: 1}, []error{token.ErrProduct}},
		"blank product":       {token.Token{Key: k, Product: " \t", Seats: 1}, []error{token.ErrProduct}},
		"zero seats":          {token.Token{Key: k, Product: "p"}, []error{token.ErrSeats}},
		"negative seats":      {token.Token{Key: k, Product: "p", Seats: -5}, []error{token.ErrSeats}},
		"seats 1e9+1":         {token.Token{Key: k, Product: "p", Seats: 1_000_000_001}, []error{token.ErrSeats}},
		"term 37":             {token.Token{Key: k, Product: "p", Seats: 1, TermMonths: 37}, []error{token.ErrTerm}},
		"term -1":             {token.Token{Key: k, Product: "p", Seats: 1, TermMonths: -1}, []error{token.ErrTerm}},
		"everything is wrong": {token.Token{Seats: 0, TermMonths: 40}, []error{token.ErrZeroKey, token.ErrProduct, token.ErrSeats, token.ErrTerm}},
	}
	all := []error{token.ErrZeroKey, token.ErrProduct, token.ErrSeats, token.ErrTerm}
	for name, tc := range bad {
		t.Run(name, func(t *testing.T) {
			err := tc.tok.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, token.ErrInvalidToken)
			for _, sentinel := range all {
				want := false
				for _, w := range tc.want {
					want = want || w == sentinel
				}
				assert.Equal(t, want, errors.Is(err, sentinel), "errors.Is(%v, %v)", err, sentinel)
			}
			assertNoKeyIn(t, err.Error(), varied)
		})
	}
}

func TestTokenTerm(t *testing.T) {
	assert.Equal(t, 12, token.Token{}.Term(), "R3: TermMonths 0 means 12")
	assert.Equal(t, 7, token.Token{TermMonths: 7}.Term())
}

func TestTokenPrintsMasked(t *testing.T) {
	tok := token.Token{Key: token.MustParseKey(varied), Product: "p", Seats: 3}
	j, err := json.Marshal(tok)
	require.NoError(t, err)
	assert.JSONEq(t, `{"Key":"XXXXX-XXXXX-XXXXX-XXXXX-5VD6L","Product":"p","Seats":3,"TermMonths":0}`, string(j))
}

func TestFingerprint(t *testing.T) {
	k := token.MustParseKey(varied)
	// SHA-256 of the canonical form, computed independently:
	// printf %s K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L | sha256sum
	got := k.Fingerprint()
	assert.Equal(t, "e0d56015137fe0e2be369182336987ef8f674833cad898ef25abd2cdd0f00270", got.String())
	assert.Equal(t, got, token.MustParseKey(strings.ToLower(varied)).Fingerprint())
	assert.NotEqual(t, got, token.MustParseKey(base).Fingerprint())
	assert.True(t, got.Equal(got))
	assert.False(t, got.Equal(token.Fingerprint{}))
	assert.False(t, got.IsZero())

	keyed := k.KeyedFingerprint([]byte("secret"))
	// printf %s K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L | openssl dgst -sha256 -hmac secret
	assert.Equal(t, "61e169d92bf84b2ee3701d0cba6fcd2fc4ce182b71ed793c0ea7d6c7ada7d505", keyed.String())
	assert.NotEqual(t, keyed, k.KeyedFingerprint([]byte("other secret")))

	text, err := got.MarshalText()
	require.NoError(t, err)
	var back token.Fingerprint
	require.NoError(t, back.UnmarshalText(text))
	assert.Equal(t, got, back)
	for _, in := range []string{"", "00", strings.Repeat("g", 64), strings.Repeat("0", 63), strings.Repeat("0", 65)} {
		_, err := token.ParseFingerprint(in)
		var fe *token.FingerprintError
		assert.ErrorAs(t, err, &fe, "ParseFingerprint(%q)", in)
	}
	assert.Error(t, back.UnmarshalText([]byte("zz")))
	assert.Equal(t, got, back, "a failed UnmarshalText changed the Fingerprint")
}
