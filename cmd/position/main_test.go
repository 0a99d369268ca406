package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation/pgledger/pgtest"
	"github.com/coterm/coterm/cmd/internal/cli"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var (
	keep   = flag.String("keep", "", "write the large tests' organisation files and pictures to this directory, to look at")
	update = flag.Bool("update", false, "rewrite the golden files")
)

const (
	seed80   = "testdata/seed-80.json"
	seed81   = "testdata/seed-81.json"
	clearKey = "FAKE0-KEY00-NOT00-REAL0-PS001"
)

// position runs the program on args and returns its exit status, standard
// output and standard error.
func position(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return cli.ExitCode(err), out.String(), errOut.String()
}

// writeOrg writes an organisation file and returns its name.
func writeOrg(t testing.TB, name string, data []byte) string {
	t.Helper()
	dir := t.TempDir()
	if *keep != "" {
		dir = *keep
	}
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

// golden compares got with the golden file name (go test -update rewrites
// it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "go test ./position -update rewrites %s", path)
}

// TestSeed is the Office 365 IUR example (R14) as a program: 100 granted,
// 80 seats online and 20 licences on premises are within the grant (exit
// status 0); 81 + 20 are over by one, and the finding names both uses,
// either of which could be the one left short (exit status 1).
func TestSeed(t *testing.T) {
	code, out, errOut := position(t, "-org", seed80, "-at", "2026-08-01")
	assert.Equal(t, cli.ExitOK, code, errOut)
	assert.Contains(t, out, "Pool Office: 80 online + 20 on premises = 100 used of 100 granted; within the entitlement\n")
	assert.Contains(t, out, "\nWithin the entitlement: no finding.\n")
	assert.Empty(t, errOut)

	code, out, errOut = position(t, "-org", seed81, "-at", "2026-08-01")
	assert.Equal(t, cli.ExitNegative, code, errOut)
	assert.Contains(t, out, "Pool Office: 81 online + 20 on premises = 101 used of 100 granted; excess 1\n")
	assert.Contains(t, out, "\n1 finding:\n  R14 over-entitlement in pool Office: 101 used of 100 granted, 1 uncovered; "+
		"uses left short: online contoso O365-E3, on-premises Office Professional Plus + CALs at Munich; since 2026-07-03\n")
	assert.Empty(t, errOut, "findings are the answer, not an error")
	golden(t, "seed-81.txt", out)

	code, out, _ = position(t, "-org", seed81, "-at", "2026-08-01", "-json")
	assert.Equal(t, cli.ExitNegative, code)
	golden(t, "seed-81.out.json", out)
	var j jsonPosition
	require.NoError(t, json.Unmarshal([]byte(out), &j))
	assert.False(t, j.Within)
	require.Len(t, j.Pools, 1)
	assert.Equal(t, jsonTally{Granted: 100, Online: 81, OnPremises: 20, Max: 500}, j.Pools[0].World)
	assert.Equal(t, int64(1), j.Pools[0].Excess)
	require.Len(t, j.Findings, 1)
	f := j.Findings[0]
	assert.Equal(t, "R14", f.Rule)
	assert.Equal(t, "over-entitlement", f.Issue)
	assert.Equal(t, []int64{100, 101, 1}, []int64{f.Limit, f.Used, f.Excess})
	assert.Equal(t, []jsonRef{{Tenant: "contoso", Product: "O365-E3"}, {Location: "Munich", Licence: "Office Professional Plus + CALs"}}, f.Short)
	assert.Equal(t, "2026-07-03", f.Since)

	code, out, _ = position(t, "-org", seed80, "-at", "2026-08-01", "-json")
	assert.Equal(t, cli.ExitOK, code)
	require.NoError(t, json.Unmarshal([]byte(out), &j))
	assert.True(t, j.Within)
	assert.Empty(t, j.Findings)
	assert.Contains(t, out, `"findings": []`, "an empty list, not null")
}

