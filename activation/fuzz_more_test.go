package activation

import (
	"encoding/json"
	"testing"
)

// FuzzParseAnchor: ParseAnchor never panics, refuses with the zero Anchor, and
// what it accepts round-trips through String and text marshalling (R9).
func FuzzParseAnchor(f *testing.F) {
	for _, s := range []string{"redemption-day", "old-end", "OLD-END", "", "Anchor(3)", "old end", "оld-end", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAnchor(s)
		if err != nil {
			if a != 0 {
				t.Fatalf("ParseAnchor(%q) = %v with error", s, a)
			}
			return
		}
		if !a.Valid() {
			t.Fatalf("ParseAnchor(%q) = %v, not a valid anchor", s, a)
		}
		b, err := a.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var u Anchor
		if err := u.UnmarshalText(b); err != nil || u != a {
			t.Fatalf("UnmarshalText(%q) = %v, %v; want %v", b, u, err, a)
		}
	})
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
