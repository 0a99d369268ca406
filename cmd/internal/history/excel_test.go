package history

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// load replays file and returns each row's result and the loader.
func load(t *testing.T, file string) ([]Result, *Loader) {
	t.Helper()
	rd, err := NewReader(strings.NewReader(file))
	require.NoError(t, err)
	ld := NewLoader(&activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()})
	var out []Result
	for {
		res, err := ld.Next(context.Background(), rd)
		if err == io.EOF {
			return out, ld
		}
		require.NoError(t, err)
		out = append(out, res)
	}
}

const head6 = "date,tenant,product,key,seats,operation\n"
const head7 = "date,tenant,product,key,seats,operation,end\n"

// TestEmptyRows: rows of empty fields, as Excel writes below the data, are
// skipped and counted apart, whatever their number of fields.
func TestEmptyRows(t *testing.T) {
	file := head7 + "2026-01-15,contoso,M365-E3,,100,import,2027-01-15\n" +
		",,,,,,\n" + " , ,,,,,\r\n" + ",,,,,,,,\n" + ",,,\n" + "\"\",,,,,,\n"
	res, ld := load(t, file)
	require.Len(t, res, 1)
	assert.Empty(t, res[0].Reject)
	assert.Equal(t, Counts{Rows: 1, Imported: 1, Empty: 5}, ld.Counts)
}

// TestSemicolons: a file Excel saved with ';' (European locales) is read
// from its header; a tab-separated one is refused saying so.
func TestSemicolons(t *testing.T) {
	file := "\ufeffdate;tenant;product;key;seats;operation;end\r\n" +
		"2026-01-15;contoso;M365-E3;;100;import;2027-01-15\r\n" +
		"2026-03-01;\"contoso\";M365-E3;FAKE0-KEY00-NOT00-REAL0-SC001;25;add-seats;\r\n" +
		";;;;;;\r\n"
	res, ld := load(t, file)
	require.Len(t, res, 2)
	for _, r := range res {
		assert.Empty(t, r.Reject, "line %d", r.Line)
	}
	assert.Equal(t, 125, ld.Find("contoso", "M365-E3").State.Seats)
	assert.Equal(t, 1, ld.Counts.Empty)

	for name, header := range map[string]string{
		"tab":           "date\ttenant\tproduct\tkey\tseats\toperation\n",
		"bad semicolon": "date;tenant;product;key;seat;operation\n",
	} {
		_, err := NewReader(strings.NewReader(header))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "the delimiter looks like", name)
	}
}

// TestSeatsSeparators: a number with thousands separators is refused with a
// hint, never read as 1000 or as 1.
func TestSeatsSeparators(t *testing.T) {
	for _, seats := range []string{`"1,000"`, "1.000", "1 000", "1\u00a0000", "1'000", `"12,345,678"`, "1,000"} {
		res, _ := load(t, head6+"2026-01-15,contoso,M365-E3,FAKE0-KEY00-NOT00-REAL0-SS001,"+seats+",activate\n")
		require.Len(t, res, 1)
		assert.Contains(t, res[0].Reject, "thousands separator", seats)
		assert.Contains(t, res[0].Reject, "1000 (in Excel", seats)
	}
	for _, seats := range []string{"1.5", "1,00", "0", "1e3"} {
		res, _ := load(t, head6+"2026-01-15,contoso,M365-E3,FAKE0-KEY00-NOT00-REAL0-SS001,\""+seats+"\",activate\n")
		assert.Contains(t, res[0].Reject, "seats: not a whole number", seats)
	}
}

// TestLocalDates: a date in a local format is refused with the form wanted
// and how to get it from Excel; never guessed.
func TestLocalDates(t *testing.T) {
	for _, d := range []string{"1/10/2026", "10.01.2026", "2026/1/10", "1-10-2026", "46032"} {
		res, _ := load(t, head7+d+",contoso,M365-E3,,100,import,2027-01-15\n"+"2026-01-15,contoso,M365-E3,,100,import,"+d+"\n")
		require.Len(t, res, 2)
		assert.Contains(t, res[0].Reject, "date: not a date YYYY-MM-DD", d)
		assert.Contains(t, res[0].Reject, "Format Cells › Custom, type yyyy-mm-dd", d)
		assert.Contains(t, res[1].Reject, "end: not a date YYYY-MM-DD", d)
		assert.Contains(t, res[1].Reject, "yyyy-mm-dd", d)
	}
	res, _ := load(t, head6+"FAKE0-KEY00-NOT00-REAL0-SS001,contoso,M365-E3,FAKE0-KEY00-NOT00-REAL0-SS001,1,activate\n")
	assert.Equal(t, "date: not a date YYYY-MM-DD", res[0].Reject)
	res, _ = load(t, head6+"2027-02-30,contoso,M365-E3,FAKE0-KEY00-NOT00-REAL0-SS001,1,activate\n")
	assert.Equal(t, "date: 2027-02-30: February 2027 has 28 days", res[0].Reject)
}

// TestSpentBy: a key already redeemed (R2) names the line that spent it.
func TestSpentBy(t *testing.T) {
	res, _ := load(t, head7+"2026-01-15,contoso,M365-E3,,100,import,2027-01-15\n"+
		"2026-02-01,contoso,M365-E3,FAKE0-KEY00-NOT00-REAL0-SP001,25,add-seats,\n"+
		"2026-02-01,fabrikam,M365-E3,,10,import,2027-01-15\n"+
		"2026-02-02,fabrikam,M365-E3,FAKE0-KEY00-NOT00-REAL0-SP001,25,add-seats,\n")
	require.Len(t, res, 4)
	assert.Contains(t, res[3].Reject, "key already redeemed")
	assert.Contains(t, res[3].Reject, "(line 3 of the file spent it)")
}

// TestRejectsConcern: each rejected row names its subscription when it can.
func TestRejectsConcern(t *testing.T) {
	_, ld := load(t, head6+"2026-01-15,contoso,M365-E3,FAKE0-KEY00-NOT00-REAL0-RC001,10,add-seats\n"+
		"2026-01-15,fabrikam,Visio,nokey,10,activate\n"+
		"2026-01-15,\"bad\"quote,Visio,nokey,10,activate\n")
	rj := ld.Rejects()
	require.Len(t, rj, 3)
	assert.True(t, rj[0].Refused)
	assert.True(t, rj[0].Concerns("contoso", "M365-E3"))
	assert.False(t, rj[0].Concerns("contoso", "Visio"))
	assert.False(t, rj[1].Refused)
	assert.True(t, rj[1].Concerns("fabrikam", "Visio"))
	assert.True(t, rj[2].Concerns("anyone", "anything"))
}

// TestNamesByteForByte: a tenant with a stray space is another tenant,
// kept as written, not trimmed into the one without it.
func TestNamesByteForByte(t *testing.T) {
	file := head7 + "2026-01-15,contoso,M365-E3,,100,import,2027-01-15\n" +
		"2026-01-15,contoso ,M365-E3,,7,import,2027-01-15\n"
	res, _ := load(t, file)
	require.Len(t, res, 2)
	assert.Equal(t, "contoso", res[0].Row.Tenant)
	assert.Equal(t, "contoso ", res[1].Row.Tenant, "the stray space was trimmed")
	assert.Equal(t, 7, res[1].Outcome.After.Seats, "the second row changed the first tenant")
}
