package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/coterm/coterm/cmd/internal/clitest"
)

// FuzzArgs runs replay on arbitrary argument lists (one argument a line)
// and checks that no key typed anywhere in them appears in its output, in
// any accepted spelling, and no control character either.
func FuzzArgs(f *testing.F) {
	for _, s := range clitest.ArgSeeds(bookSample) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		clitest.CheckArgs(t, in, func(args []string) (string, string, error) { return replayArgs(t, "", args...) })
	})
}

// FuzzFile replays arbitrary history files and checks that no key in them
// appears in the output in clear, in any accepted spelling, nor a control
// character, and that the exit status is in the table.
func FuzzFile(f *testing.F) {
	// The first rows of each sample: with the whole files as seeds the fuzzing
	// engine stalled on this loaded machine (each input alone runs in a
	// couple of milliseconds).
	for _, name := range []string{sample, bookSample, excelSample} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.SplitAfter(string(b), "\n")
		f.Add(strings.Join(lines[:min(6, len(lines))], ""))
	}
	f.Add("date,tenant,product,key,seats,operation\n2026-01-01,FAKE0-KEY00-NOT00-REAL0-FF001,p,FAKE0-KEY00-NOT00-REAL0-FF002,1,activate\n")
	f.Add("date,tenant,product,key,seats,operation,end\n2026-01-01,t,p,,1,import,FAKE0-KEY00-NOT00-REAL0-FF003\n")
	f.Add(replaceFile) // replace rows, their seventh column a key
	f.Add("\ufeffdate,tenant,product,key,seats,operation\r\n2026-01-01,\"t\x07\",p,FAKE0-KEY00-NOT00-REAL0-FF004,1,activate\r\n")
	// A key pasted as a tenant or product in each spelling that went
	// through as a name, and a name of words that passes.
	for _, name := range clitest.NameSeeds("FAKE0-KEY00-NOT00-REAL0-FF005") {
		q := `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		f.Add("date,tenant,product,key,seats,operation,end\n2026-01-01," + q + ",p,,1,import,2027-01-01\n2026-02-01," + q + ",p,FAKE0-KEY00-NOT00-REAL0-FF006,1,add\n")
		f.Add("date,tenant,product,key,seats,operation,end\n2026-01-01,t," + q + ",,1,import,2027-01-01\n")
	}
	// Files as Excel writes them: ';', empty rows, grouped seats, local
	// dates, a key in each of them.
	f.Add("date;tenant;product;key;seats;operation\r\n2026-01-01;t;p;FAKE0-KEY00-NOT00-REAL0-FF007;\"1.000\";activate\r\n;;;;;\r\n")
	f.Add("date,tenant,product,key,seats,operation\n1/10/2026,t,p,FAKE0-KEY00-NOT00-REAL0-FF008,1,000,activate\n,,,,,\n")
	f.Add("date,tenant,product,key,seats,operation\n2026-01-01,t,p,FAKE0-KEY00-NOT00-REAL0-FF009,1,activate\n2026-01-02,u,p,FAKE0-KEY00-NOT00-REAL0-FF009,1,activate\n")
	f.Add("date\ttenant\tproduct\tkey\tseats\toperation\nFAKE0-KEY00-NOT00-REAL0-FF010\n")
	f.Fuzz(func(t *testing.T, content string) {
		// The rows, the JSON, and a query of a name close to a tracked one
		// on a day (did you mean…).
		for _, args := range []string{"-", "-json\n-", "-on\n2026-06-01\n-tenant\nt \n-product\np\n-", "-due\n2026-01-01..2027-01-01\n-"} {
			clitest.CheckArgsNames(t, args, func(args []string) (string, string, error) {
				var out, errw bytes.Buffer
				err := runWith(args, strings.NewReader(content), &out, &errw)
				return out.String(), errw.String(), err
			}, clitest.PassingNames(cells(content)...), clitest.Keys(append(cells(content), content)...)...)
		}
	})
}

// cells returns the fields of a CSV text, roughly (split at commas and
// line ends, quotes kept): each is looked at as a whole, so that a key
// without a digit given as a name is looked for in the output too.
func cells(content string) []string {
	return strings.FieldsFunc(content, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' })
}
