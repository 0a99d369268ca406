package history

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// csvField writes f, quoted when it must be (or when quote is set).
func csvField(b *strings.Builder, f string, comma byte, quote bool) {
	if quote || strings.ContainsAny(f, "\"\r\n"+string(comma)) || strings.TrimLeft(f, " \t") != f {
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(f, `"`, `""`))
		b.WriteByte('"')
		return
	}
	b.WriteString(f)
}

// TestReaderRowsKeepTheirValues reads generated files (',' or ';',
// BOM, CRLF, quoted fields over lines, long lines, blank rows, rows of
// the wrong field count, bad rows) with a Reader, keeps every Row and
// Rejected, and only after the last one compares each with what
// encoding/csv reads: the tenant and product of every row (and of every
// rejected row that has them) are the file's, whatever was read after
// them.
func TestReaderRowsKeepTheirValues(t *testing.T) {
	long := strings.Repeat("L", 70_000)
	names := []string{"contoso", "fabrikam", "Contoso ", "", "a,b", "a;b", "q\"q", "multi\nline", "crlf\r\nline", long, " lead", "é", "O365-E3"}
	rapid.Check(t, func(t *rapid.T) {
		comma := rapid.SampledFrom([]byte{',', ';'}).Draw(t, "comma")
		seven := rapid.Bool().Draw(t, "seven")
		nl := rapid.SampledFrom([]string{"\n", "\r\n"}).Draw(t, "newline")
		var b strings.Builder
		if rapid.Bool().Draw(t, "bom") {
			b.WriteString("\ufeff")
		}
		hdr := append([]string(nil), Header...)
		if seven {
			hdr = append(hdr, End)
		}
		b.WriteString(strings.Join(hdr, string(comma)) + nl)
		body := b.Len()
		for i := range rapid.IntRange(0, 30).Draw(t, "rows") {
			switch rapid.IntRange(0, 9).Draw(t, "row kind") {
			case 0:
				b.WriteString(strings.Repeat(string(comma), len(hdr)-1) + nl) // blank
				continue
			case 1:
				b.WriteString(nl) // empty line
				continue
			}
			fields := []string{
				rapid.SampledFrom([]string{"2027-01-05", "2027-02-30", "1/10/2026", "x"}).Draw(t, "date"),
				rapid.SampledFrom(names).Draw(t, "tenant"),
				rapid.SampledFrom(names).Draw(t, "product"),
				rapid.SampledFrom([]string{fmt.Sprintf("REVWX-TESTS-AAAAA-BBBBB-%05d", i), "", "bad"}).Draw(t, "key"),
				rapid.SampledFrom([]string{"1", " 7 ", "1,000", "0", "x"}).Draw(t, "seats"),
				rapid.SampledFrom([]string{"add-seats", "import", "replace", "renew", "nope"}).Draw(t, "op"),
			}
			if seven {
				fields = append(fields, rapid.SampledFrom([]string{"", "2028-01-01", "REVWX-TESTS-AAAAA-BBBBB-99999"}).Draw(t, "end"))
			}
			n := len(fields) + rapid.IntRange(-1, 1).Draw(t, "extra")
			for len(fields) < n {
				fields = append(fields, "z")
			}
			fields = fields[:n]
			for k, f := range fields {
				if k > 0 {
					b.WriteByte(comma)
				}
				if f == "1,000" && comma == ',' && rapid.Bool().Draw(t, "split seats") {
					b.WriteString(f)
					continue
				}
				csvField(&b, f, comma, rapid.IntRange(0, 5).Draw(t, "quote") == 0)
			}
			if rapid.IntRange(0, 15).Draw(t, "bad quote") == 0 {
				b.WriteString(`x"y`)
			}
			b.WriteString(nl)
		}
		in := b.String()

		type got struct {
			row Row
			rj  *Rejected
		}
		r, err := NewReader(strings.NewReader(in))
		require.NoError(t, err)
		var gots []got
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			var rj *Rejected
			if err != nil {
				require.True(t, errors.As(err, &rj), "%v", err)
			}
			gots = append(gots, got{row, rj})
		}

		ref := csv.NewReader(strings.NewReader(in[body:]))
		ref.Comma, ref.FieldsPerRecord, ref.TrimLeadingSpace = rune(comma), len(hdr), true
		k := 0
		for {
			rec, err := ref.Read()
			if err == io.EOF {
				break
			}
			if (err == nil || errors.Is(err, csv.ErrFieldCount)) && blankStrings(rec) {
				continue
			}
			require.Less(t, k, len(gots), "%q: fewer rows read than encoding/csv reads", in)
			g := gots[k]
			k++
			var pe *csv.ParseError
			switch {
			case err == nil && g.rj == nil:
				line, _ := ref.FieldPos(0)
				require.Equal(t, line+1, g.row.Line)
				require.Equal(t, rec[1], g.row.Tenant, "row at line %d: tenant", g.row.Line)
				require.Equal(t, rec[2], g.row.Product, "row at line %d: product", g.row.Line)
			case err == nil:
				line, _ := ref.FieldPos(0)
				require.Equal(t, line+1, g.rj.Line, g.rj.Reason)
				require.True(t, g.rj.Named)
				require.Equal(t, rec[1], g.rj.Tenant, "rejected at line %d: tenant", g.rj.Line)
				require.Equal(t, rec[2], g.rj.Product, "rejected at line %d: product", g.rj.Line)
			case errors.As(err, &pe):
				require.NotNil(t, g.rj, "%q: csv error %v, got a row", in, err)
				require.Equal(t, pe.StartLine+1, g.rj.Line)
				if errors.Is(err, csv.ErrFieldCount) && len(rec) >= 3 {
					require.True(t, g.rj.Named)
					require.Equal(t, rec[1], g.rj.Tenant)
					require.Equal(t, rec[2], g.rj.Product)
				} else {
					require.False(t, g.rj.Named)
				}
			default:
				t.Fatalf("%v", err)
			}
		}
		require.Equal(t, k, len(gots), "%q: more rows read than encoding/csv reads", in)
	})
}

