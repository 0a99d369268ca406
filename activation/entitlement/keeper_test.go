package entitlement

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/ledgertest"
	"github.com/coterm/coterm/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// proPlus is the licence of the Office 365 IUR example.
const proPlus = "Office Professional Plus"

// keeperFixture is the fixture with the example's licence name and a
// second location in Germany, Berlin, a MemoryJournal shared by a Book
// (contoso's 80 seats of E3 at Munich from 2026-07-02) and a Keeper.
func keeperFixture(t testing.TB) (Organisation, *activation.Book, *Keeper) {
	t.Helper()
	o := fixture()
	o.Pools[0].OnPremises = []string{proPlus}
	o.Locations = append(o.Locations, Location{Name: "Berlin", Country: de, Headquarters: "Seattle", Years: []Year{yearOf(gold)}})
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	require.NoError(t, book.Import(bg, activation.Subscription{Tenant: "contoso", Product: e3, Seats: 80, End: day("2027-07-01")}, day("2026-07-02")))
	k, err := NewKeeper(o, KeeperConfig{Book: book})
	require.NoError(t, err)
	return o, book, k
}

// dep is an on-premises change of the example's licence at loc.
func dep(loc string, n int, d string) Deployment {
	return Deployment{Location: loc, Licence: proPlus, Quantity: n, Day: day(d), Reason: "finance team"}
}

// chainLen returns how many records the chains of o's locations hold.
func chainLen(t testing.TB, k *Keeper) int {
	t.Helper()
	n := 0
	for _, l := range k.raw.Locations {
		recs, err := k.j.History(bg, k.chain, l.Name, 0, 1<<20)
		require.NoError(t, err)
		n += len(recs)
	}
	return n
}

// R14: the explanation of each change is the example's sentence, with the
// online seats read from the Book, and its figures are the position's.
func TestKeeperExplains(t *testing.T) {
	_, book, k := keeperFixture(t)
	g, err := k.AddGrant(bg, "grant-1", grant("Munich", gold, Core, 100))
	require.NoError(t, err)
	assert.Equal(t, "100 core licences of pool office granted at Munich by the competency Cloud Productivity year from 2026-07-01: 0 online + 0 on-premises = 0 of 100 granted", g.Note,
		"on the year's first day contoso's subscription was not yet imported")
	e, err := k.Deploy(bg, "dep-1", dep("Munich", 20, "2026-07-03"))
	require.NoError(t, err)
	assert.Equal(t, "20 Office Professional Plus licences deployed at Munich: 80 online + 20 on-premises = 100 of 100 granted", e.Note)
	assert.Equal(t, Figures{Country: de, Online: 80, OnPremises: 20, Granted: 100}, e.Figures)
	assert.Equal(t, int64(100), e.Figures.Used())
	assert.Equal(t, int64(20), e.Level)
	assert.Equal(t, int64(2), e.Seq)
	assert.False(t, e.Replayed)

	p, err := k.Partner()
	require.NoError(t, err)
	pos, err := p.Position(bg, day("2026-07-03"))
	require.NoError(t, err)
	tally := pos.Pools[0].Countries[0]
	assert.Equal(t, Tally{Country: de, Granted: 100, Online: 80, OnPremises: 20, Max: MaxQuantity}, Tally{
		Country: tally.Country, Granted: tally.Granted, Online: tally.Online, OnPremises: tally.OnPremises, Max: tally.Max})

	// A removal, a grant that grows, and a change on a day the Book's
	// subscription changed.
	require.NoError(t, book.Import(bg, activation.Subscription{Tenant: "contoso", Product: e3, Seats: 90, End: day("2027-07-01")}, day("2026-09-01")))
	e, err = k.Remove(bg, "rm-1", dep("Munich", 1, "2026-08-01"))
	require.NoError(t, err)
	assert.Equal(t, "1 Office Professional Plus licence removed from Munich: 80 online + 19 on-premises = 99 of 100 granted", e.Note,
		"the Book's state on the change's day, not its head")
	e, err = k.Deploy(bg, "berlin-1", dep("Berlin", 5, "2026-08-02"))
	require.NoError(t, err)
	assert.Equal(t, "5 Office Professional Plus licences deployed at Berlin: 80 online + 24 on-premises = 104 of 100 granted", e.Note,
		"the figures of the country: Munich's too")
	grow := grant("Munich", gold, Core, 1_000)
	grow.Day = day("2026-10-01")
	e, err = k.AddGrant(bg, "grow-1", grow)
	require.NoError(t, err)
	assert.Equal(t, "1,000 core licences of pool office granted at Munich by the competency Cloud Productivity year from 2026-07-01, counting from 2026-10-01: 90 online + 24 on-premises = 114 of 1,100 granted", e.Note)

	var notes []string
	for e, err := range k.History(bg, "Munich") {
		require.NoError(t, err)
		notes = append(notes, e.Note)
	}
	assert.Len(t, notes, 4)
	assert.Equal(t, "20 Office Professional Plus licences deployed at Munich: 80 online + 20 on-premises = 100 of 100 granted", notes[1])
}

