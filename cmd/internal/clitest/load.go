package clitest

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/history"
)

// LoadFile replays the history file at path into a Book under PartnerCenter
// on j, as the programs read it (rejected rows are skipped, as replay skips
// them), and fails t on an error of reading.
func LoadFile(t testing.TB, j activation.Journal, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := history.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	ld := history.NewLoader(&activation.Book{Policy: activation.PartnerCenter(), Journal: j})
	for {
		_, err := ld.Next(context.Background(), rd)
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
