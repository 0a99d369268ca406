package history

import (
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// compareWithCSV reads input with a rowReader and with encoding/csv set up
// as replay used it, and fails on the first difference: a record, the line
// it starts on, an error, or its lines and column.
func compareWithCSV(t interface {
	Helper()
	Fatalf(format string, args ...any)
}, input string, fields int) {
	t.Helper()
	ref := csv.NewReader(strings.NewReader(input))
	ref.ReuseRecord = true
	ref.FieldsPerRecord = fields
	ref.TrimLeadingSpace = true
	rr := newRowReader(strings.NewReader(input), fields)
	for n := 1; ; n++ {
		want, wantErr := ref.Read()
		got, line, err := rr.Read()
		if wantErr == io.EOF || err == io.EOF {
			if wantErr != err {
				t.Fatalf("%q: record %d: error %v, want %v", input, n, err, wantErr)
			}
			return
		}
		var wantPE, gotPE *csv.ParseError
		switch {
		case wantErr == nil && err == nil:
			wantLine, _ := ref.FieldPos(0)
			if line != wantLine {
				t.Fatalf("%q: record %d: line %d, want %d", input, n, line, wantLine)
			}
		case errors.As(wantErr, &wantPE) && errors.As(err, &gotPE):
			if *gotPE != *wantPE {
				t.Fatalf("%q: record %d: error %#v, want %#v", input, n, *gotPE, *wantPE)
			}
			if line != wantPE.StartLine {
				t.Fatalf("%q: record %d: line %d, want %d", input, n, line, wantPE.StartLine)
			}
		default:
			t.Fatalf("%q: record %d: error %v, want %v", input, n, err, wantErr)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%q: record %d: %q, want %q", input, n, got, want)
		}
	}
}

func TestRowReaderMatchesCSV(t *testing.T) {
	for name, in := range map[string]string{
		"empty":                  "",
		"one line":               "a,b,c",
		"newline":                "a,b,c\n",
		"crlf":                   "a,b,c\r\nd,e,f\r\n",
		"cr before eof":          "a,b,c\r",
		"two crs before eof":     "a,b,c\r\r",
		"cr inside":              "a,b\rx,c\n",
		"empty lines":            "\n\r\na,b,c\n\n\nd,e,f",
		"spaces":                 "  a, b ,\tc \n \u00a0d,\u0085e,\u2028f\n",
		"only spaces":            "   \n",
		"field count":            "a,b\na,b,c,d\n,,\n",
		"quoted":                 "\"a\",\"b,b\",\"c\"\"c\"\n",
		"quoted over lines":      "a,\"b\nb\n\nb\",c\nd,e,f\n",
		"quoted, field count":    "a,\"b\nb\"\nd,e,f\n",
		"bare quote":             "a,b\"b,c\nd,e,f\n",
		"bad quote":              "a,\"b\"x,c\nd,e,f\n",
		"open quote at eof":      "a,b,\"c\nd,e,f\n",
		"open quote, empty tail": "a,b,\"",
		"quote then crlf":        "\"a\",b,c\r\n\"d\r\ne\",f,g\r\n",
		"invalid utf-8":          "\xff,b,\xfe\n",
	} {
		t.Run(name, func(t *testing.T) { compareWithCSV(t, in, 3) })
	}
	t.Run("long lines", func(t *testing.T) {
		long := strings.Repeat("x", 70_000) // longer than both buffers
		compareWithCSV(t, "a,"+long+",c\n\""+long+"\",b,c\nd,e,\""+long+"\n"+long+"\"\nx,y,z\n", 3)
	})
}

func TestPropertyRowReaderMatchesCSV(t *testing.T) {
	alphabet := []rune{'a', 'b', ',', ',', ' ', '"', '\r', '\n', '\n', '\t', '\u00a0', '\u0085', 'é'}
	rapid.Check(t, func(t *rapid.T) {
		in := string(rapid.SliceOfN(rapid.SampledFrom(alphabet), 0, 80).Draw(t, "input"))
		compareWithCSV(t, in, rapid.IntRange(1, 4).Draw(t, "fields"))
	})
}

func FuzzRowReader(f *testing.F) {
	for _, s := range []string{"", "a,b,c\n", "\"a\",b\r\n", "a,\"b\nc\",d\n", "a\"b,c\n", "\"x\"y\n", " \u00a0a,b\n\n", "\"", "a,b\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) { compareWithCSV(t, in, 3) })
}