// Exactly once: the identical request again replays the recorded change,
// even after others moved the chain on, and records nothing.
func TestKeeperExactlyOnce(t *testing.T) {
	_, _, k := keeperFixture(t)
	first, err := k.Deploy(bg, "dep-1", dep("Munich", 20, "2026-07-03"))
	require.NoError(t, err)
	_, err = k.Deploy(bg, "dep-2", dep("Munich", 5, "2026-07-04"))
	require.NoError(t, err)
	for _, d := range []Deployment{dep("Munich", 20, "2026-07-03"), {Location: "Munich", Licence: proPlus, Change: Remove, Quantity: 20, Day: day("2026-07-03"), Reason: "finance team"}} {
		again, err := k.Deploy(bg, "dep-1", d)
		require.NoError(t, err)
		assert.True(t, again.Replayed)
		first.Replayed = true
		assert.Equal(t, first, again, "Deploy ignores Change")
	}
	// A second Keeper on the same Journal answers alike.
	k2, err := NewKeeper(k.raw, KeeperConfig{Journal: k.j, Book: k.book})
	require.NoError(t, err)
	again, err := k2.Deploy(bg, "dep-1", dep("Munich", 20, "2026-07-03"))
	require.NoError(t, err)
	assert.Equal(t, first, again)
	assert.Equal(t, 2, chainLen(t, k))
}

// The request id of a recorded change with another change is refused; the
// error quotes neither the id nor a name.
func TestKeeperRequestReused(t *testing.T) {
	_, _, k := keeperFixture(t)
	_, err := k.Deploy(bg, pastedKey, dep("Munich", 20, "2026-07-03"))
	require.NoError(t, err)
	for name, call := range map[string]func() (Entry, error){
		"another quantity": func() (Entry, error) { return k.Deploy(bg, pastedKey, dep("Munich", 21, "2026-07-03")) },
		"a removal":        func() (Entry, error) { return k.Remove(bg, pastedKey, dep("Munich", 20, "2026-07-03")) },
		"another day":      func() (Entry, error) { return k.Deploy(bg, pastedKey, dep("Munich", 20, "2026-07-04")) },
		"another reason": func() (Entry, error) {
			d := dep("Munich", 20, "2026-07-03")
			d.Reason = ""
			return k.Deploy(bg, pastedKey, d)
		},
		"another location": func() (Entry, error) { return k.Deploy(bg, pastedKey, dep("Paris", 20, "2026-07-03")) },
		"a grant":          func() (Entry, error) { return k.AddGrant(bg, pastedKey, grant("Munich", gold, Core, 20)) },
	} {
		t.Run(name, func(t *testing.T) {
			e, err := call()
			require.ErrorIs(t, err, ErrRequestReused)
			assert.Zero(t, e)
			for _, s := range []string{pastedKey, "AB3DE", "TUVW2", "Munich", "Paris", proPlus, "finance"} {
				assert.NotContains(t, err.Error(), s)
			}
		})
	}
	assert.Equal(t, 1, chainLen(t, k))
}

