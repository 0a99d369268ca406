package cli

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/coterm/coterm/internal/keytext"
)

// Output is the writer of a program's standard output or error. Line by
// line, it writes X over every letter and digit of every key-shaped run
// that holds a digit, in any spelling, but the exact masked form
// XXXXX-XXXXX-XXXXX-XXXXX-EEEE5 (the module's one rule for texts that could
// be read as a key, which the name check shares: see keytext.Redact), and
// replaces every control character (Unicode Cc, Cf, Zl, Zp, and invalid
// UTF-8) by '?', a tab by a space: no line it writes holds a key in clear
// or a raw control character, whatever the input held. A run of words
// without a digit is printed as it is: a name that passed [CheckName]
// ("Adams Baker Clark Davis Evans LLP"), or the words next to a masked key.
// It reads each line on its own, so a key split by a line break is not
// seen as one: the programs print no name over a line break.
//
// It buffers. [Output.Row] ends a row of output: the rows written so far
// reach the underlying writer at once when it is a terminal, a pipe or
// anything else but a regular file (someone may be watching), and in blocks
// of 64 KiB when it is a regular file. [Output.Flush] writes the rest. The
// first error of the underlying writer is kept and returned by every later
// call.
type Output struct {
	w      io.Writer
	perRow bool
	line   []byte // the incomplete line
	out    []byte // complete lines, cleaned, not yet written
	err    error
}

// NewOutput returns an Output writing to w.
func NewOutput(w io.Writer) *Output {
	return &Output{w: w, perRow: !IsRegularFile(w)}
}

// IsRegularFile reports whether w is an *os.File open on a regular file.
func IsRegularFile(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode().IsRegular()
}

// Write takes p; it never fails but reports an earlier error of the
// underlying writer.
func (o *Output) Write(p []byte) (int, error) {
	o.line = append(o.line, p...)
	o.lines()
	return len(p), o.err
}

// WriteString is Write of a string.
func (o *Output) WriteString(s string) (int, error) {
	o.line = append(o.line, s...)
	o.lines()
	return len(s), o.err
}

// lines cleans the complete lines taken so far.
func (o *Output) lines() {
	start := 0
	for {
		i := bytes.IndexByte(o.line[start:], '\n')
		if i < 0 {
			break
		}
		o.out = clean(o.out, o.line[start:start+i+1])
		start += i + 1
	}
	n := copy(o.line, o.line[start:])
	o.line = o.line[:n]
	if len(o.out) >= 64<<10 {
		o.writeOut()
	}
}

// Row ends a row of output: see [Output].
func (o *Output) Row() error {
	if o.perRow && len(o.out) > 0 {
		o.writeOut()
	}
	return o.err
}

// Flush writes everything, an incomplete last line too.
func (o *Output) Flush() error {
	if len(o.line) > 0 {
		o.out = clean(o.out, o.line)
		o.line = o.line[:0]
	}
	if len(o.out) > 0 {
		o.writeOut()
	}
	return o.err
}

func (o *Output) writeOut() {
	if o.err == nil {
		_, o.err = o.w.Write(o.out)
	}
	o.out = o.out[:0]
}

// clean appends line to dst with every key redacted and every control
// character replaced; line is modified.
func clean(dst, line []byte) []byte {
	keytext.Redact(line)
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == '\n':
			dst = append(dst, c)
			i++
		case c == '\t':
			dst = append(dst, ' ')
			i++
		case c < 0x20 || c == 0x7f:
			dst = append(dst, '?')
			i++
		case c < 0x80:
			dst = append(dst, c)
			i++
		default:
			r, n := utf8.DecodeRune(line[i:])
			if isControl(r) {
				dst = append(dst, '?')
			} else {
				dst = append(dst, line[i:i+n]...)
			}
			i += n
		}
	}
	return dst
}

// Plural writes n things: "1 record", "2 records"; thing is the singular
// and takes an s.
func Plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// isControl reports whether r must not reach a terminal: a rune of category
// Cc, Cf, Zl or Zp, or the replacement for invalid UTF-8.
func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && (unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) || r == utf8.RuneError))
}
