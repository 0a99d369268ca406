package cli_test

import (
	"fmt"
	"os"

	"github.com/coterm/coterm/cmd/internal/cli"
)

func ExampleParseDate() {
	for _, s := range []string{"2027-02-28", "2027-02-30", "2028-02-30", "2027-13-01", "FAKE0-KEY00-NOT00-REAL0-AAAAA"} {
		d, err := cli.ParseDate(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(d.Format("2006-01-02"))
	}
	// Output:
	// 2027-02-28
	// error: 2027-02-30: February 2027 has 28 days
	// error: 2028-02-30: February 2028 has 29 days
	// error: 2027-13-01: there is no month 13, want 01 … 12
	// error: not a date YYYY-MM-DD
}

func ExampleOutput() {
	out := cli.NewOutput(os.Stdout)
	fmt.Fprintln(out, "typed: fake0-key00-not00-real0-aaaaa\a, printed masked: XXXXX-XXXXX-XXXXX-XXXXX-AAAAA")
	out.Flush()
	// Output:
	// typed: XXXXX-XXXXX-XXXXX-XXXXX-XXXXX?, printed masked: XXXXX-XXXXX-XXXXX-XXXXX-AAAAA
}