// No lost update: a Keeper whose place was taken between its read and its
// Append re-reads, checks against the new head and records after it; a
// removal that the other change made too large is refused.
func TestKeeperLostUpdateRetry(t *testing.T) {
	o, book, other := keeperFixture(t)
	_, err := other.Deploy(bg, "base", dep("Munich", 10, "2026-07-03"))
	require.NoError(t, err)
	for _, tt := range []struct {
		name      string
		mine      func(*Keeper) (Entry, error)
		theirs    Deployment
		wantLevel int64
		wantErr   bool
	}{
		{"both deployments count", func(k *Keeper) (Entry, error) { return k.Deploy(bg, "mine-1", dep("Munich", 3, "2026-07-05")) },
			dep("Munich", 4, "2026-07-04"), 17, false},
		{"a removal checked against the new head", func(k *Keeper) (Entry, error) { return k.Remove(bg, "mine-2", dep("Munich", 15, "2026-07-07")) },
			Deployment{Location: "Munich", Licence: proPlus, Change: Remove, Quantity: 5, Day: day("2026-07-06")}, 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var retries atomic.Int64
			var once sync.Once
			cutIn := &brokenJournal{Journal: book.Journal}
			cutIn.append = func(rec activation.Record) (activation.Record, activation.Taken, error) {
				once.Do(func() { // theirs, between this Keeper's read and its Append
					var err error
					if tt.theirs.Change == Remove {
						_, err = other.Remove(bg, "theirs-"+tt.name, tt.theirs)
					} else {
						_, err = other.Deploy(bg, "theirs-"+tt.name, tt.theirs)
					}
					require.NoError(t, err)
				})
				return book.Journal.Append(bg, rec)
			}
			k, err := NewKeeper(o, KeeperConfig{Journal: cutIn, Book: book, Retries: &retries})
			require.NoError(t, err)
			before := chainLen(t, k)
			e, err := tt.mine(k)
			assert.Equal(t, int64(1), retries.Load(), "one recomputation")
			if tt.wantErr {
				assertBad(t, err, ErrInvalid, "deployment.quantity")
				assert.Equal(t, before+1, chainLen(t, k), "theirs only")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantLevel, e.Level)
			assert.Equal(t, before+2, chainLen(t, k))
			assert.Equal(t, int64(tt.wantLevel), e.Figures.OnPremises)
		})
	}
}

// Bad input: an *InputError naming the field, quoting nothing; nothing is
// recorded.
func TestKeeperBadInput(t *testing.T) {
	remove := func(d Deployment) Deployment { d.Change = Remove; return d }
	withReason := func(d Deployment, r string) Deployment { d.Reason = r; return d }
	tests := []struct {
		name  string
		id    string
		d     Deployment // an on-premises change, if g is zero
		g     Grant
		kind  error
		field string
	}{
		{"an empty request id", "", dep("Munich", 1, "2026-07-04"), Grant{}, ErrInvalid, "id"},
		{"a request id too long", strings.Repeat("x", MaxNameLen+1), dep("Munich", 1, "2026-07-04"), Grant{}, ErrInvalid, "id"},
		{"an unknown location", "x", dep("Nowhere", 1, "2026-07-04"), Grant{}, ErrUnknown, "deployment.location"},
		{"a location that is a key", "x", dep(pastedKey, 1, "2026-07-04"), Grant{}, ErrUnknown, "deployment.location"},
		{"an unknown licence", "x", Deployment{Location: "Munich", Licence: "Nowhere", Quantity: 1, Day: day("2026-07-04")}, Grant{}, ErrUnknown, "deployment.licence"},
		{"a quantity of zero", "x", dep("Munich", 0, "2026-07-04"), Grant{}, ErrInvalid, "deployment.quantity"},
		{"a quantity too large", "x", dep("Munich", MaxQuantity+1, "2026-07-04"), Grant{}, ErrInvalid, "deployment.quantity"},
		{"no day", "x", Deployment{Location: "Munich", Licence: proPlus, Quantity: 1}, Grant{}, ErrInvalid, "deployment.day"},
		{"a reason that is a key", "x", withReason(dep("Munich", 1, "2026-07-04"), pastedKey), Grant{}, ErrInvalid, "deployment.reason"},
		{"a reason with a control character", "x", withReason(dep("Munich", 1, "2026-07-04"), "a\nb"), Grant{}, ErrInvalid, "deployment.reason"},
		{"more removed than deployed", "x", remove(dep("Munich", 11, "2026-07-04")), Grant{}, ErrInvalid, "deployment.quantity"},
		{"removed where none is deployed", "x", remove(dep("Paris", 1, "2026-07-04")), Grant{}, ErrInvalid, "deployment.quantity"},
		{"a day before the latest on-premises change", "x", dep("Munich", 1, "2026-07-02"), Grant{}, ErrInvalid, "deployment.day"},
		{"R18 a toolkit at the headquarters", "x", Deployment{}, grant("Seattle", gold, Toolkit, 1), ErrToolkit, "grant.kind"},
		{"a grant of no program year", "x", Deployment{}, Grant{Location: "Munich", Membership: gold, Year: day("2026-07-02"), Pool: office, Kind: Core, Quantity: 1}, ErrUnknown, "grant.year"},
		{"a grant of zero", "x", Deployment{}, grant("Munich", gold, Core, 0), ErrInvalid, "grant.quantity"},
		{"a grant in a pool that is a key", "x", Deployment{}, Grant{Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: pastedKey, Kind: Core, Quantity: 1}, ErrUnknown, "grant.pool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, k := keeperFixture(t)
			_, err := k.Deploy(bg, "base", dep("Munich", 10, "2026-07-03"))
			require.NoError(t, err)
			var e Entry
			if tt.g.Quantity != 0 || tt.g.Location != "" {
				e, err = k.AddGrant(bg, tt.id, tt.g)
			} else if tt.d.Change == Remove {
				e, err = k.Remove(bg, tt.id, tt.d)
			} else {
				e, err = k.Deploy(bg, tt.id, tt.d)
			}
			assert.Zero(t, e)
			assertBad(t, err, tt.kind, tt.field)
			assert.Equal(t, 1, chainLen(t, k), "nothing recorded")
		})
	}
}

