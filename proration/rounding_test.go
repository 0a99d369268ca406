package proration

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var roundings = []Rounding{HalfEven, HalfUp, Down, Up}

func TestRoundingText(t *testing.T) {
	for _, r := range roundings {
		b, err := r.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, r.String(), string(b))
		var back Rounding
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, r, back)
		j, err := json.Marshal(struct{ R Rounding }{r})
		require.NoError(t, err)
		var v struct{ R Rounding }
		require.NoError(t, json.Unmarshal(j, &v))
		assert.Equal(t, r, v.R)
	}
	assert.Equal(t, "half-even", HalfEven.String())
	assert.Equal(t, "Rounding(4)", Rounding(4).String())
	assert.Equal(t, "Rounding(-1)", Rounding(-1).String())
	_, err := Rounding(4).MarshalText()
	assert.ErrorIs(t, err, ErrInput)
	// The module's one rule for names: any ASCII case, nothing else.
	for in, want := range map[string]Rounding{"Half-Even": HalfEven, "UP": Up, "Down": Down} {
		got, err := ParseRounding(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "halfeven", "half-even ", "nearest", "Rounding(0)", "half_even", "\u017fup"} {
		_, err := ParseRounding(bad)
		assert.ErrorIs(t, err, ErrInput, "%q", bad)
	}
	var r Rounding = Up
	assert.Error(t, r.UnmarshalText([]byte("sideways")))
	assert.Equal(t, Up, r, "a failed UnmarshalText leaves the value alone")
}

func FuzzParseRounding(f *testing.F) {
	for _, s := range []string{"half-even", "half-up", "down", "up", "", "HALF-EVEN", "half_even", "up\x00", "ſup", "Rounding(4)", "down "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRounding(s)
		if err != nil {
			if r != 0 {
				t.Fatalf("ParseRounding(%q) = %v with error", s, r)
			}
			return
		}
		if !r.Valid() || !strings.EqualFold(r.String(), s) || !isASCII(s) {
			t.Fatalf("ParseRounding(%q) = %v, which prints as %q", s, r, r.String())
		}
		back, err := ParseRounding(r.String())
		if err != nil || back != r {
			t.Fatalf("round trip of %v: %v, %v", r, back, err)
		}
	})
}
