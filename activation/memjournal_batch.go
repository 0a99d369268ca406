package activation

import (
	"context"

	"github.com/coterm/coterm/token"
)

// AppendBatch implements [BatchJournal]: under the mutex, it checks every
// record, then every key, every replacement claim and the first place, and
// stores all the records or none.
func (j *MemoryJournal) AppendBatch(ctx context.Context, recs []Record) (Conflict, error) {
	if err := j.start(ctx, "append batch"); err != nil {
		return Conflict{}, err
	}
	defer j.mu.Unlock()
	if err := checkBatch(recs, "memory journal: append batch"); err != nil {
		return Conflict{}, err
	}
	for i := range recs {
		if k, ok := j.byKey[recs[i].Fingerprint]; ok && !recs[i].Fingerprint.IsZero() {
			return Conflict{Index: i, Taken: KeyTaken, Stored: *j.at(k)}, nil
		}
	}
	for i := range recs {
		if k, ok := j.claims[recs[i].ReplacementClaim()]; ok {
			return Conflict{Index: i, Taken: ReplacedTaken, Stored: *j.at(k)}, nil
		}
	}
	h, taken, err := j.place(&recs[0])
	switch {
	case err != nil:
		return Conflict{}, err
	case taken != nil:
		return Conflict{Taken: PlaceTaken, Stored: *taken}, nil
	}
	for i := range recs {
		rec := recs[i] // the caller's records stay as given
		j.appendTo(h, &rec)
		if claim := rec.ReplacementClaim(); !claim.IsZero() {
			if j.claims == nil {
				j.claims = make(map[token.Fingerprint]int)
			}
			j.claims[claim] = j.n - 1
		}
		h = j.subs[subKey{rec.Outcome.After.Tenant, rec.Outcome.After.Product}]
	}
	return Conflict{}, nil
}

// checkBatch refuses a batch no AppendBatch stores (what starts the
// message): an empty one, a record Append refuses, records of two
// subscriptions or kinds or at places that do not follow each other, and one key
// fingerprint (or one replaced key) twice.
func checkBatch(recs []Record, what string) error {
	if len(recs) == 0 {
		return invalid("%s: no records", what)
	}
	first := &recs[0].Outcome.After
	for i := range recs {
		rec := &recs[i]
		if err := checkAppend(rec, what); err != nil {
			return err
		}
		switch {
		case rec.Outcome.After.Tenant != first.Tenant || rec.Outcome.After.Product != first.Product:
			return invalid("%s: record %d is of another subscription than record 1", what, i+1)
		case rec.Kind != recs[0].Kind:
			return invalid("%s: record %d is of another kind than record 1", what, i+1)
		case rec.Seq != recs[0].Seq+int64(i):
			return invalid("%s: record %d has Seq %d, want %d", what, i+1, rec.Seq, recs[0].Seq+int64(i))
		}
		for k := range i {
			if !rec.Fingerprint.IsZero() && recs[k].Fingerprint == rec.Fingerprint ||
				!rec.Replaces.IsZero() && recs[k].Replaces == rec.Replaces {
				return invalid("%s: records %d and %d have one key fingerprint", what, k+1, i+1)
			}
		}
	}
	return nil
}
