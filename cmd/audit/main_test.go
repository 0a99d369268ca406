package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/activation/pgledger/pgtest"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/token"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func audit(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return cli.ExitCode(err), out.String(), errOut.String()
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var keys = []string{"AUDT1-KEY00-NOT00-REAL0-AU001", "AUDT1-KEY00-NOT00-REAL0-AU002", "AUDT1-KEY00-NOT00-REAL0-AU003"}

// book returns a store at a fresh schema with a history: an import and two
// redemptions.
func book(t *testing.T) (string, *pgledger.Store) {
	t.Helper()
	url := pgtest.Shared(t).Schema(t)
	s, err := pgledger.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: s}
	require.NoError(t, b.Import(ctx, activation.Subscription{Tenant: "contoso", Product: "M365-E3", Seats: 100, End: day(2027, 3, 1)}, day(2026, 12, 1)))
	for i, k := range keys[:2] {
		_, err := b.Redeem(ctx, "contoso", "M365-E3", token.Token{Key: token.MustParseKey(k), Product: "M365-E3", Seats: 25}, activation.AddSeats, day(2026, 12, 2+i))
		require.NoError(t, err)
	}
	return url, s
}

func assertNoKey(t *testing.T, texts ...string) {
	t.Helper()
	for _, text := range texts {
		for _, k := range keys {
			assert.NotContains(t, text, k)
			assert.NotContains(t, text, strings.ReplaceAll(k, "-", ""))
		}
	}
}

func TestVerifyClean(t *testing.T) {
	url, _ := book(t)
	code, out, errOut := audit(t, "verify", "-db", url)
	assert.Equal(t, cli.ExitOK, code, errOut)
	assert.Equal(t, "summary: 1 chain, 3 records: 0 breaks, 0 not verifiable\n", out)

	code, out, errOut = audit(t, "verify", "-book", "../replay/testdata/book.csv")
	assert.Equal(t, cli.ExitOK, code, errOut)
	assert.Contains(t, out, " 0 breaks, 0 not verifiable")

	// Records under a policy not given are not verifiable: a finding only with -strict.
	code, out, _ = audit(t, "verify", "-db", url, "-policy", "open-2014")
	assert.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "2 not verifiable")
	code, _, _ = audit(t, "verify", "-db", url, "-policy", "open-2014", "-strict")
	assert.Equal(t, cli.ExitNegative, code)
}

// TestVerifyFindsForgery: a record appended straight to the store with 500
// seats for a 5-seat key is a break, printed with its place.
func TestVerifyFindsForgery(t *testing.T) {
	url, s := book(t)
	ctx := context.Background()
	head, ok, err := s.Head(ctx, "contoso", "M365-E3")
	require.True(t, ok)
	require.NoError(t, err)
	k := token.MustParseKey(keys[2])
	forged, err := activation.PartnerCenter().Apply(head.Outcome.After, token.Token{Key: k, Product: "M365-E3", Seats: 5}, activation.AddSeats, day(2026, 12, 9))
	require.NoError(t, err)
	forged.Token.Key, forged.After.Seats = token.Key{}, 500
	_, _, err = s.Append(ctx, activation.Record{Fingerprint: k.Fingerprint(), Outcome: forged, Seq: 4, KeyTail: k.Last5(), Policy: "partner-center"})
	require.NoError(t, err)

	code, out, errOut := audit(t, "verify", "-db", url)
	assert.Equal(t, cli.ExitNegative, code, errOut)
	assert.Contains(t, out, `"contoso" "M365-E3" #4: outcome: After.Seats 500, recomputed 155`)
	assert.Contains(t, out, "1 break")
	assertNoKey(t, out, errOut)
}

// TestMissing: the records an old primary holds and the new one lacks are
// listed; none is clean.
func TestMissing(t *testing.T) {
	oldURL, old := book(t)
	newURL := pgtest.Shared(t).Schema(t)
	cur, err := pgledger.Open(context.Background(), newURL)
	require.NoError(t, err)
	defer cur.Close()
	var recs []activation.Record
	_, err = old.Export(context.Background(), func(r activation.Record) error { recs = append(recs, r); return nil })
	require.NoError(t, err)
	_, err = cur.LoadRecords(context.Background(), func(yield func(activation.Record, error) bool) {
		for _, r := range recs[:2] {
			if !yield(r, nil) {
				return
			}
		}
	})
	require.NoError(t, err)

	code, out, errOut := audit(t, "missing", "-old", oldURL, "-db", newURL)
	assert.Equal(t, cli.ExitNegative, code, errOut)
	assert.Contains(t, out, `"contoso" "M365-E3" #3: missing: 2026-12-03 add-seats key …AU002; its key is not spent on the current store`)
	assert.Contains(t, out, "summary: 1 chains, 3 records read, 1 missing")
	assertNoKey(t, out, errOut)

	code, out, _ = audit(t, "missing", "-old", oldURL, "-db", oldURL)
	assert.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "0 missing")
}

func TestAuditUsage(t *testing.T) {
	for name, args := range map[string][]string{
		"no command":      {},
		"unknown command": {keys[0]},
		"neither":         {"verify"},
		"both":            {"verify", "-db", "x", "-book", "y"},
		"bad policy":      {"verify", "-db", "x", "-policy", keys[0]},
		"missing -old":    {"missing", "-db", "x"},
		"argument":        {"missing", "-db", "x", "-old", "y", keys[0]},
	} {
		code, out, errOut := audit(t, args...)
		assert.Equal(t, cli.ExitUsage, code, name)
		assertNoKey(t, out, errOut)
	}
	code, _, errOut := audit(t, "verify", "-db", "host=/nonexistent user=x password="+keys[0])
	assert.Equal(t, cli.ExitUnreadable, code)
	assertNoKey(t, errOut)
	code, _, _ = audit(t, "verify", "-book", "/nonexistent/"+keys[0])
	assert.Equal(t, cli.ExitUnreadable, code)
}
