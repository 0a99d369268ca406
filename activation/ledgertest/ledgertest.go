// Package ledgertest is the conformance suite for implementations of
// [activation.Ledger]: every Ledger must pass [Run], under the race detector,
// for [activation.Redeemer] to redeem each product key exactly once (R2).
//
// A store implements the suite in its own test:
//
//	func TestLedger(t *testing.T) {
//		ledgertest.Run(t, func(t *testing.T) activation.Ledger {
//			return newEmptyStore(t) // a fresh, empty ledger per call
//		})
//	}
//
// A store that can open a second, independent handle on the same storage (a
// second connection pool, as a second process would have) also runs
// [RunShared]; a store that implements [activation.Journal] runs
// [RunJournal]:
//
//	func TestJournal(t *testing.T) {
//		ledgertest.RunJournal(t, func(t *testing.T) (first, second activation.Journal) {
//			schema := newEmptySchema(t)
//			return openStore(t, schema), openStore(t, schema)
//		})
//	}
//
// [FailingLedger] and [FailingJournal] wrap a store to inject failures
// before or after the commit, or a commit after the error; the suites use
// them, and so can a service's own tests of its retry logic.
package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// Racers is how many goroutines the concurrent cases of [Run] start at once.
const Racers = 64

// Run runs the conformance suite against the Ledgers newLedger returns. Each
// subtest calls newLedger once and needs an empty ledger that no other call
// shares. The suite checks, through [activation.Redeemer] with
// [activation.PartnerCenter] and directly:
//
//   - Claim and Lookup: insert-if-absent, the stored record returned as given;
//   - a Claim under a done context records nothing;
//   - the identical request replays the recorded Outcome with Replayed set
//     and records nothing new;
//   - any other request for a recorded key (another tenant, day, operation,
//     subscription state, token) is ErrAlreadyRedeemed, with a message that
//     names neither the first tenant nor its dates nor the key in clear;
//   - a refused redemption (extension cap, product mismatch, not allowed,
//     invalid input) or a cancelled context records nothing, and the key can
//     then be redeemed;
//   - [Racers] goroutines racing for one key from as many tenants: exactly one
//     wins; as many identical requests: one applies, the others replay the
//     same Outcome; as many different keys at once: all recorded, none lost;
//   - a store that fails before its commit (nothing recorded, a retry
//     redeems) or after it (a retry of the identical request replays, any
//     other request is ErrAlreadyRedeemed), or that returns an error and
//     commits later: no key spent twice, none lost;
//   - a lookup that fails after Apply refused: the error is the store's, not
//     the refusal.
//
// [RunShared] adds the cases that need two handles on one store.
//
// Stored Outcomes are compared with their times as instants, so a store may
// return them in another location.
func Run(t *testing.T, newLedger func(t *testing.T) activation.Ledger) {
	t.Helper()
	cases := []struct {
		name string
		run  func(t *testing.T, l activation.Ledger)
	}{
		{"ClaimLookup", testClaimLookup},
		{"ClaimDoneContext", testClaimDoneContext},
		{"ClaimRace", testClaimRace},
		{"Redeem", testRedeem},
		{"IdenticalRequestReplays", testIdenticalReplays},
		{"OtherRequestAlreadyRedeemed", testOtherRequest},
		{"RefusedRecordsNothing", testRefused},
		{"CancelledContextRecordsNothing", testCancelled},
		{"RaceOneKeyManyTenants", testRaceOneKey},
		{"RaceIdenticalRequests", testRaceIdentical},
		{"RaceManyKeys", testRaceManyKeys},
		{"StoreFailsBeforeCommit", testFailBefore},
		{"StoreFailsAfterCommit", testFailAfter},
		{"StoreFailsUnderRace", testFailUnderRace},
		{"StoreCommitsLate", testCommitLate},
		{"LookupFailsOnRefusedPath", testLookupFails},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newLedger(t)
			require.NotNil(t, l, "newLedger returned nil")
			c.run(t, l)
		})
	}
}

