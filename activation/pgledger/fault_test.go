package pgledger_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

const insertPrefix = "INSERT INTO coterm_records"

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var (
	testDay = day(2026, time.June, 15)
	testEnd = day(2027, time.January, 1)
)

// testKey returns the n-th key of group g (five characters of A–Z, 0–9).
func testKey(t testing.TB, g string, n int) token.Key {
	t.Helper()
	k, err := token.ParseKey(fmt.Sprintf("PGLDG-%-5.5s-%05d-TESTK-%05d", g+"XXXXX", n/100000, n%100000))
	require.NoError(t, err)
	return k
}

func testToken(k token.Key, seats int) token.Token {
	return token.Token{Key: k, Product: "M365-E3", Seats: seats, TermMonths: 12}
}

func testSubscription(tenant string) activation.Subscription {
	return activation.Subscription{Tenant: tenant, Product: "M365-E3", Seats: 100, End: testEnd}
}

// proxied opens a Store on schema whose connections go through a new proxy.
func proxied(t *testing.T, schema string) (*pgledger.Store, *proxy) {
	t.Helper()
	p := newProxy(t, func() (net.Conn, error) { return net.Dial("unix", owned.socket()) })
	u := fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=postgres sslmode=disable", p.port())
	via, err := pgledger.Open(context.Background(), schemaURL(u, schema, map[string]string{"pool_max_conns": "4"}))
	require.NoError(t, err)
	t.Cleanup(via.Close)
	return via, p
}

// rowsOf counts the rows that hold fp.
func rowsOf(t *testing.T, s *pgledger.Store, fp token.Fingerprint) int {
	t.Helper()
	var n int
	require.NoError(t, s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM coterm_records WHERE fingerprint = $1`, fp[:]).Scan(&n))
	return n
}

// redeemFunc redeems tk once, through a Redeemer or a Book on store.
type redeemFunc func(ctx context.Context, tk token.Token) (activation.Outcome, error)

// clients are the two ways a key is spent on a Store.
var clients = []struct {
	name string
	make func(store *pgledger.Store) redeemFunc
}{
	{"Redeemer", func(store *pgledger.Store) redeemFunc {
		r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: store}
		return func(ctx context.Context, tk token.Token) (activation.Outcome, error) {
			return r.Redeem(ctx, testSubscription("contoso"), tk, activation.ExtendEnd, testDay)
		}
	}},
	{"Book", func(store *pgledger.Store) redeemFunc {
		b := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
		return func(ctx context.Context, tk token.Token) (activation.Outcome, error) {
			return b.Redeem(ctx, "contoso", "M365-E3", tk, activation.ExtendEnd, testDay)
		}
	}},
}

// TestLostConnection cuts the connection of a claim (through a Redeemer) or
// an append (through a Book) before the server commits it and after: the
// caller gets an error; the identical retry redeems in the first case and
// replays in the second; the key is recorded exactly once.
func TestLostConnection(t *testing.T) {
	needCluster(t)
	for _, c := range clients {
		eachCut(t, c.name, func(t *testing.T, f fault, direct, via *pgledger.Store, p *proxy) {
			ctx := context.Background()
			redeem := c.make(via)
			k := testKey(t, "LOST", int(f))
			tk := testToken(k, 25)
			if c.name == "Book" {
				// The import before the key: not the statement to cut.
				require.NoError(t, (&activation.Book{Policy: activation.PartnerCenter(), Journal: via}).Import(ctx, testSubscription("contoso"), testDay))
			}

			err := cutInsert(t, p, f, direct, k.Fingerprint(), func() error { _, err := redeem(ctx, tk); return err })
			assert.NotContains(t, err.Error(), k.Reveal())

			o, err := redeem(ctx, tk)
			require.NoError(t, err, "the identical retry")
			require.Equal(t, f == cutAfterCommit, o.Replayed, "the retry replays iff the first attempt committed")
			require.Equal(t, 1, rowsOf(t, direct, k.Fingerprint()), "records after the retry")
			rec, ok, err := direct.Lookup(ctx, k.Fingerprint())
			require.NoError(t, err)
			require.True(t, ok)
			o.Replayed, o.Token.Key = false, token.Key{}
			require.Equal(t, o, rec.Outcome)
		})
	}
}

// eachCut runs body, in a subtest named name/fault, for a cut before the
// commit and one after, each on a fresh schema with a Store on it (direct)
// and one through a new proxy (via, p).
func eachCut(t *testing.T, name string, body func(t *testing.T, f fault, direct, via *pgledger.Store, p *proxy)) {
	t.Helper()
	for _, f := range []fault{cutBeforeCommit, cutAfterCommit} {
		t.Run(name+"/"+f.String(), func(t *testing.T) {
			schema := freshSchema(t)
			direct := openStore(t, schema, nil)
			via, p := proxied(t, schema)
			body(t, f, direct, via, p)
		})
	}
}

// within returns a context that ends after d, or when t ends.
func within(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// cutInsert arms p to cut, with f, the connection of the next insert,
// requires call to fail and p to have cut, and the rows of fp on direct to
// be what f leaves: none before the commit, one after. It returns call's
// error.
func cutInsert(t *testing.T, p *proxy, f fault, direct *pgledger.Store, fp token.Fingerprint, call func() error) error {
	t.Helper()
	fired := p.arm(f, insertPrefix)
	err := call()
	require.Error(t, err, "the connection was cut: the caller must get an error")
	<-fired
	t.Logf("the caller's error: %v", err)
	want := 0
	if f == cutAfterCommit {
		want = 1
	}
	require.Equal(t, want, rowsOf(t, direct, fp), "records after the cut")
	return err
}

// TestServerDown: a server that is down records nothing and says so.
func TestServerDown(t *testing.T) {
	needCluster(t)
	ctx := context.Background()
	schema := freshSchema(t)
	s := openStore(t, schema, nil)
	k := testKey(t, "DOWN", 1)
	rec := activation.Record{Fingerprint: k.Fingerprint(), Outcome: activation.Outcome{After: testSubscription("contoso")}}

	require.NoError(t, owned.stop("fast"))
	restarted := false
	defer func() {
		if !restarted {
			require.NoError(t, owned.start())
		}
	}()
	s.Pool().Reset() // the server closed them
	_, _, err := s.Claim(ctx, rec)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nothing was recorded")
	t.Logf("the caller's error: %v", err)

	_, err = pgledger.Open(ctx, schemaURL(adminURL, schema, nil))
	require.Error(t, err, "Open with the server down")
	assert.Contains(t, err.Error(), "connect")

	require.NoError(t, owned.start())
	restarted = true
	_, ok, err := s.Lookup(ctx, k.Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "a claim while the server was down recorded something")
}
