package enum

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type color int

var errBad = errors.New("test: invalid input")

var colors = New[color]("color", "colour", func(msg string) error { return errors.Join(errBad, errors.New(msg)) },
	[]string{"", "dark-red", "green"}, Alias[color]{"red", 1}, Alias[color]{"crimson", 1})

func TestString(t *testing.T) {
	assert.Equal(t, "dark-red", colors.String(1))
	assert.Equal(t, "green", colors.String(2))
	assert.Equal(t, "color(0)", colors.String(0))
	assert.Equal(t, "color(3)", colors.String(3))
	assert.Equal(t, "color(-1)", colors.String(-1))
	assert.False(t, colors.Valid(0))
	assert.True(t, colors.Valid(2))
	assert.False(t, colors.Valid(3))
	assert.Equal(t, []string{"dark-red", "green"}, colors.Names())
	assert.Equal(t, "dark-red or green (also red, crimson)", colors.List())
}

func TestParse(t *testing.T) {
	good := map[string]color{"dark-red": 1, "DARK-RED": 1, "Dark-Red": 1, "red": 1, "CRIMSON": 1, "green": 2, "gReEn": 2}
	for s, want := range good {
		got, err := colors.Parse(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{"", " green", "green ", "dark_red", "darkred", "grеen" /* Cyrillic е */, "dar\u212a-red", "color(1)", "gree", "greens"} {
		got, err := colors.Parse(s)
		assert.ErrorIs(t, err, errBad, "%q", s)
		assert.Zero(t, got, "%q", s)
	}
	_, err := colors.Parse("")
	assert.EqualError(t, err, "test: invalid input\nunknown colour (empty): want dark-red or green (also red, crimson)")
	_, err = colors.Parse("x")
	assert.Contains(t, err.Error(), "(1 byte)")
}

// TestParseNeverEchoes feeds product keys, as a user might paste one into
// the wrong field: the error must contain neither the key nor any of its
// groups.
func TestParseNeverEchoes(t *testing.T) {
	for _, s := range []string{"Q7RZK-M4XPA-2B9CD-7FGHJ-3KLMN", "q7rzk-m4xpa-2b9cd-7fghj-3klmn", "Q7RZKM4XPA2B9CD7FGHJ3KLMN", "Q7RZK M4XPA 2B9CD 7FGHJ 3KLMN"} {
		_, err := colors.Parse(s)
		require.Error(t, err)
		msg := strings.ToUpper(err.Error())
		for _, g := range []string{"Q7RZK", "M4XPA", "2B9CD", "7FGHJ", "3KLMN"} {
			assert.NotContains(t, msg, g, "%q", s)
		}
		assert.Contains(t, err.Error(), "bytes)")
	}
}

func TestMarshalText(t *testing.T) {
	b, err := colors.MarshalText(2)
	require.NoError(t, err)
	assert.Equal(t, "green", string(b))
	_, err = colors.MarshalText(0)
	assert.ErrorIs(t, err, errBad)
	assert.Contains(t, err.Error(), "colour color(0) is not defined")
	c := color(2)
	require.NoError(t, colors.UnmarshalText(&c, []byte("RED")))
	assert.Equal(t, color(1), c)
	assert.Error(t, colors.UnmarshalText(&c, []byte("blue")))
	assert.Equal(t, color(1), c, "a failed UnmarshalText leaves the value alone")
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"dark-red", "RED", "crimson", "", "green\x00", "ſ", "\u212a", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := colors.Parse(s)
		if err != nil {
			if c != 0 {
				t.Fatalf("Parse(%q) = %v with an error", s, c)
			}
			// The message depends on the length of s only: it cannot repeat s.
			_, other := colors.Parse(strings.Repeat("\x00", len(s)))
			if other == nil || other.Error() != err.Error() {
				t.Fatalf("Parse(%q): error %q depends on more than the length of the input (%v)", s, err, other)
			}
			return
		}
		lower := strings.ToLower(s)
		if lower != colors.String(c) && lower != "red" && lower != "crimson" {
			t.Fatalf("Parse(%q) = %v: not a name in ASCII case", s, c)
		}
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				t.Fatalf("Parse(%q) accepted a non-ASCII byte", s)
			}
		}
		if back, err := colors.Parse(colors.String(c)); err != nil || back != c {
			t.Fatalf("round trip of %v: %v, %v", c, back, err)
		}
	})
}
