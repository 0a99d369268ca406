package activation

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnumStrings(t *testing.T) {
	assert.Equal(t, "add-seats", AddSeats.String())
	assert.Equal(t, "extend-end", ExtendEnd.String())
	assert.Equal(t, "renew", Renew.String())
	assert.Equal(t, "activate", Activate.String())
	assert.Equal(t, "Operation(0)", Operation(0).String())
	assert.Equal(t, "Operation(-3)", Operation(-3).String())
	assert.Equal(t, "active", Active.String())
	assert.Equal(t, "none", None.String())
	assert.Equal(t, "State(7)", State(7).String())
	assert.Equal(t, "State(0)", State(0).String())
	assert.Equal(t, "old-end", OldEnd.String())
	assert.Equal(t, "Anchor(0)", Anchor(0).String())
	// Zero values are unknown (STYLE: never a real state).
	assert.False(t, Operation(0).valid())
	assert.False(t, State(0).valid())
	assert.False(t, Anchor(0).valid())
}

func TestParseOperation(t *testing.T) {
	good := map[string]Operation{
		"add": AddSeats, "add-seats": AddSeats, "add-licenses": AddSeats, "ADD-SEATS": AddSeats,
		"extend": ExtendEnd, "extend-end": ExtendEnd, "extend-end-date": ExtendEnd, "Extend": ExtendEnd,
		"renew": Renew, "activate": Activate, "ACTIVATE": Activate,
	}
	for s, want := range good {
		got, err := ParseOperation(s)
		require.NoErrorf(t, err, "ParseOperation(%q)", s)
		assert.Equalf(t, want, got, "ParseOperation(%q)", s)
	}
	bad := map[string]string{
		"empty":                  "",
		"space":                  " renew",
		"cyrillic look-alike е":  "rеnew",
		"unknown":                "cancel",
		"Operation(1)":           "Operation(1)",
		"trailing hyphen":        "add-",
		"long and unicode input": "ſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſſ",
	}
	for name, s := range bad {
		op, err := ParseOperation(s)
		assert.ErrorIsf(t, err, ErrInvalid, name)
		assert.Zero(t, op, name)
	}
}

func TestStateText(t *testing.T) {
	for st := Active; st <= None; st++ {
		got, err := stateText.Parse(st.String())
		require.NoError(t, err)
		assert.Equal(t, st, got)
	}
	got, err := stateText.Parse("DISABLED")
	require.NoError(t, err)
	assert.Equal(t, Disabled, got)
	for _, s := range []string{"", "State(1)", "gone", "activ"} {
		_, err := stateText.Parse(s)
		assert.ErrorIs(t, err, ErrInvalid, s)
	}
	a, err := anchorText.Parse("Redemption-Day")
	require.NoError(t, err)
	assert.Equal(t, RedemptionDay, a)
	_, err = anchorText.Parse("end")
	assert.ErrorIs(t, err, ErrInvalid)
}

func TestEnumText(t *testing.T) {
	type config struct {
		Op     Operation `json:"op"`
		State  State     `json:"state"`
		Anchor Anchor    `json:"anchor"`
	}
	b, err := json.Marshal(config{ExtendEnd, Expired, OldEnd})
	require.NoError(t, err)
	assert.JSONEq(t, `{"op":"extend-end","state":"expired","anchor":"old-end"}`, string(b))
	var c config
	require.NoError(t, json.Unmarshal([]byte(`{"op":"extend","state":"deleted","anchor":"redemption-day"}`), &c))
	assert.Equal(t, config{ExtendEnd, Deleted, RedemptionDay}, c)
	assert.Error(t, json.Unmarshal([]byte(`{"op":"x"}`), &c))
	_, err = json.Marshal(config{})
	assert.Error(t, err, "unknown values do not marshal")

	// A Policy is configuration: it round-trips through JSON.
	b, err = json.Marshal(Open2014())
	require.NoError(t, err)
	var p Policy
	require.NoError(t, json.Unmarshal(b, &p))
	assert.Equal(t, Open2014(), p)
}

