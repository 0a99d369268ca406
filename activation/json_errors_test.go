package activation_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// TestJSONTypeErrorsNameFieldAndType: JSON of the wrong type is an error
// wrapping ErrInvalid that names the field (when there is one) and the type
// it wants in plain words, and never repeats the value given; JSON that is
// not even well formed is "malformed".
func TestJSONTypeErrorsNameFieldAndType(t *testing.T) {
	tests := []struct {
		name, in, want string
		into           func([]byte) error
	}{
		{"outcome, an integer as text", `{"termDays":"secret"}`, `outcome JSON: field "termDays": want an integer`,
			func(b []byte) error { var o activation.Outcome; return o.UnmarshalJSON(b) }},
		{"outcome, a bool as a number", `{"replayed":7}`, `outcome JSON: field "replayed": want true or false`,
			func(b []byte) error { var o activation.Outcome; return o.UnmarshalJSON(b) }},
		{"outcome, an object as a number", `{"before":7}`, `outcome JSON: field "before": want an object`,
			func(b []byte) error { var o activation.Outcome; return o.UnmarshalJSON(b) }},
		{"outcome, a string as a number", `{"op":7}`, `outcome JSON: field "op": want a string`,
			func(b []byte) error { var o activation.Outcome; return o.UnmarshalJSON(b) }},
		{"outcome, not an object", `"secret"`, `outcome JSON: want an object`,
			func(b []byte) error { var o activation.Outcome; return o.UnmarshalJSON(b) }},
		{"outcome, malformed", `{"op":`, `outcome JSON: malformed`,
			func(b []byte) error { var o activation.Outcome; return o.UnmarshalJSON(b) }},
		{"subscription, seats as text", `{"seats":"secret"}`, `subscription JSON: field "seats": want an integer`,
			func(b []byte) error { var s activation.Subscription; return s.UnmarshalJSON(b) }},
		{"subscription, not an object", `["secret"]`, `subscription JSON: want an object`,
			func(b []byte) error { var s activation.Subscription; return s.UnmarshalJSON(b) }},
		{"deadline, tenant as a number", `{"tenant":12345}`, `deadline JSON: field "tenant": want a string`,
			func(b []byte) error { var d activation.Deadline; return d.UnmarshalJSON(b) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.into([]byte(tt.in))
			require.ErrorIs(t, err, activation.ErrInvalid)
			assert.Equal(t, "activation: invalid input: "+tt.want, err.Error())
			assert.NotContains(t, err.Error(), "secret")
			assert.NotContains(t, err.Error(), "12345")
		})
	}
	// The same through encoding/json, as a caller decodes.
	var o activation.Outcome
	err := json.Unmarshal([]byte(`{"termDays":"secret"}`), &o)
	require.ErrorIs(t, err, activation.ErrInvalid)
}
