package activation

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/coterm/coterm/activation/internal/bincode"
	"github.com/coterm/coterm/token"
)

// TestRidAppendInt: the fast paths write what strconv.AppendInt writes,
// length-prefixed, at every edge of theirs and for any value.
func TestRidAppendInt(t *testing.T) {
	general := func(v int64) []byte { return bincode.AppendLen([]byte("x"), strconv.AppendInt(nil, v, 10)) }
	for _, v := range []int64{math.MinInt64, -1000, -100, -11, -10, -9, -1, 0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, math.MaxInt64} {
		if got := ridAppendInt([]byte("x"), v); !bytes.Equal(got, general(v)) {
			t.Fatalf("%d: %q, want %q", v, got, general(v))
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		v := rapid.OneOf(rapid.Int64Range(-2000, 2000), rapid.Int64()).Draw(t, "v")
		if got := ridAppendInt([]byte("x"), v); !bytes.Equal(got, general(v)) {
			t.Fatalf("%d: %q, want %q", v, got, general(v))
		}
	})
}

// TestRidAppendDate: the fast path writes what AppendFormat(time.DateOnly)
// writes, length-prefixed, for every year, zone and time of day.
func TestRidAppendDate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := time.Date(rapid.IntRange(-20, 10020).Draw(t, "year"), time.Month(rapid.IntRange(1, 12).Draw(t, "month")),
			rapid.IntRange(1, 31).Draw(t, "day"), rapid.IntRange(0, 23).Draw(t, "hour"), 0, 0, 0,
			time.FixedZone("z", rapid.IntRange(-14, 14).Draw(t, "zone")*3600))
		want := bincode.AppendLen(nil, d.AppendFormat(nil, time.DateOnly))
		if got := ridAppendDate(nil, d); !bytes.Equal(got, want) {
			t.Fatalf("ridAppendDate(%v) = %q, want %q", d, got, want)
		}
	})
}

// bookRequestID is the Book's request identity: requestID in the Book's
// domain, without the state before.
func bookRequestID(fp token.Fingerprint, tenant, product string, t *token.Token, op Operation, at time.Time) RequestID {
	return requestID(bookDomain, fp, tenant, product, nil, t, op, at)
}

// TestBookRequestIDGolden pins the Book's request identity: records made by
// one version must replay under the next (change bookDomain when the
// encoding changes on purpose).
func TestBookRequestIDGolden(t *testing.T) {
	k := token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5")
	tk := token.Token{Key: k, Product: "O365-E3", Seats: 25, TermMonths: 0}
	got := bookRequestID(k.Fingerprint(), "contoso", "O365-E3", &tk, AddSeats, time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC))
	const golden = "4cea4fd9af3bf9bcbe403e091b3698d4982525ceaa01306594417631bfb99a20"
	if fmt.Sprintf("%x", got) != golden {
		t.Fatalf("bookRequestID = %s, want %s: the encoding changed", got, golden)
	}
	// It differs from the Redeemer's identity of the same request.
	s := Subscription{Tenant: "contoso", Product: "O365-E3"}
	if got == NewRequestID(s, tk, AddSeats, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatal("bookRequestID equals NewRequestID: not domain-separated")
	}
}

// TestBookRequestIDDistinct: every part of a Book request is part of its
// identity; the state before is not.
func TestBookRequestIDDistinct(t *testing.T) {
	k := token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5")
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	base := func() (token.Fingerprint, string, string, token.Token, Operation, time.Time) {
		return k.Fingerprint(), "contoso", "O365-E3", token.Token{Key: k, Product: "O365-E3", Seats: 25}, AddSeats, at
	}
	id := func(fp token.Fingerprint, tenant, product string, tk token.Token, op Operation, at time.Time) RequestID {
		return bookRequestID(fp, tenant, product, &tk, op, at)
	}
	seen := map[RequestID]string{id(base()): "base"}
	mods := map[string]func(*token.Fingerprint, *string, *string, *token.Token, *Operation, *time.Time){
		"key": func(fp *token.Fingerprint, _, _ *string, _ *token.Token, _ *Operation, _ *time.Time) { fp[0] ^= 1 },
		"tenant": func(_ *token.Fingerprint, tn, _ *string, _ *token.Token, _ *Operation, _ *time.Time) {
			*tn = "fabrikam"
		},
		"product": func(_ *token.Fingerprint, _, p *string, _ *token.Token, _ *Operation, _ *time.Time) { *p = "O365-E5" },
		"token product": func(_ *token.Fingerprint, _, _ *string, tk *token.Token, _ *Operation, _ *time.Time) {
			tk.Product = "O365-E5"
		},
		"seats": func(_ *token.Fingerprint, _, _ *string, tk *token.Token, _ *Operation, _ *time.Time) { tk.Seats = 26 },
		"term": func(_ *token.Fingerprint, _, _ *string, tk *token.Token, _ *Operation, _ *time.Time) {
			tk.TermMonths = 12
		},
		"op": func(_ *token.Fingerprint, _, _ *string, _ *token.Token, op *Operation, _ *time.Time) { *op = ExtendEnd },
		"day": func(_ *token.Fingerprint, _, _ *string, _ *token.Token, _ *Operation, a *time.Time) {
			*a = a.AddDate(0, 0, 1)
		},
		"tenant/product boundary": func(_ *token.Fingerprint, tn, p *string, _ *token.Token, _ *Operation, _ *time.Time) {
			*tn, *p = "contosoO", "365-E3"
		},
	}
	for name, mod := range mods {
		fp, tn, p, tk, op, a := base()
		mod(&fp, &tn, &p, &tk, &op, &a)
		got := id(fp, tn, p, tk, op, a)
		if other, ok := seen[got]; ok {
			t.Fatalf("%s: same identity as %s", name, other)
		}
		seen[got] = name
	}
	// The same day at another hour or in another zone is the same request.
	fp, tn, p, tk, op, _ := base()
	if id(fp, tn, p, tk, op, time.Date(2026, 12, 1, 23, 59, 0, 0, time.FixedZone("x", 5*3600))) != id(base()) {
		t.Fatal("the time of day changed the identity")
	}
}
