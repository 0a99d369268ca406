package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// excelFile is a file as European Excel saves it: ';', CRLF, a byte order
// mark, and empty rows below the data.
const excelFile = "\ufeffdate;tenant;product;key;seats;operation;end\r\n" +
	"2026-01-15;contoso;M365-E3;;100;import;2027-01-15\r\n" +
	"2026-03-01;contoso;M365-E3;FAKE0-KEY00-NOT00-REAL0-XL001;25;add-seats;\r\n" +
	"2026-04-01;fabrikam;Visio;;10;import;2026-09-01\r\n" +
	";;;;;;\r\n;;;;;;\r\n"

// TestExcelFile: a semicolon file with empty rows replays with exit status
// 0 and the summary counts the empty rows.
func TestExcelFile(t *testing.T) {
	out, stderr, err := replayArgs(t, excelFile, "-")
	require.NoError(t, err, stderr)
	assert.Contains(t, out, "summary: 3 rows, 1 applied, 0 replayed, 2 imported, 0 unchanged, 0 rejected; 2 empty rows skipped; 2 subscriptions on 2026-04-01:")
}

// oldRejects is excelFile with rejected rows of fabrikam and a malformed
// row of no known subscription.
const oldRejects = "date,tenant,product,key,seats,operation,end\n" +
	"2026-01-15,contoso,M365-E3,,100,import,2027-01-15\n" +
	"2026-03-01,contoso,M365-E3,FAKE0-KEY00-NOT00-REAL0-XL001,25,add-seats,\n" +
	"2026-04-01,fabrikam,Visio,,10,import,2026-09-01\n" +
	"2026-04-02,fabrikam,Visio,FAKE0-KEY00-NOT00-REAL0-XL001,5,add-seats,\n" + // R2: refused
	"2026-04-03,fabrikam,Visio,FAKE0-KEY00-NOT00-REAL0-XL002,5,renew,\n" // refused: active
const unread = "1/10/2026,fabrikam,Visio,FAKE0-KEY00-NOT00-REAL0-XL003,5,add-seats,\n"

// TestQueryWithOldRejects: a query whose answer no rejected row concerns
// answers with exit status 0 and a warning; -strict makes it 1.
func TestQueryWithOldRejects(t *testing.T) {
	out, stderr, err := replayArgs(t, oldRejects, "-tenant", "contoso", "-product", "M365-E3", "-")
	require.NoError(t, err)
	assert.Contains(t, out, "contoso/M365-E3: 2 records")
	assert.Equal(t, "replay: warning: 2 rows rejected, none of them about this answer; run without -tenant and -due to see them (-strict makes them an error)\n", stderr)

	_, stderr, err = replayArgs(t, oldRejects, "-strict", "-tenant", "contoso", "-product", "M365-E3", "-")
	assert.Equal(t, 1, exitCode(err))
	assert.Equal(t, "replay: 2 rows rejected; run without -tenant and -due to see them\n", stderr)

	_, _, err = replayArgs(t, oldRejects, "-tenant", "fabrikam", "-product", "Visio", "-")
	assert.Equal(t, 1, exitCode(err), "the rejected rows are fabrikam's")

	out, stderr, err = replayArgs(t, oldRejects, "-due", "2027-01-01..2027-02-01", "-")
	require.NoError(t, err, "refused rows of a subscription not in the worklist")
	assert.Contains(t, out, "contoso/M365-E3")
	assert.Contains(t, stderr, "warning: 2 rows rejected")
	_, _, err = replayArgs(t, oldRejects, "-due", "2026-09-01..2026-09-30", "-")
	assert.Equal(t, 1, exitCode(err), "fabrikam is in the worklist")
	_, _, err = replayArgs(t, oldRejects+unread, "-due", "2027-01-01..2027-02-01", "-")
	assert.Equal(t, 1, exitCode(err), "a row that could not be read might belong to the worklist")
	_, _, err = replayArgs(t, oldRejects+unread, "-tenant", "contoso", "-product", "M365-E3", "-")
	assert.NoError(t, err, "a row that names another subscription")
	_, _, err = replayArgs(t, oldRejects+"2026-05-01,\"x\"y,,,,,\n", "-tenant", "contoso", "-product", "M365-E3", "-")
	assert.Equal(t, 1, exitCode(err), "a row that names none")

	_, _, err = replayArgs(t, oldRejects, "-")
	assert.Equal(t, 1, exitCode(err), "without a query, rejected rows are the answer")
}

// TestDidYouMean: "no such subscription" names the closest tracked names.
func TestDidYouMean(t *testing.T) {
	out, _, err := replayArgs(t, excelFile, "-tenant", "contoso ", "-product", "M365-E3", "-")
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, out, `contoso /M365-E3: no such subscription in the file (tenants and products compare exactly, case included); did you mean -tenant "contoso" -product "M365-E3"?`)
	out, _, _ = replayArgs(t, excelFile, "-tenant", "northwind", "-product", "Project", "-")
	assert.NotContains(t, out, "did you mean")
}

