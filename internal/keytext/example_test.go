package keytext_test

import (
	"fmt"

	"github.com/coterm/coterm/internal/keytext"
)

func ExampleIsKey() {
	for _, s := range []string{
		"AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2.",
		"key: “ab3de—fg5hj—kl7mn—pq9rs—tuvw2”",
		"ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２",
		"Adams Baker Clark Davis Evans",
		"Adams Baker Clark Davis Evans LLP",
		"Brookfield Asset Management",
	} {
		fmt.Println(keytext.IsKey(s))
	}
	// Output:
	// true
	// true
	// true
	// true
	// false
	// false
}

func ExampleHolds() {
	for _, s := range []string{
		"contoso",
		"Adams Baker Clark Davis Evans",
		"Adams Baker Clark Davis Evans LLP",
		"Contoso (AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2)",
		"Tenant XXXXX-XXXXX-XXXXX-XXXXX-TUVW2",
	} {
		fmt.Printf("%q %v\n", s, keytext.Holds(s))
	}
	// Output:
	// "contoso" false
	// "Adams Baker Clark Davis Evans" true
	// "Adams Baker Clark Davis Evans LLP" false
	// "Contoso (AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2)" true
	// "Tenant XXXXX-XXXXX-XXXXX-XXXXX-TUVW2" true
}

func ExampleRedact() {
	line := []byte("key ab3de—fg5hj—kl7mn—pq9rs—tuvw2: added; key XXXXX-XXXXX-XXXXX-XXXXX-TUVW2 (100 seats)\n")
	keytext.Redact(line)
	fmt.Print(string(line))
	// Output:
	// key XXXXX—XXXXX—XXXXX—XXXXX—XXXXX: added; key XXXXX-XXXXX-XXXXX-XXXXX-TUVW2 (100 seats)
}

func ExampleMask() {
	fmt.Println(keytext.Mask("ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２"))
	fmt.Println(keytext.Mask("UnitedHealth Group Incorporated"))
	fmt.Println(keytext.Mask("Adams Baker Clark Davis Evans LLP"))
	// Output:
	// ＸＸＸＸＸ－ＸＸＸＸＸ－ＸＸＸＸＸ－ＸＸＸＸＸ－ＸＸＸＸＸ
	// UnitedHealth Group Incorporated
	// Adams Baker Clark Davis Evans LLP
}

func ExampleQuote() {
	fmt.Println("product mismatch: key for " + keytext.Quote("AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2.") + ", subscription for " + keytext.Quote("M365-E3"))
	// Output:
	// product mismatch: key for (a name that could be read as a key), subscription for "M365-E3"
}
