package activation

import (
	"context"
	"encoding/binary"

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
	if i, k, ok := j.byKey.findFirst(j, recs); ok {
		return Conflict{Index: i, Taken: KeyTaken, Stored: j.get(k)}, nil
	}
	for i := range recs {
		if j.claims == nil {
			break // no replacement stored: no claim taken
		}
		if claim := replacementClaim(&recs[i].Replaces); !claim.IsZero() {
			if k, ok := j.claims[claim]; ok {
				return Conflict{Index: i, Taken: ReplacedTaken, Stored: j.get(k)}, nil
			}
		}
	}
	h, taken, err := j.place(&recs[0])
	switch {
	case err != nil:
		return Conflict{}, err
	case taken >= 0:
		return Conflict{Taken: PlaceTaken, Stored: j.get(taken)}, nil
	}
	for i := range recs {
		rec := &recs[i] // stored as given: the caller's records do not change
		h = j.appendTo(h, rec)
		if claim := replacementClaim(&rec.Replaces); !claim.IsZero() {
			if j.claims == nil {
				j.claims = make(map[token.Fingerprint]int)
			}
			j.claims[claim] = j.n - 1
		}
	}
	return Conflict{}, nil
}

// checkBatch refuses a batch no AppendBatch stores (what starts the
// message): an empty one, a record Append refuses, records of two
// subscriptions or kinds or at places that do not follow each other, and
// one key fingerprint (or one replaced key) twice. The names of a
// subscription record that carries those of the first (a Book's batch) are
// checked once.
func checkBatch(recs []Record, what string) error {
	if len(recs) == 0 {
		return invalid("%s: no records", what)
	}
	first := &recs[0]
	for i := range recs {
		rec := &recs[i]
		var err error
		if i > 0 && sameNames(rec, first) {
			err = checkBatchedRecord(rec, what)
		} else {
			err = checkAppend(rec, what)
		}
		switch o := &rec.Outcome.After; {
		case err != nil:
			return err
		case o.Tenant != first.Outcome.After.Tenant || o.Product != first.Outcome.After.Product:
			return invalid("%s: record %d is of another subscription than record 1", what, i+1)
		case rec.Kind != first.Kind:
			return invalid("%s: record %d is of another kind than record 1", what, i+1)
		case rec.Seq != first.Seq+int64(i):
			return invalid("%s: record %d has Seq %d, want %d", what, i+1, rec.Seq, first.Seq+int64(i))
		}
		if k := repeated(recs[:i], rec); k >= 0 {
			return invalid("%s: records %d and %d have one key fingerprint", what, k+1, i+1)
		}
	}
	return nil
}

// repeated returns the index of the first record of recs with rec's key
// fingerprint or replaced key (zero ones match nothing), or -1.
func repeated(recs []Record, rec *Record) int {
	fp, rp := !rec.Fingerprint.IsZero(), !rec.Replaces.IsZero()
	for k := range recs {
		if fp && sameFingerprint(&recs[k].Fingerprint, &rec.Fingerprint) || rp && sameFingerprint(&recs[k].Replaces, &rec.Replaces) {
			return k
		}
	}
	return -1
}

// sameFingerprint is *a == *b, its first eight bytes compared first (two
// fingerprints of a batch differ there).
func sameFingerprint(a, b *token.Fingerprint) bool {
	return binary.LittleEndian.Uint64(a[:8]) == binary.LittleEndian.Uint64(b[:8]) && *a == *b
}

// sameNames reports whether rec's policy, token's product and the names of
// its Before and After are those of first.
func sameNames(rec, first *Record) bool {
	o, f := &rec.Outcome, &first.Outcome
	return rec.Policy == first.Policy && o.Token.Product == f.Token.Product &&
		o.Before.Tenant == f.Before.Tenant && o.Before.Product == f.Before.Product &&
		o.After.Tenant == f.After.Tenant && o.After.Product == f.After.Product
}

// checkBatchedRecord is checkAppend for a record whose names checkAppend
// accepted in another record: it checks the rest.
func checkBatchedRecord(rec *Record, what string) error {
	if rec.Seq < 1 || !rec.Outcome.Token.Key.IsZero() || rec.Kind != SubscriptionRecord || rec.Change != "" || rec.Note != "" {
		return checkAppend(rec, what) // which says why, or checks a change whole
	}
	return rec.checkTails(what)
}
