package activation_test

import (
	"context"
	"errors"
	"time"

	"pgregory.net/rapid"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// The batch steps of TestBookStateMachine: RedeemAll against the model
// applying the keys one after the other, all or none.

// redeemBatch redeems 1 … 4 fresh keys at once: the model applies them in
// turn; the first it refuses is the batch's error, and then nothing changes.
func (m *bookMachine) redeemBatch(t *rapid.T) {
	bi, s := rapid.IntRange(0, len(m.books)-1).Draw(t, "book"), m.drawSub(t)
	op := rapid.SampledFrom(bmOps).Draw(t, "op")
	ts := make([]token.Token, rapid.IntRange(1, 4).Draw(t, "batch size"))
	for i := range ts {
		ts[i] = token.Token{Key: m.freshKey(t), Product: s.product, Seats: rapid.IntRange(1, 400).Draw(t, "key seats")}
		if rapid.IntRange(0, 19).Draw(t, "wrong product") == 0 {
			ts[i].Product = "VISIO-P2"
		}
	}
	n := m.j.Len()
	out, err := m.books[bi].RedeemAll(context.Background(), s.tenant, s.product, ts, op, m.day)
	cur := m.state(s)
	want := make([]activation.Outcome, len(ts))
	for i := range ts {
		o, e := m.books[bi].Policy.Apply(cur, ts[i], op, m.day)
		if e != nil {
			var be *activation.BatchError
			if !errors.As(err, &be) || be.Index != i || !errors.Is(err, sentinelOf(e)) {
				t.Fatalf("RedeemAll = %v, want key %d refused with %v", err, i+1, e)
			}
			if m.j.Len() != n {
				t.Fatalf("a refused batch recorded %d records", m.j.Len()-n)
			}
			return
		}
		want[i], cur = o, o.After
	}
	if err != nil {
		t.Fatalf("RedeemAll: %v, the model applies every key", err)
	}
	for i := range out {
		if out[i].Replayed || out[i] != want[i] {
			t.Fatalf("RedeemAll key %d = %+v, want %+v", i+1, out[i], want[i])
		}
		m.spent[ts[i].Key] = bmRequest{book: bi, sub: s, tk: ts[i], op: op, at: m.day, o: want[i], batch: ts}
		m.order = append(m.order, ts[i].Key)
	}
	m.subs[s] = cur
	m.records[s] += len(ts)
}

// batchIdentical: the identical batch replays whole, through any book.
func (m *bookMachine) batchIdentical(t *rapid.T, b *activation.Book, req bmRequest, at time.Time) {
	out, err := b.RedeemAll(context.Background(), req.sub.tenant, req.sub.product, req.batch, req.op, at)
	if err != nil {
		t.Fatalf("identical batch: %v", err)
	}
	for i := range out {
		if !out[i].Replayed {
			t.Fatalf("identical batch: key %d not replayed", i+1)
		}
		out[i].Replayed = false
		if want := m.spent[req.batch[i].Key].o; out[i] != want {
			t.Fatalf("identical batch: key %d = %+v, want %+v", i+1, out[i], want)
		}
	}
}

// batchWithSpent: a batch holding a spent key (alone or in a batch) is
// ErrAlreadyRedeemed naming that key, before any refusal, and records
// nothing.
func (m *bookMachine) batchWithSpent(t *rapid.T) {
	k, _ := m.drawSpent(t)
	s := m.drawSub(t)
	ts := []token.Token{
		{Key: m.freshKey(t), Product: s.product, Seats: rapid.IntRange(1, 400).Draw(t, "key seats")},
		{Key: k, Product: s.product, Seats: rapid.IntRange(1, 400).Draw(t, "key seats")},
	}
	n := m.j.Len()
	_, err := m.books[rapid.IntRange(0, len(m.books)-1).Draw(t, "book")].RedeemAll(context.Background(), s.tenant, s.product, ts,
		rapid.SampledFrom(bmOps).Draw(t, "op"), m.day)
	var be *activation.BatchError
	if !errors.As(err, &be) || be.Index != 1 || !errors.Is(err, activation.ErrAlreadyRedeemed) {
		t.Fatalf("a batch with a spent key: %v, want key 2 ErrAlreadyRedeemed", err)
	}
	if m.j.Len() != n {
		t.Fatalf("a refused batch recorded %d records", m.j.Len()-n)
	}
}
