package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	bookFile  = "../replay/testdata/book.csv"
	excelBook = "../replay/testdata/excel.csv"
)

func bookArgs(extra ...string) []string {
	return append([]string{"-book", bookFile, "-tenant", "contoso", "-product", "M365-E3"}, extra...)
}

// TestBook: -book starts from the subscription's state in the book on -on:
// its records up to that day; none before the first.
func TestBook(t *testing.T) {
	stdout, stderr, err := whatif(t, bookArgs("-on", "2026-12-01", "-key-seats", "25")...)
	require.NoError(t, err, "a question answered")
	assert.Equal(t, "whatif: the book has 3 rejected rows; replay it to see them\n", stderr)
	for _, want := range []string{
		"Subscription: 130 seats of contoso/M365-E3, end date 2027-09-01; state on 2026-12-01: active",
		"From the book: 4 records on or before 2026-12-01, the last #4 2026-11-02 import\n",
		"add-seats 155 2027-09-16 +15 44,745 → 44,795",
	} {
		assert.Contains(t, stdout, want)
	}

	stdout, _, err = whatif(t, bookArgs("-on", "2026-04-01", "-key-seats", "25")...)
	require.NoError(t, err)
	assert.Contains(t, stdout, "Subscription: 125 seats of contoso/M365-E3, end date 2027-01-24; state on 2026-04-01: active")
	assert.Contains(t, stdout, "the last #2 2026-03-01 add-seats; 2 later records not used")

	stdout, _, err = whatif(t, bookArgs("-on", "2025-12-01", "-key-seats", "25")...)
	require.NoError(t, err)
	assert.Contains(t, stdout, "Subscription: none yet (contoso/M365-E3)")
	assert.Contains(t, stdout, "From the book: no record on or before 2025-12-01; 4 later records not used")

	// A tenant with "/" is named by -tenant alone: no combined form.
	stdout, _, err = whatif(t, "-book", bookFile, "-tenant", "acme/emea", "-product", "Visio", "-on", "2027-01-01", "-key-seats", "5")
	require.NoError(t, err)
	assert.Contains(t, stdout, "Subscription: 5 seats of acme/emea/Visio, end date 2027-10-15")

	js, _, err := whatif(t, bookArgs("-on", "2026-12-01", "-key-seats", "25", "-json")...)
	require.NoError(t, err)
	var got struct {
		Book struct {
			Tenant  string `json:"tenant"`
			Records int    `json:"records"`
		} `json:"book"`
		Subscription struct {
			Tenant string `json:"tenant"`
			Seats  int    `json:"seats"`
		} `json:"subscription"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &got), js)
	assert.Equal(t, "contoso", got.Book.Tenant)
	assert.Equal(t, 4, got.Book.Records)
	assert.Equal(t, 130, got.Subscription.Seats)
}

func TestBookErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		code int
		flag string
	}{
		"no -tenant":           {[]string{"-book", bookFile, "-product", "M365-E3", "-key-seats", "5"}, 2, "-tenant"},
		"no -product":          {[]string{"-book", bookFile, "-tenant", "contoso", "-key-seats", "5"}, 2, "-product"},
		"with -seats":          {bookArgs("-seats", "5", "-key-seats", "5"), 2, "-book"},
		"unknown subscription": {[]string{"-book", bookFile, "-tenant", "Contoso", "-product", "M365-E3", "-key-seats", "5"}, 1, "-tenant"},
		"tenant with a space":  {[]string{"-book", bookFile, "-tenant", "contoso ", "-product", "M365-E3", "-key-seats", "5"}, 1, "-tenant"},
		"product with a space": {[]string{"-book", bookFile, "-tenant", "contoso", "-product", " M365-E3", "-key-seats", "5"}, 1, "-tenant"},
		"-tenant without book": {base("-tenant", "contoso"), 2, "-tenant"},
		"missing file":         {[]string{"-book", "testdata/FAKE0-KEY00-NOT00-REAL0-BK001", "-tenant", "t", "-product", "p", "-key-seats", "5"}, 3, "-book"},
		"bad header":           {[]string{"-book", "main.go", "-tenant", "t", "-product", "p", "-key-seats", "5"}, 3, "-book"},
		"key as tenant":        {[]string{"-book", bookFile, "-tenant", "FAKE0-KEY00-NOT00-REAL0-BK002", "-product", "M365-E3", "-key-seats", "5"}, 2, "-tenant"},
	} {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, err := whatif(t, tc.args...)
			assert.Equal(t, tc.code, exitCode(err))
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tc.flag)
			assert.NotContains(t, stderr, "FAKE0")
		})
	}
}

// TestNeedEnd: the smallest key that reaches a date, both ways (R4, R5, R6).
func TestNeedEnd(t *testing.T) {
	args := []string{"-seats", "100", "-end", "2027-03-01", "-product", "M365-E3", "-on", "2026-12-01"}
	stdout, _, err := whatif(t, append(args, "-need-end", "2029-06-01")...)
	require.NoError(t, err)
	assert.Contains(t, stdout, "Extend end date (R5, R6): the smallest key is 225 seats, and the cap allows it (keys up to 300 seats).")
	assert.Contains(t, stdout, "2027-03-01 + 27 months = new end date 2029-06-01")
	assert.Contains(t, stdout, "Add licenses (R4): no key reaches it: adding moves the end date towards 2027-12-01 and never past it.")

	stdout, _, err = whatif(t, append(args, "-need-end", "2027-06-01")...)
	require.NoError(t, err)
	assert.Contains(t, stdout, "Add licenses (R4): keys of ")
	assert.Contains(t, stdout, "the smallest is ")

	// Beyond the cap and beyond add's limit: a negative answer.
	stdout, _, err = whatif(t, append(args, "-need-end", "2031-01-01")...)
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, stdout, "but the cap (R6) allows at most 300 seats, which reach 2030-03-01.")

	stdout, _, err = whatif(t, append(args, "-need-end", "2027-01-01")...)
	require.NoError(t, err)
	assert.Contains(t, stdout, "already on or after it: no key is needed")

	// Disabled: extend and add are refused, with their reason.
	stdout, _, err = whatif(t, "-seats", "100", "-end", "2027-03-01", "-product", "M365-E3", "-on", "2027-05-01", "-need-end", "2028-01-01")
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, stdout, "Extend end date (R5, R6): refused: not allowed: subscription disabled since 2027-03-31.")

	js, _, err := whatif(t, append(args, "-need-end", "2029-06-01", "-json")...)
	require.NoError(t, err)
	var got struct {
		NeedEnd struct {
			ExtendSeats   int  `json:"extendSeats"`
			ExtendAllowed bool `json:"extendAllowed"`
			MaxKeySeats   int  `json:"maxKeySeats"`
		} `json:"needEnd"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &got), js)
	assert.Equal(t, 225, got.NeedEnd.ExtendSeats)
	assert.True(t, got.NeedEnd.ExtendAllowed)
	assert.Equal(t, 300, got.NeedEnd.MaxKeySeats)
}