func blankStrings(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// TestRowReaderMatchesCSVSemicolon is the comparison with
// encoding/csv for a ';' file, read after a header line as Reader reads it.
func TestRowReaderMatchesCSVSemicolon(t *testing.T) {
	alphabet := []rune{'a', ';', ';', ',', ' ', '"', '\r', '\n', '\n', '\t', '\u00a0', 'é'}
	rapid.Check(t, func(t *rapid.T) {
		in := string(rapid.SliceOfN(rapid.SampledFrom(alphabet), 0, 80).Draw(t, "input"))
		fields := rapid.IntRange(1, 4).Draw(t, "fields")
		ref := csv.NewReader(strings.NewReader(in))
		ref.Comma, ref.ReuseRecord, ref.FieldsPerRecord, ref.TrimLeadingSpace = ';', true, fields, true
		rr := newRowReader(strings.NewReader(in), fields)
		rr.setComma(';')
		for n := 1; ; n++ {
			want, wantErr := ref.Read()
			got, line, err := rr.readFields()
			if wantErr == io.EOF || err == io.EOF {
				require.Equal(t, wantErr, err, "%q: record %d", in, n)
				return
			}
			var wantPE, gotPE *csv.ParseError
			if wantErr != nil {
				require.True(t, errors.As(wantErr, &wantPE) && errors.As(err, &gotPE), "%q: %v, want %v", in, err, wantErr)
				require.Equal(t, *wantPE, *gotPE, "%q", in)
				require.Equal(t, wantPE.StartLine, line)
			} else {
				require.NoError(t, err, "%q", in)
				wantLine, _ := ref.FieldPos(0)
				require.Equal(t, wantLine, line)
			}
			require.Equal(t, len(want), len(got), "%q: record %d", in, n)
			for k := range want {
				require.Equal(t, want[k], string(got[k]), "%q: record %d", in, n)
			}
		}
	})
}

// TestRowReaderBufferEdges compares with encoding/csv lines whose
// length is about the bufio buffer's (64 KiB), with the CR of a CRLF, a
// quote or a delimiter at the buffer's end, then a short line read from
// the same buffer.
func TestRowReaderBufferEdges(t *testing.T) {
	for n := 64<<10 - 4; n <= 64<<10+4; n++ {
		for _, tail := range []string{"\r\n", "\n", "\"\n", ",\n", ",\"x\"\r\n", "\r"} {
			x := strings.Repeat("x", n)
			for _, in := range []string{
				"a,b," + x + tail + "d,e,f\n",
				x + ",b,c" + tail + "d,\"e\",f\r\n",
				"\"" + x + "\",b,c" + tail + "d,e,f\n",
				"a,\"" + x + "\n" + x + "\",c" + tail + "g,h,i",
			} {
				compareWithCSV(t, in, 3)
			}
		}
	}
}