// TestExitStatus: the exit statuses of the table, each with its one line
// on standard error, never echoing a value.
func TestExitStatus(t *testing.T) {
	badOrg := func(body string) string { return writeOrg(t, "bad.json", []byte(body)) }
	for _, c := range []struct {
		name string
		args []string
		code int
		want string // on standard error
	}{
		{"help", []string{"-h"}, cli.ExitOK, "usage: position -org ORG.json"},
		{"no -org", []string{"-at", "2026-08-01"}, cli.ExitUsage, "position: -org: missing: the organisation file (see -h)\n"},
		{"an argument", []string{"-org", seed80, "extra"}, cli.ExitUsage, "want no argument after the flags"},
		{"-book and -db", []string{"-org", seed80, "-book", "x.csv", "-db", "postgres://x"}, cli.ExitUsage, "-db: given with -book"},
		{"bad -at", []string{"-org", seed80, "-at", "2026-02-30"}, cli.ExitUsage, "-at: 2026-02-30: February 2026 has 28 days"},
		{"a key as -at", []string{"-org", seed80, "-at", clearKey}, cli.ExitUsage, "-at: not a date YYYY-MM-DD"},
		{"unknown policy", []string{"-org", seed80, "-policy", clearKey}, cli.ExitUsage, "-policy: unknown policy"},
		{"unknown flag", []string{"-org", seed80, "-key-" + clearKey}, cli.ExitUsage, "argument 3: unknown flag"},
		{"online states and a book", []string{"-org", seed80, "-book", "../replay/testdata/book.csv"}, cli.ExitUsage, "-org: the file has online states and a book is given"},
		{"no day", []string{"-org", badOrg(`{"locations":[{"name":"HQ","country":"DE"}]}`)}, cli.ExitUsage, "-at: missing, and the records name no day"},
		{"a missing file", []string{"-org", "testdata/" + clearKey + ".json"}, cli.ExitUnreadable, "-org: cannot read the file: no such file or directory"},
		{"a missing book", []string{"-org", badOrg(`{"locations":[{"name":"HQ","country":"DE"}]}`), "-book", clearKey}, cli.ExitUnreadable, "-book: cannot open the history file"},
		{"no database", []string{"-org", badOrg(`{"locations":[{"name":"HQ","country":"DE"}]}`), "-db", "host=/nonexistent user=x"}, cli.ExitUnreadable, "-db: "},
		{"not JSON", []string{"-org", badOrg(`{"locations": [` + clearKey)}, cli.ExitUnreadable, "-org: not valid JSON (byte 16)"},
		{"refused by the library", []string{"-org", badOrg(`{"locations":[{"name":"HQ","country":"DE"}],"pools":[{"name":"P","countryMax":1,"worldMax":1}],
			"grants":[{"location":"Paris","membership":{"program":"action-pack"},"year":"2026-07-01","pool":"P","kind":"core","quantity":1}]}`), "-at", "2026-08-01"},
			cli.ExitUnreadable, "position: -org: grants[0].location: no location of that name\n"},
		{"a maximum missing", []string{"-org", badOrg(`{"locations":[{"name":"HQ","country":"DE"}],"pools":[{"name":"P","worldMax":1}]}`), "-at", "2026-08-01"},
			cli.ExitUnreadable, "position: -org: pools[0].countryMax: outside 1 … 1000000000\n"},
		{"over by one", []string{"-org", seed81}, cli.ExitNegative, ""},
		{"within", []string{"-org", seed80}, cli.ExitOK, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := position(t, c.args...)
			assert.Equal(t, c.code, code, errOut)
			if c.want == "" {
				assert.Empty(t, errOut)
			} else if strings.HasSuffix(c.want, "\n") {
				assert.Equal(t, c.want, errOut)
			} else {
				assert.Contains(t, errOut, c.want)
			}
			for _, k := range []string{clearKey, strings.ToLower(clearKey), "PS001"} {
				assert.NotContains(t, out+errOut, k)
			}
			if code == cli.ExitUsage || code == cli.ExitUnreadable {
				assert.Empty(t, out, "no answer")
			}
		})
	}
}

// TestDefaultDay: without -at the position is on the latest day the
// records name (here the deployment's), whatever the clock says.
func TestDefaultDay(t *testing.T) {
	_, out, _ := position(t, "-org", seed81)
	assert.True(t, strings.HasPrefix(out, "Position on 2026-07-03 (policy partner-center)\n"), out)
	_, out, _ = position(t, "-org", seed81, "-json")
	assert.Contains(t, out, `"at": "2026-07-03"`)
}

// TestSVG: -svg writes one page, the seed's over its program year, with the
// finding marked on the day it began; the text is printed as without it.
func TestSVG(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "seed.svg")
	code, out, errOut := position(t, "-org", seed81, "-at", "2026-08-01", "-svg", svg)
	assert.Equal(t, cli.ExitNegative, code, errOut)
	_, plain, _ := position(t, "-org", seed81, "-at", "2026-08-01")
	assert.Equal(t, plain, out)
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	s := string(b)
	for _, want := range []string{
		"<title>Munich: Licence position on 2026-08-01, over 2026-07-01 … 2027-06-30</title>",
		"Pool Office: 81 online + 20 on premises of 100 granted, excess 1 on 2026-08-01",
		"<title>R14 over-entitlement in pool Office: 101 used of 100 granted, 1 uncovered; uses left short: online contoso O365-E3, on-premises Office Professional Plus + CALs at Munich; since 2026-07-03</title>",
		">R14 over-entitlement since 2026-07-03<",
		"<title>excess 1: 2026-07-03 … 2027-06-30</title>",
	} {
		assert.Contains(t, s, want)
	}
	code, _, errOut = position(t, "-org", seed81, "-svg", filepath.Join(t.TempDir(), "no", "such", "dir.svg"))
	assert.Equal(t, cli.ExitUnreadable, code)
	assert.Contains(t, errOut, "-svg: cannot create the file")
}

// TestManyRecords: ten pools and 200 records, with names of every length
// the library allows, give a picture with a panel per pool.
func TestManyRecords(t *testing.T) {
	for _, nameLen := range []int{0, 256} {
		o := bigOrg(10, 200, nameLen)
		require.Equal(t, 200, o.records())
		org := writeOrg(t, "big-"+itoa(nameLen)+".json", o.json(t))
		svg := filepath.Join(filepath.Dir(org), "big-"+itoa(nameLen)+".svg")
		code, out, errOut := position(t, "-org", org, "-at", "2027-01-15", "-svg", svg)
		require.Contains(t, []int{cli.ExitOK, cli.ExitNegative}, code, errOut)
		assert.Contains(t, out, "Pool ")
		b, err := os.ReadFile(svg)
		require.NoError(t, err)
		assert.Equal(t, 10, bytes.Count(b, []byte("</title>Pool ")), "a panel per pool")
	}
}
