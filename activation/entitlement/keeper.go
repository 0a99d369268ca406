package entitlement

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/internal/keytext"
	"github.com/coterm/coterm/token"
)

// ErrRequestReused: a change request id was already used for another
// change at the organisation's chains. Nothing was recorded; the message
// quotes neither the id nor the change.
var ErrRequestReused = errors.New("entitlement: change request id already used for another change")

// KeeperConfig says where a [Keeper] keeps its chains and reads the
// online subscriptions.
type KeeperConfig struct {
	// Journal keeps the chains of changes. Nil means Book's Journal.
	Journal activation.Journal
	// Book holds the online subscriptions; nil means there are none.
	Book *activation.Book
	// Chain is the tenant name of every chain: location L's changes are
	// kept at the place (Chain, L). Empty means "entitlement:" and the
	// headquarters' name. It must pass activation.CheckName and be a name
	// no Book's tenant has (a place holds one kind of record).
	Chain string
	// Clock, if not nil, gives the time recorded as RecordedAt; nil means
	// time.Now.
	Clock func() time.Time
	// Retries, if not nil, counts every recomputation after an Append found
	// its place taken.
	Retries *atomic.Int64
	// Page is how many records a read asks the Journal for at once; 0
	// means 1000.
	Page int
}

// Keeper records an organisation's grants, on-premises changes and issued
// tokens, each location's changes a chain of change records
// ([activation.ChangeRecord]) on a Journal, on the machinery of a Book:
// exactly once per change request and with no lost update, for any number
// of Keepers in any number of processes sharing the Journal. [Keeper.History]
// and [Keeper.Source] read what was recorded; [Keeper.CheckChange] checks a
// record by the rules it was recorded under.
//
// Each change comes with the caller's request id. The identical request
// again (same id, same change) returns the recorded change with Replayed
// set, even after other changes; the id with another change is
// [ErrRequestReused]. A change is computed on the head of its location's
// chain and appended at the head's Seq + 1; if another change took that
// place, it re-reads the chain, checks and computes again, for as long as
// ctx allows. Bad input is an [*InputError] and records nothing.
//
// A Keeper remembers what it read of each chain — per location, its grants
// and each licence's level from each day of change on — and reads only
// what was appended since (a stale memory costs a read, never an answer);
// a Journal that lost records a Keeper read refuses its next Append
// ([activation.ErrGap]) until a new Keeper reads the chain anew. It is
// safe for concurrent use.
type Keeper struct {
	org     *org
	raw     Organisation
	j       activation.Journal
	book    *activation.Book
	chain   string
	clock   func() time.Time
	retries *atomic.Int64
	page    int
	// cands are the online subscriptions whose seats are use in a country
	// in a pool: placed at one of its locations, a product of the pool.
	cands map[countryPool][]subKey

	mu     sync.Mutex
	chains map[int]*chainState // by location
}

type countryPool struct {
	country Country
	pool    int
}

// NewKeeper validates o and c and returns a Keeper. An invalid
// organisation or config is an [*InputError].
func NewKeeper(o Organisation, c KeeperConfig) (*Keeper, error) {
	o = o.clone()
	g, err := newOrg(o)
	if err != nil {
		return nil, err
	}
	k := &Keeper{org: g, raw: o, j: c.Journal, book: c.Book, chain: c.Chain, clock: c.Clock, retries: c.Retries,
		page: c.Page, chains: map[int]*chainState{}}
	if k.j == nil && k.book != nil {
		k.j = k.book.Journal
	}
	switch {
	case k.book != nil && k.book.Journal == nil:
		return nil, bad(ErrInvalid, top("config.book"), "a Book without a Journal")
	case k.j == nil:
		return nil, bad(ErrInvalid, top("config.journal"), "nil, and no Book")
	case c.Page < 0:
		return nil, bad(ErrInvalid, top("config.page"), "negative")
	case k.page == 0:
		k.page = 1000
	}
	if k.chain == "" {
		k.chain = "entitlement:" + g.locs[g.hq].name
	}
	if err := activation.CheckName("chain", k.chain); err != nil {
		return nil, badWrap(ErrInvalid, top("config.chain"), "not a name a Journal keeps", err)
	}
	k.cands = candidates(o)
	return k, nil
}

