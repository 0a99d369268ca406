package activation_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// TestRedeemerStateMachine follows one tenant's subscription through a random
// life of redemptions (every operation), days passing, replays and second
// uses of spent keys, and keys redeemed from several goroutines at once, with
// Redeemer and MemoryLedger under PartnerCenter. After every step the
// subscription, its state and the ledger are checked against a plain model:
// seats and end date, the lifecycle state by day counts (R8), the transition
// rules (R7, R9 under Partner Center), and the set of spent keys (R2).
func TestRedeemerStateMachine(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		m := newRedeemMachine(rt)
		rt.Repeat(map[string]func(*rapid.T){
			"redeem":            m.redeem,
			"wrong product":     m.redeemWrongProduct,
			"days pass":         m.daysPass,
			"spent key again":   m.spentKeyAgain,
			"concurrent redeem": m.concurrentRedeem,
			"":                  m.check,
		})
	})
}

const (
	smProduct = "O365-E3"
	smTenant  = "contoso"
)

// smRequest is one recorded redemption: the request and its result.
type smRequest struct {
	s  activation.Subscription
	tk token.Token
	op activation.Operation
	at time.Time
	o  activation.Outcome
}

type redeemMachine struct {
	p activation.Policy
	l *activation.MemoryLedger
	r *activation.Redeemer

	// sub is the subscription as the code under test leaves it: the caller
	// replaces it with Outcome.After after every applied redemption.
	sub activation.Subscription

	// The model.
	seats   int
	end     time.Time // zero: no term
	day     time.Time
	spent   map[token.Key]smRequest
	order   []token.Key // spent keys in the order they were spent
	refused []token.Key // keys refused once, never spent
	next    int         // next fresh key
}

func newRedeemMachine(t *rapid.T) *redeemMachine {
	p := activation.PartnerCenter()
	l := activation.NewMemoryLedger()
	m := &redeemMachine{
		p: p, l: l, r: &activation.Redeemer{Policy: p, Ledger: l},
		day:   daymath.AddDays(time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC), rapid.IntRange(0, 3000).Draw(t, "start day")),
		spent: map[token.Key]smRequest{},
	}
	m.sub = activation.Subscription{Tenant: smTenant, Product: smProduct}
	if !rapid.Bool().Draw(t, "no subscription yet") {
		m.seats = rapid.IntRange(1, 200).Draw(t, "seats")
		m.end = daymath.AddDays(m.day, rapid.IntRange(1, 400).Draw(t, "days remaining"))
		m.sub.Seats, m.sub.End = m.seats, m.end
	}
	return m
}

// state is the model's lifecycle state (R8), by plain day counts.
func (m *redeemMachine) state() activation.State {
	if m.seats == 0 && m.end.IsZero() {
		return activation.None
	}
	since := proration.Days(m.end, m.day) // days since the end date
	if since < 0 {
		return activation.Active
	}
	if since < m.p.GraceDays {
		return activation.Expired
	}
	if since < m.p.GraceDays+m.p.DisabledDays {
		return activation.Disabled
	}
	return activation.Deleted
}

// rank orders the states a subscription passes through as days pass.
func rank(st activation.State) int {
	switch st {
	case activation.Active:
		return 1
	case activation.Expired:
		return 2
	case activation.Disabled:
		return 3
	case activation.Deleted:
		return 4
	}
	return 0 // None
}

// predict says whether op with a key of c seats applies now under Partner
// Center, and if not, which error it must be.
func (m *redeemMachine) predict(op activation.Operation, c int) error {
	st := m.state()
	switch op {
	case activation.AddSeats:
		if st == activation.Active {
			return nil
		}
	case activation.ExtendEnd:
		if st != activation.Active {
			return activation.ErrNotAllowed // R7: not offered when expired or disabled
		}
		if c > 3*m.seats {
			return activation.ErrExtensionCap // R6
		}
		return nil
	case activation.Renew:
		// Partner Center: no early renewal; after expiry a renewal is an
		// activation anew (R7); a deleted subscription can only be activated.
		if st == activation.Expired || st == activation.Disabled {
			return nil
		}
	case activation.Activate:
		if st != activation.Active {
			return nil
		}
	}
	return activation.ErrNotAllowed
}

