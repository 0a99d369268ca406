package activation_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// TestBookStateMachine drives several Books (under PartnerCenter and
// Open2014) over one MemoryJournal through imports, redemptions of fresh,
// spent and identical keys, days passing and racing pairs, against a plain
// model: a map of subscriptions and a set of spent keys. A racing pair's
// order is read from History (the Seq of each record) and the model is
// stepped in that order, so runs stay reproducible. After every step the
// book's subscriptions equal the model's, every history is a chain, and
// replaying it reproduces every Outcome.
func TestBookStateMachine(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		m := newBookMachine(rt)
		rt.Repeat(map[string]func(*rapid.T){
			"import":           m.importSub,
			"redeem":           m.redeemFresh,
			"identical":        m.redeemIdentical,
			"spent key again":  m.redeemSpentOther,
			"days pass":        m.daysPass,
			"racing pair":      m.racingPair,
			"batch":            m.redeemBatch,
			"batch with spent": m.batchWithSpent,
			"":                 m.check,
		})
	})
}

// bmSub names a subscription of the machine.
type bmSub struct{ tenant, product string }

// bmRequest is a redemption the model recorded.
type bmRequest struct {
	book int
	sub  bmSub
	tk   token.Token
	op   activation.Operation
	at   time.Time
	o    activation.Outcome
	// batch holds the tokens of the batch the key was redeemed in, if any.
	batch []token.Token
}

type bookMachine struct {
	j     *activation.MemoryJournal
	books []*activation.Book

	// The model.
	subs    map[bmSub]activation.Subscription // tracked subscriptions
	records map[bmSub]int                     // records per subscription
	spent   map[token.Key]bmRequest
	order   []token.Key // spent keys, in the order spent
	day     time.Time
	next    int
}

var (
	bmTenants  = []string{"contoso", "fabrikam"}
	bmProducts = []string{"O365-E3", "O365-E5"}
	bmOps      = []activation.Operation{activation.AddSeats, activation.ExtendEnd, activation.Renew, activation.Activate}
)

func newBookMachine(t *rapid.T) *bookMachine {
	j := activation.NewMemoryJournal()
	m := &bookMachine{
		j:       j,
		subs:    map[bmSub]activation.Subscription{},
		records: map[bmSub]int{},
		spent:   map[token.Key]bmRequest{},
		day:     time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rapid.IntRange(0, 2000).Draw(t, "start day")),
	}
	for _, p := range []activation.Policy{activation.PartnerCenter(), activation.Open2014(), activation.PartnerCenter()} {
		m.books = append(m.books, &activation.Book{Policy: p, Journal: j})
	}
	return m
}

func (m *bookMachine) drawSub(t *rapid.T) bmSub {
	return bmSub{rapid.SampledFrom(bmTenants).Draw(t, "tenant"), rapid.SampledFrom(bmProducts).Draw(t, "product")}
}

func (m *bookMachine) freshKey(t *rapid.T) token.Key {
	m.next++
	k, err := token.ParseKey(fmt.Sprintf("STATE-MACHN-%05d-BOOKS-%05d", m.next, m.next))
	if err != nil {
		t.Fatalf("ParseKey: %v", err)
	}
	return k
}

// state returns the model's current state of s: none if untracked.
func (m *bookMachine) state(s bmSub) activation.Subscription {
	if cur, ok := m.subs[s]; ok {
		return cur
	}
	return activation.Subscription{Tenant: s.tenant, Product: s.product}
}

func (m *bookMachine) importSub(t *rapid.T) {
	s := m.drawSub(t)
	sub := activation.Subscription{Tenant: s.tenant, Product: s.product}
	if rapid.IntRange(0, 9).Draw(t, "import none") > 0 {
		sub.Seats = rapid.IntRange(1, 500).Draw(t, "import seats")
		sub.End = m.day.AddDate(0, 0, rapid.IntRange(-200, 800).Draw(t, "import end"))
	}
	b := m.books[rapid.IntRange(0, len(m.books)-1).Draw(t, "book")]
	if err := b.Import(context.Background(), sub, m.day); err != nil {
		t.Fatalf("Import: %v", err)
	}
	cur := m.state(s)
	if sameSub(cur, sub) {
		return // equal to the head (or none for an untracked one): nothing
	}
	m.subs[s] = sub
	m.records[s]++
}

func sameSub(a, b activation.Subscription) bool {
	return a.Seats == b.Seats && a.End.Equal(b.End)
}

func (m *bookMachine) drawRequest(t *rapid.T) (int, bmSub, token.Token, activation.Operation) {
	bi := rapid.IntRange(0, len(m.books)-1).Draw(t, "book")
	s := m.drawSub(t)
	tk := token.Token{Key: m.freshKey(t), Product: s.product, Seats: rapid.IntRange(1, 400).Draw(t, "key seats")}
	if rapid.IntRange(0, 9).Draw(t, "wrong product") == 0 {
		tk.Product = "VISIO-P2"
	}
	op := rapid.SampledFrom(bmOps).Draw(t, "op")
	return bi, s, tk, op
}

