// Package enttest is the conformance suite of an [activation.Journal] that
// keeps the chains of an [entitlement.Keeper]: every store runs [Run],
// under the race detector, beside activation/ledgertest.
//
//	func TestKeeper(t *testing.T) {
//		enttest.Run(t, func(t *testing.T) activation.Journal {
//			return openStore(t, newEmptySchema(t))
//		})
//	}
//
// The cases keep an organisation's grants and on-premises changes through
// Keepers, and a Book's subscriptions, on one store: exactly once per
// change request (replay, refusal of a reused id, through a store that
// fails after its commit or commits late), no lost update between Keepers
// racing on one location, refusals that record nothing, the explanation of
// each change, a token issued once per organisation, histories read in
// pages, every record passing the Keeper's audit
// ([entitlement.Keeper.Verify]), and a chain's place that a Book's
// subscription holds. Each case runs on a fresh store, in parallel with the
// others.
package enttest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/entitlement"
)

// Racers is how many goroutines the concurrent cases start at once, spread
// over Keepers of their own.
const Racers = 32

// Run runs the cases against the Journals open returns: a fresh, empty
// store for each call.
func Run(t *testing.T, open func(t *testing.T) activation.Journal) {
	t.Helper()
	for name, c := range map[string]func(*testing.T, activation.Journal){
		"ExactlyOnce":               testExactlyOnce,
		"RequestReused":             testRequestReused,
		"Explanation":               testExplanation,
		"RefusedRecordsNothing":     testRefused,
		"LostUpdateRetried":         testLostUpdate,
		"StoreFailsAfterCommit":     testFailAfter,
		"StoreCommitsLate":          testCommitLate,
		"HistoryPages":              testHistoryPages,
		"ChainPlaceOfASubscription": testChainPlace,
		"RaceDeployOneLocation":     testRaceDeploy,
		"RaceRemoveNeverBelowZero":  testRaceRemove,
		"RaceTokenIssuedOnce":       testRaceToken,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			j := open(t)
			require.NotNil(t, j, "open returned nil")
			c(t, j)
		})
	}
}

var (
	bg   = context.Background()
	gold = entitlement.Membership{Program: entitlement.Competency, Competency: "Cloud Productivity"}
)