// Names that pass one by one but read as a key side by side in the
// explanation are refused before the store sees them.
func TestKeeperExplanationHoldsNoKey(t *testing.T) {
	o := fixture()
	o.Pools[0].OnPremises = []string{"AB3DE FG5HJ KL7MN PQ9RS"} // four groups: no key alone
	k, err := NewKeeper(o, KeeperConfig{Journal: activation.NewMemoryJournal()})
	require.NoError(t, err)
	_, err = k.Deploy(bg, "x", Deployment{Location: "Munich", Licence: "AB3DE FG5HJ KL7MN PQ9RS", Quantity: 1, Day: day("2026-07-03")})
	assertBad(t, err, ErrInvalid, "deployment")
	assert.Equal(t, 0, chainLen(t, k))
}

// A chain's place that a Book's subscription holds is reported as such.
func TestKeeperChainTakenByABook(t *testing.T) {
	o, book, _ := keeperFixture(t)
	require.NoError(t, book.Import(bg, activation.Subscription{Tenant: "entitlement:Seattle", Product: "Munich", Seats: 1, End: day("2027-07-01")}, day("2026-07-02")))
	k, err := NewKeeper(o, KeeperConfig{Book: book})
	require.NoError(t, err)
	_, err = k.Deploy(bg, "x", dep("Munich", 1, "2026-07-03"))
	assertBad(t, err, ErrInvalid, "config.chain")
	assertBad(t, firstErr(k.Source().Deployments(bg)), ErrInvalid, "config.chain")
	k, err = NewKeeper(o, KeeperConfig{Book: book, Chain: "entitlement:Contoso Group"})
	require.NoError(t, err)
	_, err = k.Deploy(bg, "x", dep("Munich", 1, "2026-07-03"))
	require.NoError(t, err, "another Chain")
}

// A Book whose Journal fails while a Keeper reads the online seats for a
// change's figures: the store's error, and nothing recorded.
func TestKeeperBookFails(t *testing.T) {
	o, book, k := keeperFixture(t)
	failing := &activation.Book{Policy: book.Policy, Journal: &ledgertest.FailingJournal{Inner: book.Journal, FailHead: 1}}
	broken, err := NewKeeper(o, KeeperConfig{Journal: book.Journal, Book: failing})
	require.NoError(t, err)
	_, err = broken.Deploy(bg, "x", dep("Munich", 1, "2026-07-03"))
	require.ErrorIs(t, err, ledgertest.ErrInjected)

	// A state before the head is read from the history.
	require.NoError(t, book.Import(bg, activation.Subscription{Tenant: "contoso", Product: e3, Seats: 90, End: day("2027-07-01")}, day("2026-09-01")))
	failed := errors.New("history down")
	bj := &brokenJournal{Journal: book.Journal, history: func(place string, recs []activation.Record) ([]activation.Record, error) {
		if place == e3 {
			return nil, failed
		}
		return recs, nil
	}}
	broken, err = NewKeeper(o, KeeperConfig{Journal: book.Journal, Book: &activation.Book{Policy: book.Policy, Journal: bj}})
	require.NoError(t, err)
	_, err = broken.Deploy(bg, "x", dep("Munich", 1, "2026-08-01"))
	require.ErrorIs(t, err, failed)
	assert.Equal(t, 0, chainLen(t, k))
}

