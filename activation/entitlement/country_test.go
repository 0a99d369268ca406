package entitlement

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The table holds the 249 officially assigned codes, in order, and
// nothing that is only reserved or user-assigned.
func TestCountryTable(t *testing.T) {
	require.Len(t, assigned, 2*249)
	for i := 2; i < len(assigned); i += 2 {
		require.Less(t, assigned[i-2:i], assigned[i:i+2], "in order at %d", i/2)
	}
	n := 0
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			if isAssigned(a, b) {
				n++
				require.Contains(t, assigned, string([]byte{a, b}))
			}
		}
	}
	require.Equal(t, 249, n)
	for _, code := range []string{"DE", "FR", "US", "GB", "CH", "AD", "ZW", "SS", "BQ", "CW", "SX", "AX", "PS", "TW", "EH"} {
		c, err := ParseCountry(code)
		require.NoError(t, err, code)
		assert.Equal(t, code, c.String())
	}
	for _, code := range []string{"UK", "EU", "AN", "CS", "YU", "XK", "AA", "ZZ", "QM", "XA", "EZ", "UN", "FX", "TP", "ZR"} {
		_, err := ParseCountry(code)
		require.ErrorIs(t, err, ErrCountry, code)
	}
}

func TestParseCountry(t *testing.T) {
	for in, want := range map[string]string{"de": "DE", "De": "DE", "dE": "DE", "us": "US"} {
		c, err := ParseCountry(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, c.String())
	}
	for in, why := range map[string]string{
		"":        "want 2 letters, got 0 bytes",
		"D":       "want 2 letters, got 1 bytes",
		"DEU":     "want 2 letters, got 3 bytes",
		" DE":     "want 2 letters, got 3 bytes",
		"D1":      "byte 2 is not an ASCII letter",
		"\u212aE": "want 2 letters, got 4 bytes", // the Kelvin sign is not a K
		"Dé":      "want 2 letters, got 3 bytes",
		"-E":      "byte 1 is not an ASCII letter",
		"UK":      "not an officially assigned ISO 3166-1 alpha-2 code",
	} {
		_, err := ParseCountry(in)
		require.ErrorIs(t, err, ErrCountry, "%q", in)
		require.ErrorIs(t, err, ErrInvalid, "%q", in)
		assert.Equal(t, "entitlement: country: "+why, err.Error(), "%q", in)
	}
	assert.Panics(t, func() { MustParseCountry("UK") })
	assert.True(t, Country{}.IsZero())
	assert.False(t, Country{}.Valid())
	assert.Equal(t, "", Country{}.String())
}

func TestCountryText(t *testing.T) {
	b, err := json.Marshal(map[string]Country{"c": de})
	require.NoError(t, err)
	assert.Equal(t, `{"c":"DE"}`, string(b))
	var c Country
	require.NoError(t, json.Unmarshal([]byte(`"fr"`), &c))
	assert.Equal(t, fr, c)
	err = json.Unmarshal([]byte(`"UK"`), &c)
	require.ErrorIs(t, err, ErrCountry)
	assert.Equal(t, fr, c, "unchanged on error")
	_, err = Country{}.MarshalText()
	require.ErrorIs(t, err, ErrCountry)
	_, err = Country{'U', 'K'}.MarshalText()
	require.ErrorIs(t, err, ErrCountry)
}

// FuzzParseCountry: whatever the input, ParseCountry accepts exactly two
// ASCII letters forming an assigned code, round-trips through String, and
// never repeats its input in an error.
func FuzzParseCountry(f *testing.F) {
	for _, s := range []string{"DE", "de", "UK", "", "D", "DEU", "\u212aE", "Dé", "\x00\x00", "zz", "ZW", "aa", "A-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCountry(s)
		if err != nil {
			require.ErrorIs(t, err, ErrCountry)
			require.True(t, c.IsZero())
			// one of three fixed messages: the input is never repeated
			require.Regexp(t, `^entitlement: country: (want 2 letters, got \d+ bytes|byte [12] is not an ASCII letter|not an officially assigned ISO 3166-1 alpha-2 code)$`, err.Error())
			return
		}
		require.Len(t, s, 2)
		require.Equal(t, strings.ToUpper(s), c.String())
		require.True(t, c.Valid())
		d, err := ParseCountry(c.String())
		require.NoError(t, err)
		require.Equal(t, c, d)
		b, err := c.MarshalText()
		require.NoError(t, err)
		require.Equal(t, c.String(), string(b))
	})
}
