package activation

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/proration"
)

// recordVersion is the first byte of every Record encoding. Change it (and
// keep reading the old one) whenever the encoding changes.
const recordVersion = 1

// ErrRecordEncoding: bytes given to [Record.UnmarshalBinary] are not a Record
// encoding this version of the package reads.
var ErrRecordEncoding = errors.New("activation: record: bad encoding")

// MarshalBinary implements [encoding.BinaryMarshaler]: the lossless encoding
// of r that stores keep (a bytea column, a file). It never contains a product
// key: a Record whose Outcome.Token.Key is not the zero Key is an error
// wrapping [ErrInvalid] (records hold the key's fingerprint and KeyTail
// only).
//
// The encoding is version 1: the byte 1, then every field of Record and of
// its Outcome in declaration order — the fingerprint and the request as 32
// bytes each, integers and enums as varints, strings as a length and their
// bytes, times as Unix seconds and nanoseconds (the instant; the location is
// not kept: [Record.UnmarshalBinary] returns times in UTC), booleans as one
// byte 0 or 1. Every value of every field is encoded, including invalid enums
// and out-of-range numbers: the encoding keeps, it does not judge.
func (r Record) MarshalBinary() ([]byte, error) {
	if !r.Outcome.Token.Key.IsZero() {
		return nil, invalid("record: holds a product key; a record keeps its fingerprint only")
	}
	return r.appendBinary(make([]byte, 0, 192+len(r.KeyTail)+len(r.Policy)+
		len(r.Outcome.Token.Product)+len(r.Outcome.Before.Tenant)+len(r.Outcome.Before.Product)+
		len(r.Outcome.After.Tenant)+len(r.Outcome.After.Product))), nil
}

// appendBinary appends r's encoding (r's key must be zero) to b.
func (r *Record) appendBinary(b []byte) []byte {
	o := &r.Outcome
	b = append(b, recordVersion)
	b = append(b, r.Fingerprint[:]...)
	b = append(b, r.Request[:]...)
	b = binary.AppendVarint(b, r.Seq)
	b = appendBinString(b, r.KeyTail)
	b = appendBinString(b, r.Policy)
	b = appendBinTime(b, r.RecordedAt)

	b = binary.AppendVarint(b, int64(o.Op))
	b = binary.AppendVarint(b, int64(o.Applied))
	b = appendBinTime(b, o.At)
	b = appendBinString(b, o.Token.Product)
	b = binary.AppendVarint(b, int64(o.Token.Seats))
	b = binary.AppendVarint(b, int64(o.Token.TermMonths))
	b = appendBinSub(b, &o.Before)
	b = appendBinSub(b, &o.After)
	for _, v := range [...]int64{
		int64(o.StateBefore),
		int64(o.Remaining), int64(o.TermDays), int64(o.NewRemaining), int64(o.TermMonths),
		o.SeatDaysBefore, o.SeatDaysAfter, o.Residue, o.MonthsNum, o.MonthsDen,
		int64(o.DaysAdded), int64(o.DaysLost),
		int64(o.Rounding), int64(o.Convention), int64(o.Anchor), int64(o.CapFactor),
	} {
		b = binary.AppendVarint(b, v)
	}
	return appendBinBool(b, o.Replayed)
}

