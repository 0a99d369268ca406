package token_test

import (
	"encoding"
	"encoding/json"
	"encoding/xml"
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
	assert.JSONEq(t, `{"key":"XXXXX-XXXXX-XXXXX-XXXXX-5VD6L","product":"p","seats":3,"termMonths":0}`, string(j))
}

// TestTokenJSON: a Token reads a full key and writes it masked, with camelCase names; every
// other field round-trips, the masked key does not.
func TestTokenJSON(t *testing.T) {
	in := `{"key":"k7q2m-9xrtb-h4j8p-zc3wn-5vd6l","product":"O365-E3","seats":25,"termMonths":36}`
	var tok token.Token
	require.NoError(t, json.Unmarshal([]byte(in), &tok))
	assert.Equal(t, token.Token{Key: token.MustParseKey(varied), Product: "O365-E3", Seats: 25, TermMonths: 36}, tok)

	out, err := json.Marshal(tok)
	require.NoError(t, err)
	assert.JSONEq(t, `{"key":"XXXXX-XXXXX-XXXXX-XXXXX-5VD6L","product":"O365-E3","seats":25,"termMonths":36}`, string(out))

	var back token.Token
	err = json.Unmarshal(out, &back)
	assert.ErrorIs(t, err, token.ErrMaskedKey, "a masked key must not read back")
	var rest struct {
		Product    string `json:"product"`
		Seats      int    `json:"seats"`
		TermMonths int    `json:"termMonths"`
	}
	require.NoError(t, json.Unmarshal(out, &rest))
	assert.Equal(t, tok.Product, rest.Product)
	assert.Equal(t, tok.Seats, rest.Seats)
	assert.Equal(t, tok.TermMonths, rest.TermMonths)

	var zero token.Token
	out, err = json.Marshal(zero)
	require.NoError(t, err)
	assert.JSONEq(t, `{"key":"","product":"","seats":0,"termMonths":0}`, string(out))
	require.NoError(t, json.Unmarshal(out, &back), "the zero Token round-trips")
	assert.Equal(t, zero, back)
}

// TestKeyMapJSON: encoding/json refuses a map keyed by Key, whose names would be masked
// forms (two keys with one last group would collide), for every such map; a map keyed by
// Fingerprint marshals one name a key. Unmarshalling parses each name as a full key.
func TestKeyMapJSON(t *testing.T) {
	a := token.MustParseKey(varied)
	b := token.MustParseKey("9XRTB-K7Q2M-ZC3WN-H4J8P-5VD6L") // the same last group
	require.Equal(t, a.String(), b.String())
	for name, m := range map[string]any{
		"two keys, one last group": map[token.Key]int{a: 1, b: 2},
		"one key":                  map[token.Key]int{a: 1},
		"empty":                    map[token.Key]string{},
		"in a struct":              struct{ M map[token.Key]bool }{map[token.Key]bool{a: true}},
	} {
		out, err := json.Marshal(m)
		var ute *json.UnsupportedTypeError
		assert.ErrorAs(t, err, &ute, "%s: json.Marshal = %s", name, out)
	}
	out, err := json.Marshal(map[token.Fingerprint]int{a.Fingerprint(): 1, b.Fingerprint(): 2})
	require.NoError(t, err)
	var names map[string]int
	require.NoError(t, json.Unmarshal(out, &names))
	assert.Len(t, names, 2, "fingerprint names collide: %s", out)
	assert.Equal(t, 1, names[a.Fingerprint().String()])

	var back map[token.Key]int
	require.NoError(t, json.Unmarshal([]byte(`{"`+varied+`":1,"9xrtb k7q2m zc3wn h4j8p 5vd6l":2}`), &back))
	assert.Equal(t, map[token.Key]int{a: 1, b: 2}, back)
	err = json.Unmarshal([]byte(`{"XXXXX-XXXXX-XXXXX-XXXXX-5VD6L":1}`), &back)
	assert.ErrorIs(t, err, token.ErrMaskedKey)
}

// TestKeyTextEncoders: MarshalText has a pointer receiver, so encoders that look for it on
// addressable values (encoding/xml) write the masked key for &v and an empty element for v;
// none of them writes the key.
func TestKeyTextEncoders(t *testing.T) {
	tok := token.Token{Key: token.MustParseKey(varied), Product: "p", Seats: 1}
	x, err := xml.Marshal(&tok)
	require.NoError(t, err)
	assert.Contains(t, string(x), "<Key>XXXXX-XXXXX-XXXXX-XXXXX-5VD6L</Key>")
	x, err = xml.Marshal(tok)
	require.NoError(t, err)
	assert.Contains(t, string(x), "<Key></Key>")
	var _ encoding.TextMarshaler = &tok.Key
	var _ encoding.TextUnmarshaler = &tok.Key
	var _ json.Marshaler = tok.Key
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