// candidates returns, per country and pool, the subscriptions whose seats
// are use there: each placement's product, or, for a placement of the
// whole tenant, every product of the pool not placed on its own.
func candidates(o Organisation) map[countryPool][]subKey {
	country := map[string]Country{}
	for _, l := range o.Locations {
		country[l.Name] = l.Country
	}
	pool := map[string]int{}
	exact := map[subKey]bool{}
	for p, pl := range o.Pools {
		for _, pr := range pl.Online {
			pool[pr.Name] = p
		}
	}
	out := map[countryPool][]subKey{}
	for _, pl := range o.Placements {
		if p, ok := pool[pl.Product]; ok {
			k := countryPool{country[pl.Location], p}
			out[k] = append(out[k], subKey{pl.Tenant, pl.Product})
			exact[subKey{pl.Tenant, pl.Product}] = true
		}
	}
	for _, pl := range o.Placements {
		if pl.Product != "" {
			continue
		}
		for p, po := range o.Pools {
			for _, pr := range po.Online {
				if s := (subKey{pl.Tenant, pr.Name}); !exact[s] {
					k := countryPool{country[pl.Location], p}
					out[k] = append(out[k], s)
				}
			}
		}
	}
	return out
}

// Deploy records that d.Quantity licences of d.Licence were deployed at
// d.Location on d.Day (d.Change is ignored), for d.Reason, under the
// change request id (see [Keeper]). The location's on-premises changes are
// recorded in day order: a day before its latest one is bad input.
func (k *Keeper) Deploy(ctx context.Context, id string, d Deployment) (Entry, error) {
	d.Change = Deploy
	return k.onPremises(ctx, id, d)
}

// Remove records that d.Quantity licences of d.Licence were removed from
// d.Location on d.Day (d.Change is ignored), as [Keeper.Deploy] does. A
// removal of more licences than are deployed at the location is bad input.
func (k *Keeper) Remove(ctx context.Context, id string, d Deployment) (Entry, error) {
	d.Change = Remove
	return k.onPremises(ctx, id, d)
}

func (k *Keeper) onPremises(ctx context.Context, id string, d Deployment) (Entry, error) {
	r, err := k.org.deployment(0, d)
	if err != nil {
		return Entry{}, renamed(err, "deployments[0]", "deployment")
	}
	return k.record(ctx, id, &checked{p: deploymentPayload(d, r.day), day: r.day}, "deployment")
}

// AddGrant records grant g under the change request id (see [Keeper]): a
// program year's grant, or its growth during the year as a grant of its
// own from a later Day (they add up). A grant's Day, the zero time for
// the year's Start, is its change's day; grants need not come in day
// order.
func (k *Keeper) AddGrant(ctx context.Context, id string, g Grant) (Entry, error) {
	r, err := k.org.grant(0, g)
	if err != nil {
		return Entry{}, renamed(err, "grants[0]", "grant")
	}
	return k.record(ctx, id, &checked{p: grantPayload(g, r), day: r.day, grant: &r}, "grant")
}

// IssueToken records that token t was issued for a program year's grants
// at t.Location in t.Pool (R21), known by its fingerprint, with the day it
// is late from (ActivateBy, optional). The token is its own change
// request: it is recorded once per organisation, whatever the location;
// the identical request again replays it, and the token with other
// details is an [*InputError] wrapping [ErrDuplicate]. t.Redeemed must be
// the zero time: [Keeper.Source] reads the day the Book's Journal spent
// its key. The change's day is the year's Start.
func (k *Keeper) IssueToken(ctx context.Context, t IssuedToken) (Entry, error) {
	if !t.Redeemed.IsZero() {
		return Entry{}, bad(ErrInvalid, top("token.redeemed"), "set: a Keeper reads the day a key was redeemed from the Book")
	}
	r, err := k.org.token(0, t)
	if err != nil {
		return Entry{}, renamed(err, "tokens[0]", "token")
	}
	c := &checked{p: tokenPayload(t, r), day: r.year.start}
	e, err := k.recordAs(ctx, tokenFingerprint(k.chain, t.Fingerprint), c, "token")
	if errors.Is(err, ErrRequestReused) {
		return Entry{}, bad(ErrDuplicate, top("token.fingerprint"), "a token already issued, with other details; nothing recorded")
	}
	return e, err
}