// TestJSON: -json writes one object per row and one for the summary, with
// the documented field names, keys masked.
func TestJSON(t *testing.T) {
	out, _, err := replayArgs(t, oldRejects+"\n", "-json", "-")
	assert.Equal(t, 1, exitCode(err))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 6)
	var rows []map[string]any
	for _, l := range lines {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), l)
		rows = append(rows, m)
	}
	assert.Equal(t, map[string]any{"line": 2.0, "result": "imported", "date": "2026-01-15", "operation": "import",
		"tenant": "contoso", "product": "M365-E3", "seats": 100.0, "end": "2027-01-15", "state": "active"}, rows[0])
	assert.Equal(t, map[string]any{"line": 3.0, "result": "applied", "date": "2026-03-01", "operation": "add-seats", "appliedAs": "add-seats",
		"key": "XXXXX-XXXXX-XXXXX-XXXXX-XL001", "tenant": "contoso", "product": "M365-E3", "seats": 125.0, "end": "2027-01-24", "state": "active"}, rows[1])
	assert.Equal(t, "rejected", rows[3]["result"])
	assert.Contains(t, rows[3]["reason"], "key already redeemed: XXXXX-XXXXX-XXXXX-XXXXX-XL001 (line 3 of the file spent it)")
	sum := rows[5]["summary"].(map[string]any)
	assert.Equal(t, 5.0, sum["rows"])
	assert.Equal(t, 2.0, sum["rejected"])
	assert.Equal(t, "2026-04-01", sum["on"], "the last day of a row applied")
	assert.Len(t, sum["subscriptions"], 2)
	assert.NotContains(t, out, "FAKE0")

	out, _, _ = replayArgs(t, oldRejects, "-json", "-q", "-")
	assert.Equal(t, 3, strings.Count(out, "\n"), "-q: the two rejected rows and the summary")
	assert.Equal(t, 2, strings.Count(out, `"result":"rejected"`))

	_, stderr, err := replayArgs(t, oldRejects, "-json", "-due", "2027-01-01..2027-02-01", "-")
	assert.Equal(t, 2, exitCode(err))
	assert.Contains(t, stderr, "-json: only without -tenant and -due")
}

// TestOn: -on gives the summary and -tenant's state on that day.
func TestOn(t *testing.T) {
	out, _, err := replayArgs(t, excelFile, "-on", "2026-02-01", "-")
	require.NoError(t, err)
	assert.Contains(t, out, "2 subscriptions on 2026-02-01:\n  contoso/M365-E3: 100 seats until 2027-01-15, active\n  fabrikam/Visio: none yet (its first row is later)\n")
	out, _, err = replayArgs(t, excelFile, "-on", "2026-12-01", "-tenant", "contoso", "-product", "M365-E3", "-")
	require.NoError(t, err)
	assert.Contains(t, out, "On 2026-12-01 (-on): 125 seats until 2027-01-24, active; expires 2027-01-24")
	for _, args := range [][]string{{"-on", "2026-02-30", "-"}, {"-on", "2026-01-01", "-due", "2026-01-01..2026-02-01", "-"}} {
		_, _, err = replayArgs(t, excelFile, args...)
		assert.Equal(t, 2, exitCode(err), "%v", args)
	}
}

// TestProgress: the progress line is shown on a character device only,
// never in a pipe, a file or a buffer, and only past 100,000 rows.
func TestProgress(t *testing.T) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer devnull.Close()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	file, err := os.Create(t.TempDir() + "/out")
	require.NoError(t, err)
	defer file.Close()
	var buf strings.Builder

	assert.NotNil(t, newProgress(&buf, devnull, true), "a terminal for stderr, stdout elsewhere")
	assert.NotNil(t, newProgress(devnull, devnull, false), "nothing else on the terminal")
	assert.Nil(t, newProgress(devnull, devnull, true), "rows on the same terminal")
	assert.Nil(t, newProgress(&buf, w, false), "a pipe")
	assert.Nil(t, newProgress(&buf, file, false), "a file")
	assert.Nil(t, newProgress(&buf, &buf, false), "a buffer")

	p := &progress{w: &buf}
	for n := 1; n < progressEvery; n++ {
		p.rows(n)
	}
	p.done()
	assert.Empty(t, buf.String(), "a file of 100,000 rows or fewer shows none")
	p.rows(progressEvery)
	p.rows(2 * progressEvery)
	p.done()
	assert.Equal(t, "\rreplay: 100,000 rows read…\rreplay: 200,000 rows read…\r"+strings.Repeat(" ", 40)+"\r", buf.String())
	var nilp *progress
	nilp.rows(progressEvery)
	nilp.done()
}