// The fixture: the R5 scenario "100 active seats + a 25-seat key = +3 months".
const (
	product      = "O365-E3"
	otherProduct = "O365-E5"
	firstTenant  = "tenant-first-fabrikam"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var (
	fixtureEnd = date(2027, time.January, 1)
	fixtureDay = date(2026, time.June, 15)
)

func subscription(tenant string) activation.Subscription {
	return activation.Subscription{Tenant: tenant, Product: product, Seats: 100, End: fixtureEnd}
}

// key returns the n-th test key of group g: distinct for distinct (g, n).
func key(t testing.TB, g string, n int) token.Key {
	t.Helper()
	k, err := token.ParseKey(fmt.Sprintf("LEDGR-%-5.5s-%05d-TESTK-%05d", g+"XXXXX", n, n))
	require.NoError(t, err)
	return k
}

func tok(k token.Key, seats int) token.Token {
	return token.Token{Key: k, Product: product, Seats: seats, TermMonths: 12}
}

func redeemer(l activation.Ledger) *activation.Redeemer {
	return &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: l}
}

// normal returns o with Replayed cleared, the key cleared and every time
// normalised to UTC, for comparing Outcomes that went through a store.
func normal(o activation.Outcome) activation.Outcome {
	o.Replayed = false
	o.Token.Key = token.Key{}
	o.At = o.At.UTC()
	o.Before.End = o.Before.End.UTC()
	o.After.End = o.After.End.UTC()
	return o
}

func normalRecord(r activation.Record) activation.Record {
	r.Outcome = normal(r.Outcome)
	return r
}

func lookup(t *testing.T, l activation.Ledger, k token.Key) (activation.Record, bool) {
	t.Helper()
	rec, ok, err := l.Lookup(context.Background(), k.Fingerprint())
	require.NoError(t, err, "Lookup")
	if ok {
		require.Equal(t, k.Fingerprint(), rec.Fingerprint, "Lookup returned the record of another fingerprint")
	}
	return rec, ok
}

// requireRecorded checks that the ledger holds exactly the record of the
// redemption (s, tk, op, at) whose result was o.
func requireRecorded(t *testing.T, l activation.Ledger, s activation.Subscription, tk token.Token, op activation.Operation, at time.Time, o activation.Outcome) {
	t.Helper()
	rec, ok := lookup(t, l, tk.Key)
	require.True(t, ok, "key %v not recorded", tk.Key)
	assert.Equal(t, activation.NewRequestID(s, tk, op, at), rec.Request, "recorded RequestID")
	assert.Equal(t, normal(o), normal(rec.Outcome), "recorded Outcome")
	assert.True(t, rec.Outcome.Token.Key.IsZero(), "the record holds the key itself, want only its fingerprint")
	assert.False(t, rec.Outcome.Replayed, "recorded Outcome has Replayed set")
}

func requireNotRecorded(t *testing.T, l activation.Ledger, k token.Key) {
	t.Helper()
	_, ok := lookup(t, l, k)
	require.False(t, ok, "key %v recorded, want not spent", k)
}

// syntheticRecord is a record made without Apply, for the direct Claim tests.
func syntheticRecord(k token.Key, tenant string, seats int) activation.Record {
	s := subscription(tenant)
	tk := tok(k, seats)
	tk.Key = token.Key{}
	after := s
	after.Seats += seats
	return activation.Record{
		Fingerprint: k.Fingerprint(),
		Request:     activation.NewRequestID(s, tok(k, seats), activation.AddSeats, fixtureDay),
		Outcome: activation.Outcome{
			Op: activation.AddSeats, At: fixtureDay, Token: tk, Before: s, After: after,
			StateBefore: activation.Active, SeatDaysBefore: 1, SeatDaysAfter: 2, Residue: 1,
		},
	}
}

func testClaimLookup(t *testing.T, l activation.Ledger) {
	ctx := context.Background()
	k1, k2 := key(t, "CL", 1), key(t, "CL", 2)
	requireNotRecorded(t, l, k1)

	r1 := syntheticRecord(k1, firstTenant, 25)
	stored, inserted, err := l.Claim(ctx, r1)
	require.NoError(t, err)
	require.True(t, inserted, "first Claim of a fingerprint did not insert")
	require.Equal(t, normalRecord(r1), normalRecord(stored))

	got, ok := lookup(t, l, k1)
	require.True(t, ok)
	require.Equal(t, normalRecord(r1), normalRecord(got))

	// Another record for the same fingerprint: not inserted, the first stays.
	other := syntheticRecord(k1, "tenant-second", 30)
	stored, inserted, err = l.Claim(ctx, other)
	require.NoError(t, err)
	require.False(t, inserted, "second Claim of a fingerprint inserted")
	require.Equal(t, normalRecord(r1), normalRecord(stored), "second Claim returned another record than the stored one")

	// The same record again: not inserted either, same answer.
	stored, inserted, err = l.Claim(ctx, r1)
	require.NoError(t, err)
	require.False(t, inserted, "repeated Claim inserted")
	require.Equal(t, normalRecord(r1), normalRecord(stored))

	// Another fingerprint is independent.
	requireNotRecorded(t, l, k2)
	r2 := syntheticRecord(k2, firstTenant, 25)
	stored, inserted, err = l.Claim(ctx, r2)
	require.NoError(t, err)
	require.True(t, inserted)
	require.Equal(t, normalRecord(r2), normalRecord(stored))
	got, ok = lookup(t, l, k1)
	require.True(t, ok)
	require.Equal(t, normalRecord(r1), normalRecord(got), "claiming another fingerprint changed the first record")
}

