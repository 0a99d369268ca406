package main

import (
	"io"
	"os"
	"strings"

	"github.com/coterm/coterm/cmd/internal/cli"
)

// progressEvery is how many rows go between two progress lines: a file of
// at most this many rows shows none.
const progressEvery = 100_000

// progress is the line on standard error that counts the rows read, for a
// person watching a terminal while a long file replays. It rewrites itself
// in place (a carriage return) and is erased at the end.
type progress struct {
	w     io.Writer
	shown bool
}

// newProgress returns the progress line on stderr when stderr is a terminal
// (a character device) and the replay writes nothing else to the terminal
// meanwhile (rows: the rows go to stdout, which is a terminal too); nil
// otherwise: never in a pipe or a file.
func newProgress(stdout, stderr io.Writer, rows bool) *progress {
	if !isCharDevice(stderr) || (rows && isCharDevice(stdout)) {
		return nil
	}
	return &progress{w: stderr}
}

func isCharDevice(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// rows notes that n rows were read.
func (p *progress) rows(n int) {
	if p == nil || n%progressEvery != 0 || n == 0 {
		return
	}
	p.shown = true
	// Only digits and words: nothing here needs the output filter.
	io.WriteString(p.w, "\rreplay: "+cli.Group(int64(n))+" rows read…")
}

// done erases the line, if it was shown.
func (p *progress) done() {
	if p == nil || !p.shown {
		return
	}
	io.WriteString(p.w, "\r"+strings.Repeat(" ", 40)+"\r")
}