// A Keeper's config is checked.
func TestKeeperConfig(t *testing.T) {
	for name, tt := range map[string]struct {
		c     KeeperConfig
		field string
	}{
		"no journal":            {KeeperConfig{}, "config.journal"},
		"a negative page":       {KeeperConfig{Journal: activation.NewMemoryJournal(), Page: -1}, "config.page"},
		"a chain that is a key": {KeeperConfig{Journal: activation.NewMemoryJournal(), Chain: pastedKey}, "config.chain"},
	} {
		t.Run(name, func(t *testing.T) {
			k, err := NewKeeper(fixture(), tt.c)
			assert.Nil(t, k)
			assertBad(t, err, ErrInvalid, tt.field)
		})
	}
	_, err := NewKeeper(Organisation{}, KeeperConfig{Journal: activation.NewMemoryJournal()})
	assertBad(t, err, ErrInvalid, "policy")
}

// Names are kept as written: the change is JSON without HTML escapes, and
// CheckChange reads it back.
func TestKeeperNamesAsWritten(t *testing.T) {
	o := fixture()
	o.Pools[0].OnPremises = []string{"Sales & Marketing <EU>"}
	k, err := NewKeeper(o, KeeperConfig{Journal: activation.NewMemoryJournal()})
	require.NoError(t, err)
	e, err := k.Deploy(bg, "x", Deployment{Location: "Munich", Licence: "Sales & Marketing <EU>", Quantity: 2, Day: day("2026-07-03")})
	require.NoError(t, err)
	assert.Equal(t, "2 Sales & Marketing <EU> licences deployed at Munich: 0 online + 2 on-premises = 2 of 0 granted", e.Note)
	recs := chainOf(t, k, "Munich")
	assert.Contains(t, recs[0].Change, `"licence":"Sales & Marketing <EU>"`)
	require.NoError(t, k.CheckChange(nil, recs[0]))
}

// brokenJournal answers with what its functions say, where they are set.
type brokenJournal struct {
	activation.Journal
	lookup  func(rec activation.Record, ok bool) (activation.Record, bool, error)
	append  func(rec activation.Record) (activation.Record, activation.Taken, error)
	history func(place string, recs []activation.Record) ([]activation.Record, error)
}

func (b *brokenJournal) Lookup(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	rec, ok, err := b.Journal.Lookup(ctx, fp)
	if b.lookup != nil && err == nil {
		return b.lookup(rec, ok)
	}
	return rec, ok, err
}

func (b *brokenJournal) Append(ctx context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	if b.append != nil {
		return b.append(rec)
	}
	return b.Journal.Append(ctx, rec)
}

func (b *brokenJournal) History(ctx context.Context, tenant, product string, after int64, limit int) ([]activation.Record, error) {
	recs, err := b.Journal.History(ctx, tenant, product, after, limit)
	if b.history != nil && err == nil {
		return b.history(product, recs)
	}
	return recs, err
}

