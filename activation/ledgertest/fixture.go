package ledgertest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

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

// recordedAt is the clock of the suite's Books.
var recordedAt = time.Date(2026, time.June, 15, 9, 30, 0, 123, time.UTC)

// largeDays is a day count past 32 bits, as a variable: a constant would not
// compile where int has 32 bits (there it is 0).
var largeDays int64 = 1 << 40

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

func book(j activation.Journal) *activation.Book {
	return &activation.Book{Policy: activation.PartnerCenter(), Journal: j, Clock: func() time.Time { return recordedAt }}
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

// utc returns rec with every time as the same instant in UTC.
func utc(rec activation.Record) activation.Record {
	rec.RecordedAt = rec.RecordedAt.UTC()
	o := &rec.Outcome
	o.At, o.Before.End, o.After.End = o.At.UTC(), o.Before.End.UTC(), o.After.End.UTC()
	return rec
}

func utcAll(recs []activation.Record) []activation.Record {
	out := make([]activation.Record, len(recs))
	for i, r := range recs {
		out[i] = utc(r)
	}
	return out
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

// place returns a record for (tenant, product) at seq with key k (the zero
// Key: an import), seats after.
func place(tenant string, seq int64, k token.Key, seats int) activation.Record {
	rec := activation.Record{
		Seq: seq, Policy: "partner-center", RecordedAt: recordedAt,
		Outcome: activation.Outcome{
			Op: activation.Import, Applied: activation.Import, At: fixtureDay,
			Before: activation.Subscription{Tenant: tenant, Product: product},
			After:  activation.Subscription{Tenant: tenant, Product: product, Seats: seats, End: fixtureEnd},
		},
	}
	if !k.IsZero() {
		rec.Fingerprint, rec.KeyTail = k.Fingerprint(), k.Last5()
		rec.Request[0] = byte(seats)
		rec.Outcome.Op, rec.Outcome.Applied = activation.AddSeats, activation.AddSeats
		rec.Outcome.Token = token.Token{Product: product, Seats: seats}
	}
	return rec
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

func requireNotClaimed(t *testing.T, l activation.Ledger, k token.Key) {
	t.Helper()
	_, ok := lookup(t, l, k)
	require.False(t, ok, "key %v claimed, want not spent", k)
}

func history(t *testing.T, j activation.Journal, tenant string) []activation.Record {
	t.Helper()
	h, err := book(j).History(context.Background(), tenant, product)
	require.NoError(t, err, "History")
	return h
}

// requireChain checks that h is a chain: Seq 1, 2, …, each Before the
// previous After, the first Before none.
func requireChain(t *testing.T, h []activation.Record) {
	t.Helper()
	for i, rec := range h {
		require.Equal(t, int64(i+1), rec.Seq, "record %d has Seq %d", i+1, rec.Seq)
		if i == 0 {
			require.True(t, rec.Outcome.Before.IsNone(), "the first record's Before is not none")
			continue
		}
		require.Equal(t, h[i-1].Outcome.After, rec.Outcome.Before, "record %d's Before is not record %d's After: an update was lost", i+1, i)
	}
}

func importFixture(t *testing.T, j activation.Journal, tenant string) {
	t.Helper()
	require.NoError(t, book(j).Import(context.Background(), subscription(tenant), fixtureDay), "Import")
}

// result is one racer's answer.
type result struct {
	o   activation.Outcome
	err error
}

// race runs req(i) for i in 0 … Racers-1, all released at once.
func race(req func(i int) (activation.Outcome, error)) []result {
	return raceAll(func(i int) (x result) {
		x.o, x.err = req(i)
		return x
	})
}

// raceAll runs f(i) for i in 0 … Racers-1, all released at once.
func raceAll[T any](f func(i int) T) []T {
	res := make([]T, Racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range Racers {
		wg.Go(func() {
			<-start
			res[i] = f(i)
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
