package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/activation/pgledger/pgtest"
	"github.com/coterm/coterm/cmd/internal/cli"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// bookdb runs the program and returns its exit status and outputs.
func bookdb(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return cli.ExitCode(err), out.String(), errOut.String()
}

// table returns every row of coterm_records at url as text, in id order.
func table(t *testing.T, url string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT (r.*)::text FROM coterm_records r ORDER BY id`)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return got
}

// The keys of the history file, in the spellings it has them.
var fileKeys = []string{"FAKE0-KEY00-NOT00-REAL0-CT001", "FAKE0KEY00NOT00REAL0CT004", "FAKE0-KEY00-NOT00-REAL0-FB001", "FAKE0-KEY00-NOT00-REAL0-CT002"}

func assertNoKey(t *testing.T, texts ...string) {
	t.Helper()
	for _, text := range texts {
		up := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(text))
		for _, k := range fileKeys {
			assert.NotContains(t, up, strings.ReplaceAll(k, "-", ""), "a key in clear")
		}
	}
}

const historyFile = "../replay/testdata/history.csv"

// TestLoadTwice: the file loaded twice changes nothing the second time;
// rows the file itself gets wrong are rejected with their lines, and the
// later rows of a subscription refused the second time replay.
func TestLoadTwice(t *testing.T) {
	url := pgtest.Shared(t).Schema(t)
	code, out, errOut := bookdb(t, "", "load", "-db", url, historyFile)
	assert.Equal(t, cli.ExitNegative, code, "%s%s", out, errOut)
	assert.Contains(t, out, "line 9: REJECTED: the key is spent by an earlier row of this load")
	assert.Contains(t, out, "line 10: REJECTED: date: ")
	assert.Contains(t, out, " 0 refused;")
	assert.Contains(t, out, "summary: 24 rows, ")
	first := table(t, url)
	require.NotEmpty(t, first)

	code, again, errOut := bookdb(t, "", "load", "-db", url, "-v", historyFile)
	assert.Equal(t, cli.ExitNegative, code, errOut)
	assert.Contains(t, again, " 0 applied, ")
	assert.Contains(t, again, " 0 imported, ")
	// The row whose key an earlier row spent now meets it in the database.
	assert.Contains(t, again, "line 9: REFUSED: the key is spent already")
	assert.Contains(t, again, "line 18: replayed")
	assert.Equal(t, first, table(t, url))
	assertNoKey(t, out, again, errOut, strings.Join(first, "\n"))
}

// TestLoadRefuses: a key the database has spent elsewhere is refused with
// its line, and so is the rest of its subscription; nothing of it is
// stored.
func TestLoadRefuses(t *testing.T) {
	url := pgtest.Shared(t).Schema(t)
	code, out, _ := bookdb(t, "date,tenant,product,key,seats,operation\n2026-03-01,contoso,M365-E3,FAKE0-KEY00-NOT00-REAL0-CT001,100,activate\n", "load", "-db", url, "-")
	require.Equal(t, cli.ExitOK, code, out)
	before := table(t, url)
	file := "date,tenant,product,key,seats,operation,end\n" +
		"2026-01-01,adatum,M365-E3,,10,import,2027-01-01\n" +
		"2026-04-01,adatum,M365-E3,fake0-key00-not00-real0-ct001,10,add-seats,\n" +
		"2026-05-01,adatum,M365-E3,FAKE0-KEY00-NOT00-REAL0-FB001,10,add-seats,\n" +
		"2026-05-01,other,M365-E3,FAKE0-KEY00-NOT00-REAL0-CT002,10,activate,\n"
	code, out, _ = bookdb(t, file, "load", "-db", url, "-")
	assert.Equal(t, cli.ExitNegative, code)
	assert.Contains(t, out, "line 3: REFUSED: the key is spent already")
	assert.Contains(t, out, "line 4: REFUSED: an earlier row of this subscription (line 3) was refused")
	assert.Contains(t, out, "1 applied, 0 replayed, 1 imported, 0 unchanged, 0 rejected, 2 refused")
	after := table(t, url)
	assert.Equal(t, before, after[:len(before)])
	assert.Len(t, after, len(before)+2)
	assertNoKey(t, out)
}

// TestExportLoadRecords: export, then load-records into another database,
// gives the same records; twice changes nothing.
func TestExportLoadRecords(t *testing.T) {
	srv := pgtest.Shared(t)
	src, dst := srv.Schema(t), srv.Schema(t)
	bookdb(t, "", "load", "-db", src, historyFile)
	code, exported, errOut := bookdb(t, "", "export", "-db", src)
	require.Equal(t, cli.ExitOK, code, errOut)
	assertNoKey(t, exported)
	file := filepath.Join(t.TempDir(), "records.jsonl")
	code, _, errOut = bookdb(t, "", "export", "-db", src, "-o", file)
	require.Equal(t, cli.ExitOK, code, errOut)
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, exported, string(b))

	code, out, errOut := bookdb(t, "", "load-records", "-db", dst, file)
	require.Equal(t, cli.ExitOK, code, errOut)
	n := strings.Count(exported, "\n")
	assert.Contains(t, out, strconv.Itoa(n)+" records stored, 0 held already")
	assert.Equal(t, recordBytes(t, src), recordBytes(t, dst))
	code, out, _ = bookdb(t, "", "load-records", "-db", dst, file)
	assert.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "0 records stored, "+strconv.Itoa(n)+" held already")

	// A record out of its chain: refused whole, with its line.
	lines := strings.SplitAfter(exported, "\n")
	code, _, errOut = bookdb(t, lines[1], "load-records", "-db", srv.Schema(t), "-")
	assert.Equal(t, cli.ExitUnreadable, code)
	assert.Contains(t, errOut, "line 1: Seq 2 does not follow")
}

func recordBytes(t *testing.T, url string) [][]byte {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT record FROM coterm_records ORDER BY id`)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	require.NoError(t, err)
	return got
}