func testClaimDoneContext(t *testing.T, l activation.Ledger) {
	k := key(t, "CD", 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, inserted, err := l.Claim(ctx, syntheticRecord(k, firstTenant, 25))
	require.Error(t, err, "Claim under a cancelled context")
	require.False(t, inserted)
	requireNotRecorded(t, l, k)
}

func testClaimRace(t *testing.T, l activation.Ledger) {
	k := key(t, "CR", 1)
	recs := make([]activation.Record, Racers)
	stored := make([]activation.Record, Racers)
	inserted := make([]bool, Racers)
	errs := make([]error, Racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range Racers {
		recs[i] = syntheticRecord(k, fmt.Sprintf("tenant-%02d", i), 1+i)
		wg.Go(func() {
			<-start
			stored[i], inserted[i], errs[i] = l.Claim(context.Background(), recs[i])
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i := range Racers {
		require.NoError(t, errs[i], "racer %d", i)
		if inserted[i] {
			require.Equal(t, -1, winner, "racers %d and %d both inserted", winner, i)
			winner = i
		}
	}
	require.NotEqual(t, -1, winner, "no racer inserted")
	for i := range Racers {
		require.Equal(t, normalRecord(recs[winner]), normalRecord(stored[i]), "racer %d got another record than the winner's", i)
	}
	got, ok := lookup(t, l, k)
	require.True(t, ok)
	require.Equal(t, normalRecord(recs[winner]), normalRecord(got))
}

func testRedeem(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	s, tk := subscription(firstTenant), tok(key(t, "RD", 1), 25)
	o, err := r.Redeem(context.Background(), s, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed, "first redemption replayed")
	require.Equal(t, tk.Key, o.Token.Key, "Outcome.Token.Key is not the redeemed key")
	want, err := activation.PartnerCenter().Apply(s, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.Equal(t, want, o, "Redeem's Outcome differs from Apply's")
	requireRecorded(t, l, s, tk, activation.ExtendEnd, fixtureDay, o)
}

func testIdenticalReplays(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	ctx := context.Background()
	s, tk := subscription(firstTenant), tok(key(t, "IR", 1), 25)
	first, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, first.Replayed)

	// The same day at another time, and the same date in another zone, are
	// the same request: only the calendar date counts.
	later := fixtureDay.Add(17*time.Hour + 30*time.Minute)
	elsewhere := time.Date(2026, time.June, 15, 23, 0, 0, 0, time.FixedZone("UTC+5", 5*3600))
	for _, at := range []time.Time{fixtureDay, fixtureDay, later, elsewhere} {
		again, err := r.Redeem(ctx, s, tk, activation.AddSeats, at)
		require.NoError(t, err, "identical request at %v", at)
		require.True(t, again.Replayed, "identical request at %v not replayed", at)
		require.Equal(t, tk.Key, again.Token.Key, "replayed Outcome.Token.Key is not the redeemed key")
		require.Equal(t, normal(first), normal(again), "replay at %v differs from the first Outcome", at)
	}
	requireRecorded(t, l, s, tk, activation.AddSeats, fixtureDay, first)
}

func testOtherRequest(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	ctx := context.Background()
	s, k := subscription(firstTenant), key(t, "OR", 1)
	tk := tok(k, 25)
	first, err := r.Redeem(ctx, s, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)

	secret := []string{
		firstTenant,
		fixtureDay.Format(time.DateOnly),
		first.After.End.Format(time.DateOnly),
		k.Reveal(),
		strings.ReplaceAll(k.Reveal(), "-", ""),
	}
	other := func(mod func(*activation.Subscription, *token.Token, *activation.Operation, *time.Time)) (activation.Subscription, token.Token, activation.Operation, time.Time) {
		s2, tk2, op2, at2 := subscription("tenant-second-contoso"), tk, activation.ExtendEnd, fixtureDay.AddDate(0, 0, 3)
		mod(&s2, &tk2, &op2, &at2)
		return s2, tk2, op2, at2
	}
	cases := map[string]func(*activation.Subscription, *token.Token, *activation.Operation, *time.Time){
		"another tenant, same state, op and day": func(s *activation.Subscription, _ *token.Token, _ *activation.Operation, at *time.Time) {
			*at = fixtureDay
		},
		"same tenant, another day": func(s *activation.Subscription, _ *token.Token, _ *activation.Operation, _ *time.Time) {
			s.Tenant = firstTenant
		},
		"same tenant and day, another operation": func(s *activation.Subscription, _ *token.Token, op *activation.Operation, at *time.Time) {
			s.Tenant, *op, *at = firstTenant, activation.AddSeats, fixtureDay
		},
		"same tenant and day, another subscription state": func(s *activation.Subscription, _ *token.Token, _ *activation.Operation, at *time.Time) {
			s.Tenant, s.Seats, *at = firstTenant, 101, fixtureDay
		},
		"same tenant and day, the state after the first redemption": func(s *activation.Subscription, _ *token.Token, _ *activation.Operation, at *time.Time) {
			*s, *at = first.After, fixtureDay
		},
		"same tenant and day, the key claiming other seats": func(s *activation.Subscription, tk *token.Token, _ *activation.Operation, at *time.Time) {
			s.Tenant, tk.Seats, *at = firstTenant, 50, fixtureDay
		},
		"a request Apply would refuse (product mismatch)": func(_ *activation.Subscription, tk *token.Token, _ *activation.Operation, _ *time.Time) {
			tk.Product = otherProduct
		},
		"a request Apply would refuse (extension cap)": func(_ *activation.Subscription, tk *token.Token, _ *activation.Operation, _ *time.Time) {
			tk.Seats = 301
		},
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			s2, tk2, op2, at2 := other(mod)
			o, err := r.Redeem(ctx, s2, tk2, op2, at2)
			require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "Outcome %+v", o)
			require.Equal(t, activation.Outcome{}, o, "a failed Redeem returned an Outcome")
			msg := err.Error()
			for _, sec := range secret {
				require.NotContains(t, msg, sec, "ErrAlreadyRedeemed message reveals the first redemption or the key")
			}
			requireRecorded(t, l, s, tk, activation.ExtendEnd, fixtureDay, first)
		})
	}
	// The first request still replays.
	again, err := r.Redeem(ctx, s, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.True(t, again.Replayed)
	require.Equal(t, normal(first), normal(again))
}

func testRefused(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	ctx := context.Background()
	type request struct {
		s  activation.Subscription
		tk token.Token
		op activation.Operation
		at time.Time
	}
	cases := []struct {
		name string
		bad  func(k token.Key) request
		want error // nil: any error but ErrAlreadyRedeemed
	}{
		{"extension cap (R6): 301 seats on 100", func(k token.Key) request {
			return request{subscription(firstTenant), tok(k, 301), activation.ExtendEnd, fixtureDay}
		}, activation.ErrExtensionCap},
		{"product mismatch", func(k token.Key) request {
			tk := tok(k, 25)
			tk.Product = otherProduct
			return request{subscription(firstTenant), tk, activation.AddSeats, fixtureDay}
		}, activation.ErrProductMismatch},
		{"not allowed (R7): extend an expired subscription", func(k token.Key) request {
			return request{subscription(firstTenant), tok(k, 25), activation.ExtendEnd, fixtureEnd.AddDate(0, 0, 10)}
		}, activation.ErrNotAllowed},
		{"invalid: key of 0 seats", func(k token.Key) request {
			return request{subscription(firstTenant), tok(k, 0), activation.AddSeats, fixtureDay}
		}, nil},
		{"invalid: negative seats", func(k token.Key) request {
			s := subscription(firstTenant)
			s.Seats = -5
			return request{s, tok(k, 25), activation.AddSeats, fixtureDay}
		}, activation.ErrInvalid},
		{"invalid: unknown operation", func(k token.Key) request {
			return request{subscription(firstTenant), tok(k, 25), activation.Operation(0), fixtureDay}
		}, activation.ErrInvalid},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := key(t, "RF", i)
			q := c.bad(k)
			o, err := r.Redeem(ctx, q.s, q.tk, q.op, q.at)
			require.Error(t, err, "Outcome %+v", o)
			require.NotErrorIs(t, err, activation.ErrAlreadyRedeemed)
			if c.want != nil {
				require.ErrorIs(t, err, c.want)
			}
			requireNotRecorded(t, l, k)
			// The key is not spent: a proper redemption works.
			s, tk := subscription(firstTenant), tok(k, 25)
			o, err = r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
			require.NoError(t, err)
			require.False(t, o.Replayed)
			requireRecorded(t, l, s, tk, activation.AddSeats, fixtureDay, o)
		})
	}
}

func testCancelled(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	s, k := subscription(firstTenant), key(t, "CC", 1)
	tk := tok(k, 25)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, context.Canceled)
	requireNotRecorded(t, l, k)

	ctx, cancel = context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	_, err = r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	requireNotRecorded(t, l, k)

	o, err := r.Redeem(context.Background(), s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed)
	requireRecorded(t, l, s, tk, activation.AddSeats, fixtureDay, o)
}

