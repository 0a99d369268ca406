// Package history reads the history file the example programs replay into
// an activation.Book, and replays it: a CSV file with a header row
//
//	date,tenant,product,key,seats,operation[,end]
//
// one redemption or import per row. The optional seventh column, end, is
// used only by import rows (operation "import", key empty): a
// subscription's state as the admin portal shows it, seats and end date,
// which starts tracking it or records a correction; and by replace rows
// (operation "replace"), where it holds the key that the row's key
// replaces. Files of six columns stay valid. A UTF-8 byte order mark (as spreadsheet programs write) is
// skipped; lines end in LF or CRLF; fields may be quoted as encoding/csv
// reads them.
//
// # Files as Excel writes them
//
//   - The delimiter is ',' or ';' (Excel in most European locales), taken
//     from the header row; a header with tabs is refused, saying so.
//   - A row whose every field is empty or white space (",,,,,," below the
//     data) is skipped and counted apart ([Counts].Empty), whatever its
//     number of fields.
//   - seats is a whole number written without separators. "1,000",
//     "1.000", "1 000" (and with a no-break space or an apostrophe) are
//     refused with a hint: a comma or a dot is a thousands separator in one
//     country and a decimal mark in another, so the program does not guess.
//     An unquoted 1,000 in a comma-separated file splits the row into one
//     field too many: the message says so.
//   - date and end are YYYY-MM-DD. A local date (1/10/2026, 10.01.2026) or
//     a spreadsheet's day number is refused, never guessed (1/10/2026 is
//     January or October), with how to get the ISO form from Excel:
//     Format Cells › Custom, yyyy-mm-dd.
//   - Names are read byte for byte, white space included: "contoso",
//     "Contoso" and "contoso " are three tenants (a query for a name that is
//     not tracked suggests the closest tracked ones).
//
// No message of this package quotes a field: a field may be a product key
// pasted into the wrong column. Messages say which column and what was
// expected.
package history

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/token"
)

// Header is the header row of a history file; End is the optional seventh
// column.
var Header = []string{"date", "tenant", "product", "key", "seats", "operation"}

// End is the name of the optional seventh column.
const End = "end"

// ImportOp is the operation column of an import row.
const ImportOp = "import"

// ReplaceOp is the operation column of a replace row: its key replaces the
// key in its seventh column (R12).
const ReplaceOp = "replace"

// Row is one well-formed row of a history file.
type Row struct {
	Line            int // the line it starts on, from 1 (the header)
	At              time.Time
	Tenant, Product string
	// Import is true for an import row: Seats and End are the state to
	// record, Key and Op are zero.
	Import bool
	Key    token.Key
	Op     activation.Operation // activation.Replace for a replace row
	Seats  int
	End    time.Time
	// Replaces is the key a replace row's key replaces (its seventh
	// column); zero for any other row.
	Replaces token.Key
}

// Reader reads the rows of a history file.
type Reader struct {
	rr     *rowReader
	fields int // 6 or 7
	header string
	names  map[string]string // see name
	// Empty counts the rows skipped as empty so far: every field empty or
	// white space, as a spreadsheet program writes below the data.
	Empty int
}

// NewReader reads the header row of r. Its error (no header, a bad header, an
// unreadable stream) means that the file cannot be read at all: exit status
// 3.
func NewReader(r io.Reader) (*Reader, error) {
	rr := newRowReader(r, -1)
	rr.skipBOM()
	want := strings.Join(Header, ",") + "[," + End + "]"
	rec, _, err := rr.Read()
	switch {
	case err == io.EOF:
		return nil, cli.Unreadablef("empty file: want a header row %s", want)
	case err != nil:
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, cli.Unreadablef("line 1: want a header row %s", want)
		}
		return nil, cli.Unreadablef("cannot read the file: %s", ioReason(err))
	}
	if !headerFields(rec) {
		comma, looks := delimiterOf(rec)
		if comma == 0 {
			return nil, cli.Unreadablef("line 1: want a header row %s%s", want, looks)
		}
		rr.setComma(comma)
		rec = strings.Split(rec[0], string(comma))
	}
	rr.setFields(len(rec))
	hdr := strings.Join(Header, ",")
	if len(rec) > len(Header) {
		hdr += "," + End
	}
	return &Reader{rr: rr, fields: len(rec), header: hdr}, nil
}

// ioReason describes an I/O error without quoting a file name (it may be a
// key): the error's last part.
func ioReason(err error) string {
	var pe interface{ Unwrap() error }
	for errors.As(err, &pe) {
		inner := pe.Unwrap()
		if inner == nil {
			break
		}
		err = inner
	}
	return err.Error()
}

// Rejected is a row that is not well formed: its line and the reason, which
// names the column and what was expected, never the field.
type Rejected struct {
	Line   int
	Reason string
	// Tenant and Product are the row's tenant and product columns, as they are,
	// when Named: the row has them (a malformed CSV line has none). They
	// are for comparing, never for printing: they may hold a key.
	Tenant, Product string
	Named           bool
}