// TestRenewal: the loss-free renewal days (R8, R9).
func TestRenewal(t *testing.T) {
	stdout, _, err := whatif(t, "-seats", "100", "-end", "2027-03-01", "-product", "M365-E3", "-on", "2026-12-01", "-renewal", "-policy", "open2014")
	require.NoError(t, err)
	assert.Contains(t, stdout, "renew is allowed from 2027-01-30.")
	assert.Contains(t, stdout, "No days lost from 2027-03-01 (new end 2028-03-01) to 2027-03-30 (new end 2028-03-01).")
	assert.Contains(t, stdout, "Renewing on 2027-01-30 instead loses 30 days.")
	_, stderr, err := whatif(t, "-seats", "0", "-product", "M365-E3", "-renewal")
	assert.Equal(t, 2, exitCode(err))
	assert.Contains(t, stderr, "-renewal")
}

func TestOneQuestion(t *testing.T) {
	assertUsageError(t, base("-renewal"), "exactly one question")
	assertUsageError(t, base("-need-end", "2028-01-01"), "exactly one question")
	assertUsageError(t, []string{"-seats", "100", "-end", "2027-03-01", "-key-seats", "25"}, "-product")
	assertUsageError(t, base("-svg", "x.svg"), "-svg")
}

// TestImpossibleDate: an impossible date says why.
func TestImpossibleDate(t *testing.T) {
	_, stderr, err := whatif(t, base("-end", "2027-02-30")...)
	assert.Equal(t, 2, exitCode(err))
	assert.Equal(t, "whatif: -end: 2027-02-30: February 2027 has 28 days\n", stderr)
	_, stderr, _ = whatif(t, base("-on", "2026-13-01")...)
	assert.Equal(t, "whatif: -on: 2026-13-01: there is no month 13, want 01 … 12\n", stderr)
}