// TestSchemaAndMigrate: schema prints what migrate applies; the printed
// script, run by hand, leaves nothing for migrate to do.
func TestSchemaAndMigrate(t *testing.T) {
	code, out, _ := bookdb(t, "", "schema")
	require.Equal(t, cli.ExitOK, code)
	want, err := pgledger.MigrationSQL(0)
	require.NoError(t, err)
	assert.Equal(t, want, out)
	code, _, errOut := bookdb(t, "", "schema", "-from", "9")
	assert.Equal(t, cli.ExitUsage, code, errOut)

	url := pgtest.Shared(t).Schema(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, out)
	require.NoError(t, err)
	conn.Close(ctx)
	code, out, errOut = bookdb(t, "", "migrate", "-db", url)
	assert.Equal(t, cli.ExitOK, code, errOut)
	assert.Equal(t, "schema version 5\n", out)
	code, _, errOut = bookdb(t, "", "load", "-db", url, historyFile)
	assert.Equal(t, cli.ExitNegative, code, errOut)
}

// TestUsage: bad usage is status 2, a database that cannot be reached 3;
// no message echoes what was typed.
func TestUsage(t *testing.T) {
	key := "FAKE0-KEY00-NOT00-REAL0-CT001"
	for name, args := range map[string][]string{
		"no command":      {},
		"unknown command": {key},
		"no -db":          {"load", historyFile},
		"two files":       {"load", "-db", "x", historyFile, key},
		"bad policy":      {"load", "-db", "x", "-policy", key, historyFile},
		"unknown flag":    {"export", "-key-" + key},
	} {
		code, out, errOut := bookdb(t, "", args...)
		assert.Equal(t, cli.ExitUsage, code, name)
		assertNoKey(t, out, errOut)
	}
	code, _, errOut := bookdb(t, "", "export", "-db", "host=/nonexistent-"+key+" user=x password="+key)
	assert.Equal(t, cli.ExitUnreadable, code)
	assertNoKey(t, errOut)
	code, _, errOut = bookdb(t, "", "load", "-db", "x", "/nonexistent/"+key)
	assert.Equal(t, cli.ExitUnreadable, code)
	assertNoKey(t, errOut)
}
