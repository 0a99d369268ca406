package activation

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// Record is one redemption or import as a [Ledger] or a [Journal] stores it:
// the key's fingerprint, the identity of the request that made it, the
// result, and where and how it was made. Outcome.Token.Key is the zero Key (a
// store never keeps keys: [Record.MarshalBinary] refuses one) and
// Outcome.Replayed is false. A record made by [Book.Import] has the zero
// Fingerprint and Request, Outcome.Op [Import] and an empty KeyTail.
//
// Its JSON form is camelCase, as everywhere in the module: "fingerprint" and
// "request" as 64 lower-case hexadecimal digits, "outcome" as
// [Outcome.MarshalJSON] writes it, "seq", "keyTail", "policy" and
// "recordedAt" (RFC 3339). Read back ([Record.UnmarshalJSON]), it is the
// same Record, but for the Outcome's explanation and key, which JSON does
// not hold.
type Record struct {
	Fingerprint token.Fingerprint `json:"fingerprint"` // the key's; zero for an import
	Request     RequestID         `json:"request"`     // the identity of the request that made the record (a Redeemer's NewRequestID or a Book's own); zero for an import
	Outcome     Outcome           `json:"outcome"`     // the result, with Token.Key zero and Replayed false

	// Seq is the record's place in its subscription's history in a
	// [Journal]: 1, 2, 3, … ; 0 for a record a [Ledger] claimed outside a
	// [Book].
	Seq int64 `json:"seq"`
	// KeyTail is the key's last five characters, as its masked form shows
	// them ("EEEE5"): what a customer can quote. Empty for an import. A
	// store refuses any other text than at most five characters A–Z, 0–9.
	KeyTail string `json:"keyTail"`
	// Policy is the name of the policy the Outcome was computed under.
	Policy string `json:"policy"`
	// RecordedAt is when the record was made (wall-clock time, UTC).
	RecordedAt time.Time `json:"recordedAt"`
}

// RequestID identifies a redemption request: the SHA-256 of a canonical,
// length-prefixed encoding of everything the request consists of. Two
// requests with the same RequestID are the identical request; a retry
// replays the recorded [Outcome] (see [Ledger]). A RequestID reveals none of
// its fields.
type RequestID [32]byte

// The domains that start the encodings hashed into request identities: they
// keep a Redeemer's identities ([NewRequestID]) apart from a Book's and from
// any other hash of the same fields. Change one whenever its encoding
// changes: records made under another version then answer
// [ErrAlreadyRedeemed] instead of replaying.
const (
	redeemerDomain = "coterm/activation.RequestID/v2"
	bookDomain     = "coterm/activation.Book.Redeem/v1"
)

// NewRequestID returns the [RequestID] a [Redeemer] records for redeeming t
// against s with op on day at: a hash of the key's fingerprint, s's tenant,
// product, seats and end date, t's product, seats and term as given, op and
// the day, dates as their calendar dates (time of day and zone do not count).
// It accepts any input and never fails.
func NewRequestID(s Subscription, t token.Token, op Operation, at time.Time) RequestID {
	return requestID(redeemerDomain, t.Key.Fingerprint(), s.Tenant, s.Product, &s, &t, op, at)
}

// requestID is the one request identity: the SHA-256 of domain, then, each
// length-prefixed, the key's fingerprint fp, the tenant, the product, the
// seats and end date of before (only when not nil: a Redeemer's request
// names the state it was computed on; a Book reads that state itself, and a
// retry after a hidden commit finds its own record there), the token's
// product, seats and term as given, the operation's number and the day.
func requestID(domain string, fp token.Fingerprint, tenant, product string, before *Subscription, t *token.Token, op Operation, at time.Time) RequestID {
	var buf [256]byte
	b := append(buf[:0], domain...)
	b = ridAppend(b, fp[:])
	b = ridAppendString(b, tenant)
	b = ridAppendString(b, product)
	if before != nil {
		b = ridAppendInt(b, int64(before.Seats))
		b = ridAppendDate(b, before.End)
	}
	b = ridAppendString(b, t.Product)
	b = ridAppendInt(b, int64(t.Seats))
	b = ridAppendInt(b, int64(t.TermMonths)) // as given: what 0 means is the policy's
	b = ridAppendInt(b, int64(op))
	b = ridAppendDate(b, at)
	return sha256.Sum256(b)
}

// String returns the RequestID in lower-case hexadecimal.
func (id RequestID) String() string { return hex.EncodeToString(id[:]) }

// MarshalText implements [encoding.TextMarshaler] with [RequestID.String]:
// 64 lower-case hexadecimal digits.
func (id RequestID) MarshalText() ([]byte, error) {
	out := make([]byte, 2*len(id))
	hex.Encode(out, id[:])
	return out, nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]: it reads what
// MarshalText writes (hexadecimal digits in either case). Anything else is an
// error wrapping [ErrInvalid] that does not quote the input; id is then
// unchanged.
func (id *RequestID) UnmarshalText(b []byte) error {
	var v RequestID
	if len(b) != 2*len(v) {
		return invalid("request ID: %d bytes, want %d hexadecimal digits", len(b), 2*len(v))
	}
	if _, err := hex.Decode(v[:], b); err != nil {
		return invalid("request ID: want %d hexadecimal digits", 2*len(v))
	}
	*id = v
	return nil
}

func ridAppend(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func ridAppendString(b []byte, v string) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func ridAppendInt(b []byte, v int64) []byte {
	var num [20]byte
	return ridAppend(b, strconv.AppendInt(num[:0], v, 10))
}

// ridAppendDate appends d's calendar date, in its own location, as
// YYYY-MM-DD (years outside 0 … 9999 keep their sign and all their digits).
func ridAppendDate(b []byte, d time.Time) []byte {
	y, m, day := d.Date()
	if y < 0 || y > 9999 {
		var s [24]byte
		return ridAppend(b, d.AppendFormat(s[:0], time.DateOnly))
	}
	// What AppendFormat(time.DateOnly) writes, without parsing the layout.
	return append(b, 10, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+day/10), byte('0'+day%10))
}

// recordVersion is the first byte of every Record encoding. Change it (and
// keep reading the old one) whenever the encoding changes.
const recordVersion = 1

// ErrRecordEncoding: bytes given to [Record.UnmarshalBinary] are not a Record
// encoding this version of the package reads.
var ErrRecordEncoding = errors.New("activation: record: bad encoding")

// MarshalBinary implements [encoding.BinaryMarshaler]: the lossless encoding
// stores keep, version 1: the byte 1, then every field of Record and its
// Outcome in declaration order (32 bytes for the fingerprint and the request,
// varints, strings as a length and bytes, times as the instant in Unix
// seconds and nanoseconds, booleans as 0 or 1), every value as it is. A
// Record that holds a product key is an error wrapping [ErrInvalid], and so
// is one whose key tail is not at most five characters A–Z, 0–9, or whose
// policy, tenant or product names, or token's product, could be read as a
// product key by [CheckName]'s rule: the error names the field and quotes
// nothing.
func (r Record) MarshalBinary() ([]byte, error) {
	if !r.Outcome.Token.Key.IsZero() {
		return nil, invalid("record: holds a product key; a record keeps its fingerprint only")
	}
	if err := r.checkText("record"); err != nil {
		return nil, err
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
