package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/coterm/coterm/cmd/internal/clitest"
)

// FuzzArgs runs whatif on arbitrary argument lists (one argument a line)
// and checks that no key typed anywhere in them appears in its output, in
// any accepted spelling, and no control character either. The seeds are
// the deprecated spellings, each command with the same arguments, each
// command's valid arguments with a key pasted into one of its flags, and a
// key pasted as a name in every spelling the module's rule catches.
func FuzzArgs(f *testing.F) {
	seeds := clitest.ArgSeeds("../replay/testdata/book.csv")
	for _, s := range seeds {
		f.Add(s)
	}
	key := "FAKE0-KEY00-NOT00-REAL0-FZ002"
	for name, flags := range commandFlags {
		for _, s := range seeds {
			f.Add(name + "\n" + s)
		}
		valid := name + "\n" + strings.Join(validArgs[name], "\n")
		f.Add(valid)
		f.Add(valid + "\n" + key)
		f.Add(valid + "\n-bogus-" + key)
		f.Add(valid + "\n-h")
		for _, fl := range flags {
			f.Add(valid + "\n-" + fl + "=" + key)
			f.Add(valid + "\n-" + fl + "\n" + strings.ToLower(key))
		}
		f.Add("help\n" + name)
	}
	// A book as Excel saves it (';', empty rows, grouped seats, a local
	// date), a tenant with a stray space (did you mean…), a tenant of
	// words, need-end's target.
	for _, tenant := range []string{"contoso ", "Contoso", "Adams Baker Clark Davis Evans LLP", strings.ToLower(key) + " "} {
		f.Add("options\n-book\n../replay/testdata/excel.csv\n-tenant\n" + tenant + "\n-product\nM365-E3\n-key-seats\n5\n-on\n2026-12-01")
	}
	f.Add("need-end\n-book\n../replay/testdata/excel.csv\n-tenant\ncontoso\n-product\nM365-E3\n-reach\n2028-06-01\n-on\n2026-12-01\n-json")
	f.Add(key + "\n-seats\n1")
	f.Add("help\n" + key)
	// A key pasted as a name in each spelling that went through before the
	// module's one rule, and names of words (one refused, one not).
	for _, name := range clitest.NameSeeds(key) {
		f.Add("options\n-book\n../replay/testdata/book.csv\n-tenant\n" + name + "\n-product\nM365-E3\n-key-seats\n5\n-json")
		f.Add(strings.Join(cmd("options", "-product", name, "-json"), "\n"))
		f.Add(strings.Join(cmd("renewal", "-policy", name), "\n"))
	}
	f.Fuzz(func(t *testing.T, in string) {
		clitest.CheckArgs(t, in, func(args []string) (string, string, error) {
			var out, errw bytes.Buffer
			err := runAt(args, &out, &errw, fixedNow)
			return out.String(), errw.String(), err
		})
	})
}
