package activation_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

type request struct {
	s  activation.Subscription
	t  token.Token
	op activation.Operation
	at time.Time
}

func baseRequest() request {
	return request{
		s: activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100,
			End: time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC)},
		t: token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3",
			Seats: 25, TermMonths: 12},
		op: activation.ExtendEnd,
		at: time.Date(2026, time.June, 15, 0, 0, 0, 0, time.UTC),
	}
}

func (q request) id() activation.RequestID { return activation.NewRequestID(q.s, q.t, q.op, q.at) }

// TestNewRequestIDGolden pins the encoding: records made by one version must
// replay under the next (R2). Change the golden value only together with the
// version string in ledger.go.
func TestNewRequestIDGolden(t *testing.T) {
	const golden = "0ac81f2980430d0bc9b62d1cb94bcb3e1b26e9b58fc63087b3d4035871754ca8"
	got := fmt.Sprintf("%x", baseRequest().id())
	require.Len(t, got, 64)
	require.Equal(t, golden, got, "NewRequestID encoding changed")
}

// TestNewRequestIDSameRequest: only the calendar dates count.
func TestNewRequestIDSameRequest(t *testing.T) {
	base := baseRequest()
	plus5 := time.FixedZone("UTC+5", 5*3600)
	minus8 := time.FixedZone("UTC-8", -8*3600)
	same := map[string]func(*request){
		"identical":                 func(*request) {},
		"later the same day":        func(q *request) { q.at = q.at.Add(23*time.Hour + 59*time.Minute) },
		"the same date in UTC+5":    func(q *request) { q.at = time.Date(2026, time.June, 15, 1, 0, 0, 0, plus5) },
		"the same date in UTC-8":    func(q *request) { q.at = time.Date(2026, time.June, 15, 23, 0, 0, 0, minus8) },
		"end date at noon":          func(q *request) { q.s.End = q.s.End.Add(12 * time.Hour) },
		"end date in another zone":  func(q *request) { q.s.End = time.Date(2027, time.January, 1, 0, 0, 0, 0, minus8) },
		"same key, parsed again":    func(q *request) { q.t.Key = token.MustParseKey("aaaa1bbbb2cccc3dddd4eeee5") },
		"monotonic reading ignored": func(q *request) { q.at = q.at.Round(0) },
	}
	for name, mod := range same {
		q := baseRequest()
		mod(&q)
		require.Equal(t, base.id(), q.id(), "%s: NewRequestID differs", name)
	}
}

// TestNewRequestIDDistinct: every part of the request is part of its identity,
// and the length prefixes keep adjacent fields apart.
func TestNewRequestIDDistinct(t *testing.T) {
	differ := map[string]func(*request){
		"key":                  func(q *request) { q.t.Key = token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE6") },
		"tenant":               func(q *request) { q.s.Tenant = "fabrikam" },
		"tenant case":          func(q *request) { q.s.Tenant = "Contoso" },
		"empty tenant":         func(q *request) { q.s.Tenant = "" },
		"subscription product": func(q *request) { q.s.Product = "O365-E5" },
		"seats before":         func(q *request) { q.s.Seats = 101 },
		"end before":           func(q *request) { q.s.End = q.s.End.AddDate(0, 0, 1) },
		"end zero":             func(q *request) { q.s.End = time.Time{} },
		"token product":        func(q *request) { q.t.Product = "O365-E5" },
		"token seats":          func(q *request) { q.t.Seats = 26 },
		"token term":           func(q *request) { q.t.TermMonths = 24 },
		// 0 means the policy's term, which need not be 12: a request
		// with term 0 is not the request with term 12 (found by review).
		"token term 0":         func(q *request) { q.t.TermMonths = 0 },
		"operation":            func(q *request) { q.op = activation.AddSeats },
		"day":                  func(q *request) { q.at = q.at.AddDate(0, 0, 1) },
		"day a year later":     func(q *request) { q.at = q.at.AddDate(1, 0, 0) },
		"tenant|product shift": func(q *request) { q.s.Tenant, q.s.Product = "contosoO", "365-E3" },
		"product|product shift": func(q *request) {
			q.s.Product, q.t.Product = "O365-E3O", "365-E3"
		},
	}
	seen := map[activation.RequestID]string{baseRequest().id(): "base"}
	for name, mod := range differ {
		q := baseRequest()
		mod(&q)
		id := q.id()
		prev, dup := seen[id]
		require.False(t, dup, "%s: same RequestID as %s", name, prev)
		seen[id] = name
		require.NotEqual(t, activation.RequestID{}, id, "%s: zero RequestID", name)
	}
}

// TestNewRequestIDAnyInput: NewRequestID never fails or panics, whatever the
// input, including dates far outside the supported years.
func TestNewRequestIDAnyInput(t *testing.T) {
	long := make([]byte, 10_000)
	for i := range long {
		long[i] = byte(i)
	}
	inputs := []request{
		{},
		{s: activation.Subscription{Tenant: string(long), Seats: -1 << 62, End: time.Date(-40000, 1, 1, 0, 0, 0, 0, time.UTC)},
			t: token.Token{Seats: 1 << 62, TermMonths: -3}, op: activation.Operation(-7), at: time.Date(300000, 12, 31, 0, 0, 0, 0, time.UTC)},
	}
	for i, q := range inputs {
		require.NotPanics(t, func() { _ = q.id() }, "input %d", i)
	}
	require.NotEqual(t, inputs[0].id(), inputs[1].id())
}

// TestNewRequestIDAllocs: the hash is built on the stack for ordinary inputs.
func TestNewRequestIDAllocs(t *testing.T) {
	q := baseRequest()
	allocs := testing.AllocsPerRun(100, func() { _ = q.id() })
	require.Zero(t, allocs, "NewRequestID allocates")
}
