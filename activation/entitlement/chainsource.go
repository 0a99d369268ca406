package entitlement

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/coterm/coterm/activation"
)

// Entry is one change a [Keeper] recorded at a location: a grant or an
// on-premises change, with its explanation.
type Entry struct {
	Location string
	// Seq is the change's place in the location's chain: 1, 2, 3, … .
	Seq int64
	// Day is the change's day: a deployment's or removal's Day, a grant's
	// Day (its year's Start if it was the zero time), an issued token's
	// year's Start.
	Day        time.Time
	RecordedAt time.Time
	// Deployment is the on-premises change, or nil for another change.
	Deployment *Deployment
	// Grant is the grant, or nil for another change.
	Grant *Grant
	// Token is the issued token, or nil for another change; its Redeemed
	// is the zero time.
	Token *IssuedToken
	// Level is, for an on-premises change, the licences of its licence
	// deployed at the location after it.
	Level int64
	// Figures are the numbers of the explanation (zero for a token).
	Figures Figures
	// Note is the explanation: "20 Office Professional Plus licences
	// deployed at Munich: 80 online + 20 on-premises = 100 of 100
	// granted", the figures in the words of [Figures].
	Note string
	// Replayed reports that the change was recorded before, by the
	// identical request.
	Replayed bool
}

// Figures are the numbers a change's explanation gives: the position of
// the change's pool in its location's country on its day, as it stood when
// the change was recorded, the change included — the Tally that
// [Partner.Position] on that day reports for that country, if nothing else
// was recorded meanwhile. Online are the seats of the subscriptions placed
// at the country's locations, of the pool's products, giving service on
// the day (as the Book held them); OnPremises the pool's licences deployed
// at the country's locations on the day; Granted the quantity of the
// pool's grant lines of the country's locations in force on the day.
type Figures struct {
	Country                     Country
	Online, OnPremises, Granted int64
}

// Used returns Online + OnPremises.
func (f Figures) Used() int64 { return f.Online + f.OnPremises }

// entryOf returns the entry of rec, which holds p.
func entryOf(rec activation.Record, p payload) (Entry, error) {
	e := Entry{Location: p.Location, Seq: rec.Seq, Day: rec.Outcome.At.UTC(), RecordedAt: rec.RecordedAt.UTC(), Note: rec.Note}
	e.Figures = Figures{Online: p.Figures.Online, OnPremises: p.Figures.OnPremises, Granted: p.Figures.Granted}
	if p.Op == opToken {
		t, err := p.token()
		e.Token = &t
		return e, err
	}
	var err error
	if e.Figures.Country, err = ParseCountry(p.Figures.Country); err != nil {
		return Entry{}, renamed(err, "country", "change.figures.country")
	}
	switch p.Op {
	case opGrant:
		g, err := p.grant()
		e.Grant = &g
		return e, err
	case opDeploy, opRemove:
		d, err := p.deployment()
		e.Deployment, e.Level = &d, p.Levels[p.Licence]
		return e, err
	}
	return Entry{}, bad(ErrInvalid, top("change.op"), "not a defined change")
}

// chainRecords yields the records of loc's chain in Seq order, a page at
// a time.
func (k *Keeper) chainRecords(ctx context.Context, loc int) iter.Seq2[activation.Record, error] {
	return func(yield func(activation.Record, error) bool) {
		var n int64
		for {
			page, err := k.j.History(ctx, k.chain, k.org.locs[loc].name, n, k.page)
			if err != nil {
				yield(activation.Record{}, journalErr("history", err))
				return
			}
			for _, rec := range page {
				n++
				switch {
				case rec.Seq != n:
					err = fmt.Errorf("entitlement: keeper: %w: a history whose Seq is not 1, 2, 3, …", activation.ErrBrokenStore)
				case rec.Kind != activation.ChangeRecord:
					err = bad(ErrInvalid, top("config.chain"), "the place of locations[%d]'s chain holds a book's subscription: choose a Chain no tenant has", loc)
				}
				if err != nil {
					yield(activation.Record{}, err)
					return
				}
				if !yield(rec, nil) {
					return
				}
			}
			if len(page) < k.page {
				return
			}
		}
	}
}