func FuzzParseOperation(f *testing.F) {
	for _, s := range []string{"add", "add-seats", "add-licenses", "extend", "extend-end", "extend-end-date",
		"renew", "activate", "ACTIVATE", "", "Operation(1)", "rеnew", "ſ", "add-seats ", "\x00", "extend\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		op, err := ParseOperation(s)
		if err != nil {
			if op != 0 {
				t.Fatalf("ParseOperation(%q) = %v with error", s, op)
			}
			return
		}
		if !op.valid() {
			t.Fatalf("ParseOperation(%q) = %v, not a valid operation", s, op)
		}
		again, err := ParseOperation(op.String())
		if err != nil || again != op {
			t.Fatalf("ParseOperation(%q) = %v, %v; want %v", op.String(), again, err, op)
		}
		b, err := op.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var u Operation
		if err := u.UnmarshalText(b); err != nil || u != op {
			t.Fatalf("UnmarshalText(%q) = %v, %v; want %v", b, u, err, op)
		}
	})
}

func FuzzStateText(f *testing.F) {
	for _, s := range []string{"active", "expired", "disabled", "deleted", "none", "NONE", "", "State(7)", "аctive", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := stateText.Parse(s)
		if err != nil {
			if st != 0 {
				t.Fatalf("stateText.Parse(%q) = %v with error", s, st)
			}
			return
		}
		if !st.valid() {
			t.Fatalf("stateText.Parse(%q) = %v, not a valid state", s, st)
		}
		again, err := stateText.Parse(st.String())
		if err != nil || again != st {
			t.Fatalf("stateText.Parse(%q) = %v, %v; want %v", st.String(), again, err, st)
		}
		b, err := st.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var u State
		if err := u.UnmarshalText(b); err != nil || u != st {
			t.Fatalf("UnmarshalText(%q) = %v, %v; want %v", b, u, err, st)
		}
	})
}

// FuzzParseAnchor: ParseAnchor never panics, refuses with the zero Anchor, and
// what it accepts round-trips through String and text marshalling (R9).
func FuzzParseAnchor(f *testing.F) {
	for _, s := range []string{"redemption-day", "old-end", "OLD-END", "", "Anchor(3)", "old end", "оld-end", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := anchorText.Parse(s)
		if err != nil {
			if a != 0 {
				t.Fatalf("anchorText.Parse(%q) = %v with error", s, a)
			}
			return
		}
		if !a.valid() {
			t.Fatalf("anchorText.Parse(%q) = %v, not a valid anchor", s, a)
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

// keySpellings are a valid product key as a user may paste it into the
// wrong field.
var keySpellings = []string{
	"Q7RZK-M4XPA-2B9CD-7FGHJ-3KLMN", "q7rzk-m4xpa-2b9cd-7fghj-3klmn",
	"Q7RZKM4XPA2B9CD7FGHJ3KLMN", "q7rzk m4xpa 2b9cd 7fghj 3klmn", " Q7RZK-M4XPA-2B9CD-7FGHJ-3KLMN\n",
}

// assertNoKey fails if msg contains any group of the key of keySpellings,
// in any case.
func assertNoKey(t *testing.T, what, msg string) {
	t.Helper()
	up := strings.ToUpper(msg)
	for _, g := range []string{"Q7RZK", "M4XPA", "2B9CD", "7FGHJ", "3KLMN"} {
		assert.NotContains(t, up, g, "%s: %q", what, msg)
	}
}

// TestParsersNeverEcho: a key pasted into the wrong field is refused with an
// error that says what was expected and repeats nothing of the key.
func TestParsersNeverEcho(t *testing.T) {
	parsers := map[string]func(string) error{
		"ParseOperation":      func(s string) error { _, err := ParseOperation(s); return err },
		"State.UnmarshalText": func(s string) error { var st State; return st.UnmarshalText([]byte(s)) },
		"ParseAnchor":         func(s string) error { _, err := anchorText.Parse(s); return err },
		"PolicyByName":        func(s string) error { _, err := PolicyByName(s); return err },
		"Operation.UnmarshalText": func(s string) error {
			var op Operation
			return op.UnmarshalText([]byte(s))
		},
		"Subscription.UnmarshalJSON end": func(s string) error {
			b, err := json.Marshal(map[string]string{"end": s})
			require.NoError(t, err)
			var sub Subscription
			return json.Unmarshal(b, &sub)
		},
	}
	for name, parse := range parsers {
		for _, k := range keySpellings {
			err := parse(k)
			require.ErrorIs(t, err, ErrInvalid, "%s(%q)", name, k)
			assertNoKey(t, name, err.Error())
			assert.Contains(t, err.Error(), "want", "%s says what it wants", name)
		}
	}
	_, err := ParseOperation("Q7RZK-M4XPA-2B9CD-7FGHJ-3KLMN")
	assert.EqualError(t, err, "activation: invalid input: unknown operation (29 bytes): want add-seats, extend-end, renew or activate (also add, add-licenses, extend, extend-end-date)")
}
