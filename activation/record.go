package activation

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/coterm/coterm/activation/internal/bincode"
	"github.com/coterm/coterm/token"
)

// Record is one redemption or import as a [Ledger] or a [Journal] stores it:
// the key's fingerprint, the identity of the request that made it, the
// result, and where and how it was made. Outcome.Token.Key is the zero Key (a
// store never keeps keys) and Outcome.Replayed is false. A record made by
// [Book.Import] has the zero Fingerprint and Request, Outcome.Op [Import]
// and an empty KeyTail.
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
	// Replaces and ReplacesTail are, for a replacement ([Book.Replace]),
	// the fingerprint and last five characters of the key it replaces;
	// zero for every other record.
	Replaces     token.Fingerprint `json:"replaces,omitzero"`
	ReplacesTail string            `json:"replacesTail,omitempty"`
	// Kind is [SubscriptionRecord] (zero) or [ChangeRecord]; Change and
	// Note are a change record's change, as the package that keeps the
	// chain encodes it, and its explanation (empty for every other record).
	Kind   RecordKind `json:"kind,omitzero"`
	Change string     `json:"change,omitempty"`
	Note   string     `json:"note,omitempty"`
}

// RequestID identifies a redemption request: the SHA-256 of a canonical,
// length-prefixed encoding of everything the request consists of. Two
// requests with the same RequestID are the identical request; a retry
// replays the recorded [Outcome] (see [Ledger]). A RequestID reveals none of
// its fields; it prints with %x as MarshalText writes it.
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
	b := bincode.AppendLen(append(buf[:0], domain...), fp[:])
	b = bincode.AppendLen(bincode.AppendLen(b, tenant), product)
	if before != nil {
		b = ridAppendDate(ridAppendInt(b, int64(before.Seats)), before.End)
	}
	return sha256.Sum256(ridAppendDate(ridAppendInt(ridAppendToken(b, t), int64(op)), at))
}

// ridAppendToken appends what a request identity holds of t: its product,
// seats and term as given (what 0 means is the policy's), not its key.
func ridAppendToken(b []byte, t *token.Token) []byte {
	return ridAppendInt(ridAppendInt(bincode.AppendLen(b, t.Product), int64(t.Seats)), int64(t.TermMonths))
}

// MarshalText implements [encoding.TextMarshaler]: 64 lower-case
// hexadecimal digits.
func (id RequestID) MarshalText() ([]byte, error) { return hex.AppendEncode(nil, id[:]), nil }

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

// ridAppendInt appends v in decimal, length-prefixed.
func ridAppendInt(b []byte, v int64) []byte {
	switch { // what the general form writes, for the values most requests hold
	case uint64(v) < 10:
		return append(b, 1, byte('0'+v))
	case uint64(v) < 100:
		return append(b, 2, byte('0'+v/10), byte('0'+v%10))
	case uint64(v) < 1000:
		return append(b, 3, byte('0'+v/100), byte('0'+v/10%10), byte('0'+v%10))
	}
	var num [20]byte
	return bincode.AppendLen(b, strconv.AppendInt(num[:0], v, 10))
}

