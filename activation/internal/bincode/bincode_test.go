package bincode

import (
	"bytes"
	"math"
	"testing"
	"time"
)

// TestRoundTrip: what a writing Codec appends, a reading Codec reads back,
// value for value, to the last byte.
func TestRoundTrip(t *testing.T) {
	type values struct {
		n    int
		i    int64
		s    string
		when time.Time
		ok   bool
		raw  [3]byte
	}
	code := func(c *Codec, v *values) {
		Num(c, &v.n)
		Num(c, &v.i)
		c.Str(&v.s)
		c.Time(&v.when)
		c.Flag(&v.ok)
		c.Raw(v.raw[:])
	}
	for _, in := range []values{
		{},
		{n: -1, i: math.MinInt64, s: "x\u202ey", when: time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC), ok: true, raw: [3]byte{1, 2, 3}},
		{n: math.MaxInt32, i: math.MaxInt64, when: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)},
	} {
		w := Codec{}
		code(&w, &in)
		r := Codec{B: w.B, Read: true}
		var out values
		code(&r, &out)
		if r.Err != nil || len(r.B) != 0 {
			t.Fatalf("read %+v: err %v, %d bytes left", in, r.Err, len(r.B))
		}
		if out != in {
			t.Fatalf("read %+v, want %+v", out, in)
		}
	}
	if got := AppendLen(nil, "abc"); !bytes.Equal(got, []byte{3, 'a', 'b', 'c'}) {
		t.Fatalf("AppendLen = %v", got)
	}
}

// TestErrors: the first error sticks, says what is wrong, and every later
// read is zero.
func TestErrors(t *testing.T) {
	for want, in := range map[string][]byte{
		"truncated or overlong integer": {0x80},
		"truncated string":              {4, 'a'},
		"boolean 2, want 0 or 1":        {2},
		"nanoseconds out of range":      {0, 0x80, 0x94, 0xeb, 0xdc, 0x03},
	} {
		c := Codec{B: in, Read: true}
		var s string
		var b bool
		var when time.Time
		switch want {
		case "truncated string":
			c.Str(&s)
		case "boolean 2, want 0 or 1":
			c.Flag(&b)
		case "nanoseconds out of range":
			c.Time(&when)
		default:
			var n int64
			Num(&c, &n)
		}
		if c.Err == nil || c.Err.Error() != want {
			t.Fatalf("%v: err %v, want %q", in, c.Err, want)
		}
		var after int64 = 7
		if Num(&c, &after); after != 0 || c.Err.Error() != want {
			t.Fatalf("%v: a read after the error gave %d, err %v", in, after, c.Err)
		}
	}
}
