package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// keySpellings are a valid product key as a user may paste it into the
// wrong field.
var keySpellings = []string{
	"Q7RZK-M4XPA-2B9CD-7FGHJ-3KLMN", "q7rzk-m4xpa-2b9cd-7fghj-3klmn",
	"Q7RZKM4XPA2B9CD7FGHJ3KLMN", "q7rzk m4xpa 2b9cd 7fghj 3klmn",
}

// assertNoKey fails if msg contains any group of the key of keySpellings.
func assertNoKey(t *testing.T, what, msg string) {
	t.Helper()
	up := strings.ToUpper(msg)
	for _, g := range []string{"Q7RZK", "M4XPA", "2B9CD", "7FGHJ", "3KLMN"} {
		assert.NotContains(t, up, g, "%s: %q", what, msg)
	}
}

func TestGoalKindText(t *testing.T) {
	for k, name := range map[GoalKind]string{MostSeats: "most-seats", LatestEnd: "latest-end", TradeOff: "trade-off"} {
		assert.Equal(t, name, k.String())
		assert.True(t, k.Valid())
		for _, s := range []string{name, strings.ToUpper(name)} {
			got, err := ParseGoalKind(s)
			require.NoError(t, err, s)
			assert.Equal(t, k, got, s)
		}
		b, err := k.MarshalText()
		require.NoError(t, err)
		var back GoalKind
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, k, back)
	}
	assert.Equal(t, "GoalKind(0)", GoalKind(0).String())
	assert.Equal(t, "GoalKind(4)", GoalKind(4).String())
	assert.False(t, GoalKind(0).Valid())
	_, err := GoalKind(0).MarshalText()
	assert.ErrorIs(t, err, activation.ErrInvalid)
	_, err = json.Marshal(struct{ K GoalKind }{})
	assert.Error(t, err, "an unknown goal does not marshal")
	for _, bad := range []string{"", "most seats", " most-seats", "mostseats", "GoalKind(1)"} {
		k, err := ParseGoalKind(bad)
		assert.ErrorIs(t, err, activation.ErrInvalid, "%q", bad)
		assert.Zero(t, k, "%q", bad)
	}
	for _, s := range keySpellings {
		_, err := ParseGoalKind(s)
		require.ErrorIs(t, err, activation.ErrInvalid)
		assertNoKey(t, "ParseGoalKind", err.Error())
	}
	_, err = ParseGoalKind("Q7RZK-M4XPA-2B9CD-7FGHJ-3KLMN")
	assert.EqualError(t, err, "plan: invalid input: unknown goal (29 bytes): want most-seats, latest-end or trade-off")
}

func TestFindingText(t *testing.T) {
	for f, name := range map[Finding]string{Aligned: "aligned", RunsBeyond: "runs-beyond", Lapses: "lapses"} {
		assert.Equal(t, name, f.String())
		got, err := ParseFinding(strings.ToUpper(name))
		require.NoError(t, err)
		assert.Equal(t, f, got)
		b, err := json.Marshal(f)
		require.NoError(t, err)
		assert.Equal(t, `"`+name+`"`, string(b))
		var back Finding
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, f, back)
	}
	assert.Equal(t, "Finding(9)", Finding(9).String())
	_, err := Finding(0).MarshalText()
	assert.ErrorIs(t, err, activation.ErrInvalid)
	for _, s := range keySpellings {
		_, err := ParseFinding(s)
		require.ErrorIs(t, err, activation.ErrInvalid)
		assertNoKey(t, "ParseFinding", err.Error())
	}
}