// changes yields the change of every record of loc's chain with it; if
// skip is not nil, a record whose operation it reports is skipped
// undecoded.
func (k *Keeper) changes(ctx context.Context, loc int, skip func(op string) bool) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for rec, err := range k.chainRecords(ctx, loc) {
			var p payload
			if err == nil && skip != nil && skip(opOf(rec.Change)) {
				continue
			}
			var e Entry
			if err == nil {
				if p, err = decodePayload(rec.Change); err == nil {
					e, err = entryOf(rec, p)
				}
				if err != nil {
					err = fmt.Errorf("entitlement: keeper: the chain of locations[%d] at Seq %d: %w", loc, rec.Seq, err)
				}
			}
			if err != nil {
				yield(Entry{}, err)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// History yields the changes recorded at location, oldest first, each with
// its explanation, reading the chain a page at a time (memory is flat in
// its length). An unknown location is an [*InputError]. After an error,
// yielded once, the sequence stops; breaking out of the loop is safe.
func (k *Keeper) History(ctx context.Context, location string) iter.Seq2[Entry, error] {
	loc, ok := k.org.locByName[location]
	if !ok {
		return func(yield func(Entry, error) bool) {
			yield(Entry{}, bad(ErrUnknown, top("location"), "no location of that name"))
		}
	}
	return k.changes(ctx, loc, nil)
}

// opOf returns the operation of a change in canonical form, read from
// its start, or "" for another text.
func opOf(change string) string {
	const prefix = `{"v":1,"op":"`
	rest, ok := strings.CutPrefix(change, prefix)
	if !ok {
		return ""
	}
	op, _, ok := strings.Cut(rest, `"`)
	if !ok {
		return ""
	}
	return op
}

// Source returns the [Source] of what k recorded: the grants, on-premises
// changes and issued tokens of every location's chain, in the
// organisation's order of locations, a page at a time; the online
// subscriptions of k's Book, as [BookSource] reads them (none without a
// Book), and, for each token whose key the Book's Journal has spent, that
// record's day as its Redeemed. It reads anew on every call.
func (k *Keeper) Source() Source { return keeperSource{k} }

// Partner returns the [Partner] of k's organisation over [Keeper.Source].
func (k *Keeper) Partner() (*Partner, error) { return New(k.raw, k.Source()) }

// keeperSource is a Keeper's Source.
type keeperSource struct{ k *Keeper }

// keeperEach yields what pick takes from the entries of every chain,
// skipping the records of operations skip reports undecoded.
func keeperEach[T any](ctx context.Context, k *Keeper, skip func(string) bool, pick func(Entry) (T, bool)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for loc := range k.org.locs {
			for e, err := range k.changes(ctx, loc, skip) {
				if err != nil {
					var zero T
					yield(zero, err)
					return
				}
				if x, ok := pick(e); ok && !yield(x, nil) {
					return
				}
			}
		}
	}
}

func (s keeperSource) Grants(ctx context.Context) iter.Seq2[Grant, error] {
	return keeperEach(ctx, s.k, not(opGrant), func(e Entry) (Grant, bool) {
		if e.Grant == nil {
			return Grant{}, false
		}
		return *e.Grant, true
	})
}

func (s keeperSource) Deployments(ctx context.Context) iter.Seq2[Deployment, error] {
	return keeperEach(ctx, s.k, func(op string) bool { return op != "" && !onPremises(op) }, func(e Entry) (Deployment, bool) {
		if e.Deployment == nil {
			return Deployment{}, false
		}
		return *e.Deployment, true
	})
}

func (s keeperSource) Online(ctx context.Context) iter.Seq2[Online, error] {
	if s.k.book == nil {
		return each[Online](ctx, nil)
	}
	return BookSource{Book: s.k.book}.Online(ctx)
}

func (s keeperSource) Tokens(ctx context.Context) iter.Seq2[IssuedToken, error] {
	return func(yield func(IssuedToken, error) bool) {
		for t, err := range keeperEach(ctx, s.k, not(opToken), func(e Entry) (IssuedToken, bool) {
			if e.Token == nil {
				return IssuedToken{}, false
			}
			return *e.Token, true
		}) {
			if err == nil && s.k.book != nil {
				t.Redeemed, err = redeemedOn(ctx, s.k.book.Journal, t)
			}
			if !yield(t, err) || err != nil {
				return
			}
		}
	}
}

// not returns a skip function of keeperEach that skips every record but
// those of op (and those whose operation it cannot read: decoding them
// reports them).
func not(op string) func(string) bool {
	return func(o string) bool { return o != "" && o != op }
}
