package token_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/coterm/coterm/token"
)

func ExampleParseKey() {
	// Any case; hyphens, spaces or no separators; surrounding white space (R1).
	for _, in := range []string{
		"K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L",
		"  k7q2m 9xrtb h4j8p zc3wn 5vd6l\n",
		"K7Q2M9XRTBH4J8PZC3WN5VD6L",
	} {
		k, err := token.ParseKey(in)
		fmt.Println(k, err)
	}
	// Refusals name the position and the reason, never the key.
	for _, in := range []string{
		"K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6",       // 24 characters
		"K7Q2-M9XRTB-H4J8P-ZC3WN-5VD6L",      // separator inside a group
		"K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6\u0406", // Cyrillic І for L
	} {
		_, err := token.ParseKey(in)
		fmt.Println(errors.Is(err, token.ErrSyntax), err)
	}
	// Output:
	// XXXXX-XXXXX-XXXXX-XXXXX-5VD6L <nil>
	// XXXXX-XXXXX-XXXXX-XXXXX-5VD6L <nil>
	// XXXXX-XXXXX-XXXXX-XXXXX-5VD6L <nil>
	// true token: parse key: position 25: 24 characters, want 25 (group 5 has 4)
	// true token: parse key: position 5: separator inside a group
	// true token: parse key: position 29: non-ASCII byte 0xd0: a key has only A-Z and 0-9 (look-alike letters and digits, invisible and no-break spaces are refused)
}

func ExampleKey_String() {
	k := token.MustParseKey("k7q2m 9xrtb h4j8p zc3wn 5vd6l")
	fmt.Println(k)                                  // masked, like every print path
	fmt.Printf("%v %#v %q\n", k, k, k)              // every verb is masked
	fmt.Printf("%+v\n", struct{ Key token.Key }{k}) // in a struct too
	fmt.Println(k.Reveal())                         // the one clear, canonical form
	fmt.Println(token.Key{})
	// Output:
	// XXXXX-XXXXX-XXXXX-XXXXX-5VD6L
	// XXXXX-XXXXX-XXXXX-XXXXX-5VD6L XXXXX-XXXXX-XXXXX-XXXXX-5VD6L "XXXXX-XXXXX-XXXXX-XXXXX-5VD6L"
	// {Key:XXXXX-XXXXX-XXXXX-XXXXX-5VD6L}
	// K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L
	// (zero key)
}

func ExampleKey_Reveal() {
	k := token.MustParseKey("k7q2m9xrtbh4j8pzc3wn5vd6l")
	fmt.Println(k.Reveal())
	again, _ := token.ParseKey(k.Reveal())
	fmt.Println(again == k)
	// Output:
	// K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L
	// true
}

func ExampleKey_Fingerprint() {
	a := token.MustParseKey("K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L")
	b := token.MustParseKey("k7q2m 9xrtb h4j8p zc3wn 5vd6l")
	fmt.Println(a.Fingerprint())
	fmt.Println(a.Fingerprint().Equal(b.Fingerprint())) // every spelling, one fingerprint (R2 ledgers keep it)
	fmt.Println(a.KeyedFingerprint([]byte("secret")))   // HMAC-SHA-256 with a pepper
	// Output:
	// e0d56015137fe0e2be369182336987ef8f674833cad898ef25abd2cdd0f00270
	// true
	// 61e169d92bf84b2ee3701d0cba6fcd2fc4ce182b71ed793c0ea7d6c7ada7d505
}

func ExampleToken_Validate() {
	t := token.Token{Key: token.MustParseKey("K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L"), Product: "Office 365 E3", Seats: 25}
	fmt.Println(t.Validate(), t.Term())

	bad := token.Token{Product: "Office 365 E3", Seats: 0, TermMonths: 48}
	err := bad.Validate()
	fmt.Println(errors.Is(err, token.ErrZeroKey), errors.Is(err, token.ErrSeats), errors.Is(err, token.ErrTerm), errors.Is(err, token.ErrProduct))
	fmt.Println(err)
	// Output:
	// <nil> 12
	// true true true false
	// token: invalid token: zero key; seats out of range: 0, want 1…1000000000; term out of range: 48 months, want 0 (meaning 12) or 1…36
}

func ExampleParseFingerprint() {
	f, err := token.ParseFingerprint("E0D56015137FE0E2BE369182336987EF8F674833CAD898EF25ABD2CDD0F00270")
	fmt.Println(f, err)
	fmt.Println(f.Equal(token.MustParseKey("K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L").Fingerprint()))
	// A key pasted in the wrong place is refused without being echoed.
	_, err = token.ParseFingerprint("K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L")
	fmt.Println(errors.Is(err, token.ErrFingerprintSyntax), err)
	// Output:
	// e0d56015137fe0e2be369182336987ef8f674833cad898ef25abd2cdd0f00270 <nil>
	// true
	// true token: parse fingerprint: 29 bytes, want 64 hexadecimal digits
}

func ExampleToken_json() {
	var t token.Token
	err := json.Unmarshal([]byte(`{"key":"k7q2m-9xrtb-h4j8p-zc3wn-5vd6l","product":"O365-E3","seats":25}`), &t)
	fmt.Println(err, t.Key.Reveal(), t.Seats)

	out, _ := json.Marshal(t)
	fmt.Println(string(out)) // the key is masked: it cannot be read back
	fmt.Println(errors.Is(json.Unmarshal(out, &t), token.ErrMaskedKey))

	// Output:
	// <nil> K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L 25
	// {"key":"XXXXX-XXXXX-XXXXX-XXXXX-5VD6L","product":"O365-E3","seats":25,"termMonths":0}
	// true
}