func (m *redeemMachine) freshKey(t *rapid.T) token.Key {
	if len(m.refused) > 0 && rapid.Bool().Draw(t, "reuse a refused key") {
		i := rapid.IntRange(0, len(m.refused)-1).Draw(t, "refused key")
		k := m.refused[i]
		m.refused = append(m.refused[:i], m.refused[i+1:]...)
		return k
	}
	m.next++
	return token.MustParseKey(fmt.Sprintf("STATE-%05d-MACHN-%05d-ZZZZZ", m.next/100000, m.next%100000))
}

func (m *redeemMachine) drawToken(t *rapid.T, k token.Key) token.Token {
	return token.Token{
		Key:        k,
		Product:    smProduct,
		Seats:      rapid.IntRange(1, 700).Draw(t, "key seats"),
		TermMonths: rapid.SampledFrom([]int{0, 12}).Draw(t, "term months"),
	}
}

var smOps = []activation.Operation{activation.AddSeats, activation.ExtendEnd, activation.Renew, activation.Activate}

func (m *redeemMachine) redeem(t *rapid.T) {
	k := m.freshKey(t)
	tk := m.drawToken(t, k)
	op := rapid.SampledFrom(smOps).Draw(t, "op")
	want := m.predict(op, tk.Seats)
	o, err := m.r.Redeem(context.Background(), m.sub, tk, op, m.day)
	if want != nil {
		m.refusedNothingChanged(t, k, o, err, want)
		return
	}
	if err != nil {
		t.Fatalf("Redeem(%s, %d seats) in state %s: %v, want success", op, tk.Seats, m.state(), err)
	}
	if o.Replayed {
		t.Fatalf("fresh key replayed")
	}
	m.applied(t, smRequest{s: m.sub, tk: tk, op: op, at: m.day, o: o})
}

// refusedNothingChanged checks a refused redemption of key k: the expected
// error, no Outcome, nothing spent. The key goes to the refused pool.
func (m *redeemMachine) refusedNothingChanged(t *rapid.T, k token.Key, o activation.Outcome, err error, want error) {
	if !errors.Is(err, want) {
		t.Fatalf("Redeem in state %s: error %v, want %v", m.state(), err, want)
	}
	if o != (activation.Outcome{}) {
		t.Fatalf("refused Redeem returned an Outcome: %+v", o)
	}
	if _, ok, _ := m.l.Lookup(context.Background(), k.Fingerprint()); ok {
		t.Fatalf("refused Redeem spent the key")
	}
	m.refused = append(m.refused, k)
}

