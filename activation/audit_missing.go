package activation

import (
	"context"
	"fmt"
	"iter"
)

// MissingRecord is a record of an old Journal that a current one does not
// hold at its place (see [Missing]), with what the current Journal holds
// instead: at the record's place, and for its key.
type MissingRecord struct {
	Record Record // the old Journal's record

	// AtPlace is the current Journal's record at Record's place, if
	// PlaceTaken: another redemption or import took the place after the
	// old records were lost.
	AtPlace    Record
	PlaceTaken bool

	// ForKey is the current Journal's record of Record's key, if KeySpent:
	// the key was redeemed again on the current Journal (at another place,
	// or claimed outside any history). A missing redemption whose key is not
	// spent on the current Journal is one the current Journal has lost
	// entirely: the key can be redeemed again there.
	ForKey   Record
	KeySpent bool
}

// MissingSummary counts what [Missing] read and found.
type MissingSummary struct {
	Chains  int64 // subscriptions of the old Journal read
	Records int64 // records of the old Journal read
	Missing int64 // of those, records the current Journal lacks
}

// Missing lists the records of old that current does not hold, for an
// operator after a failover (old: the former primary's data; current: the
// new primary). It walks every history of old, in pages, and beside each the
// same history of current; current holds a record when it has one at its
// place with the same key fingerprint (an import: the same Outcome, times as
// instants). Each other record goes to
// found, in order, with what current holds at its place and for its key.
// An error from a Journal, ctx or found stops the walk and is returned with
// the summary so far. Keys claimed outside any history (Seq 0) are not
// compared: a Journal does not list them.
func Missing(ctx context.Context, old, current Journal, found func(MissingRecord) error) (MissingSummary, error) {
	var sum MissingSummary
	if ctx == nil || old == nil || current == nil || found == nil {
		return sum, invalid("missing: nil context, journal or found")
	}
	for head, err := range subscriptions(ctx, old) {
		if err != nil {
			return sum, fmt.Errorf("activation: missing: list the old subscriptions: %w", err)
		}
		sum.Chains++
		tenant, product := head.Outcome.After.Tenant, head.Outcome.After.Product
		if err := missingIn(ctx, &sum, tenant, product, history(ctx, old, tenant, product), history(ctx, current, tenant, product), current, found); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// missingIn compares one history of old with the same history of current,
// both in Seq order, as a merge: flat memory.
func missingIn(ctx context.Context, sum *MissingSummary, tenant, product string, old, cur iter.Seq2[Record, error], current Journal, found func(MissingRecord) error) error {
	next, stop := iter.Pull2(cur)
	defer stop()
	var c Record
	var more bool // c holds the next unmatched record of current
	var cerr error
	c, cerr, more = next()
	for rec, err := range old {
		if err != nil {
			return fmt.Errorf("activation: missing: old journal: %w", err)
		}
		sum.Records++
		// Skip current's records before rec's place.
		for more && cerr == nil && c.Seq < rec.Seq {
			c, cerr, more = next()
		}
		if more && cerr != nil {
			return fmt.Errorf("activation: missing: current journal: %w", cerr)
		}
		m := MissingRecord{Record: rec}
		if more && c.Seq == rec.Seq && c.Outcome.After.Tenant == tenant && c.Outcome.After.Product == product {
			if sameRecordAtPlace(&rec, &c) {
				continue
			}
			m.AtPlace, m.PlaceTaken = c, true
		}
		if !rec.Fingerprint.IsZero() {
			k, ok, err := current.Lookup(ctx, rec.Fingerprint)
			if err != nil {
				return fmt.Errorf("activation: missing: current journal: lookup: %w", err)
			}
			m.ForKey, m.KeySpent = k, ok
		}
		sum.Missing++
		if err := found(m); err != nil {
			return err
		}
	}
	return nil
}

// sameRecordAtPlace reports whether c, the current Journal's record at the
// place of rec, is rec: the same key, or for an import the same Outcome.
func sameRecordAtPlace(rec, c *Record) bool {
	if rec.Fingerprint != c.Fingerprint {
		return false
	}
	return !rec.Fingerprint.IsZero() || utcOutcome(rec.Outcome) == utcOutcome(c.Outcome)
}