// A store that answers against its contract, or fails, is reported, and
// nothing is taken for recorded.
func TestKeeperBrokenStore(t *testing.T) {
	failed := errors.New("store down")
	sub := activation.Record{Seq: 1, Outcome: activation.Outcome{After: activation.Subscription{Tenant: "t", Product: "p"}}}
	for name, tt := range map[string]struct {
		j    func(*brokenJournal)
		want error
	}{
		"a lookup that fails": {func(b *brokenJournal) {
			b.lookup = func(activation.Record, bool) (activation.Record, bool, error) {
				return activation.Record{}, false, failed
			}
		}, failed},
		"a request's record that is no change": {func(b *brokenJournal) {
			b.lookup = func(activation.Record, bool) (activation.Record, bool, error) { return sub, true, nil }
		}, activation.ErrBrokenStore},
		"an append that fails": {func(b *brokenJournal) {
			b.append = func(activation.Record) (activation.Record, activation.Taken, error) {
				return activation.Record{}, 0, failed
			}
		}, failed},
		"an append that stores another record": {func(b *brokenJournal) {
			b.append = func(activation.Record) (activation.Record, activation.Taken, error) {
				return sub, activation.NothingTaken, nil
			}
		}, activation.ErrBrokenStore},
		"a history that fails": {func(b *brokenJournal) {
			b.history = func(string, []activation.Record) ([]activation.Record, error) { return nil, failed }
		}, failed},
		"a history of another location of the country that fails": {func(b *brokenJournal) {
			b.history = func(place string, recs []activation.Record) ([]activation.Record, error) {
				if place == "Berlin" {
					return nil, failed
				}
				return recs, nil
			}
		}, failed},
		"a history with a gap": {func(b *brokenJournal) {
			b.history = func(_ string, recs []activation.Record) ([]activation.Record, error) {
				for i := range recs {
					recs[i].Seq++
				}
				return recs, nil
			}
		}, activation.ErrBrokenStore},
		"a history of records another package wrote": {func(b *brokenJournal) {
			b.history = func(_ string, recs []activation.Record) ([]activation.Record, error) {
				for i := range recs {
					recs[i].Change = " " + recs[i].Change
				}
				return recs, nil
			}
		}, ErrInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			o, book, k := keeperFixture(t)
			_, err := k.Deploy(bg, "base", dep("Munich", 1, "2026-07-03"))
			require.NoError(t, err)
			bj := &brokenJournal{Journal: book.Journal}
			tt.j(bj)
			broken, err := NewKeeper(o, KeeperConfig{Journal: bj, Book: book})
			require.NoError(t, err)
			e, err := broken.Deploy(bg, "next", dep("Munich", 1, "2026-07-04"))
			require.ErrorIs(t, err, tt.want)
			assert.Zero(t, e)
			if bj.history != nil {
				p, err := broken.Partner()
				require.NoError(t, err)
				_, err = p.Position(bg, day("2026-07-04"))
				require.ErrorIs(t, err, tt.want, "the Source reports it")
				for _, err := range broken.History(bg, "Berlin") {
					require.ErrorIs(t, err, tt.want, "History reports it")
				}
			}
		})
	}
}

// History of a location the organisation does not have is bad input; a
// done context stops a Keeper.
func TestKeeperHistoryRefusals(t *testing.T) {
	_, _, k := keeperFixture(t)
	for _, err := range k.History(bg, "Nowhere") {
		assertBad(t, err, ErrUnknown, "location")
	}
	ctx, cancel := context.WithCancel(bg)
	cancel()
	_, err := k.Deploy(ctx, "x", dep("Munich", 1, "2026-07-03"))
	require.ErrorIs(t, err, context.Canceled)
	//lint:ignore SA1012 a nil context must be an error, not a panic
	_, err = k.Deploy(nil, "x", dep("Munich", 1, "2026-07-03"))
	assertBad(t, err, ErrInvalid, "ctx")
	assert.Equal(t, 0, chainLen(t, k))
}