// UnmarshalBinary implements [encoding.BinaryUnmarshaler]: it reads what
// [Record.MarshalBinary] wrote. Times come back as the same instants, in UTC;
// Outcome.Token.Key is the zero Key. Bytes that are not exactly one
// encoding — an unknown version, too short, trailing bytes, or a value not in
// the form MarshalBinary writes it (a varint longer than needed, a boolean
// other than 0 or 1, nanoseconds out of range) — are an error wrapping
// [ErrRecordEncoding] that says what is wrong, and leave r unchanged. So
// whatever decodes re-encodes to the same bytes.
func (r *Record) UnmarshalBinary(data []byte) error {
	if len(data) == 0 {
		return fmt.Errorf("%w: empty", ErrRecordEncoding)
	}
	if data[0] != recordVersion {
		return fmt.Errorf("%w: unknown version %d (want %d)", ErrRecordEncoding, data[0], recordVersion)
	}
	d := binDecoder{b: data[1:]}
	var v Record
	o := &v.Outcome
	d.bytes(v.Fingerprint[:])
	d.bytes(v.Request[:])
	v.Seq = d.int()
	v.KeyTail = d.string()
	v.Policy = d.string()
	v.RecordedAt = d.time()

	o.Op = Operation(d.int())
	o.Applied = Operation(d.int())
	o.At = d.time()
	o.Token.Product = d.string()
	o.Token.Seats = d.intN()
	o.Token.TermMonths = d.intN()
	o.Before = d.sub()
	o.After = d.sub()
	o.StateBefore = State(d.intN())
	o.Remaining = d.intN()
	o.TermDays = d.intN()
	o.NewRemaining = d.intN()
	o.TermMonths = d.intN()
	o.SeatDaysBefore = d.int()
	o.SeatDaysAfter = d.int()
	o.Residue = d.int()
	o.MonthsNum = d.int()
	o.MonthsDen = d.int()
	o.DaysAdded = d.intN()
	o.DaysLost = d.intN()
	o.Rounding = proration.Rounding(d.intN())
	o.Convention = proration.Convention(d.intN())
	o.Anchor = Anchor(d.intN())
	o.CapFactor = d.intN()
	o.Replayed = d.bool()
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%d trailing bytes", len(d.b))
	}
	if d.err != nil {
		return fmt.Errorf("%w: %w", ErrRecordEncoding, d.err)
	}
	// The reader accepts only the canonical form: re-encoding must give the
	// same bytes (this catches every non-minimal varint at once).
	if again := v.appendBinary(make([]byte, 0, len(data))); !bytes.Equal(again, data) {
		return fmt.Errorf("%w: not in canonical form", ErrRecordEncoding)
	}
	*r = v
	return nil
}

func appendBinString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendBinTime appends t's instant as Unix seconds and nanoseconds. Unix
// seconds cover every time.Time: the conversion wraps around exactly.
func appendBinTime(b []byte, t time.Time) []byte {
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

func appendBinSub(b []byte, s *Subscription) []byte {
	b = appendBinString(b, s.Tenant)
	b = appendBinString(b, s.Product)
	b = binary.AppendVarint(b, int64(s.Seats))
	return appendBinTime(b, s.End)
}

func appendBinBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// binDecoder reads a Record encoding; the first error sticks and every later
// read returns zero values.
type binDecoder struct {
	b   []byte
	err error
}

func (d *binDecoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
	d.b = nil
}

func (d *binDecoder) bytes(dst []byte) {
	if len(d.b) < len(dst) {
		d.fail("truncated")
		return
	}
	d.b = d.b[copy(dst, d.b):]
}

func (d *binDecoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong integer")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *binDecoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong integer")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// intN reads an int; a value that does not fit an int is an error.
func (d *binDecoder) intN() int {
	v := d.int()
	if int64(int(v)) != v {
		d.fail("integer out of range")
		return 0
	}
	return int(v)
}

func (d *binDecoder) string() string {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail("truncated string")
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *binDecoder) time() time.Time {
	sec, nsec := d.int(), d.uint()
	if nsec >= 1e9 {
		d.fail("nanoseconds out of range")
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

func (d *binDecoder) sub() Subscription {
	return Subscription{Tenant: d.string(), Product: d.string(), Seats: d.intN(), End: d.time()}
}

func (d *binDecoder) bool() bool {
	if len(d.b) == 0 {
		d.fail("truncated")
		return false
	}
	v := d.b[0]
	d.b = d.b[1:]
	if v > 1 {
		d.fail("boolean %d, want 0 or 1", v)
	}
	return v == 1
}

// explainImport explains a record made by [Book.Import]: what was imported,
// or what a correction changed.
func (o Outcome) explainImport() string {
	day := dateString(o.At)
	switch {
	case o.Before.IsNone() && o.After.IsNone():
		return "Import on " + day + ": no subscription."
	case o.Before.IsNone():
		return "Import on " + day + ": " + text.Plural(int64(o.After.Seats), "seat") + ", end date " + dateString(o.After.End) + "."
	case o.After.IsNone():
		return "Correction on " + day + ": " + text.Plural(int64(o.Before.Seats), "seat") + " until " + dateString(o.Before.End) + " → no subscription."
	}
	msg := "Correction on " + day + ": "
	if o.Before.Seats == o.After.Seats {
		msg += text.Plural(int64(o.After.Seats), "seat") + " (unchanged)"
	} else {
		msg += "seats " + text.Group(int64(o.Before.Seats)) + " → " + text.Group(int64(o.After.Seats))
	}
	b, a := dateString(o.Before.End), dateString(o.After.End)
	if a == b {
		return msg + ", end date " + a + " (unchanged)."
	}
	return msg + ", end date " + b + " → " + a + "."
}
