package main

import (
	"testing"

	"github.com/coterm/coterm/examples/internal/clitest"
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