// applied checks the Outcome of a redemption that applied and advances the
// model and the subscription.
func (m *redeemMachine) applied(t *rapid.T, q smRequest) {
	o, a, c := q.o, q.s.Seats, q.tk.Seats
	if o.Op != q.op || o.Token.Key != q.tk.Key || o.Before != q.s || o.StateBefore != m.state() {
		t.Fatalf("Outcome does not describe the request: %+v", o)
	}
	if o.After.Tenant != q.s.Tenant || o.After.Product != smProduct {
		t.Fatalf("seats moved to another tenant or product (R2): %+v", o.After)
	}
	term := proration.AddMonths(q.at, 12) // R3
	oldEnd := q.s.End
	newEnd := o.After.End
	var seats int
	switch q.op {
	case activation.AddSeats: // R4: seats add up; the end date is the seat-weighted average
		seats = a + c
		lo, hi := oldEnd, term
		if hi.Before(lo) {
			lo, hi = hi, lo
		}
		if newEnd.Before(lo) || newEnd.After(hi) {
			t.Fatalf("add: new end %s outside [%s, %s]", day(newEnd), day(lo), day(hi))
		}
		b, tdays := proration.Days(q.at, oldEnd), proration.Days(q.at, term)
		if o.SeatDaysBefore != int64(a)*int64(b)+int64(c)*int64(tdays) {
			t.Fatalf("add: seat-days before %d, want %d×%d + %d×%d", o.SeatDaysBefore, a, b, c, tdays)
		}
		if o.SeatDaysAfter != int64(a+c)*int64(proration.Days(q.at, newEnd)) {
			t.Fatalf("add: seat-days after %d, want %d × days to %s", o.SeatDaysAfter, a+c, day(newEnd))
		}
		if r := o.SeatDaysAfter - o.SeatDaysBefore; r != o.Residue || 2*r > int64(a+c) || -2*r > int64(a+c) {
			t.Fatalf("add: residue %d, seat-days %d → %d over %d seats", o.Residue, o.SeatDaysBefore, o.SeatDaysAfter, a+c)
		}
	case activation.ExtendEnd: // R5, R6: seats stay; the end moves forward by C ÷ A × 12 months ≤ 36
		seats = a
		if newEnd.Before(oldEnd) || newEnd.After(proration.AddMonths(oldEnd, 36)) {
			t.Fatalf("extend %d seats by %d: end %s → %s, outside +0…36 months", a, c, day(oldEnd), day(newEnd))
		}
		if c%a == 0 && !newEnd.Equal(proration.AddMonths(oldEnd, 12*c/a)) {
			t.Fatalf("extend %d seats by %d: end %s → %s, want +%d months", a, c, day(oldEnd), day(newEnd), 12*c/a)
		}
	case activation.Renew, activation.Activate: // R7 (Partner Center): a new 12-month term from the day
		seats = c
		if !newEnd.Equal(term) {
			t.Fatalf("%s: end %s, want %s", q.op, day(newEnd), day(term))
		}
	}
	if o.After.Seats != seats {
		t.Fatalf("%s of %d seats on %d: %d seats after, want %d", q.op, c, a, o.After.Seats, seats)
	}
	m.spent[q.tk.Key] = q
	m.order = append(m.order, q.tk.Key)
	if q.s.Tenant != smTenant {
		return // an intruder won the key: our subscription is unchanged
	}
	m.seats, m.end = seats, newEnd
	m.sub = o.After
}

func (m *redeemMachine) redeemWrongProduct(t *rapid.T) {
	k := m.freshKey(t)
	tk := m.drawToken(t, k)
	tk.Product = "O365-E5"
	op := rapid.SampledFrom(smOps).Draw(t, "op")
	want := activation.ErrProductMismatch
	o, err := m.r.Redeem(context.Background(), m.sub, tk, op, m.day)
	if m.predict(op, tk.Seats) != nil && !errors.Is(err, activation.ErrProductMismatch) {
		want = m.predict(op, tk.Seats) // refused either way; the order of the checks is Apply's choice
	}
	m.refusedNothingChanged(t, k, o, err, want)
}

func (m *redeemMachine) daysPass(t *rapid.T) {
	before := m.state()
	m.day = daymath.AddDays(m.day, rapid.IntRange(1, 200).Draw(t, "days"))
	if after := m.state(); rank(after) < rank(before) {
		t.Fatalf("state went back from %s to %s as days passed", before, after)
	}
}

func (m *redeemMachine) spentKeyAgain(t *rapid.T) {
	if len(m.order) == 0 {
		t.Skip("no key spent yet")
	}
	k := rapid.SampledFrom(m.order).Draw(t, "spent key")
	q := m.spent[k]
	ctx := context.Background()
	if rapid.Bool().Draw(t, "identical request") {
		o, err := m.r.Redeem(ctx, q.s, q.tk, q.op, q.at)
		if err != nil {
			t.Fatalf("identical retry: %v", err)
		}
		want := q.o
		want.Replayed = true
		if o != want {
			t.Fatalf("identical retry: %+v, want the recorded %+v", o, want)
		}
		return
	}
	s, tk, op, at := q.s, q.tk, q.op, q.at
	switch rapid.IntRange(0, 4).Draw(t, "what differs") {
	case 0:
		s.Tenant = "fabrikam"
	case 1:
		at = daymath.AddDays(at, rapid.IntRange(1, 30).Draw(t, "days later"))
	case 2:
		for op == q.op {
			op = rapid.SampledFrom(smOps).Draw(t, "other op")
		}
	case 3:
		s.Seats++
	case 4:
		tk.Seats++
	}
	o, err := m.r.Redeem(ctx, s, tk, op, at)
	if !errors.Is(err, activation.ErrAlreadyRedeemed) {
		t.Fatalf("second use of a spent key: %+v, %v; want ErrAlreadyRedeemed", o, err)
	}
}