// R21: a token issued for a year is recorded once per organisation, by its
// fingerprint; the Source gives it with the day the Book spent its key.
func TestKeeperTokens(t *testing.T) {
	_, book, k := keeperFixture(t)
	key := token.MustParseKey("TOKEN-ISSUD-FORTH-EYEAR-2026A")
	tok := IssuedToken{Fingerprint: key.Fingerprint(), Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: office, ActivateBy: day("2026-09-01")}
	e, err := k.IssueToken(bg, tok)
	require.NoError(t, err)
	assert.Equal(t, "a token of pool office issued at Munich for the competency Cloud Productivity year from 2026-07-01, to activate before 2026-09-01", e.Note)
	assert.Equal(t, &tok, e.Token)
	assert.Equal(t, day("2026-07-01"), e.Day)
	assert.Zero(t, e.Figures)
	again, err := k.IssueToken(bg, tok)
	require.NoError(t, err)
	assert.True(t, again.Replayed)

	for name, tt := range map[string]struct {
		edit  func(*IssuedToken)
		kind  error
		field string
	}{
		"at another location":          {func(x *IssuedToken) { x.Location = "Paris" }, ErrDuplicate, "token.fingerprint"},
		"with another day":             {func(x *IssuedToken) { x.ActivateBy = day("2026-10-01") }, ErrDuplicate, "token.fingerprint"},
		"redeemed":                     {func(x *IssuedToken) { x.Redeemed = day("2026-08-01") }, ErrInvalid, "token.redeemed"},
		"with no fingerprint":          {func(x *IssuedToken) { x.Fingerprint = token.Fingerprint{} }, ErrInvalid, "token.fingerprint"},
		"of an unknown pool":           {func(x *IssuedToken) { x.Pool = "Nowhere" }, ErrUnknown, "token.pool"},
		"of no year":                   {func(x *IssuedToken) { x.Year = day("2026-07-02") }, ErrUnknown, "token.year"},
		"of a year not the location's": {func(x *IssuedToken) { x.Location, x.Membership = "Seattle", ap }, ErrUnknown, "token.year"},
	} {
		t.Run(name, func(t *testing.T) {
			x := tok
			tt.edit(&x)
			e, err := k.IssueToken(bg, x)
			assert.Zero(t, e)
			assertBad(t, err, tt.kind, tt.field)
		})
	}
	assert.Equal(t, 1, chainLen(t, k))

	p, err := k.Partner()
	require.NoError(t, err)
	fs, err := p.Check(bg, day("2026-09-02"))
	require.NoError(t, err)
	late := only(fs, TokensLate)
	require.Len(t, late, 1)
	assert.Equal(t, []token.Fingerprint{tok.Fingerprint}, late[0].Tokens)

	_, err = book.Redeem(bg, "contoso", e3, token.Token{Key: key, Product: e3, Seats: 5}, activation.AddSeats, day("2026-08-01"))
	require.NoError(t, err)
	fs, err = p.Check(bg, day("2026-09-02"))
	require.NoError(t, err)
	assert.Empty(t, only(fs, TokensLate), "redeemed before its activate-by day, as the Book says")
	for tk, err := range k.Source().Tokens(bg) {
		require.NoError(t, err)
		assert.Equal(t, day("2026-08-01"), tk.Redeemed)
	}
}

// A Journal that lost records a Keeper read (a restore) refuses its next
// Append with ErrGap; a new Keeper reads the chain anew and records.
func TestKeeperStoreLostRecords(t *testing.T) {
	o, _, _ := keeperFixture(t)
	restored := activation.NewMemoryJournal()
	bj := &brokenJournal{Journal: activation.NewMemoryJournal()}
	k, err := NewKeeper(o, KeeperConfig{Journal: bj})
	require.NoError(t, err)
	for i, j := range []activation.Journal{bj.Journal, restored} {
		kj, err := NewKeeper(o, KeeperConfig{Journal: j})
		require.NoError(t, err)
		_, err = kj.Deploy(bg, "first", dep("Munich", 1, "2026-07-03"))
		require.NoError(t, err, "journal %d", i)
	}
	_, err = k.Deploy(bg, "second", dep("Munich", 1, "2026-07-04"))
	require.NoError(t, err)
	bj.Journal = restored // the records after the first are lost
	_, err = k.Deploy(bg, "third", dep("Munich", 1, "2026-07-05"))
	require.ErrorIs(t, err, activation.ErrGap)
	fresh, err := NewKeeper(o, KeeperConfig{Journal: bj})
	require.NoError(t, err)
	e, err := fresh.Deploy(bg, "third", dep("Munich", 1, "2026-07-05"))
	require.NoError(t, err)
	assert.Equal(t, int64(2), e.Seq)
}

