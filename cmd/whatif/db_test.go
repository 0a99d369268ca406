package main

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/activation/pgledger/pgtest"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/clitest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestBookFromDB: -db answers every command as -book does for the same
// book.
func TestBookFromDB(t *testing.T) {
	url := pgtest.Shared(t).Schema(t)
	ctx := context.Background()
	store, err := pgledger.Open(ctx, url)
	require.NoError(t, err)
	defer store.Close()
	clitest.LoadFile(t, store, bookFile)
	for _, q := range [][]string{
		{"options", "-tenant", "contoso", "-product", "M365-E3", "-key-seats", "25", "-on", "2026-12-01"},
		{"need-end", "-tenant", "contoso", "-product", "M365-E3", "-on", "2026-12-01", "-reach", "2028-01-01"},
		{"renewal", "-tenant", "contoso", "-product", "M365-E3", "-on", "2026-12-01", "-json"},
		{"options", "-tenant", "nobody", "-product", "M365-E3", "-key-seats", "25"},
	} {
		fileOut, _, fileErr := whatif(t, append(append([]string{}, q...), "-book", bookFile)...)
		dbOut, dbErrOut, dbErr := whatif(t, append(append([]string{}, q...), "-db", url)...)
		assert.Equal(t, cli.ExitCode(fileErr), cli.ExitCode(dbErr), "%v: %s", q, dbErrOut)
		assert.Equal(t, fileOut, dbOut, "%v", q)
	}
	for name, args := range map[string][]string{
		"and -book":  {"options", "-db", url, "-book", bookFile, "-tenant", "contoso", "-product", "M365-E3", "-key-seats", "5"},
		"and -seats": {"options", "-db", url, "-seats", "5", "-tenant", "contoso", "-product", "M365-E3", "-key-seats", "5"},
		"no -tenant": {"options", "-db", url, "-product", "M365-E3", "-key-seats", "5"},
	} {
		_, stderr, err := whatif(t, args...)
		assert.Equal(t, cli.ExitUsage, cli.ExitCode(err), name)
		assert.Contains(t, stderr, "-", name)
	}
	_, _, err = whatif(t, "options", "-db", "host=/nonexistent user=x", "-tenant", "contoso", "-product", "M365-E3", "-key-seats", "5")
	assert.Equal(t, cli.ExitUnreadable, cli.ExitCode(err))
}
