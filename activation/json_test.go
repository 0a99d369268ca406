package activation

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/coterm/coterm/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestOutcomeJSON(t *testing.T) {
	o, err := PartnerCenter().Apply(mkSub(100, mkDate(2027, 3, 1)), mkToken(25), AddSeats, mkDate(2026, 12, 1))
	require.NoError(t, err)
	b, err := json.Marshal(o)
	require.NoError(t, err)
	s := string(b)
	assert.NotContains(t, s, testKey)
	assert.Contains(t, s, `"key":"XXXXX-XXXXX-XXXXX-XXXXX-EEEE5"`)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Equal(t, "2026-12-01", m["at"])
	assert.Equal(t, "add-seats", m["op"])
	assert.Equal(t, "2027-04-25", m["after"].(map[string]any)["end"])
	assert.Equal(t, "2027-03-01", m["before"].(map[string]any)["end"])
	assert.Equal(t, o.Explain(), m["explanation"])
	assert.NotContains(t, m, "months", "months only for an extension")

	o, err = PartnerCenter().Apply(mkSub(8, mkDate(2027, 1, 31)), mkToken(1), ExtendEnd, mkDate(2026, 12, 1))
	require.NoError(t, err)
	b, err = json.Marshal(o)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"months":{"num":3,"den":2,"decimal":"1.5"}`)

	// A subscription round-trips through JSON with its date.
	var sub Subscription
	require.NoError(t, json.Unmarshal([]byte(`{"tenant":"t","product":"p","seats":3,"end":"2027-01-31"}`), &sub))
	assert.Equal(t, Subscription{Tenant: "t", Product: "p", Seats: 3, End: mkDate(2027, 1, 31)}, sub)
	require.NoError(t, json.Unmarshal([]byte(`{"tenant":"t","seats":0,"end":""}`), &sub))
	assert.True(t, sub.IsNone())
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"end":"31.01.2027"}`), &sub), ErrInvalid)
	_, err = json.Marshal(Outcome{})
	assert.NoError(t, err, "the zero Outcome marshals")
}

// TestOutcomeJSONNoClearKey: no Outcome JSON, error or explanation ever
// contains a key in clear (R1, the key format of *Partner Network FAQ*; a
// key is a secret, so no message ever contains it unmasked).
func TestOutcomeJSONNoClearKey(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	rapid.Check(t, func(t *rapid.T) {
		var raw [25]byte
		for i := range raw {
			raw[i] = alphabet[rapid.IntRange(0, len(alphabet)-1).Draw(t, "char")]
		}
		r := string(raw[:])
		k, err := token.ParseKey(r[0:5] + "-" + r[5:10] + "-" + r[10:15] + "-" + r[15:20] + "-" + r[20:25])
		if err != nil {
			t.Fatalf("ParseKey: %v", err)
		}
		tk := token.Token{Key: k, Product: "O365-E3", Seats: rapid.IntRange(1, 400).Draw(t, "keySeats")}
		s, at := drawSubscription(t), drawDay(t, "at")
		for _, o := range PartnerCenter().Options(s, tk, at) {
			b, err := json.Marshal(o.Outcome)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			clear := k.Reveal()
			compact := strings.ReplaceAll(clear, "-", "")
			for _, text := range []string{string(b), o.Outcome.Explain(), errText(o.Err)} {
				if strings.Contains(text, clear) || strings.Contains(text, compact) || strings.Contains(text, clear[:23]) {
					t.Fatalf("clear key in %s", text)
				}
			}
		}
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestSubscriptionJSONErrorsInPackageForm: encoding/json's own errors (which
// name the unexported subscriptionJSON and carry no prefix) come back in the
// package's form, wrapping ErrInvalid, without the input.
func TestSubscriptionJSONErrorsInPackageForm(t *testing.T) {
	for name, in := range map[string]string{
		"malformed":     `{"seats":`,
		"wrong type":    `{"seats":"AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"}`,
		"not an object": `"AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"`,
	} {
		var s Subscription
		err := s.UnmarshalJSON([]byte(in))
		require.ErrorIs(t, err, ErrInvalid, name)
		assert.True(t, strings.HasPrefix(err.Error(), "activation: invalid input: subscription JSON: "), "%s: %s", name, err)
		assert.NotContains(t, err.Error(), "subscriptionJSON", name)
		assert.NotContains(t, err.Error(), "AAAA1", name)
	}
}