// result is one racer's answer.
type result struct {
	o   activation.Outcome
	err error
}

// race runs req(i) for i in 0 … Racers-1, all released at once.
func race(req func(i int) (activation.Outcome, error)) []result {
	res := make([]result, Racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range Racers {
		wg.Go(func() {
			<-start
			res[i].o, res[i].err = req(i)
		})
	}
	close(start)
	wg.Wait()
	return res
}

// requireOneWinner requires that exactly one racer of res succeeded and
// every other one was refused with [activation.ErrAlreadyRedeemed], and
// returns the winner. With fresh, the winner must have applied the key, not
// replayed it.
func requireOneWinner(t *testing.T, res []result, fresh bool) int {
	t.Helper()
	winner := -1
	for i, x := range res {
		if x.err == nil {
			require.Equal(t, -1, winner, "tenants %d and %d both redeemed the key", winner, i)
			if fresh {
				require.False(t, x.o.Replayed)
			}
			winner = i
			continue
		}
		require.ErrorIs(t, x.err, activation.ErrAlreadyRedeemed, "racer %d", i)
	}
	require.NotEqual(t, -1, winner, "no tenant redeemed the key")
	return winner
}

// requireOneApplied requires that every racer of res succeeded, exactly one
// of them applied the key and the others replayed the same Outcome, and
// returns the one that applied it.
func requireOneApplied(t *testing.T, res []result) int {
	t.Helper()
	applied := -1
	for i, x := range res {
		require.NoError(t, x.err, "racer %d", i)
		if !x.o.Replayed {
			require.Equal(t, -1, applied, "racers %d and %d both applied the key", applied, i)
			applied = i
		}
	}
	require.NotEqual(t, -1, applied, "every racer replayed, none applied")
	for i, x := range res {
		require.Equal(t, normal(res[applied].o), normal(x.o), "racer %d's Outcome differs from the applied one", i)
	}
	return applied
}

func testRaceOneKey(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	tk := tok(key(t, "R1", 1), 25)
	tenant := func(i int) string { return fmt.Sprintf("tenant-%02d", i) }
	res := race(func(i int) (activation.Outcome, error) {
		return r.Redeem(context.Background(), subscription(tenant(i)), tk, activation.AddSeats, fixtureDay)
	})
	winner := requireOneWinner(t, res, true)
	requireRecorded(t, l, subscription(tenant(winner)), tk, activation.AddSeats, fixtureDay, res[winner].o)
}

func testRaceIdentical(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	s, tk := subscription(firstTenant), tok(key(t, "RI", 1), 25)
	res := race(func(int) (activation.Outcome, error) {
		return r.Redeem(context.Background(), s, tk, activation.ExtendEnd, fixtureDay)
	})
	applied := requireOneApplied(t, res)
	requireRecorded(t, l, s, tk, activation.ExtendEnd, fixtureDay, res[applied].o)
}

func testRaceManyKeys(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	keys := make([]token.Key, Racers)
	for i := range keys {
		keys[i] = key(t, "RK", i)
	}
	tenant := func(i int) string { return fmt.Sprintf("tenant-%02d", i) }
	res := race(func(i int) (activation.Outcome, error) {
		return r.Redeem(context.Background(), subscription(tenant(i)), tok(keys[i], 1+i), activation.AddSeats, fixtureDay)
	})
	for i, x := range res {
		require.NoError(t, x.err, "racer %d", i)
		require.False(t, x.o.Replayed, "racer %d", i)
	}
	for i, x := range res {
		requireRecorded(t, l, subscription(tenant(i)), tok(keys[i], 1+i), activation.AddSeats, fixtureDay, x.o)
	}
}

func testFailBefore(t *testing.T, inner activation.Ledger) {
	f := &FailingLedger{Inner: inner, FailBefore: 1}
	r := redeemer(f)
	ctx := context.Background()
	s, tk := subscription(firstTenant), tok(key(t, "FB", 1), 25)

	_, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NotErrorIs(t, err, activation.ErrAlreadyRedeemed)
	requireNotRecorded(t, inner, tk.Key)

	o, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "retry after a failure before the commit")
	require.False(t, o.Replayed, "retry after a failure before the commit replayed")
	requireRecorded(t, inner, s, tk, activation.AddSeats, fixtureDay, o)
}