// ridAppendDate appends d's calendar date, in its own location, as
// YYYY-MM-DD, length-prefixed (years outside 0 … 9999 keep their sign and
// all their digits).
func ridAppendDate(b []byte, d time.Time) []byte {
	y, m, day := d.Date()
	if y < 0 || y > 9999 {
		var s [24]byte
		return bincode.AppendLen(b, d.AppendFormat(s[:0], time.DateOnly))
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
// stores keep. Version 1 is the byte 1, then every field of Record and its
// Outcome in declaration order but Replaces and ReplacesTail (the
// fingerprint and request as 32 bytes, varints, strings as a length and
// bytes, times as Unix seconds and nanoseconds, booleans as 0 or 1); a
// replacement (Replaces or ReplacesTail not zero) is version 2, with those
// two after; a [ChangeRecord] is version 3. A Record that holds a product
// key, a key tail that is not at most five characters A–Z, 0–9, or a name
// [CheckName] would refuse as key-shaped is an error wrapping [ErrInvalid]
// that names the field and quotes nothing.
func (r Record) MarshalBinary() ([]byte, error) {
	if !r.Outcome.Token.Key.IsZero() {
		return nil, invalid("record: holds a product key; a record keeps its fingerprint only")
	}
	if err := r.checkText("record"); err != nil {
		return nil, err
	}
	c := bincode.Codec{B: append(make([]byte, 0, 256), r.version())}
	r.code(&c, r.version())
	return c.B, nil
}

// UnmarshalBinary implements [encoding.BinaryUnmarshaler]: it reads what
// [Record.MarshalBinary] wrote, times as the same instants in UTC. Bytes that
// are not exactly one encoding in the form MarshalBinary writes it (so that
// whatever decodes re-encodes to the same bytes) are an error wrapping
// [ErrRecordEncoding] that says what is wrong, and leave r unchanged.
func (r *Record) UnmarshalBinary(data []byte) error {
	if len(data) == 0 {
		return fmt.Errorf("%w: empty", ErrRecordEncoding)
	}
	if data[0] < recordVersion || data[0] > recordVersionChange {
		return fmt.Errorf("%w: unknown version %d (want %d to %d)", ErrRecordEncoding, data[0], recordVersion, recordVersionChange)
	}
	var v Record
	c := bincode.Codec{B: data[1:], Read: true}
	v.code(&c, data[0])
	if c.Err == nil && len(c.B) != 0 {
		c.Err = fmt.Errorf("%d trailing bytes", len(c.B))
	}
	if c.Err != nil {
		return fmt.Errorf("%w: %w", ErrRecordEncoding, c.Err)
	}
	// Only the canonical form is read: re-encoding must give the same bytes
	// (this catches every non-minimal varint at once).
	again := bincode.Codec{B: append(make([]byte, 0, len(data)), v.version())}
	if v.code(&again, v.version()); !bytes.Equal(again.B, data) {
		return fmt.Errorf("%w: not in canonical form", ErrRecordEncoding)
	}
	*r = v
	return nil
}

// code writes r's fields to c, or reads them from c, in encoding version v:
// the one list of the encoding's fields, in their order.
func (r *Record) code(c *bincode.Codec, v byte) {
	if v == recordVersionChange {
		r.codeChange(c)
		return
	}
	o := &r.Outcome
	c.Raw(r.Fingerprint[:])
	c.Raw(r.Request[:])
	bincode.Num(c, &r.Seq)
	c.Str(&r.KeyTail)
	c.Str(&r.Policy)
	c.Time(&r.RecordedAt)
	bincode.Num(c, &o.Op)
	bincode.Num(c, &o.Applied)
	c.Time(&o.At)
	c.Str(&o.Token.Product)
	bincode.Num(c, &o.Token.Seats)
	bincode.Num(c, &o.Token.TermMonths)
	for _, s := range []*Subscription{&o.Before, &o.After} {
		c.Str(&s.Tenant)
		c.Str(&s.Product)
		bincode.Num(c, &s.Seats)
		c.Time(&s.End)
	}
	bincode.Num(c, &o.StateBefore)
	for _, p := range []*int{&o.Remaining, &o.TermDays, &o.NewRemaining, &o.TermMonths} {
		bincode.Num(c, p)
	}
	for _, p := range []*int64{&o.SeatDaysBefore, &o.SeatDaysAfter, &o.Residue, &o.MonthsNum, &o.MonthsDen} {
		bincode.Num(c, p)
	}
	bincode.Num(c, &o.DaysAdded)
	bincode.Num(c, &o.DaysLost)
	bincode.Num(c, &o.Rounding)
	bincode.Num(c, &o.Convention)
	bincode.Num(c, &o.Anchor)
	bincode.Num(c, &o.CapFactor)
	c.Flag(&o.Replayed)
	if v == recordVersionReplace {
		c.Raw(r.Replaces[:])
		c.Str(&r.ReplacesTail)
	}
}