// TestErrorsNameOnePackage: an error of plan names its package once; a wrap
// of an error of activation adds context, never a second prefix; an error of
// another package (token, or activation's typed errors) keeps its own name.
func TestErrorsNameOnePackage(t *testing.T) {
	keys := pool(25)
	keys[0].Seats = 0
	_, err := Plan(activation.PartnerCenter(), sub(100, day(2027, 3, 1)), keys, day(2026, 12, 1), ReachSeats(100))
	require.ErrorIs(t, err, activation.ErrInvalid)
	require.ErrorIs(t, err, token.ErrInvalidToken)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "plan: invalid input: key 1: "), msg)
	assert.NotContains(t, msg, "activation:", msg)
	assert.Equal(t, 1, strings.Count(msg, "plan:"), msg)

	bad := activation.PartnerCenter()
	bad.CapFactor = 0
	_, err = Plan(bad, sub(100, day(2027, 3, 1)), pool(25), day(2026, 12, 1), ReachSeats(100))
	require.ErrorIs(t, err, activation.ErrInvalid)
	assert.Equal(t, "plan: invalid input: policy: CapFactor 0 outside 1…100", err.Error())

	other := pool(25)
	other[0].Product = "OTHER"
	_, err = Plan(activation.PartnerCenter(), sub(100, day(2027, 3, 1)), other, day(2026, 12, 1), ReachSeats(100))
	require.ErrorIs(t, err, activation.ErrProductMismatch)
	assert.Equal(t, `plan: key 1: activation: product mismatch: key for "OTHER", subscription for "O365-E3"`, err.Error())

	_, err = Plan(activation.PartnerCenter(), sub(100, day(2027, 3, 1)), nil, day(2026, 12, 1), ReachSeats(100))
	assert.EqualError(t, err, "plan: invalid input: no keys")
	assert.ErrorIs(t, err, activation.ErrInvalid)
}

func FuzzParseGoalKind(f *testing.F) {
	for _, s := range []string{"most-seats", "LATEST-END", "trade-off", "", "GoalKind(1)", "most seats", "\u212a", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseGoalKind(s)
		if err != nil {
			if k != 0 {
				t.Fatalf("ParseGoalKind(%q) = %v with an error", s, k)
			}
			return
		}
		if !k.Valid() || !strings.EqualFold(k.String(), s) {
			t.Fatalf("ParseGoalKind(%q) = %v", s, k)
		}
		var back GoalKind
		if b, err := k.MarshalText(); err != nil || back.UnmarshalText(b) != nil || back != k {
			t.Fatalf("round trip of %v: %v, %v", k, back, err)
		}
	})
}

func FuzzParseFinding(f *testing.F) {
	for _, s := range []string{"aligned", "RUNS-BEYOND", "lapses", "", "Finding(1)", "runs beyond", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseFinding(s)
		if err != nil {
			if v != 0 {
				t.Fatalf("ParseFinding(%q) = %v with an error", s, v)
			}
			return
		}
		if !v.Valid() || !strings.EqualFold(v.String(), s) {
			t.Fatalf("ParseFinding(%q) = %v", s, v)
		}
		var back Finding
		if b, err := v.MarshalText(); err != nil || back.UnmarshalText(b) != nil || back != v {
			t.Fatalf("round trip of %v: %v, %v", v, back, err)
		}
	})
}

// TestPlanInputLimits: MaxKeys keys are planned, one more is ErrTooManyKeys;
// a key given twice is named by its places in the pool (R2).
func TestPlanInputLimits(t *testing.T) {
	p, s, at := activation.PartnerCenter(), sub(100, day(2027, 3, 1)), day(2026, 12, 1)
	seats := make([]int, MaxKeys+1)
	for i := range seats {
		seats[i] = 1 + i%7
	}
	_, err := Plan(p, s, pool(seats[:MaxKeys]...), at, ReachSeats(101))
	require.NoError(t, err, "MaxKeys keys")
	_, err = Plan(p, s, pool(seats...), at, ReachSeats(101))
	require.ErrorIs(t, err, ErrTooManyKeys)
	assert.EqualError(t, err, "plan: too many keys: 21 keys, at most 20")

	keys := pool(25, 50, 75)
	keys[2].Key = keys[0].Key
	_, err = Plan(p, s, keys, at, ReachSeats(101))
	require.ErrorIs(t, err, activation.ErrInvalid)
	assert.EqualError(t, err, "plan: invalid input: keys 1 and 3 are the same key, which is redeemed once (R2)")
}