// tokenKind is the kind of activation.ChangeFingerprint of issuing a
// token.
const tokenKind = "entitlement/token"

// tokenFingerprint returns the fingerprint of the record of issuing token
// f at the chains named chain.
func tokenFingerprint(chain string, f token.Fingerprint) token.Fingerprint {
	return activation.ChangeFingerprint(tokenKind, chain+"\n"+f.String())
}

// renamed names the field of a bad input under what, not as the i-th
// record of a list.
func renamed(err error, from, what string) error {
	var in *InputError
	if errors.As(err, &in) && strings.HasPrefix(in.Field, from) {
		c := *in
		c.Field = what + strings.TrimPrefix(in.Field, from)
		return &c
	}
	return err
}

// record records the change c (what was asked, validated) under the
// request id.
func (k *Keeper) record(ctx context.Context, id string, c *checked, what string) (Entry, error) {
	switch {
	case id == "":
		return Entry{}, bad(ErrInvalid, top("id"), "empty")
	case len(id) > MaxNameLen:
		return Entry{}, bad(ErrInvalid, top("id"), "%d bytes, want at most %d", len(id), MaxNameLen)
	}
	return k.recordAs(ctx, activation.ChangeFingerprint(chainKind, k.chain+"\n"+id), c, what)
}

// recordAs records the change c under the request fingerprint fp.
func (k *Keeper) recordAs(ctx context.Context, fp token.Fingerprint, c *checked, what string) (Entry, error) {
	if ctx == nil {
		return Entry{}, bad(ErrInvalid, top("ctx"), "nil")
	}
	req, err := identity(k.chain, &c.p)
	if err != nil {
		return Entry{}, err
	}
	// A request already recorded answers before anything else is checked.
	if rec, ok, err := k.j.Lookup(ctx, fp); err != nil {
		return Entry{}, journalErr("lookup", err)
	} else if ok {
		return k.answer(rec, req)
	}
	loc := k.org.locByName[c.p.Location]
	for {
		rec, full, err := k.next(ctx, loc, c, what)
		if err != nil {
			return Entry{}, err
		}
		rec.Fingerprint, rec.Request = fp, req
		stored, taken, err := k.j.Append(ctx, rec)
		switch {
		case err != nil:
			return Entry{}, journalErr("append", err)
		case taken == activation.KeyTaken:
			return k.answer(stored, req)
		case taken == activation.PlaceTaken:
			if k.retries != nil {
				k.retries.Add(1)
			}
			if err := ctx.Err(); err != nil {
				return Entry{}, err
			}
			continue
		}
		if err := k.mustAnswer(stored, fp, req); err != nil {
			return Entry{}, err
		}
		k.remember(loc, stored, full)
		return entryOf(stored, full.p)
	}
}

// journalErr wraps an error of the Journal.
func journalErr(call string, err error) error {
	return fmt.Errorf("entitlement: keeper: journal: %s: %w", call, err)
}

// answer answers a request whose fingerprint the Journal holds in rec: the
// recorded change, replayed, if rec's request is req, else
// ErrRequestReused.
func (k *Keeper) answer(rec activation.Record, req activation.RequestID) (Entry, error) {
	if rec.Kind != activation.ChangeRecord || rec.Outcome.After.Tenant != k.chain {
		return Entry{}, fmt.Errorf("%w: %w: the record of a change request is not a change of this chain", ErrRequestReused, activation.ErrBrokenStore)
	}
	if rec.Request != req {
		return Entry{}, fmt.Errorf("%w; nothing recorded", ErrRequestReused)
	}
	p, err := decodePayload(rec.Change)
	if err != nil {
		return Entry{}, fmt.Errorf("entitlement: keeper: the recorded change: %w", err)
	}
	e, err := entryOf(rec, p)
	e.Replayed = true
	return e, err
}

