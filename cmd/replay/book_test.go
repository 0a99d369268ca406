package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/cmd/internal/clitest"
)

const (
	bookSample  = "testdata/book.csv"
	excelSample = "testdata/excel.csv"
)

func replayArgs(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errw bytes.Buffer
	err = runWith(args, strings.NewReader(stdin), &out, &errw)
	return out.String(), errw.String(), err
}

// TestBookSample: the 7-column sample with import rows, an identical
// duplicate, a row out of date order, a key in the tenant column and an end
// date on a redemption row.
func TestBookSample(t *testing.T) {
	out, stderr, err := replayArgs(t, "", bookSample)
	assert.Equal(t, 1, exitCode(err), "rows rejected: a negative answer")
	assert.Empty(t, stderr)
	for _, want := range []string{
		"line 2: imported 2026-01-15: contoso/M365-E3 100 seats until 2027-01-15, active",
		"line 3: applied 2026-03-01 add-seats key XXXXX-XXXXX-XXXXX-XXXXX-CB001: contoso/M365-E3 125 seats until 2027-01-24, active",
		"line 4: replayed 2026-03-01 add-seats key XXXXX-XXXXX-XXXXX-XXXXX-CB001: contoso/M365-E3 125 seats until 2027-01-24, active (an identical earlier row: counted once)",
		"line 6: REJECTED: date: 2026-02-01 is before this subscription's last row (line 5, 2026-06-01): the rows of a subscription must be in date order",
		"line 8: applied 2026-10-15 renew as activate key XXXXX-XXXXX-XXXXX-XXXXX-AV001: acme/emea/Visio 5 seats until 2027-10-15", // R7
		"line 9: REJECTED: tenant: could be read as a product key",
		"line 10: imported 2026-11-02: contoso/M365-E3 130 seats until 2027-09-01",
		"line 13: REJECTED: end: only import rows give an end date",
		"line 15: import unchanged 2027-02-02: northwind/Visio 10 seats until 2027-03-15",
		"summary: 14 rows, 5 applied, 1 replayed, 4 imported, 1 unchanged, 3 rejected; 4 subscriptions on 2027-02-02:",
		"  contoso/M365-E3: 130 seats until 2027-09-01, active",
	} {
		assert.Contains(t, out, want)
	}
	assert.Empty(t, clitest.Leaks(out, clitest.Keys(mustRead(t, bookSample))), "no key in clear")
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

// TestSpreadsheetFile: a byte order mark, CRLF line ends and quoted fields,
// as Excel saves a CSV file.
func TestSpreadsheetFile(t *testing.T) {
	in := "\ufeffdate,tenant,product,key,seats,operation\r\n" +
		"2026-03-01,\"contoso, ltd\",M365-E3,FAKE0-KEY00-NOT00-REAL0-SS001,100,activate\r\n" +
		"2026-04-01,\"contoso, ltd\",\"M365-E3\",FAKE0-KEY00-NOT00-REAL0-SS002,10,add-seats\r\n"
	out, stderr, err := replayArgs(t, in, "-")
	require.NoError(t, err, stderr)
	assert.Contains(t, out, "line 3: applied 2026-04-01 add-seats key XXXXX-XXXXX-XXXXX-XXXXX-SS002: contoso, ltd/M365-E3 110 seats")
	assert.Contains(t, out, "summary: 2 rows, 2 applied, 0 replayed, 0 imported, 0 unchanged, 0 rejected")
}

// TestOutOfOrder: an add dated before an extend of the same subscription no
// longer moves the end date back; other subscriptions keep their own order.
func TestOutOfOrder(t *testing.T) {
	in := "date,tenant,product,key,seats,operation\n" +
		"2026-01-01,contoso,M365,FAKE0-KEY00-NOT00-REAL0-OO001,100,activate\n" +
		"2026-06-01,contoso,M365,FAKE0-KEY00-NOT00-REAL0-OO002,100,extend\n" +
		"2026-01-01,contoso,M365,FAKE0-KEY00-NOT00-REAL0-OO003,100,add\n" +
		"2026-01-01,fabrikam,M365,FAKE0-KEY00-NOT00-REAL0-OO004,100,activate\n" +
		"2026-06-01,contoso,M365,FAKE0-KEY00-NOT00-REAL0-OO002,100,extend\n"
	out, _, err := replayArgs(t, in, "-")
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, out, "line 4: REJECTED: date: 2026-01-01 is before this subscription's last row (line 3, 2026-06-01)")
	assert.Contains(t, out, "line 5: applied 2026-01-01 activate")
	assert.Contains(t, out, "line 6: replayed 2026-06-01 extend-end", "an identical duplicate replays")
	assert.Contains(t, out, "contoso/M365: 100 seats until 2028-01-01")
}

