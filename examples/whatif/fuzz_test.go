package main

import (
	"bytes"
	"testing"

	"github.com/coterm/coterm/examples/internal/clitest"
)

// FuzzArgs runs whatif on arbitrary argument lists (one argument a line)
// and checks that no key typed anywhere in them appears in its output, in
// any accepted spelling, and no control character either.
func FuzzArgs(f *testing.F) {
	for _, s := range clitest.ArgSeeds("../replay/testdata/book.csv") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		clitest.CheckArgs(t, in, func(args []string) (string, string, error) {
			var out, errw bytes.Buffer
			err := runAt(args, &out, &errw, fixedNow)
			return out.String(), errw.String(), err
		})
	})
}
