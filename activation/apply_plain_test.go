package activation

import (
	"testing"
	"time"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
	"pgregory.net/rapid"
)

// drawNearValid draws inputs that are valid or fail one check by a little:
// each field at, just inside or just outside its limits, products with white
// space, dates at both ends of the calendar and in any zone.
func drawNearValid(t *rapid.T) (Policy, Subscription, token.Token, time.Time) {
	edge := func(label string, lo, hi int) int {
		return rapid.SampledFrom([]int{lo - 1, lo, lo + 1, (lo + hi) / 2, hi - 1, hi, hi + 1, 2047, 2048, -1 << 40}).Draw(t, label)
	}
	p := drawPreset(t)
	switch rapid.IntRange(0, 14).Draw(t, "policy field") {
	case 0:
		p.TermMonths = edge("term", 1, proration.MaxTermMonths)
	case 1:
		p.GraceDays = edge("grace", 0, maxPolicyDays)
	case 2:
		p.DisabledDays = edge("disabled", 0, maxPolicyDays)
	case 3:
		p.RenewWindowDays = edge("window", 0, maxPolicyDays)
	case 4:
		p.ReplacementWindowDays = edge("replacement", 0, maxPolicyDays)
	case 5:
		p.CapFactor = edge("cap", 1, proration.MaxCapFactor)
	case 6:
		p.Rounding = proration.Rounding(edge("rounding", 0, 3))
	case 7:
		p.Convention = proration.Convention(edge("convention", 0, 1))
	case 8:
		p.EarlyRenewAnchor = Anchor(edge("early anchor", 1, 2))
	case 9:
		p.GraceRenewAnchor = Anchor(edge("grace anchor", 1, 2))
		p.GraceDays = 28*p.TermMonths + rapid.IntRange(-2, 2).Draw(t, "grace days beside a term")
	case 10:
		p.ExpiredService = Service(edge("expired service", 0, 3))
	case 11:
		p.DisabledService = Service(edge("disabled service", 0, 3))
	case 12:
		p.CapRule = proration.CapRule(edge("cap rule", 0, 1))
	}
	products := []string{"O365-E3", "", " ", " O365-E3", "\tEMS", "\u00a0E3", "\u2003", "EMS", "~", "!"}
	s := Subscription{Tenant: "t", Product: rapid.SampledFrom(products).Draw(t, "product"),
		Seats: edge("seats", 1, MaxSeats)}
	if rapid.IntRange(0, 3).Draw(t, "usual seats") > 0 {
		s.Seats = rapid.IntRange(1, 1000).Draw(t, "seats")
	}
	day := func(label string) time.Time {
		d := rapid.OneOf(rapid.Int64Range(-2, 5), rapid.Int64Range(3652055, 3652062), rapid.Int64Range(700000, 800000)).Draw(t, label+" day")
		zone := time.FixedZone("z", rapid.IntRange(-14*3600, 14*3600).Draw(t, label+" offset"))
		return time.Unix((d-719163)*86400+rapid.Int64Range(0, 86399).Draw(t, label+" second"), 0).In(zone)
	}
	s.End = day("end")
	switch rapid.IntRange(0, 9).Draw(t, "odd end") {
	case 0:
		s.End = time.Time{}
	case 1:
		s.Seats, s.End = 0, time.Time{}
	}
	var k token.Key
	if rapid.IntRange(0, 4).Draw(t, "zero key") > 0 {
		k = token.MustParseKey(testKey)
	}
	tk := token.Token{Key: k, Product: s.Product, Seats: edge("key seats", 1, MaxSeats),
		TermMonths: edge("key term", 0, token.MaxTermMonths)}
	if rapid.IntRange(0, 3).Draw(t, "usual key") > 0 {
		tk.Seats, tk.TermMonths = rapid.IntRange(1, 1000).Draw(t, "key seats"), rapid.SampledFrom([]int{0, 1, 12, 36}).Draw(t, "key term")
	}
	if rapid.IntRange(0, 4).Draw(t, "other product") == 0 {
		tk.Product = rapid.SampledFrom(products).Draw(t, "key product")
	}
	at := day("at")
	if rapid.Bool().Draw(t, "plain") { // what checkPlain accepts, about half the time
		p = drawPreset(t)
		s.Product, s.Seats = "O365-E3", rapid.IntRange(1, MaxSeats).Draw(t, "plain seats")
		s.End = time.Unix(rapid.Int64Range(-62135596800+86400, 253402214400).Draw(t, "plain end"), 0).UTC()
		at = time.Unix(rapid.Int64Range(-62135596800+86400, 253402214400).Draw(t, "plain at"), 0).UTC()
		tk = token.Token{Key: token.MustParseKey(testKey), Product: s.Product,
			Seats: rapid.IntRange(1, MaxSeats).Draw(t, "plain key seats"), TermMonths: rapid.IntRange(0, token.MaxTermMonths).Draw(t, "plain term")}
	}
	return p, s, tk, at
}

// TestCheckPlainAgreesWithCheckEach: whatever the fast path of Apply's checks
// accepts, the checks one by one accept with the same request and term; and
// it accepts the usual inputs (else it would be dead weight).
func TestCheckPlainAgreesWithCheckEach(t *testing.T) {
	accepted := 0
	rapid.Check(t, func(t *rapid.T) {
		p, s, tk, at := drawNearValid(t)
		if p.plainlyValid() && p.Validate() != nil {
			t.Fatalf("plainlyValid accepts a policy Validate refuses: %v", p.Validate())
		}
		r, term, ok := checkPlain(&p, &s, &tk, at)
		if !ok {
			return
		}
		accepted++
		wr, wterm, err := checkEach(&p, &s, &tk, at)
		if err != nil {
			t.Fatalf("checkPlain accepts what checkEach refuses: %v", err)
		}
		if r != wr || term != wterm {
			t.Fatalf("checkPlain = %+v, %d; checkEach = %+v, %d", r, term, wr, wterm)
		}
	})
	if accepted == 0 {
		t.Error("checkPlain accepted no input")
	}
	p, tk := PartnerCenter(), mkToken(25)
	if _, _, ok := checkPlain(&p, &benchSub, &tk, benchAt); !ok {
		t.Error("checkPlain refuses the benchmark's input")
	}
}