// TestTable: refusals are one short reason each in the table; the days
// column says what it counts.
func TestTable(t *testing.T) {
	stdout, _, err := whatif(t, base("-key-seats", "301", "-on", "2026-12-01")...)
	require.NoError(t, err)
	assert.Contains(t, stdout, "OPTION SEATS NEW END END MOVES (DAYS) SEAT-DAYS BEFORE → AFTER")
	assert.Contains(t, stdout, "extend-end refused: over the cap (R6): at most 300 seats\n")
	assert.Contains(t, stdout, "renew refused: not while active; from 2027-03-01\n")
	for _, l := range strings.Split(stdout, "\n") {
		assert.NotContains(t, l, "activation: ", "no raw error chain: %s", l)
	}
}

// TestSVG: with -book the subscription's history, with -keys the trade-off;
// both well-formed.
func TestSVG(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "history.svg")
	_, _, err := whatif(t, bookArgs("-on", "2027-01-01", "-key-seats", "25", "-svg", hist, "-until", "2027-12-31")...)
	require.NoError(t, err)
	svg := readSVG(t, hist)
	assert.Contains(t, svg, "contoso / M365-E3: end date and seats over time")
	assert.Contains(t, svg, "130 seats, import")

	front := filepath.Join(dir, "front.svg")
	_, _, err = whatif(t, planArgs("-until", "2028-03-01", "-svg", front)...)
	require.NoError(t, err)
	svg = readSVG(t, front)
	assert.Contains(t, svg, "chosen: 175 seats until 2028-03-15")
	assert.Contains(t, svg, "program year ends 2028-03-01 (R13)")
	assert.Equal(t, 9, strings.Count(svg, "</circle>"), "the nine plans of the front")
	assert.Contains(t, svg, "today: 100 seats until 2027-03-01")
}

func readSVG(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	d := xml.NewDecoder(strings.NewReader(string(b)))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "well-formed XML")
	}
	return string(b)
}

// TestJSONCamelCase: one JSON style, camelCase as the library's Outcome:
// no key of any answer has an underscore.
func TestJSONCamelCase(t *testing.T) {
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				assert.NotContains(t, k, "_", "key %q", k)
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	for _, args := range [][]string{
		base("-json", "-key-seats", "301"),
		planArgs("-until", "2028-03-01", "-json"),
		planArgs("-goal", "trade-off", "-until", "2028-03-01", "-json"),
		bookArgs("-on", "2026-12-01", "-need-end", "2028-06-01", "-json"),
		bookArgs("-on", "2026-12-01", "-renewal", "-json"),
	} {
		stdout, _, err := whatif(t, args...)
		require.NoError(t, err, args)
		var v any
		require.NoError(t, json.Unmarshal([]byte(stdout), &v), stdout)
		walk(v)
	}
}

// TestTableColumns: a refused row between the header and an allowed row
// leaves the columns aligned under the header.
func TestTableColumns(t *testing.T) {
	var out, errw bytes.Buffer // not squashed: the columns are the point
	err := runAt([]string{"-book", bookFile, "-tenant", "contoso", "-product", "M365-E3", "-key-seats", "25", "-on", "2026-01-01"}, &out, &errw, fixedNow)
	require.NoError(t, err)
	stdout := out.String()
	var header, row string
	for _, l := range strings.Split(stdout, "\n") {
		switch {
		case strings.HasPrefix(l, "OPTION"):
			header = l
		case strings.HasPrefix(l, "activate "):
			row = l
		}
	}
	require.NotEmpty(t, header, stdout)
	require.NotEmpty(t, row, stdout)
	for col, cell := range map[string]string{"SEATS": "25", "NEW END": "2027-01-01", "END MOVES": "+365", "SEAT-DAYS": "9,125"} {
		assert.Equal(t, strings.Index(header, col), strings.Index(row, cell), "%s under %s:\n%s\n%s", cell, col, header, row)
	}
}