// A Keeper remembers the changes it appended: its next change reads
// nothing of its own again.
func TestKeeperRemembersItsOwn(t *testing.T) {
	var read int
	bj := &brokenJournal{Journal: activation.NewMemoryJournal()}
	bj.history = func(_ string, recs []activation.Record) ([]activation.Record, error) {
		read += len(recs)
		return recs, nil
	}
	o, _, _ := keeperFixture(t)
	k, err := NewKeeper(o, KeeperConfig{Journal: bj})
	require.NoError(t, err)
	for i := range 3 {
		_, err := k.Deploy(bg, fmt.Sprint("d", i), dep("Munich", 1, "2026-07-03"))
		require.NoError(t, err)
		_, err = k.AddGrant(bg, fmt.Sprint("g", i), grant("Munich", gold, Core, 1))
		require.NoError(t, err)
	}
	assert.Zero(t, read, "records read back")
	e, err := k.Remove(bg, "r", dep("Munich", 3, "2026-07-04"))
	require.NoError(t, err)
	assert.Zero(t, e.Level, "what it remembers is what it recorded")
	assert.Equal(t, int64(3), e.Figures.Granted)
}

// A change that, with the location's levels, would not fit a record is
// refused as bad input, and nothing is recorded.
func TestKeeperChangeTooLarge(t *testing.T) {
	o := fixture()
	o.Pools[0].OnPremises = nil
	levels := map[string]int64{}
	for i := range 300 {
		lic := fmt.Sprintf("%03d %s", i, strings.Repeat("licence ", 30))
		o.Pools[0].OnPremises = append(o.Pools[0].OnPremises, lic)
		levels[lic] = 1
	}
	now := day("2026-07-03").Add(9 * time.Hour)
	k, err := NewKeeper(o, KeeperConfig{Journal: activation.NewMemoryJournal(), Clock: func() time.Time { return now }})
	require.NoError(t, err)
	d := Deployment{Location: "Munich", Licence: o.Pools[0].OnPremises[0], Quantity: 1, Day: day("2026-07-03")}
	e, err := k.Deploy(bg, "fits", d)
	require.NoError(t, err)
	require.Equal(t, now, e.RecordedAt, "the Clock's time")
	// As if the chain held every licence: what the Keeper remembers.
	k.chains[k.org.locByName["Munich"]].levels = levels
	_, err = k.Deploy(bg, "too large", d)
	assertBad(t, err, ErrInvalid, "deployment")
	assert.Equal(t, 1, chainLen(t, k), "nothing recorded")
}

// Verify audits every chain by the package's rules: a change appended
// straight to the store that removes more than was deployed is a break,
// reported with its place and why.
func TestKeeperVerify(t *testing.T) {
	k, recs := keptChain(t)
	var found []activation.Finding
	collect := func(f activation.Finding) error { found = append(found, f); return nil }
	sum, err := k.Verify(bg, collect)
	require.NoError(t, err)
	assert.Equal(t, activation.AuditSummary{Chains: 1, Records: 5}, sum)
	assert.Empty(t, found)

	forged := forge(t, recs[3], func(p *payload) { p.Quantity = 100; p.Levels = map[string]int64{proPlus: -82} })
	forged.Seq = 6
	forged.Fingerprint = activation.ChangeFingerprint(chainKind, k.chain+"\nforged")
	_, taken, err := k.j.Append(bg, forged)
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	sum, err = k.Verify(bg, collect)
	require.NoError(t, err)
	assert.Equal(t, activation.AuditSummary{Chains: 1, Records: 6, Breaks: 1}, sum)
	require.Len(t, found, 1)
	assert.Equal(t, int64(6), found[0].Seq)
	assert.Contains(t, found[0].String(), "change.quantity: removes more licences than are deployed at the location")

	stop := errors.New("stop")
	_, err = k.Verify(bg, func(activation.Finding) error { return stop })
	require.ErrorIs(t, err, stop)
}

// Each stream of a Keeper's Source reports a record of its chains that is
// not a change in this package's form, whatever the stream reads.
func TestKeeperSourceReportsForeignRecords(t *testing.T) {
	k, recs := keptChain(t)
	foreign := recs[0]
	foreign.Seq, foreign.Change = 6, `{"op":"grant"}`
	foreign.Fingerprint = activation.ChangeFingerprint("other", "x")
	_, taken, err := k.j.Append(bg, foreign)
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	src := k.Source()
	for name, read := range map[string]func() error{
		"grants":      func() error { return firstErr(src.Grants(bg)) },
		"deployments": func() error { return firstErr(src.Deployments(bg)) },
		"tokens":      func() error { return firstErr(src.Tokens(bg)) },
	} {
		assert.ErrorIs(t, read(), ErrInvalid, name)
	}
}

// firstErr returns the first error seq yields.
func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}