func testFailAfter(t *testing.T, inner activation.Ledger) {
	f := &FailingLedger{Inner: inner, FailAfter: 1}
	r := redeemer(f)
	ctx := context.Background()
	s, tk := subscription(firstTenant), tok(key(t, "FA", 1), 25)

	_, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	want, err := activation.PartnerCenter().Apply(s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	requireRecorded(t, inner, s, tk, activation.AddSeats, fixtureDay, want)

	// The key is spent; retrying the identical request recovers the result.
	o, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "retry after a failure after the commit")
	require.True(t, o.Replayed, "retry after a failure after the commit applied the key again")
	require.Equal(t, normal(want), normal(o))
	require.Equal(t, tk.Key, o.Token.Key)

	// Any other request finds the key spent.
	_, err = r.Redeem(ctx, subscription("tenant-second"), tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
	requireRecorded(t, inner, s, tk, activation.AddSeats, fixtureDay, want)
}

// testFailUnderRace: tenants race for one key through a store that fails
// both before and after commits; each retries its identical request until
// the store answers. Exactly one tenant ends with the key.
func testFailUnderRace(t *testing.T, inner activation.Ledger) {
	f := &FailingLedger{Inner: inner, FailBefore: Racers / 2, FailAfter: Racers / 2}
	r := redeemer(f)
	tk := tok(key(t, "FR", 1), 25)
	tenant := func(i int) string { return fmt.Sprintf("tenant-%02d", i) }
	res := race(func(i int) (activation.Outcome, error) {
		for {
			o, err := r.Redeem(context.Background(), subscription(tenant(i)), tk, activation.AddSeats, fixtureDay)
			if !errors.Is(err, ErrInjected) {
				return o, err
			}
		}
	})
	winner := -1
	for i, x := range res {
		if x.err == nil {
			require.Equal(t, -1, winner, "tenants %d and %d both hold the key", winner, i)
			winner = i
			continue
		}
		require.ErrorIs(t, x.err, activation.ErrAlreadyRedeemed, "racer %d", i)
	}
	require.NotEqual(t, -1, winner, "the key was lost: no tenant holds it")
	requireRecorded(t, inner, subscription(tenant(winner)), tk, activation.AddSeats, fixtureDay, res[winner].o)
	before, after, _ := f.Remaining()
	require.Zero(t, before+after, "not every injected failure happened")
}

// testCommitLate: the store returns an error and commits afterwards; the
// identical retry replays, exactly one record.
func testCommitLate(t *testing.T, inner activation.Ledger) {
	f := &FailingLedger{Inner: inner, CommitLate: 1}
	r := redeemer(f)
	ctx := context.Background()
	s, tk := subscription(firstTenant), tok(key(t, "LC", 1), 25)
	_, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NoError(t, f.Flush())
	want, err := activation.PartnerCenter().Apply(s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	requireRecorded(t, inner, s, tk, activation.AddSeats, fixtureDay, want)
	o, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.True(t, o.Replayed, "the retry after a late commit applied the key again")
	require.Equal(t, normal(want), normal(o))

	// The late commit lands after the retry's own claim: one record, the
	// retry's.
	f2 := &FailingLedger{Inner: inner, CommitLate: 1}
	tk2 := tok(key(t, "LC", 2), 25)
	_, err = redeemer(f2).Redeem(ctx, s, tk2, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	requireNotRecorded(t, inner, tk2.Key)
	o, err = redeemer(inner).Redeem(ctx, s, tk2, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed)
	require.NoError(t, f2.Flush())
	requireRecorded(t, inner, s, tk2, activation.AddSeats, fixtureDay, o)
}

// testLookupFails: Apply refuses and the lookup that would tell a recorded
// key fails: the error is the store's, never the refusal.
func testLookupFails(t *testing.T, inner activation.Ledger) {
	ctx := context.Background()
	s, tk := subscription(firstTenant), tok(key(t, "LF", 1), 301) // over the R6 cap
	f := &FailingLedger{Inner: inner, FailLookup: 1}
	_, err := redeemer(f).Redeem(ctx, s, tk, activation.ExtendEnd, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NotErrorIs(t, err, activation.ErrExtensionCap, "a refusal although the lookup failed")
	requireNotRecorded(t, inner, tk.Key)
	_, _, lookups := f.Remaining()
	require.Zero(t, lookups, "the refused path did not look the key up")

	// A recorded key whose identical request is now refused (another
	// policy): the failed lookup is the answer, then the replay.
	ok := tok(key(t, "LF", 2), 25)
	first, err := redeemer(inner).Redeem(ctx, s, ok, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	strict := activation.PartnerCenter()
	strict.TermMonths = 0 // invalid: Apply refuses everything
	f2 := &FailingLedger{Inner: inner, FailLookup: 1}
	r := &activation.Redeemer{Policy: strict, Ledger: f2}
	_, err = r.Redeem(ctx, s, ok, activation.ExtendEnd, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NotErrorIs(t, err, activation.ErrInvalid)
	again, err := r.Redeem(ctx, s, ok, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.True(t, again.Replayed)
	require.Equal(t, normal(first), normal(again))
}

// RunShared runs the Ledger cases that need two independent handles on one
// store, as two processes have: open returns a fresh, empty store per case,
// twice. Claims race across the handles; a record made through one, or
// committed late through one, is what the other finds.
func RunShared(t *testing.T, open func(t *testing.T) (first, second activation.Ledger)) {
	t.Helper()
	cases := []struct {
		name string
		run  func(t *testing.T, first, second activation.Ledger)
	}{
		{"RaceOneKeyTwoHandles", testSharedRaceOneKey},
		{"RaceIdenticalTwoHandles", testSharedRaceIdentical},
		{"CommitLateSeenByOther", testSharedCommitLate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			first, second := open(t)
			require.NotNil(t, first, "open returned a nil first handle")
			require.NotNil(t, second, "open returned a nil second handle")
			c.run(t, first, second)
		})
	}
}

func testSharedRaceOneKey(t *testing.T, first, second activation.Ledger) {
	ls := []activation.Ledger{first, second}
	tk := tok(key(t, "S1", 1), 25)
	tenant := func(i int) string { return fmt.Sprintf("tenant-%02d", i) }
	res := race(func(i int) (activation.Outcome, error) {
		return redeemer(ls[i%2]).Redeem(context.Background(), subscription(tenant(i)), tk, activation.AddSeats, fixtureDay)
	})
	winner := requireOneWinner(t, res, false)
	requireRecorded(t, first, subscription(tenant(winner)), tk, activation.AddSeats, fixtureDay, res[winner].o)
	requireRecorded(t, second, subscription(tenant(winner)), tk, activation.AddSeats, fixtureDay, res[winner].o)
}

func testSharedRaceIdentical(t *testing.T, first, second activation.Ledger) {
	ls := []activation.Ledger{first, second}
	s, tk := subscription(firstTenant), tok(key(t, "S2", 1), 25)
	res := race(func(i int) (activation.Outcome, error) {
		return redeemer(ls[i%2]).Redeem(context.Background(), s, tk, activation.ExtendEnd, fixtureDay)
	})
	requireOneApplied(t, res)
}

func testSharedCommitLate(t *testing.T, first, second activation.Ledger) {
	ctx := context.Background()
	s, tk := subscription(firstTenant), tok(key(t, "S3", 1), 25)
	f := &FailingLedger{Inner: first, CommitLate: 1}
	_, err := redeemer(f).Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NoError(t, f.Flush())
	// The retry goes through the other handle, as after a process restart.
	o, err := redeemer(second).Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.True(t, o.Replayed, "the retry through the other handle applied the key again")
	_, err = redeemer(second).Redeem(ctx, subscription("tenant-second"), tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
}