func (r *Rejected) Error() string { return "line " + strconv.Itoa(r.Line) + ": " + r.Reason }

// named sets rj's tenant and product from rec, when it has them.
func named(rj *Rejected, rec [][]byte) *Rejected {
	if len(rec) >= 3 {
		rj.Tenant, rj.Product, rj.Named = string(rec[1]), string(rec[2]), true
	}
	return rj
}

// Next returns the next row. Its error is a *Rejected for a row that is not
// well formed (the next call goes on with the next row), io.EOF at the end,
// and any other error when the stream cannot be read further.
func (r *Reader) Next() (Row, error) {
	rec, line, err := r.rr.readFields()
	for (err == nil || errors.Is(err, csv.ErrFieldCount)) && blank(rec) {
		r.Empty++
		rec, line, err = r.rr.readFields()
	}
	if err != nil {
		if err == io.EOF {
			return Row{}, io.EOF
		}
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return Row{}, cli.Unreadablef("line %d: cannot read the file further: %s", line, ioReason(err))
		}
		if errors.Is(err, csv.ErrFieldCount) && r.rr.comma == ',' && splitSeats(rec, r.fields) {
			return Row{}, named(&Rejected{Line: pe.StartLine, Reason: fmt.Sprintf("%d fields, want %d: seats: %s", len(rec), r.fields, seatsHint)}, rec)
		}
		if errors.Is(err, csv.ErrFieldCount) {
			return Row{}, named(&Rejected{Line: pe.StartLine, Reason: fmt.Sprintf("%d fields, want %d (%s)", len(rec), r.fields, r.header)}, rec)
		}
		return Row{}, &Rejected{Line: pe.StartLine, Reason: "malformed CSV: " + pe.Err.Error()}
	}
	row, reason := r.parseRow(rec)
	if reason != "" {
		return Row{}, named(&Rejected{Line: line, Reason: reason}, rec)
	}
	row.Line = line
	return row, nil
}

// parseRow parses a record of 6 or 7 fields; reason is empty for a good row.
// The fields are the reader's memory: what the row keeps of them is copied
// (the names) or parsed.
func (r *Reader) parseRow(rec [][]byte) (row Row, reason string) {
	var err error
	if row.At, err = cli.ParseDate(string(rec[0])); err != nil {
		return row, "date: " + dateReason(string(rec[0]), err)
	}
	row.Tenant, row.Product = r.name(rec[1]), r.name(rec[2]) // byte for byte: names are exact
	op := bytes.TrimSpace(rec[5])
	row.Import = strings.EqualFold(string(op), ImportOp)
	if row.Import {
		if len(bytes.TrimSpace(rec[3])) != 0 {
			return row, "key: an import row has no key (leave the column empty)"
		}
	} else {
		if row.Key, err = token.ParseKey(string(rec[3])); err != nil {
			return row, "key: " + keyReason(err)
		}
		if row.Op, err = activation.ParseOperation(string(op)); strings.EqualFold(string(op), ReplaceOp) {
			row.Op = activation.Replace
		} else if err != nil {
			return row, "operation: unknown, want add-seats, extend-end, renew, activate, import or replace"
		}
	}
	if row.Seats, reason = parseSeats(string(rec[4])); reason != "" {
		return row, "seats: " + reason
	}
	var end []byte
	if len(rec) > len(Header) {
		end = bytes.TrimSpace(rec[len(Header)])
	}
	switch {
	case row.Op == activation.Replace:
		return replacedKey(row, string(end))
	case row.Import && len(rec) == len(Header):
		return row, "import: needs the end date; add a 7th column end to the header and give it"
	case row.Import && len(end) == 0:
		return row, "end: missing: an import row gives the subscription's end date YYYY-MM-DD"
	case row.Import:
		if row.End, err = cli.ParseDate(string(end)); err != nil {
			return row, "end: " + dateReason(string(end), err)
		}
	case len(end) != 0:
		return row, "end: only import rows give an end date; leave it empty"
	}
	return row, ""
}

// maxNames bounds how many distinct tenant and product names a Reader
// keeps one copy of; past it, each row's names are copies of their own.
const maxNames = 1 << 16

// name returns b as a string: one copy per distinct name (up to
// maxNames), so that a row's names neither allocate nor keep the line in
// memory, and with it the row's key column. (A key pasted into a name
// column is kept as that name, as rejected rows keep their names.)
func (r *Reader) name(b []byte) string {
	if s, ok := r.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(r.names) < maxNames {
		if r.names == nil {
			r.names = make(map[string]string)
		}
		r.names[s] = s
	}
	return s
}

// keyReason is a key's syntax error: token's message says which position is
// wrong and why, never the key.
func keyReason(err error) string {
	var se *token.SyntaxError
	if errors.As(err, &se) {
		return err.Error()
	}
	return "not a product key XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"
}
