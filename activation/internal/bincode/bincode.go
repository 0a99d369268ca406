// Package bincode is the binary form of activation's stored records:
// zig-zag varints as encoding/binary writes them, strings as a length and
// bytes, times as Unix seconds and nanoseconds, booleans as 0 or 1. A Codec
// either appends or reads, so that one list of fields serves both
// directions.
package bincode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// AppendLen appends v's length as a uvarint, then v: how both of
// activation's encodings, the request identity's and the record's, write a
// string.
func AppendLen[S string | []byte](b []byte, v S) []byte {
	return append(binary.AppendUvarint(b, uint64(len(v))), v...)
}

// Codec appends values to B, or, with Read, reads them from B; a read's
// first error sticks in Err and every later read is zero.
type Codec struct {
	B    []byte
	Read bool
	Err  error
}

func (c *Codec) fail(err string) {
	if c.Err == nil {
		c.Err = errors.New(err)
	}
	c.B = nil
}

// Raw writes or reads len(p) bytes as they are.
func (c *Codec) Raw(p []byte) {
	switch {
	case !c.Read:
		c.B = append(c.B, p...)
	case len(c.B) < len(p):
		c.fail("truncated")
	default:
		c.B = c.B[copy(p, c.B):]
	}
}

// Uvarint writes v, or reads and returns a value.
func (c *Codec) Uvarint(v uint64) uint64 {
	if !c.Read {
		c.B = binary.AppendUvarint(c.B, v)
		return v
	}
	v, n := binary.Uvarint(c.B)
	if n <= 0 {
		c.fail("truncated or overlong integer")
		return 0
	}
	c.B = c.B[n:]
	return v
}

// Num writes or reads *p as a zig-zag varint (binary.AppendVarint's form);
// a value read that does not fit T is an error.
func Num[T ~int | ~int64](c *Codec, p *T) {
	v := int64(*p)
	u := c.Uvarint(uint64(v<<1) ^ uint64(v>>63))
	if v = int64(u>>1) ^ -int64(u&1); c.Read && int64(T(v)) != v {
		c.fail("integer out of range")
		return
	}
	*p = T(v)
}

// Str writes or reads *p.
func (c *Codec) Str(p *string) {
	n := c.Uvarint(uint64(len(*p)))
	switch {
	case !c.Read:
		c.B = append(c.B, *p...)
	case n > uint64(len(c.B)):
		c.fail("truncated string")
	default:
		*p, c.B = string(c.B[:n]), c.B[n:]
	}
}

// Time writes or reads *p's instant as Unix seconds and nanoseconds (Unix
// seconds cover every time.Time: the conversion wraps around exactly).
func (c *Codec) Time(p *time.Time) {
	sec := p.Unix()
	Num(c, &sec)
	if nsec := c.Uvarint(uint64(p.Nanosecond())); c.Read && c.Err == nil {
		if nsec >= 1e9 {
			c.fail("nanoseconds out of range")
			return
		}
		*p = time.Unix(sec, int64(nsec)).UTC()
	}
}

// Flag writes or reads *p as the byte 0 or 1.
func (c *Codec) Flag(p *bool) {
	b := []byte{0}
	if *p {
		b[0] = 1
	}
	if c.Raw(b); c.Read && b[0] > 1 {
		c.fail(fmt.Sprintf("boolean %d, want 0 or 1", b[0]))
	}
	*p = b[0] == 1
}
