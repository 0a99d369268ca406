package entitlement

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnumNames(t *testing.T) {
	assert.Equal(t, "action-pack", ActionPack.String())
	assert.Equal(t, "Program(9)", Program(9).String())
	assert.Equal(t, "competency Cloud Productivity", gold.String())
	assert.Equal(t, "action-pack", ap.String())
	for in, want := range map[string]SKU{"enterprise": Enterprise, "E": Enterprise, "k": Kiosk, "Other": OtherSKU} {
		got, err := ParseSKU(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	k, err := ParseKind("Training")
	require.NoError(t, err)
	assert.Equal(t, Demonstration, k)
	assert.True(t, Core.Bound())
	assert.True(t, Toolkit.Bound())
	assert.False(t, Demonstration.Bound())
	assert.Equal(t, "R14", R14.String())
	assert.Equal(t, "R21", R21.String())
	assert.Equal(t, "Rule(13)", Rule(13).String())
	for i := OverEntitlement; i <= TokensNotEntered; i++ {
		require.True(t, i.Valid())
		require.NotZero(t, i.Rule(), i)
		got, err := ParseIssue(i.String())
		require.NoError(t, err)
		require.Equal(t, i, got)
	}
	assert.Zero(t, Issue(0).Rule())
	_, err = ParseChange(pastedKey)
	require.ErrorIs(t, err, ErrInvalid)
	assert.NotContains(t, err.Error(), "AB3DE")
}

// FuzzEnumText: each enumeration parses only its names, in any ASCII case,
// round-trips, and never repeats a refused text.
func FuzzEnumText(f *testing.F) {
	for _, s := range []string{"action-pack", "COMPETENCY", "e", "k", "other", "core", "toolkit", "training", "deploy",
		"remove", "over-entitlement", "tokens-not-entered", "", " core", "\u212a", pastedKey} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check := func(name string, parse func(string) (string, error)) {
			got, err := parse(s)
			if err != nil {
				require.ErrorIs(t, err, ErrInvalid)
				// the message depends on the length only: it repeats nothing
				_, other := parse(strings.Repeat("#", len(s)))
				require.Equal(t, other.Error(), err.Error())
				return
			}
			require.True(t, strings.EqualFold(got, s) || len(s) <= len("training"), "%s %q → %q", name, s, got)
			again, err := parse(got)
			require.NoError(t, err)
			require.Equal(t, got, again)
		}
		check("program", func(s string) (string, error) { v, err := ParseProgram(s); return v.String(), err })
		check("sku", func(s string) (string, error) { v, err := ParseSKU(s); return v.String(), err })
		check("kind", func(s string) (string, error) { v, err := ParseKind(s); return v.String(), err })
		check("change", func(s string) (string, error) { v, err := ParseChange(s); return v.String(), err })
		check("issue", func(s string) (string, error) { v, err := ParseIssue(s); return v.String(), err })
	})
}
