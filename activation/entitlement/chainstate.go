package entitlement

import (
	"context"
	"fmt"
	"sort"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
)

// chainState is what a Keeper read of one location's chain, up to seq.
type chainState struct {
	seq  int64
	head activation.Record // the record at seq, if seq > 0
	last daymath.Day       // the latest on-premises change's day; 0: none
	// levels are the licences deployed now (from last on), by licence.
	levels map[string]int64
	// steps are each licence's levels from each day of an on-premises
	// change on, by day.
	steps  map[string][]step
	grants []grantRec
}

type step struct {
	day   daymath.Day
	level int64
}

// granted returns the quantity of the grants in force on d in pool.
func (s *chainState) granted(pool int, d daymath.Day) int64 {
	var n int64
	for _, g := range s.grants {
		if g.key.pool == pool && g.year.contains(d) && g.day <= d {
			n += g.qty
		}
	}
	return n
}

// levelOn returns the licences of lic deployed on d.
func (s *chainState) levelOn(lic string, d daymath.Day) int64 {
	st := s.steps[lic]
	i := sort.Search(len(st), func(i int) bool { return st[i].day > d })
	if i == 0 {
		return 0
	}
	return st[i-1].level
}

// apply adds the checked change c, recorded as rec, to s.
func (s *chainState) apply(rec activation.Record, c *checked) {
	s.seq, s.head = rec.Seq, rec
	if c.grant != nil {
		s.grants = append(s.grants, *c.grant)
	}
	if !onPremises(c.p.Op) {
		return
	}
	s.levels, s.last = c.p.Levels, c.day
	if s.steps == nil {
		s.steps = map[string][]step{}
	}
	st := s.steps[c.p.Licence]
	level := c.p.Levels[c.p.Licence]
	if n := len(st); n > 0 && st[n-1].day == c.day {
		st[n-1].level = level
	} else {
		st = append(st, step{c.day, level})
	}
	s.steps[c.p.Licence] = st
}

// refresh reads the records of loc's chain after those k read, checking
// each, and returns its state. k.mu must be held.
func (k *Keeper) refresh(ctx context.Context, loc int) (*chainState, error) {
	st := k.chains[loc]
	if st == nil {
		st = &chainState{}
		k.chains[loc] = st
	}
	for {
		page, err := k.j.History(ctx, k.chain, k.org.locs[loc].name, st.seq, k.page)
		if err != nil {
			return nil, journalErr("history", err)
		}
		for _, rec := range page {
			if rec.Seq != st.seq+1 {
				return nil, fmt.Errorf("entitlement: keeper: %w: a history whose Seq is not 1, 2, 3, …", activation.ErrBrokenStore)
			}
			if rec.Kind != activation.ChangeRecord {
				return nil, bad(ErrInvalid, top("config.chain"), "the place of locations[%d]'s chain holds a book's subscription: choose a Chain no tenant has", loc)
			}
			var prev *activation.Record
			if st.seq > 0 {
				prev = &st.head
			}
			c, err := k.check(prev, rec)
			if err != nil {
				return nil, fmt.Errorf("entitlement: keeper: the chain of locations[%d] at Seq %d: %w", loc, rec.Seq, err)
			}
			st.apply(rec, c)
		}
		if len(page) < k.page {
			return st, nil
		}
	}
}

// remember adds the change c that k appended as rec to what k read of
// loc's chain, if it is the next record there.
func (k *Keeper) remember(loc int, rec activation.Record, c *checked) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if st := k.chains[loc]; st != nil && st.seq == rec.Seq-1 {
		st.apply(rec, c)
	}
}

// online returns the seats of the subscriptions subs that give service on
// day d: each one's state on d is its head if the head is from d or
// before, else its latest record from d or before.
func (k *Keeper) online(ctx context.Context, subs []subKey, d daymath.Day) (int64, error) {
	if k.book == nil {
		return 0, nil
	}
	var n int64
	for _, s := range subs {
		rec, ok, err := k.book.Journal.Head(ctx, s.tenant, s.product)
		switch {
		case err != nil:
			return 0, journalErr("head", err)
		case !ok || rec.Kind != activation.SubscriptionRecord:
			continue
		case daymath.Of(rec.Outcome.At) > d:
			if rec, ok, err = k.stateOn(ctx, s, d); err != nil {
				return 0, err
			}
			if !ok {
				continue
			}
		}
		r, err := k.org.online(0, Online{From: rec.Outcome.At, Subscription: rec.Outcome.After})
		if err != nil {
			return 0, err
		}
		on, err := k.org.serves(r, d)
		if err != nil {
			return 0, err
		}
		if on {
			n += int64(r.sub.Seats)
		}
	}
	return n, nil
}

// stateOn returns the latest record of s from day d or before.
func (k *Keeper) stateOn(ctx context.Context, s subKey, d daymath.Day) (activation.Record, bool, error) {
	var last activation.Record
	found := false
	for rec, err := range k.book.HistorySeq(ctx, s.tenant, s.product) {
		if err != nil {
			return activation.Record{}, false, err
		}
		if daymath.Of(rec.Outcome.At) > d {
			break
		}
		last, found = rec, true
	}
	return last, found, nil
}