// TestUnchangedImportIsLastRow: an import that changes nothing is still the
// subscription's last row; a later row dated before it is rejected, though
// the book recorded nothing on that day.
func TestUnchangedImportIsLastRow(t *testing.T) {
	in := "date,tenant,product,key,seats,operation,end\n" +
		"2026-01-01,contoso,M365,,10,import,2027-01-01\n" +
		"2026-06-01,contoso,M365,,10,import,2027-01-01\n" +
		"2026-03-01,contoso,M365,FAKE0-KEY00-NOT00-REAL0-UI001,5,add,\n"
	out, _, err := replayArgs(t, in, "-")
	assert.Equal(t, 1, exitCode(err), out)
	assert.Contains(t, out, "line 3: import unchanged 2026-06-01")
	assert.Contains(t, out, "line 4: REJECTED: date: 2026-03-01 is before this subscription's last row (line 3, 2026-06-01)")
	assert.Contains(t, out, "contoso/M365: 10 seats until 2027-01-01")
}

// TestFilePastedTwice: a file pasted twice after itself is harmless: every
// row of the second copy, imports included, is a replay counted once,
// though other rows of the subscription lie between the two copies.
func TestFilePastedTwice(t *testing.T) {
	rows := "2026-01-15,contoso,M365,,100,import,2027-01-15\n" +
		"2026-03-01,contoso,M365,FAKE0-KEY00-NOT00-REAL0-PT001,25,add,\n"
	out, _, err := replayArgs(t, "date,tenant,product,key,seats,operation,end\n"+rows+rows, "-")
	require.NoError(t, err, out)
	assert.Contains(t, out, "line 4: replayed 2026-01-15 import: contoso/M365 100 seats until 2027-01-15, active (an identical earlier row: counted once)")
	assert.Contains(t, out, "line 5: replayed 2026-03-01 add-seats key XXXXX-XXXXX-XXXXX-XXXXX-PT001")
	assert.Contains(t, out, "summary: 4 rows, 1 applied, 2 replayed, 1 imported")
	assert.Contains(t, out, "contoso/M365: 125 seats until 2027-01-24")
}

// TestImportRows: an import starts tracking a subscription and corrects it;
// a six-column file cannot import; an import row has no key.
func TestImportRows(t *testing.T) {
	in := "date,tenant,product,key,seats,operation,end\n" +
		"2026-01-01,contoso,M365,,100,import,2026-12-01\n" +
		"2026-02-01,contoso,M365,FAKE0-KEY00-NOT00-REAL0-IM001,100,extend,\n" +
		"2026-03-01,contoso,M365,,90,IMPORT,2027-12-01\n" +
		"2026-03-02,contoso,M365,FAKE0-KEY00-NOT00-REAL0-IM002,5,import,2027-12-01\n" +
		"2026-03-02,contoso,M365,,5,import,\n" +
		"2026-03-02,contoso,M365,,5,import,2027-02-30\n"
	out, _, err := replayArgs(t, in, "-")
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, out, "line 2: imported 2026-01-01: contoso/M365 100 seats until 2026-12-01")
	assert.Contains(t, out, "line 3: applied 2026-02-01 extend-end key XXXXX-XXXXX-XXXXX-XXXXX-IM001: contoso/M365 100 seats until 2027-12-01")
	assert.Contains(t, out, "line 4: imported 2026-03-01: contoso/M365 90 seats until 2027-12-01")
	assert.Contains(t, out, "line 5: REJECTED: key: an import row has no key")
	assert.Contains(t, out, "line 6: REJECTED: end: missing")
	assert.Contains(t, out, "line 7: REJECTED: end: 2027-02-30: February 2027 has 28 days")
	assert.NotContains(t, strings.ToUpper(out), "FAKE0")

	six := "date,tenant,product,key,seats,operation\n2026-01-01,contoso,M365,,100,import\n"
	out, _, _ = replayArgs(t, six, "-")
	assert.Contains(t, out, "line 2: REJECTED: import: needs the end date; add a 7th column end")
}