const (
	proPlus = "Office Professional Plus"
	e3      = "O365-E3"
	office  = "Office"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// organisation is the Office 365 IUR example: headquarters in Seattle,
// associated locations in Munich and Berlin, a gold competency at each for
// the year from 2026-07-01, one pool of Office 365 E3 seats or Office Professional
// Plus licences, contoso's seats at Munich.
func organisation() entitlement.Organisation {
	year := []entitlement.Year{{Membership: gold, Start: day("2026-07-01"), End: day("2027-07-01")}}
	return entitlement.Organisation{
		Locations: []entitlement.Location{
			{Name: "Seattle", Country: entitlement.MustParseCountry("US"), Years: year},
			{Name: "Munich", Country: entitlement.MustParseCountry("DE"), Headquarters: "Seattle", Years: year},
			{Name: "Berlin", Country: entitlement.MustParseCountry("DE"), Headquarters: "Seattle", Years: year},
		},
		Pools: []entitlement.Pool{{Name: office, Online: []entitlement.Product{{Name: e3, SKU: entitlement.Enterprise}},
			OnPremises: []string{proPlus}, CountryMax: 250, WorldMax: 500}},
		Placements: []entitlement.Placement{{Tenant: "contoso", Location: "Munich"}},
		Policy:     activation.PartnerCenter(),
	}
}

// keeper returns a Keeper of the organisation on j, with a Book on j.
func keeper(t *testing.T, j activation.Journal, c entitlement.KeeperConfig) *entitlement.Keeper {
	t.Helper()
	if c.Book == nil {
		c.Book = &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	}
	c.Journal = j
	k, err := entitlement.NewKeeper(organisation(), c)
	require.NoError(t, err)
	return k
}

func deployment(n int, d string) entitlement.Deployment {
	return entitlement.Deployment{Location: "Munich", Licence: proPlus, Quantity: n, Day: day(d), Reason: "roll-out"}
}

func grant(n int) entitlement.Grant {
	return entitlement.Grant{Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: office, Kind: entitlement.Core, Quantity: n}
}

// history returns Munich's entries, auditing every chain on the way.
func history(t *testing.T, k *entitlement.Keeper) []entitlement.Entry {
	t.Helper()
	checkChains(t, k)
	var out []entitlement.Entry
	for e, err := range k.History(bg, "Munich") {
		require.NoError(t, err)
		out = append(out, e)
	}
	return out
}

// checkChains requires every record of the organisation's chains to pass
// the Keeper's audit: each record found under its fingerprint and checked
// by CheckChange with the record before it.
func checkChains(t *testing.T, k *entitlement.Keeper) {
	t.Helper()
	sum, err := k.Verify(bg, func(f activation.Finding) error {
		t.Errorf("audit: %v", f)
		return nil
	})
	require.NoError(t, err)
	require.Zero(t, sum.Breaks)
	require.Zero(t, sum.NotVerifiable)
}

// level returns the on-premises licences at Munich on day d, as the
// Keeper's Source gives them to a Partner.
func level(t *testing.T, k *entitlement.Keeper, d string) int64 {
	t.Helper()
	p, err := k.Partner()
	require.NoError(t, err)
	pos, err := p.Position(bg, day(d))
	require.NoError(t, err)
	return pos.Pools[0].World.OnPremises
}

func testExactlyOnce(t *testing.T, j activation.Journal) {
	k, other := keeper(t, j, entitlement.KeeperConfig{}), keeper(t, j, entitlement.KeeperConfig{})
	first, err := k.Deploy(bg, "req-1", deployment(20, "2026-07-03"))
	require.NoError(t, err)
	require.False(t, first.Replayed)
	_, err = other.Deploy(bg, "req-2", deployment(5, "2026-07-04"))
	require.NoError(t, err)
	for _, kp := range []*entitlement.Keeper{k, other} {
		again, err := kp.Deploy(bg, "req-1", deployment(20, "2026-07-03"))
		require.NoError(t, err)
		require.True(t, again.Replayed)
		again.Replayed = false
		require.Equal(t, first.Note, again.Note)
		require.Equal(t, first.Seq, again.Seq)
		require.True(t, first.Day.Equal(again.Day))
		require.True(t, first.RecordedAt.Equal(again.RecordedAt))
	}
	require.Len(t, history(t, k), 2)
	require.Equal(t, int64(25), level(t, k, "2026-07-04"))
}

func testRequestReused(t *testing.T, j activation.Journal) {
	k := keeper(t, j, entitlement.KeeperConfig{})
	_, err := k.Deploy(bg, "req-1", deployment(20, "2026-07-03"))
	require.NoError(t, err)
	_, err = k.Deploy(bg, "req-1", deployment(21, "2026-07-03"))
	require.ErrorIs(t, err, entitlement.ErrRequestReused)
	_, err = k.AddGrant(bg, "req-1", grant(20))
	require.ErrorIs(t, err, entitlement.ErrRequestReused)
	require.NotContains(t, err.Error(), "req-1")
	require.Len(t, history(t, k), 1)
}

func testExplanation(t *testing.T, j activation.Journal) {
	k := keeper(t, j, entitlement.KeeperConfig{})
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	require.NoError(t, book.Import(bg, activation.Subscription{Tenant: "contoso", Product: e3, Seats: 80, End: day("2027-07-01")}, day("2026-07-02")))
	_, err := k.AddGrant(bg, "grant-1", grant(100))
	require.NoError(t, err)
	e, err := k.Deploy(bg, "dep-1", deployment(20, "2026-07-03"))
	require.NoError(t, err)
	munich := "20 Office Professional Plus licences deployed at Munich: 80 online + 20 on-premises = 100 of 100 granted"
	require.Equal(t, munich, e.Note)
	d := deployment(5, "2026-07-04")
	d.Location = "Berlin"
	e, err = k.Deploy(bg, "dep-2", d)
	require.NoError(t, err)
	require.Equal(t, "5 Office Professional Plus licences deployed at Berlin: 80 online + 25 on-premises = 105 of 100 granted", e.Note,
		"the country's figures, read from the other chain")
	h := history(t, k)
	require.Len(t, h, 2)
	require.Equal(t, munich, h[1].Note)
	p, err := k.Partner()
	require.NoError(t, err)
	pos, err := p.Position(bg, day("2026-07-03"))
	require.NoError(t, err)
	w := pos.Pools[0].World
	require.Equal(t, [3]int64{80, 20, 100}, [3]int64{w.Online, w.OnPremises, w.Granted}, "on the day of Munich's change")
	subs, err := book.Subscriptions(bg)
	require.NoError(t, err)
	require.Len(t, subs, 1, "a chain is never listed as a subscription")
}

func testRefused(t *testing.T, j activation.Journal) {
	k := keeper(t, j, entitlement.KeeperConfig{})
	_, err := k.Deploy(bg, "base", deployment(3, "2026-07-03"))
	require.NoError(t, err)
	for name, call := range map[string]func() error{
		"below zero":     func() error { _, err := k.Remove(bg, "r", deployment(4, "2026-07-04")); return err },
		"an earlier day": func() error { _, err := k.Deploy(bg, "d", deployment(1, "2026-07-02")); return err },
		"unknown licence": func() error {
			d := deployment(1, "2026-07-04")
			d.Licence = "Nowhere"
			_, err := k.Deploy(bg, "u", d)
			return err
		},
		"no quantity": func() error { _, err := k.AddGrant(bg, "g", grant(0)); return err },
	} {
		err := call()
		require.ErrorIs(t, err, entitlement.ErrInvalid, name)
		require.NotContains(t, err.Error(), "Munich", name)
	}
	require.Len(t, history(t, k), 1)
	// The refused request ids were not spent.
	_, err = k.Remove(bg, "r", deployment(3, "2026-07-04"))
	require.NoError(t, err)
	require.Zero(t, level(t, k, "2026-07-04"))
}

// hookJournal runs before once, before its first Append.
type hookJournal struct {
	activation.Journal
	before func()
	done   bool
}

func (h *hookJournal) Append(ctx context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	if !h.done {
		h.done = true
		h.before()
	}
	return h.Journal.Append(ctx, rec)
}

func testLostUpdate(t *testing.T, j activation.Journal) {
	other := keeper(t, j, entitlement.KeeperConfig{})
	_, err := other.Deploy(bg, "base", deployment(10, "2026-07-03"))
	require.NoError(t, err)
	hj := &hookJournal{Journal: j}
	hj.before = func() {
		_, err := other.Remove(bg, "theirs", deployment(4, "2026-07-04"))
		require.NoError(t, err)
	}
	k := keeper(t, hj, entitlement.KeeperConfig{Book: &activation.Book{Policy: activation.PartnerCenter(), Journal: j}})
	e, err := k.Remove(bg, "mine", deployment(5, "2026-07-05"))
	require.NoError(t, err)
	require.Equal(t, int64(1), e.Level, "10 − 4 − 5: computed on the head after theirs")
	require.Len(t, history(t, k), 3)
	require.Equal(t, int64(1), level(t, k, "2026-07-05"))
}

func testFailAfter(t *testing.T, j activation.Journal) {
	fj := &failAfter{Journal: j, n: 1}
	k := keeper(t, fj, entitlement.KeeperConfig{Book: &activation.Book{Policy: activation.PartnerCenter(), Journal: j}})
	_, err := k.Deploy(bg, "req-1", deployment(20, "2026-07-03"))
	require.Error(t, err, "the reply was lost")
	e, err := k.Deploy(bg, "req-1", deployment(20, "2026-07-03"))
	require.NoError(t, err)
	require.True(t, e.Replayed, "the retry finds the change it made")
	require.Len(t, history(t, k), 1)
}

// failAfter loses the replies of its next n Appends.
type failAfter struct {
	activation.Journal
	n int
}

func (f *failAfter) Append(ctx context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	stored, taken, err := f.Journal.Append(ctx, rec)
	if err == nil && f.n > 0 {
		f.n--
		return activation.Record{}, 0, fmt.Errorf("enttest: reply lost after commit")
	}
	return stored, taken, err
}

func testCommitLate(t *testing.T, j activation.Journal) {
	late := &commitLate{Journal: j}
	k := keeper(t, late, entitlement.KeeperConfig{Book: &activation.Book{Policy: activation.PartnerCenter(), Journal: j}})
	_, err := k.Deploy(bg, "req-1", deployment(20, "2026-07-03"))
	require.Error(t, err, "timed out")
	late.commit(t) // the store commits afterwards
	e, err := k.Deploy(bg, "req-1", deployment(20, "2026-07-03"))
	require.NoError(t, err)
	require.True(t, e.Replayed)
	_, err = k.Deploy(bg, "req-2", deployment(1, "2026-07-03"))
	require.NoError(t, err, "the Keeper reads past the record it did not see stored")
	require.Len(t, history(t, k), 2)
}

// commitLate fails its first Append at once and makes it at commit.
type commitLate struct {
	activation.Journal
	held *activation.Record
	seen bool
}

func (c *commitLate) Append(ctx context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	if !c.seen {
		c.seen, c.held = true, &rec
		return activation.Record{}, 0, fmt.Errorf("enttest: append timed out")
	}
	return c.Journal.Append(ctx, rec)
}

func (c *commitLate) commit(t *testing.T) {
	_, taken, err := c.Journal.Append(bg, *c.held)
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
}

func testHistoryPages(t *testing.T, j activation.Journal) {
	k := keeper(t, j, entitlement.KeeperConfig{Page: 3})
	const n = 10
	for i := range n {
		_, err := k.Deploy(bg, fmt.Sprintf("req-%d", i), deployment(i+1, "2026-07-03"))
		require.NoError(t, err)
	}
	h := history(t, k)
	require.Len(t, h, n)
	for i, e := range h {
		require.Equal(t, int64(i+1), e.Seq)
		require.Equal(t, i+1, e.Deployment.Quantity)
	}
	require.Equal(t, int64(n*(n+1)/2), level(t, k, "2026-07-03"))
	// Breaking out of the loop is safe.
	for range k.History(bg, "Munich") {
		break
	}
}

func testChainPlace(t *testing.T, j activation.Journal) {
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	require.NoError(t, book.Import(bg, activation.Subscription{Tenant: "entitlement:Seattle", Product: "Munich", Seats: 1, End: day("2027-07-01")}, day("2026-07-02")))
	k := keeper(t, j, entitlement.KeeperConfig{Book: book})
	_, err := k.Deploy(bg, "req-1", deployment(1, "2026-07-03"))
	require.ErrorIs(t, err, entitlement.ErrInvalid)
	require.ErrorContains(t, err, "config.chain")
	k = keeper(t, j, entitlement.KeeperConfig{Book: book, Chain: "entitlement:Contoso Group"})
	_, err = k.Deploy(bg, "req-1", deployment(1, "2026-07-03"))
	require.NoError(t, err)
}
