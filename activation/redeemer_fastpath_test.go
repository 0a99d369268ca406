package activation_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// viaClaim is a Ledger that forwards to a MemoryJournal through the
// interface, so that a Redeemer on it goes through MemoryJournal.Claim (with
// its check of the record's text), not the Redeemer's fast path.
type viaClaim struct{ j *activation.MemoryJournal }

func (l viaClaim) Claim(ctx context.Context, rec activation.Record) (activation.Record, bool, error) {
	return l.j.Claim(ctx, rec)
}

func (l viaClaim) Lookup(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	return l.j.Lookup(ctx, fp)
}

var fastPathSentinels = []error{
	activation.ErrInvalid, activation.ErrAlreadyRedeemed, activation.ErrBrokenStore,
	context.Canceled, context.DeadlineExceeded,
}

// TestRedeemerFastPathIsClaim: a Redeemer on a *MemoryJournal (its claim
// without the text check) answers every request, Outcome and error, byte
// for byte as one whose Ledger reaches an identical MemoryJournal through
// Claim, and both journals end up holding the same records; a Book shares
// each journal, so that some keys are spent by another writer.
func TestRedeemerFastPathIsClaim(t *testing.T) {
	good := []string{"contoso", "Adams Baker Clark Davis Evans LLP", "株式会社"}
	bad := []string{"", "Adams Baker Clark Davis Evans", "Tenant AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2 (old)",
		"XXXXX-XXXXX-XXXXX-XXXXX-AB3DE", "bad\x07name", " ", strings.Repeat("n", 257), "\xff", "a\u200bb"}
	name := func(rt *rapid.T, label string, usual ...string) string {
		if rapid.IntRange(0, 9).Draw(rt, label+"Bad") == 0 {
			return rapid.SampledFrom(bad).Draw(rt, label)
		}
		return rapid.SampledFrom(append(usual, good...)).Draw(rt, label)
	}
	keys := []string{"RDEEM-TESTS-AAAAA-BBBBB-00001", "RDEEM-TESTS-AAAAA-BBBBB-00002",
		"RDEEM-TESTS-AAAAA-BBBBB-00003", "ABCDE-FGHJK-LMNPQ-RSTVW-XYZAB"}
	zones := []*time.Location{time.UTC, time.FixedZone("east", 14*3600), time.FixedZone("west", -12*3600)}
	var seen [4]int // inserted, replayed, already redeemed, other error
	defer func() {
		t.Logf("inserted %d, replayed %d, already redeemed %d, other errors %d", seen[0], seen[1], seen[2], seen[3])
	}()
	rapid.Check(t, func(rt *rapid.T) {
		fast, slow := activation.NewMemoryJournal(), activation.NewMemoryJournal()
		pol := rapid.SampledFrom([]func() activation.Policy{activation.PartnerCenter, activation.Open2014,
			activation.DirectPurchase, activation.VolumeLicensing}).Draw(rt, "policy")()
		pol.Name = rapid.SampledFrom([]string{pol.Name, pol.Name, pol.Name, pol.Name, "", "", "Adams Baker Clark Davis Evans", "p\x00"}).Draw(rt, "policyName")
		rf := &activation.Redeemer{Policy: pol, Ledger: fast}
		rs := &activation.Redeemer{Policy: pol, Ledger: viaClaim{slow}}
		bf := &activation.Book{Policy: pol, Journal: fast, Clock: func() time.Time { return time.Unix(0, 0) }}
		bs := &activation.Book{Policy: pol, Journal: slow, Clock: func() time.Time { return time.Unix(0, 0) }}
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		steps := rapid.IntRange(1, 12).Draw(rt, "steps")
		var (
			prevS  activation.Subscription
			prevT  token.Token
			prevOp activation.Operation
			prevAt time.Time
		)
		for i := range steps {
			k, err := token.ParseKey(rapid.SampledFrom(keys).Draw(rt, "key"))
			if err != nil {
				rt.Fatal(err)
			}
			tk := token.Token{Key: k, Product: name(rt, "keyProduct", "O365-E3", "O365-E3", "O365-E3", "O365-E3", "O365-E3", "O365-E3"),
				Seats: rapid.IntRange(0, 30).Draw(rt, "keySeats") | rapid.SampledFrom([]int{0, 1}).Draw(rt, "keySeatsOne"), TermMonths: rapid.SampledFrom([]int{0, 0, 1, 12, 36, 40}).Draw(rt, "term")}
			zone := rapid.SampledFrom(zones).Draw(rt, "zone")
			at := time.Date(2026, time.Month(rapid.IntRange(1, 12).Draw(rt, "month")), rapid.IntRange(1, 28).Draw(rt, "day"),
				rapid.IntRange(0, 23).Draw(rt, "hour"), 0, 0, 0, zone)
			if rapid.Bool().Draw(rt, "monotonic") {
				now := time.Now() // a reading with a monotonic clock, moved to the drawn wall time
				at = now.Add(at.Sub(now)).In(zone)
			}
			s := activation.Subscription{Tenant: name(rt, "tenant", "", ""),
				Product: name(rt, "product", "O365-E3", "O365-E3", "O365-E3", "O365-E3", "O365-E3", "O365-E3")}
			if rapid.IntRange(0, 3).Draw(rt, "termed") > 0 {
				s.Seats = rapid.IntRange(0, 30).Draw(rt, "seats") | 1
				s.End = time.Date(2026, time.Month(rapid.IntRange(1, 24).Draw(rt, "endMonth")), 1, 0, 0, 0, 0,
					rapid.SampledFrom(zones).Draw(rt, "endZone"))
			}
			op := activation.Operation(rapid.IntRange(1, 4).Draw(rt, "op"))
			if i > 0 && rapid.IntRange(0, 2).Draw(rt, "again") == 0 {
				s, tk, op, at = prevS, prevT, prevOp, prevAt // the identical request
				if rapid.Bool().Draw(rt, "atInZone") {
					at = at.In(rapid.SampledFrom(zones).Draw(rt, "againZone")) // the same instant elsewhere
				}
			}
			prevS, prevT, prevOp, prevAt = s, tk, op, at
			ctx := context.Background()
			if rapid.IntRange(0, 9).Draw(rt, "cancel") == 0 {
				ctx = cancelled
			}
			if rapid.IntRange(0, 4).Draw(rt, "byBook") == 0 {
				of, ef := bf.Redeem(ctx, s.Tenant, s.Product, tk, op, at)
				os, es := bs.Redeem(ctx, s.Tenant, s.Product, tk, op, at)
				compare(rt, i, "book", of, ef, os, es)
				continue
			}
			of, ef := rf.Redeem(ctx, s, tk, op, at)
			os, es := rs.Redeem(ctx, s, tk, op, at)
			compare(rt, i, "redeemer", of, ef, os, es)
			switch {
			case ef == nil && !of.Replayed:
				seen[0]++
			case ef == nil:
				seen[1]++
			case errors.Is(ef, activation.ErrAlreadyRedeemed):
				seen[2]++
			default:
				seen[3]++
			}
		}
		if fast.Len() != slow.Len() {
			rt.Fatalf("journals hold %d and %d records", fast.Len(), slow.Len())
		}
		for _, ks := range keys {
			k, _ := token.ParseKey(ks)
			a, aok, aerr := fast.Lookup(context.Background(), k.Fingerprint())
			b, bok, berr := slow.Lookup(context.Background(), k.Fingerprint())
			if aok != bok || (aerr == nil) != (berr == nil) || !reflect.DeepEqual(a, b) {
				rt.Fatalf("key %v: fast path stored %+v %v %v, Claim %+v %v %v", k, a, aok, aerr, b, bok, berr)
			}
		}
	})
}

