package history

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/coterm/coterm/token"
)

// What a spreadsheet program writes that the format does not take, and the
// hints the messages give. No hint quotes the field.

// dateHint is the reason for a date field that is not YYYY-MM-DD but is
// shaped like a date a spreadsheet wrote in a local format (1/10/2026,
// 10.01.2026, 2026/1/10) or a spreadsheet's day number (46032): the day is
// not guessed (1/10/2026 is January or October), the message says how to get
// the ISO form.
const dateHint = "not a date YYYY-MM-DD; a local date such as 1/10/2026 is not read (January or October?): " +
	"in Excel select the column, Format Cells › Custom, type yyyy-mm-dd, and save as CSV again"

// serialHint is the reason for a date field that is a spreadsheet's day
// number.
const serialHint = "not a date YYYY-MM-DD but a spreadsheet's day number: " +
	"in Excel select the column, Format Cells › Custom, type yyyy-mm-dd, and save as CSV again"

// seatsHint is the reason for a seats field with a thousands separator.
const seatsHint = "a thousands separator (1,000 1.000 1 000) is not read, as a comma or a dot is a decimal mark in some countries: " +
	"write the whole number without separators, 1000 (in Excel: Format Cells › Number, untick Use 1000 Separator)"

// seatsReason is the reason for a seats field that is not a whole number 1 …
// 1,000,000,000.
const seatsReason = "not a whole number 1 … 1,000,000,000"

// dateReason returns the reason for a date field that ParseDate refused with
// err: a hint for a local date or a day number, else err's message.
func dateReason(field string, err error) string {
	s := strings.TrimSpace(field)
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		return err.Error() // YYYY-MM-DD, an impossible day: ParseDate says why
	case localDate(s):
		return dateHint
	case len(s) == 5 && allDigits(s):
		return serialHint
	}
	return err.Error()
}

// localDate reports whether s is three groups of 1 to 4 digits separated by
// '/', '.' or '-' (one kind), and not YYYY-MM-DD.
func localDate(s string) bool {
	for _, sep := range "/.-" {
		parts := strings.Split(s, string(sep))
		if len(parts) != 3 {
			continue
		}
		ok := true
		for _, p := range parts {
			ok = ok && len(p) >= 1 && len(p) <= 4 && allDigits(p)
		}
		if ok {
			return true
		}
	}
	return false
}

// parseSeats reads the seats field: a whole number 1 … 1,000,000,000,
// written without separators. A number with thousands separators is
// refused with a hint, never read: "1,000" and "1.000" are a thousand in
// one country and one in another.
func parseSeats(field string) (int, string) {
	s := strings.TrimSpace(field)
	seats, err := strconv.Atoi(s)
	switch {
	case err == nil && seats >= token.MinSeats && seats <= token.MaxSeats:
		return seats, ""
	case grouped(strings.Clone(s)): // a copy: s, a row's field, stays on the caller's stack
		return 0, seatsHint
	}
	return 0, seatsReason
}

// grouped reports whether s is 1 to 3 digits and groups of three digits,
// each after one separator of one kind: ',', '.', ' ', '\”, U+00A0 or
// U+202F (the no-break spaces French and other locales write).
func grouped(s string) bool {
	for _, sep := range []string{",", ".", " ", "'", "\u00a0", "\u202f"} {
		parts := strings.Split(s, sep)
		if len(parts) < 2 || len(parts[0]) < 1 || len(parts[0]) > 3 || !allDigits(parts[0]) {
			continue
		}
		ok := true
		for _, p := range parts[1:] {
			ok = ok && len(p) == 3 && allDigits(p)
		}
		if ok {
			return true
		}
	}
	return false
}

// splitSeats reports whether a record of want+1 fields is a row whose seats
// were written with a comma as thousands separator and not quoted, which
// split them in two: 1 to 3 digits, then 3.
func splitSeats(rec [][]byte, want int) bool {
	if len(rec) != want+1 || len(rec) <= 5 {
		return false
	}
	a, b := strings.TrimSpace(string(rec[4])), strings.TrimSpace(string(rec[5]))
	return len(a) >= 1 && len(a) <= 3 && allDigits(a) && len(b) == 3 && allDigits(b)
}

// blank reports whether every field of rec is empty or white space: a row
// a spreadsheet program writes below the data (",,,,,,").
func blank(rec [][]byte) bool {
	for _, f := range rec {
		if len(bytes.TrimSpace(f)) != 0 {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// delimiterOf returns the delimiter of a header row read as one field with
// ',': ';' when the row is the header with semicolons (European Excel),
// and a description of another delimiter it looks like, for the message.
func delimiterOf(rec []string) (comma byte, looks string) {
	if len(rec) != 1 {
		return 0, ""
	}
	if strings.Count(rec[0], ";") >= len(Header)-1 {
		if headerFields(strings.Split(rec[0], ";")) {
			return ';', ""
		}
		return 0, "; the delimiter looks like ';': want ',' or ';' and the header above"
	}
	if strings.Count(rec[0], "\t") >= len(Header)-1 {
		return 0, "; the delimiter looks like a tab: save as CSV (comma or semicolon separated)"
	}
	return 0, ""
}

// headerFields reports whether rec is the header row, six or seven columns.
func headerFields(rec []string) bool {
	if len(rec) != len(Header) && len(rec) != len(Header)+1 {
		return false
	}
	for i, h := range rec {
		name := End
		if i < len(Header) {
			name = Header[i]
		}
		if !strings.EqualFold(strings.TrimSpace(h), name) {
			return false
		}
	}
	return true
}
