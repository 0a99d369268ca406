package activation

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSubscriptionJSON: the JSON form is camelCase with the end date as
// YYYY-MM-DD, and null leaves a Subscription alone, as encoding/json does
// for every type.
func TestSubscriptionJSON(t *testing.T) {
	s := Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{"tenant":"contoso","product":"O365-E3","seats":100,"end":"2027-03-01"}`, string(b))

	got := s
	require.NoError(t, json.Unmarshal([]byte(`null`), &got))
	assert.Equal(t, s, got, "null leaves the value alone")
	require.NoError(t, got.UnmarshalJSON([]byte("null")))
	assert.Equal(t, s, got, "null leaves the value alone")
	var holder struct{ Sub Subscription }
	holder.Sub = s
	require.NoError(t, json.Unmarshal([]byte(`{"Sub":null}`), &holder))
	assert.Equal(t, s, holder.Sub, "a null field leaves the value alone")

	require.NoError(t, json.Unmarshal([]byte(`{"tenant":"t","seats":0,"end":""}`), &got))
	assert.Equal(t, Subscription{Tenant: "t"}, got, "an object replaces the whole value")

	err = json.Unmarshal([]byte(`{"end":"1 March 2027"}`), &got)
	require.ErrorIs(t, err, ErrInvalid)
	assert.EqualError(t, err, "activation: invalid input: subscription: end date (12 bytes): want a date YYYY-MM-DD")
	assert.Equal(t, Subscription{Tenant: "t"}, got, "a failed Unmarshal leaves the value alone")
}

// FuzzSubscriptionJSON: decoding arbitrary JSON into a Subscription never
// panics, and a subscription it accepts and that validates survives a
// marshal/unmarshal round trip unchanged.
func FuzzSubscriptionJSON(f *testing.F) {
	for _, s := range []string{
		`{"tenant":"contoso","product":"O365-E3","seats":100,"end":"2027-03-01"}`,
		`{"tenant":"contoso","product":"O365-E3","seats":0,"end":""}`,
		`{"end":"2027-02-29"}`, `{"end":"27-03-01"}`, `{"seats":-1}`, `{"seats":1e99}`,
		`null`, `[]`, `{`, `{"end":"9999-12-31","seats":1000000000}`, `{"end":"0000-01-01"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Subscription
		if err := json.Unmarshal(b, &s); err != nil {
			return
		}
		if s.Validate() != nil {
			return
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("Marshal(%+v): %v", s, err)
		}
		var again Subscription
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("Unmarshal(%s): %v", out, err)
		}
		if again.Tenant != s.Tenant || again.Product != s.Product || again.Seats != s.Seats || !again.End.Equal(s.End) {
			t.Fatalf("round trip %s: got %+v, want %+v", out, again, s)
		}
	})
}