func compare(rt *rapid.T, i int, who string, of activation.Outcome, ef error, os activation.Outcome, es error) {
	rt.Helper()
	if (ef == nil) != (es == nil) || ef != nil && ef.Error() != es.Error() {
		rt.Fatalf("step %d %s: fast path error %v, Claim error %v", i, who, ef, es)
	}
	for _, s := range fastPathSentinels {
		if errors.Is(ef, s) != errors.Is(es, s) {
			rt.Fatalf("step %d %s: errors.Is(%v) differs: %v / %v", i, who, s, ef, es)
		}
	}
	if !reflect.DeepEqual(of, os) {
		rt.Fatalf("step %d %s: fast path %+v\nClaim %+v", i, who, of, os)
	}
}

// TestRedeemerNilMemoryJournal: a nil *MemoryJournal as Ledger is an
// ErrInvalid error through the fast path, as through Claim, never a panic.
func TestRedeemerNilMemoryJournal(t *testing.T) {
	s, tk, at := redeemFixture(t)
	var j *activation.MemoryJournal
	for _, l := range []activation.Ledger{j, viaClaim{j}} {
		r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: l}
		o, err := r.Redeem(context.Background(), s, tk, activation.AddSeats, at)
		if !errors.Is(err, activation.ErrInvalid) || o != (activation.Outcome{}) {
			t.Fatalf("%T: %+v, %v", l, o, err)
		}
	}
	rf := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: j}
	rs := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: viaClaim{j}}
	_, ef := rf.Redeem(context.Background(), s, tk, activation.AddSeats, at)
	_, es := rs.Redeem(context.Background(), s, tk, activation.AddSeats, at)
	if ef.Error() != es.Error() {
		t.Fatalf("%v / %v", ef, es)
	}
}

// TestRedeemerReplayAllocatesNothing: the identical request again, on a
// MemoryJournal, replays without a single allocation (the error context is
// made only for an error).
func TestRedeemerReplayAllocatesNothing(t *testing.T) {
	s, tk, at := redeemFixture(t)
	ctx := context.Background()
	r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: activation.NewMemoryLedger()}
	if _, err := r.Redeem(ctx, s, tk, activation.AddSeats, at); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if o, err := r.Redeem(ctx, s, tk, activation.AddSeats, at); err != nil || !o.Replayed {
			t.Fatal(o.Replayed, err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a replay allocates %v times", allocs)
	}
}