// TestBadNames: rows the book refuses as bad input are rejected with their
// line number; the field is never echoed, no control character gets out.
func TestBadNames(t *testing.T) {
	key := "FAKE0-KEY00-NOT00-REAL0-BN001"
	in := "date,tenant,product,key,seats,operation\n" +
		"2026-01-01,con\x07toso,M365,FAKE0-KEY00-NOT00-REAL0-BN002,1,activate\n" +
		"2026-01-01,contoso\u202e,M365,FAKE0-KEY00-NOT00-REAL0-BN003,1,activate\n" +
		"2026-01-01," + key + ",M365,FAKE0-KEY00-NOT00-REAL0-BN004,1,activate\n" +
		"2026-01-01,acme " + strings.ToLower(key) + ",M365,FAKE0-KEY00-NOT00-REAL0-BN005,1,activate\n" +
		"2026-01-01,contoso," + strings.Repeat("p", 300) + ",FAKE0-KEY00-NOT00-REAL0-BN006,1,activate\n" +
		"2026-01-01,contoso,M365," + strings.ReplaceAll(key, "-", "") + "X,1,activate\n" +
		key + ",contoso,M365,FAKE0-KEY00-NOT00-REAL0-BN007,1,activate\n" +
		"2026-01-01,contoso,M365,FAKE0-KEY00-NOT00-REAL0-BN008," + key + ",activate\n" +
		"2026-01-01,contoso,M365,FAKE0-KEY00-NOT00-REAL0-BN009,1," + key + "\n"
	out, _, err := replayArgs(t, in, "-")
	assert.Equal(t, 1, exitCode(err))
	for line, want := range map[int]string{
		2: "tenant: has the control, format or separator character", 3: "tenant: has the control, format or separator character",
		4: "tenant: could be read as a product key", 5: "tenant: could be read as a product key", 6: "product: has 300 bytes, want at most 256",
		7: "key: token: parse key", 8: "date: not a date YYYY-MM-DD", 9: "seats: not a whole number", 10: "operation: unknown",
	} {
		assert.Contains(t, out, "line "+strconv.Itoa(line)+": REJECTED: "+want)
	}
	assert.Empty(t, clitest.Leaks(out, clitest.Keys(in)), out)
	assert.NotContains(t, out, "\x07")
	assert.NotContains(t, out, "\u202e")
}

// TestExplain: -tenant -product prints every move with the key's last five
// characters and the explanation; an unknown subscription is a negative
// answer; -tenant without -product is bad usage that says so.
func TestExplain(t *testing.T) {
	clean := "date,tenant,product,key,seats,operation,end\n" +
		"2026-01-15,acme/emea,M365-E3,,100,import,2027-01-15\n" +
		"2026-03-01,acme/emea,M365-E3,FAKE0-KEY00-NOT00-REAL0-EX001,25,add-seats,\n" +
		"2026-06-01,acme/emea,M365-E3,FAKE0-KEY00-NOT00-REAL0-EX002,50,extend,\n" +
		"2026-06-01,acme,emea/M365-E3,FAKE0-KEY00-NOT00-REAL0-EX003,50,activate,\n"
	out, stderr, err := replayArgs(t, clean, "-tenant", "acme/emea", "-product", "M365-E3", "-")
	require.NoError(t, err, stderr)
	for _, want := range []string{
		"acme/emea/M365-E3: 3 records, oldest first",
		"#1 2026-01-15 import: none → 100 seats until 2027-01-15",
		"#2 2026-03-01 add-seats key …EX001: 100 seats until 2027-01-15 → 125 seats until 2027-01-24",
		"   Add licenses (R4): 100 seats × 320 days + 25 seats × 365 days = 41,125 seat-days",
		"#3 2026-06-01 extend-end key …EX002: 125 seats until 2027-01-24 → 125 seats until 2027-06-18",
		"   Extend end date (R5)",
		"On 2026-06-01 (the file's last day): 125 seats until 2027-06-18, active; expires 2027-06-18, disabled 2027-07-18, deleted 2027-10-16",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "EX003", "another subscription, though its names join to the same text")

	out, _, err = replayArgs(t, clean, "-tenant", "acme", "-product", "M365-E3", "-")
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, out, "acme/M365-E3: no such subscription in the file")

	_, stderr, err = replayArgs(t, clean, "-tenant", "acme/emea", "-")
	assert.Equal(t, 2, exitCode(err))
	assert.Equal(t, "replay: -product: missing: -tenant needs -product, the subscription's product\n", stderr)
	assert.NotContains(t, stderr, "\"product\"", "no product is invented")
}

