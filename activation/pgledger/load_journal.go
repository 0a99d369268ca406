package pgledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// dayQuery names a subscription's states on a day.
type dayQuery struct {
	p   subPlace
	day daymath.Day
}

// dayState is a state a subscription had on a day: after a record of day.
type dayState struct {
	day   pgtype.Date
	seats int64
	end   pgtype.Date
}

// loadJournal is the [activation.Journal] a Load's Book computes on: what
// the database held when the chunk began (as prefetched) and what the
// chunk appended since. It answers only what was prefetched; anything else
// is a bug, reported as its error.
type loadJournal struct {
	known   map[subPlace]struct{}                   // the subscriptions whose heads were read
	mine    map[token.Fingerprint]struct{}          // the keys this load spent
	heads   map[subPlace]activation.Record          // their heads, with the chunk's appends
	fetched map[token.Fingerprint]struct{}          // the fingerprints whose records were read
	keys    map[token.Fingerprint]activation.Record // their records, with the chunk's appends
	days    map[dayQuery][]dayState                 // states on a day, as the database held them
	added   map[subPlace][]activation.Record        // the chunk's appends per subscription
	base    map[subPlace]activation.Record          // the heads as the database held them
	wrote   map[subPlace]struct{}                   // the subscriptions the load appended to
	pending [][]any                                 // the rows to copy
	err     error
}

func newLoadJournal(wrote map[subPlace]struct{}) *loadJournal {
	return &loadJournal{base: make(map[subPlace]activation.Record), mine: make(map[token.Fingerprint]struct{}),
		known: make(map[subPlace]struct{}), heads: make(map[subPlace]activation.Record),
		fetched: make(map[token.Fingerprint]struct{}), keys: make(map[token.Fingerprint]activation.Record),
		days: make(map[dayQuery][]dayState), added: make(map[subPlace][]activation.Record),
		wrote: wrote,
	}
}

var errNotLoaded = errors.New("pgledger: load: the load asked for what it had not read (a bug)")

func (j *loadJournal) fail() error {
	j.err = errNotLoaded
	return errNotLoaded
}

// Append implements [activation.Journal] on the prefetched state.
func (j *loadJournal) Append(_ context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	p := subPlace{rec.Outcome.After.Tenant, rec.Outcome.After.Product}
	if _, ok := j.known[p]; !ok {
		return activation.Record{}, activation.NothingTaken, j.fail()
	}
	if !rec.Fingerprint.IsZero() {
		if k, ok := j.keys[rec.Fingerprint]; ok {
			return k, activation.KeyTaken, nil
		}
	}
	head, ok := j.heads[p]
	switch {
	case ok && rec.Seq == head.Seq:
		return head, activation.PlaceTaken, nil
	case rec.Seq != head.Seq+1:
		return activation.Record{}, activation.NothingTaken, errGap
	}
	args, err := copyArgs(rec)
	if err != nil {
		return activation.Record{}, activation.NothingTaken, fmt.Errorf("pgledger: load: %w", err)
	}
	j.pending = append(j.pending, args)
	j.heads[p] = rec
	j.added[p] = append(j.added[p], rec)
	j.wrote[p] = struct{}{}
	if !rec.Fingerprint.IsZero() {
		j.keys[rec.Fingerprint] = rec
		j.mine[rec.Fingerprint] = struct{}{}
	}
	return rec, activation.NothingTaken, nil
}

// Lookup implements [activation.Journal] on the prefetched keys.
func (j *loadJournal) Lookup(_ context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	if rec, ok := j.keys[fp]; ok {
		return rec, true, nil
	}
	if _, ok := j.fetched[fp]; !ok {
		return activation.Record{}, false, j.fail()
	}
	return activation.Record{}, false, nil
}

// Head implements [activation.Journal] on the prefetched heads.
func (j *loadJournal) Head(_ context.Context, tenant, product string) (activation.Record, bool, error) {
	p := subPlace{tenant, product}
	if _, ok := j.known[p]; !ok {
		return activation.Record{}, false, j.fail()
	}
	rec, ok := j.heads[p]
	return rec, ok, nil
}

// History is not available during a load.
func (j *loadJournal) History(context.Context, string, string, int64, int) ([]activation.Record, error) {
	return nil, j.fail()
}

// Heads is not available during a load.
func (j *loadJournal) Heads(context.Context, time.Time, time.Time) ([]activation.Record, error) {
	return nil, j.fail()
}

// hadState reports whether p had state s on day: after its last record
// before day, or after a record of day, in the database or in this chunk.
func (j *loadJournal) hadState(p subPlace, day daymath.Day, s activation.Subscription) bool {
	want := dayState{seats: int64(s.Seats), end: date(s.End)}
	var entering *dayState
	states, asked := j.days[dayQuery{p, day}]
	if base, ok := j.base[p]; ok && !asked {
		// The database's head is before day: its state is the one entering it.
		entering = &dayState{seats: int64(base.Outcome.After.Seats), end: date(base.Outcome.After.End.UTC())}
	}
	for i, st := range states {
		if daymath.Of(st.day.Time) < day {
			entering = &states[i]
			continue
		}
		if st.same(want) {
			return true
		}
	}
	for _, rec := range j.added[p] {
		st := dayState{seats: int64(rec.Outcome.After.Seats), end: date(rec.Outcome.After.End.UTC())}
		switch at := daymath.Of(rec.Outcome.At.UTC()); {
		case at < day:
			entering = &st
		case at == day && st.same(want):
			return true
		}
	}
	return entering != nil && entering.same(want)
}

// same reports whether s and t are the same seats and end date.
func (s dayState) same(t dayState) bool {
	return s.seats == t.seats && s.end.Valid == t.end.Valid && (!s.end.Valid || s.end.Time.Equal(t.end.Time))
}