// step applies a redemption the book answered to the model: it checks the
// answer against Apply on the model's state and records it.
func (m *bookMachine) step(t *rapid.T, bi int, s bmSub, tk token.Token, op activation.Operation, o activation.Outcome, err error) {
	want, wantErr := m.books[bi].Policy.Apply(m.state(s), tk, op, m.day)
	if wantErr != nil {
		if err == nil {
			t.Fatalf("Redeem %v %v on %+v: applied, the model refuses: %v", op, tk.Seats, m.state(s), wantErr)
		}
		if msg := sentinelOf(wantErr); !errors.Is(err, msg) {
			t.Fatalf("Redeem refused with %v, want %v", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("Redeem %v %d on %+v: %v, want %+v", op, tk.Seats, m.state(s), err, want.After)
	}
	if o.Replayed || o != want {
		t.Fatalf("Redeem = %+v, want %+v", o, want)
	}
	m.subs[s] = want.After
	m.records[s]++
	m.spent[tk.Key] = bmRequest{book: bi, sub: s, tk: tk, op: op, at: m.day, o: want}
	m.order = append(m.order, tk.Key)
}

// sentinelOf returns the sentinel error err wraps.
func sentinelOf(err error) error {
	for _, s := range []error{activation.ErrNotAllowed, activation.ErrExtensionCap, activation.ErrProductMismatch, activation.ErrSeatLimit, activation.ErrInvalid} {
		if errors.Is(err, s) {
			return s
		}
	}
	return err
}

func (m *bookMachine) redeemFresh(t *rapid.T) {
	bi, s, tk, op := m.drawRequest(t)
	o, err := m.books[bi].Redeem(context.Background(), s.tenant, s.product, tk, op, m.day)
	m.step(t, bi, s, tk, op, o, err)
}

func (m *bookMachine) drawSpent(t *rapid.T) (token.Key, bmRequest) {
	if len(m.order) == 0 {
		t.Skip("no key spent yet")
	}
	k := rapid.SampledFrom(m.order).Draw(t, "spent key")
	return k, m.spent[k]
}

// redeemIdentical: the identical request replays, through any book, even
// after days passed and other keys moved the subscription on.
func (m *bookMachine) redeemIdentical(t *rapid.T) {
	_, req := m.drawSpent(t)
	b := m.books[rapid.IntRange(0, len(m.books)-1).Draw(t, "book")]
	at := req.at.Add(time.Duration(rapid.IntRange(0, 23).Draw(t, "hour")) * time.Hour)
	if req.batch != nil {
		m.batchIdentical(t, b, req, at)
		return
	}
	o, err := b.Redeem(context.Background(), req.sub.tenant, req.sub.product, req.tk, req.op, at)
	if err != nil {
		t.Fatalf("identical request: %v", err)
	}
	if !o.Replayed {
		t.Fatalf("identical request not replayed")
	}
	o.Replayed = false
	if o != req.o {
		t.Fatalf("replay = %+v, want %+v", o, req.o)
	}
}

// redeemSpentOther: any other request for a spent key is ErrAlreadyRedeemed.
func (m *bookMachine) redeemSpentOther(t *rapid.T) {
	k, req := m.drawSpent(t)
	s := m.drawSub(t)
	tk := token.Token{Key: k, Product: s.product, Seats: rapid.IntRange(1, 400).Draw(t, "key seats")}
	op := rapid.SampledFrom(bmOps).Draw(t, "op")
	if s == req.sub && tk.Product == req.tk.Product && tk.Seats == req.tk.Seats && op == req.op && m.day.Equal(req.at) {
		t.Skip("drew the identical request")
	}
	_, err := m.books[rapid.IntRange(0, len(m.books)-1).Draw(t, "book")].Redeem(context.Background(), s.tenant, s.product, tk, op, m.day)
	if !errors.Is(err, activation.ErrAlreadyRedeemed) {
		t.Fatalf("another request for a spent key: %v, want ErrAlreadyRedeemed", err)
	}
}

func (m *bookMachine) daysPass(t *rapid.T) {
	m.day = m.day.AddDate(0, 0, rapid.IntRange(1, 400).Draw(t, "days"))
}

// racingPair redeems two fresh keys on one subscription from two Books at
// once, then steps the model in the order the journal recorded them.
func (m *bookMachine) racingPair(t *rapid.T) {
	s := m.drawSub(t)
	type req struct {
		bi  int
		tk  token.Token
		op  activation.Operation
		o   activation.Outcome
		err error
	}
	var reqs [2]req
	for i := range reqs {
		reqs[i].bi = rapid.IntRange(0, len(m.books)-1).Draw(t, "book")
		reqs[i].tk = token.Token{Key: m.freshKey(t), Product: s.product, Seats: rapid.IntRange(1, 400).Draw(t, "key seats")}
		reqs[i].op = rapid.SampledFrom(bmOps).Draw(t, "op")
	}
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Go(func() {
			r := &reqs[i]
			r.o, r.err = m.books[r.bi].Redeem(context.Background(), s.tenant, s.product, r.tk, r.op, m.day)
		})
	}
	wg.Wait()

	// The order: the recorded ones by their Seq in the history. A refused
	// one was computed on the state before or after the other: its error
	// must be the model's on one of them.
	seq := func(k token.Key) int64 {
		rec, ok, err := m.j.Lookup(context.Background(), k.Fingerprint())
		if err != nil {
			t.Fatalf("Lookup: %v", err)
		}
		if !ok {
			return 0
		}
		return rec.Seq
	}
	seqs := [2]int64{seq(reqs[0].tk.Key), seq(reqs[1].tk.Key)}
	idx := []int{0, 1}
	if seqs[1] != 0 && (seqs[0] == 0 || seqs[1] < seqs[0]) {
		idx = []int{1, 0}
	}
	before := m.state(s)
	for _, i := range idx {
		if r := reqs[i]; seqs[i] != 0 {
			m.step(t, r.bi, s, r.tk, r.op, r.o, r.err)
		}
	}
	after := m.state(s)
	for i, r := range reqs {
		if seqs[i] != 0 {
			continue
		}
		if r.err == nil {
			t.Fatalf("racer %d succeeded but its key is not recorded", i)
		}
		ok := false
		for _, on := range []activation.Subscription{before, after} {
			if _, e := m.books[r.bi].Policy.Apply(on, r.tk, r.op, m.day); e != nil && errors.Is(r.err, sentinelOf(e)) {
				ok = true
			}
		}
		if !ok {
			t.Fatalf("racer %d refused with %v: the model refuses it on neither %+v nor %+v", i, r.err, before, after)
		}
	}
}

func (m *bookMachine) check(t *rapid.T) {
	ctx := context.Background()
	b := m.books[0]
	got, err := b.Subscriptions(ctx)
	if err != nil {
		t.Fatalf("Subscriptions: %v", err)
	}
	var want []activation.Subscription
	for _, s := range m.subs {
		want = append(want, s)
	}
	slices.SortFunc(want, func(a, b activation.Subscription) int {
		return cmp.Or(cmp.Compare(a.Tenant, b.Tenant), cmp.Compare(a.Product, b.Product))
	})
	if len(got) != len(want) {
		t.Fatalf("Subscriptions = %d, model %d", len(got), len(want))
	}
	for i := range got {
		if got[i].Tenant != want[i].Tenant || got[i].Product != want[i].Product || !sameSub(got[i], want[i]) {
			t.Fatalf("subscription %d = %+v, model %+v", i, got[i], want[i])
		}
	}
	for s, n := range m.records {
		h, err := b.History(ctx, s.tenant, s.product)
		if err != nil {
			t.Fatalf("History: %v", err)
		}
		if len(h) != n {
			t.Fatalf("%v: %d records, model %d", s, len(h), n)
		}
		if err := chainErr(h); err != nil {
			t.Fatalf("%v: %v", s, err)
		}
		if err := replayErr(h); err != nil {
			t.Fatalf("%v: %v", s, err)
		}
	}
	for k, req := range m.spent {
		rec, ok, err := b.Lookup(ctx, k)
		if err != nil || !ok {
			t.Fatalf("Lookup of a spent key: %v, %v", ok, err)
		}
		if rec.Outcome != withoutKey(req.o) {
			t.Fatalf("Lookup = %+v, model %+v", rec.Outcome, req.o)
		}
	}
}

func withoutKey(o activation.Outcome) activation.Outcome {
	o.Token.Key = token.Key{}
	return o
}

// chainErr says where h is not a chain.
func chainErr(h []activation.Record) error {
	for i, rec := range h {
		switch {
		case rec.Seq != int64(i+1):
			return fmt.Errorf("record %d has Seq %d", i+1, rec.Seq)
		case i == 0 && !rec.Outcome.Before.IsNone():
			return fmt.Errorf("the first record's Before is %+v, not none", rec.Outcome.Before)
		case i > 0 && rec.Outcome.Before != h[i-1].Outcome.After:
			return fmt.Errorf("record %d's Before %+v is not record %d's After %+v", i+1, rec.Outcome.Before, i, h[i-1].Outcome.After)
		}
	}
	return nil
}

// replayKey stands in for the key, which a history does not hold.
var replayKey = token.MustParseKey("REPLY-REPLY-REPLY-REPLY-REPLY")

// replayErr re-applies each redemption of h to its Before under its recorded
// policy and says where the result differs from the recorded Outcome.
func replayErr(h []activation.Record) error {
	for _, rec := range h {
		o := rec.Outcome
		if o.Op == activation.Import {
			continue
		}
		p, err := activation.PolicyByName(rec.Policy)
		if err != nil {
			return fmt.Errorf("record %d: policy: %v", rec.Seq, err)
		}
		tk := o.Token
		tk.Key = replayKey
		again, err := p.Apply(o.Before, tk, o.Op, o.At)
		if err != nil {
			return fmt.Errorf("record %d: replay refused: %v", rec.Seq, err)
		}
		if withoutKey(again) != o {
			return fmt.Errorf("record %d: replay = %+v, recorded %+v", rec.Seq, again, o)
		}
	}
	return nil
}