func (m *redeemMachine) concurrentRedeem(t *rapid.T) {
	n := rapid.IntRange(2, 8).Draw(t, "goroutines")
	intruders := rapid.Bool().Draw(t, "other tenants race too")
	tk := m.drawToken(t, m.freshKey(t))
	op := rapid.SampledFrom(smOps).Draw(t, "op")
	want := m.predict(op, tk.Seats)

	subs := make([]activation.Subscription, n)
	outs := make([]activation.Outcome, n)
	errs := make([]error, n)
	for i := range subs {
		subs[i] = m.sub
		if intruders && i > 0 {
			subs[i].Tenant = fmt.Sprintf("intruder-%d", i)
		}
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			outs[i], errs[i] = m.r.Redeem(context.Background(), subs[i], tk, op, m.day)
		})
	}
	close(start)
	wg.Wait()

	if want != nil {
		for i := range n {
			if !errors.Is(errs[i], want) {
				t.Fatalf("goroutine %d: %v, want %v", i, errs[i], want)
			}
		}
		m.refusedNothingChanged(t, tk.Key, activation.Outcome{}, want, want)
		return
	}
	applied := -1
	for i := range n {
		switch {
		case errs[i] == nil && !outs[i].Replayed:
			if applied >= 0 {
				t.Fatalf("goroutines %d and %d both applied the key", applied, i)
			}
			applied = i
		case errs[i] == nil: // a replay: only for the identical request
			if intruders {
				t.Fatalf("goroutine %d replayed a request of another tenant", i)
			}
		case !errors.Is(errs[i], activation.ErrAlreadyRedeemed):
			t.Fatalf("goroutine %d: %v", i, errs[i])
		case !intruders:
			t.Fatalf("goroutine %d: identical request refused: %v", i, errs[i])
		}
	}
	if applied < 0 {
		t.Fatalf("no goroutine applied the key")
	}
	for i := range n {
		if errs[i] == nil {
			o := outs[i]
			o.Replayed = false
			if o != outs[applied] {
				t.Fatalf("goroutine %d: %+v, want the applied %+v", i, outs[i], outs[applied])
			}
		}
	}
	m.applied(t, smRequest{s: subs[applied], tk: tk, op: op, at: m.day, o: outs[applied]})
}

// check is the invariant after every step.
func (m *redeemMachine) check(t *rapid.T) {
	if m.sub.Seats < 0 {
		t.Fatalf("negative seats: %d", m.sub.Seats)
	}
	if m.sub.Seats != m.seats || !m.sub.End.Equal(m.end) || m.sub.Tenant != smTenant || m.sub.Product != smProduct {
		t.Fatalf("subscription %+v, model %d seats until %s", m.sub, m.seats, day(m.end))
	}
	if got, want := m.p.State(m.sub, m.day), m.state(); got != want {
		t.Fatalf("State on %s (end %s) = %s, model %s", day(m.day), day(m.end), got, want)
	}
	if m.l.Len() != len(m.spent) {
		t.Fatalf("ledger holds %d records, model %d spent keys", m.l.Len(), len(m.spent))
	}
	for _, k := range m.order {
		q := m.spent[k]
		rec, ok, err := m.l.Lookup(context.Background(), k.Fingerprint())
		if err != nil || !ok || rec.Request != activation.NewRequestID(q.s, q.tk, q.op, q.at) {
			t.Fatalf("spent key %v: record %v %v %v", k, ok, err, rec.Request)
		}
	}
}

func day(d time.Time) string {
	if d.IsZero() {
		return "none"
	}
	return d.Format(time.DateOnly)
}
