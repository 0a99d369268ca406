package history

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode"
)

// rowReader reads CSV records exactly as an encoding/csv Reader with
// TrimLeadingSpace and FieldsPerRecord set does, with its errors, but
// faster for the common case: a line without a double quote is split here,
// in the reader's own buffer, with nothing allocated. A line with a quote
// goes to encoding/csv, which reads any further lines a quoted field spans
// through the same stream. TestRowReaderMatchesCSV compares the two on
// generated input.
type rowReader struct {
	br     *bufio.Reader
	fields int  // FieldsPerRecord
	comma  byte // the delimiter: ',' or ';'
	line   int  // physical lines read so far
	long   []byte
	rec    [][]byte // reused, like csv.Reader.ReuseRecord
	quoted []byte   // the fields of a record encoding/csv read, one after the other

	cr   *csv.Reader // reads from feed
	feed feed
}

func newRowReader(r io.Reader, fields int) *rowReader {
	rr := &rowReader{br: bufio.NewReaderSize(r, 64<<10), fields: fields, comma: ','}
	rr.feed.rr = rr
	rr.cr = csv.NewReader(&rr.feed)
	rr.cr.ReuseRecord = true
	rr.cr.FieldsPerRecord = fields
	rr.cr.TrimLeadingSpace = true
	return rr
}

// setFields sets the number of fields every record must have from now on
// (-1: any).
func (rr *rowReader) setFields(n int) {
	rr.fields = n
	rr.cr.FieldsPerRecord = n
}

// setComma sets the delimiter from now on: ',' or ';'.
func (rr *rowReader) setComma(c byte) {
	rr.comma = c
	rr.cr.Comma = rune(c)
}

// skipBOM skips a UTF-8 byte order mark at the start of the stream, as
// spreadsheet programs write one.
func (rr *rowReader) skipBOM() {
	if b, err := rr.br.Peek(3); err == nil && string(b) == "\ufeff" {
		rr.br.Discard(3)
	}
}

// Read returns the next record and the line it starts on. Its errors are
// csv.Reader.Read's, a *csv.ParseError with line numbers of the whole
// stream; io.EOF at the end.
func (rr *rowReader) Read() (rec []string, line int, err error) {
	fields, line, err := rr.readFields()
	if fields != nil {
		rec = make([]string, len(fields))
		for i, f := range fields {
			rec[i] = string(f)
		}
	}
	return rec, line, err
}

// readFields is Read with the fields in memory the reader reuses: they are
// valid until the next read, and reading a line allocates nothing (a
// replayed file's rows are garbage no more).
func (rr *rowReader) readFields() (rec [][]byte, line int, err error) {
	var content []byte
	for {
		var raw []byte
		raw, err = rr.readLine()
		if len(raw) == 0 {
			return nil, rr.line, err // io.EOF or an I/O error
		}
		rr.line++
		if err != nil && err != io.EOF {
			return nil, rr.line, err
		}
		if bytes.IndexByte(raw, '"') >= 0 {
			return rr.readCSV(raw)
		}
		content = trimNewline(raw, err)
		if len(content) > 0 {
			break
		}
		if err == io.EOF {
			return nil, rr.line, io.EOF
		}
		// An empty line: skipped, as encoding/csv does.
	}
	s := content
	rec = rr.rec[:0]
	for {
		s = trimLeftSpace(s)
		i := bytes.IndexByte(s, rr.comma)
		if i < 0 {
			rec = append(rec, s)
			break
		}
		rec = append(rec, s[:i])
		s = s[i+1:]
	}
	rr.rec = rec
	if rr.fields >= 0 && len(rec) != rr.fields {
		return rec, rr.line, &csv.ParseError{StartLine: rr.line, Line: rr.line, Column: 1, Err: csv.ErrFieldCount}
	}
	return rec, rr.line, nil
}

// readCSV reads the record that starts with raw, line rr.line, with
// encoding/csv, and renumbers its error's lines.
func (rr *rowReader) readCSV(raw []byte) ([][]byte, int, error) {
	start := rr.line
	rr.feed.pending = raw
	rr.feed.csvLines++ // csv counts the pending line as this
	csvStart := rr.feed.csvLines
	rec, err := rr.cr.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		pe.StartLine += start - csvStart
		pe.Line += start - csvStart
	}
	if rec == nil {
		return nil, start, err
	}
	n := 0
	for _, f := range rec {
		n += len(f)
	}
	if cap(rr.quoted) < n {
		rr.quoted = make([]byte, 0, n)
	}
	b, fields := rr.quoted[:0], rr.rec[:0]
	for _, f := range rec { // b never grows past n: the fields stay where they are
		b = append(b, f...)
		fields = append(fields, b[len(b)-len(f):len(b):len(b)])
	}
	rr.quoted, rr.rec = b, fields
	return fields, start, err
}

// readLine reads one physical line, with its newline if it has one.
func (rr *rowReader) readLine() ([]byte, error) {
	line, err := rr.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		rr.long = append(rr.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = rr.br.ReadSlice('\n')
			rr.long = append(rr.long, line...)
		}
		line = rr.long
	}
	return line, err
}

// trimNewline returns the content of a physical line as encoding/csv sees
// it: "\r\n" or "\n" removed, or a "\r" at the end of the stream.
func trimNewline(line []byte, err error) []byte {
	n := len(line)
	switch {
	case n >= 2 && line[n-2] == '\r' && line[n-1] == '\n':
		return line[:n-2]
	case n >= 1 && line[n-1] == '\n':
		return line[:n-1]
	case n >= 1 && err == io.EOF && line[n-1] == '\r':
		return line[:n-1]
	}
	return line
}

// trimLeftSpace removes leading white space as encoding/csv's
// TrimLeadingSpace does (unicode.IsSpace), with a fast path for ASCII.
func trimLeftSpace(s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			continue
		case c < 0x80:
			return s[i:]
		}
		// Non-ASCII: the general rule from here on.
		return bytes.TrimLeftFunc(s[i:], unicode.IsSpace)
	}
	return s[len(s):]
}

// feed is the io.Reader encoding/csv reads from: the pending line first,
// then one physical line per call, so that csv never buffers a line the
// rowReader reads itself.
type feed struct {
	rr       *rowReader
	pending  []byte
	csvLines int // lines given to csv, as csv counts them
}

func (f *feed) Read(p []byte) (int, error) {
	if len(f.pending) == 0 {
		line, err := f.rr.readLine()
		if len(line) == 0 {
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
		f.rr.line++
		f.csvLines++
		f.pending = line
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}