// mustAnswer refuses a stored record that is not the one appended.
func (k *Keeper) mustAnswer(rec activation.Record, fp token.Fingerprint, req activation.RequestID) error {
	if rec.Fingerprint != fp || rec.Request != req || rec.Kind != activation.ChangeRecord {
		return fmt.Errorf("entitlement: keeper: %w: the journal stored another record than appended", activation.ErrBrokenStore)
	}
	return nil
}

// next computes the record of the change c on the head of loc's chain:
// it re-reads the chain, checks the change against it and derives the
// figures. It returns the record without its fingerprint and request, and
// the change it holds.
func (k *Keeper) next(ctx context.Context, loc int, c *checked, what string) (activation.Record, *checked, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	st, err := k.refresh(ctx, loc)
	if err != nil {
		return activation.Record{}, nil, err
	}
	seq := st.seq // figures reads the other chains, never this one again
	p, day := &c.p, c.day
	full := *p
	full.Levels = st.levels
	if st.last != 0 {
		full.OnPremisesDay = date(st.last.Time())
	}
	pool := -1
	var own map[string]int64
	var extra int64
	switch p.Op {
	case opGrant:
		pool = k.org.poolByName[p.Pool]
		extra = int64(p.Quantity)
	case opToken: // no figures
	default:
		if day < st.last {
			return activation.Record{}, nil, bad(ErrInvalid, top(what+".day"), "before the location's latest on-premises change: they are recorded in day order")
		}
		delta := int64(p.Quantity)
		if p.Op == opRemove {
			delta = -delta
		}
		levels, ok := levelsAfter(st.levels, p.Licence, delta)
		if !ok {
			return activation.Record{}, nil, bad(ErrInvalid, top(what+".quantity"), "removes more licences than are deployed at the location")
		}
		full.Levels, full.OnPremisesDay, own = levels, p.Day, levels
		pool = k.org.licences[p.Licence]
	}
	if len(full.Levels) == 0 {
		full.Levels = nil
	}
	if pool >= 0 {
		if full.Figures, err = k.figures(ctx, loc, pool, day, own, extra); err != nil {
			return activation.Record{}, nil, err
		}
	}
	change, err := full.encode()
	if err != nil {
		return activation.Record{}, nil, err
	}
	note := full.explain()
	switch {
	case len(change) > activation.MaxChange:
		return activation.Record{}, nil, bad(ErrInvalid, top(what), "the change with the location's levels takes more than %d bytes", activation.MaxChange)
	case keytext.Holds(note) || keytext.Holds(change):
		return activation.Record{}, nil, bad(ErrInvalid, top(what), "its names, side by side in the explanation, could be read as a product key")
	}
	rec := activation.Record{
		Kind: activation.ChangeRecord, Seq: seq + 1, Policy: PolicyName, RecordedAt: k.now(),
		Outcome: activation.Outcome{At: day.Time(), After: activation.Subscription{Tenant: k.chain, Product: p.Location}},
		Change:  change, Note: note,
	}
	return rec, &checked{p: full, day: day, grant: c.grant}, nil
}

func (k *Keeper) now() time.Time {
	if k.clock != nil {
		return k.clock().UTC().Round(0)
	}
	return time.Now().UTC().Round(0)
}

// figures returns the figures of a change of pool on day d at location
// loc, k.mu held and loc's chain just read: the pool's online seats,
// on-premises licences and grant lines in force in loc's country on d.
// own, if not nil, are loc's levels after the change; extra is a grant's
// quantity, not yet in the chain.
func (k *Keeper) figures(ctx context.Context, loc, pool int, d daymath.Day, own map[string]int64, extra int64) (figures, error) {
	c := k.org.locs[loc].country
	f := figures{Country: c.String(), Granted: extra}
	for l, lc := range k.org.locs {
		if lc.country != c {
			continue
		}
		st := k.chains[loc] // read by the caller
		if l != loc {
			var err error
			if st, err = k.refresh(ctx, l); err != nil {
				return figures{}, err
			}
		}
		f.Granted += st.granted(pool, d)
		for _, lic := range k.org.pools[pool].licences {
			if l == loc && own != nil {
				f.OnPremises += own[lic]
			} else {
				f.OnPremises += st.levelOn(lic, d)
			}
		}
	}
	var err error
	f.Online, err = k.online(ctx, k.cands[countryPool{c, pool}], d)
	return f, err
}
