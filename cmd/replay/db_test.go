package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/activation/pgledger/pgtest"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/clitest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestAnswerFromDB: the questions answered from a database holding the
// book are answered as from the file (but for the day the states are
// given on).
func TestAnswerFromDB(t *testing.T) {
	url := pgtest.Shared(t).Schema(t)
	ctx := context.Background()
	store, err := pgledger.Open(ctx, url)
	require.NoError(t, err)
	defer store.Close()
	clitest.LoadFile(t, store, "testdata/book.csv")

	day := regexp.MustCompile(`\nOn \d{4}-\d\d-\d\d \([^)]*\): [^;]*`)
	// The file's rejected rows make its exit status 1; the database holds
	// none of them.
	for _, c := range []struct {
		q    []string
		code int
	}{
		{[]string{"-tenant", "contoso", "-product", "M365-E3"}, cli.ExitOK},
		{[]string{"-due", "2027-01-01..2028-12-31"}, cli.ExitOK},
		{[]string{"-tenant", "nobody", "-product", "M365-E3"}, cli.ExitNegative},
	} {
		q := c.q
		var fromFile, fromDB, errOut bytes.Buffer
		_ = run(append(append([]string{}, q...), "testdata/book.csv"), &fromFile, io.Discard)
		errDB := run(append([]string{"-db", url}, q...), &fromDB, &errOut)
		assert.Equal(t, c.code, cli.ExitCode(errDB), "%v: %s", q, errOut.String())
		want := regexp.MustCompile(`in the file`).ReplaceAllString(day.ReplaceAllString(fromFile.String(), ""), "in the database")
		assert.Equal(t, want, day.ReplaceAllString(fromDB.String(), ""), "%v", q)
		assert.NotEmpty(t, fromDB.String())
	}

	for name, args := range map[string][]string{
		"no question": {"-db", url},
		"and a file":  {"-db", url, "-due", "2027-01-01..2027-12-31", "testdata/book.csv"},
	} {
		err := run(args, io.Discard, io.Discard)
		assert.Equal(t, cli.ExitUsage, cli.ExitCode(err), name)
	}
	err = run([]string{"-db", "host=/nonexistent user=x", "-due", "2027-01-01..2027-12-31"}, io.Discard, io.Discard)
	assert.Equal(t, cli.ExitUnreadable, cli.ExitCode(err))
}