// TestDue: the worklist from FROM to TO, both included, sorted by date.
func TestDue(t *testing.T) {
	out, stderr, err := replayArgs(t, "", "-due", "2027-03-15..2027-10-15", bookSample)
	assert.Equal(t, 1, exitCode(err), "the sample has rejected rows")
	assert.Equal(t, "replay: 3 rows rejected; run without -tenant and -due to see them\n", stderr)
	want := "Due from 2027-03-15 to 2027-10-15 (both included): 6 dates, by date\n" +
		"2027-03-15  northwind/Visio (10 seats) expires (grace begins, fully functional)\n" +
		"2027-04-14  northwind/Visio (10 seats) disabled (read-only)\n" +
		"2027-07-13  northwind/Visio (10 seats) deleted\n" +
		"2027-09-01  contoso/M365-E3 (130 seats) expires (grace begins, fully functional)\n" +
		"2027-10-01  contoso/M365-E3 (130 seats) disabled (read-only)\n" +
		"2027-10-15  acme/emea/Visio (5 seats) expires (grace begins, fully functional)\n"
	assert.Equal(t, want, out)

	// R22: under volume licensing the end date ends all service (90 days
	// Expired with none), and Disabled is read-only.
	out, _, _ = replayArgs(t, "", "-policy", "volume-licensing", "-due", "2027-03-15..2027-06-13", bookSample)
	assert.Contains(t, out, "2027-03-15  northwind/Visio (10 seats) expires (grace begins, no service)\n")
	assert.Contains(t, out, "2027-06-13  northwind/Visio (10 seats) disabled (read-only)\n")
	assert.NotContains(t, out, "fully functional")

	for _, bad := range []string{"2027-10-15..2027-03-15", "2027-02-30..2027-03-01", "2027-03", "FAKE0-KEY00-NOT00-REAL0-DU001"} {
		_, stderr, err := replayArgs(t, "", "-due", bad, bookSample)
		assert.Equal(t, 2, exitCode(err), bad)
		assert.Contains(t, stderr, "replay: -due: ", bad)
		assert.NotContains(t, stderr, "FAKE0")
	}
}

// TestSVG: -svg writes a well-formed picture of the subscription; it needs
// -tenant and -product.
func TestSVG(t *testing.T) {
	name := filepath.Join(t.TempDir(), "contoso.svg")
	_, _, err := replayArgs(t, "", "-tenant", "contoso", "-product", "M365-E3", "-svg", name, "-until", "2027-12-31", bookSample)
	assert.Equal(t, 1, exitCode(err))
	svg := mustRead(t, name)
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	assert.Contains(t, svg, "contoso / M365-E3: end date and seats over time")
	assert.Contains(t, svg, "program year ends 2027-12-31 (R13)")
	assert.Contains(t, svg, "125 seats, add-seats")

	_, stderr, err := replayArgs(t, "", "-svg", name, bookSample)
	assert.Equal(t, 2, exitCode(err))
	assert.Contains(t, stderr, "-svg: needs -tenant and -product")
	_, stderr, err = replayArgs(t, "", "-tenant", "contoso", "-product", "M365-E3", "-svg", filepath.Join(t.TempDir(), "no", "FAKE0-KEY00-NOT00-REAL0-SV001"), bookSample)
	assert.Equal(t, 3, exitCode(err))
	assert.Contains(t, stderr, "-svg: cannot create the file")
	assert.NotContains(t, stderr, "FAKE0")
}

// TestPlurals: one of a thing is singular, in every count the program
// prints.
func TestPlurals(t *testing.T) {
	in := "date,tenant,product,key,seats,operation\n" +
		"2026-01-01,contoso,M365,FAKE0-KEY00-NOT00-REAL0-PL001,1,activate\n"
	out, _, err := replayArgs(t, in, "-")
	require.NoError(t, err)
	assert.Contains(t, out, "contoso/M365 1 seat until 2027-01-01")
	assert.Contains(t, out, "summary: 1 row, 1 applied, 0 replayed, 0 imported, 0 unchanged, 0 rejected; 1 subscription on 2026-01-01:")
	assert.Contains(t, out, "  contoso/M365: 1 seat until 2027-01-01")
	out, _, err = replayArgs(t, in, "-tenant", "contoso", "-product", "M365", "-")
	require.NoError(t, err)
	assert.Contains(t, out, "contoso/M365: 1 record, oldest first")
	out, _, err = replayArgs(t, in, "-due", "2027-01-01..2027-01-01", "-")
	require.NoError(t, err)
	assert.Contains(t, out, "(both included): 1 date, by date")
	assert.Contains(t, out, "contoso/M365 (1 seat) expires")
}
