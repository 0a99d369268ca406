package activation

import (
	"strconv"
	"time"

	"github.com/coterm/coterm/activation/internal/text"
)

// Place is where a record stands in a [Journal]: its subscription (tenant,
// product) and its Seq in that subscription's history; Seq 0 for a key
// claimed outside any history (by a [Redeemer]).
type Place struct {
	Tenant, Product string
	Seq             int64
}

// String returns the place with its names quoted (a name that could be read
// as a product key shows masked): "contoso" "M365-E3" #3, or for Seq 0
// "contoso" "M365-E3" (claim).
func (p Place) String() string {
	if p.Seq == 0 {
		return quoteName(p.Tenant) + " " + quoteName(p.Product) + " (claim)"
	}
	return quoteName(p.Tenant) + " " + quoteName(p.Product) + " #" + strconv.FormatInt(p.Seq, 10)
}

// FindingKind is what an audit found wrong with a record (see [Verifier]).
// The zero value is unknown. Every kind but [NotVerifiable] is a break.
type FindingKind int

// The kinds of finding, one per check of [Verifier].
const (
	// BreakSequence: the history's Seqs are not 1, 2, 3, … : records are
	// missing (reported at the first missing Seq), or a Seq repeats or goes
	// back (reported at that record).
	BreakSequence FindingKind = iota + 1
	// BreakLink: the record does not follow its predecessor: it is of
	// another [RecordKind], its Outcome.Before is not the previous record's
	// Outcome.After (for Seq 1: not the subscription with no term), or its
	// day is before the previous record's.
	BreakLink
	// BreakPlace: the record's Outcome.After names another subscription than
	// the history it is kept in.
	BreakPlace
	// BreakOutcome: the Outcome is not what Policy.Apply computes from the
	// record's own Before, key (product, seats, term), operation and day
	// under the policy it names, or that policy refuses the redemption, or
	// Verifier.Changes refuses a change. For a replacement (its Detail
	// starts "R12: "): it does not replace the redemption before it (its
	// key, its tail, in its window) as [Book.Replace] does, or its Outcome
	// is not what that makes of it.
	BreakOutcome
	// BreakMalformed: the record is not one a [Book] (or a [ChangeRecord]'s
	// package) makes: it holds a product key, a redemption or replacement
	// has no key fingerprint or key tail, an import has one, the operation
	// is unknown, Outcome.Replayed is set, a replacement names no replaced
	// key (so claims none, [Record.ReplacementClaim]), or another record
	// names one.
	BreakMalformed
	// BreakDuplicateKey: another record holds the same key fingerprint (a
	// key spent twice, R2). It is reported at every record of that key but
	// the one the store answers for it.
	BreakDuplicateKey
	// BreakStore: a check of the store's own failed: what it keeps beside
	// the record disagrees with the record (package pgledger: a column), or
	// its lookup by fingerprint does not find a record it holds.
	BreakStore
	// BreakUnreadable: the store holds bytes at this place that are not a
	// record.
	BreakUnreadable
	// NotVerifiable: the record names a policy the audit was not given, so
	// its Outcome could not be recomputed. Not a break: its other checks were
	// made.
	NotVerifiable
)

// String returns "sequence", "link", "place", "outcome", "malformed",
// "duplicate-key", "store", "unreadable" or "not-verifiable", or
// "FindingKind(N)".
func (k FindingKind) String() string {
	switch k {
	case BreakSequence:
		return "sequence"
	case BreakLink:
		return "link"
	case BreakPlace:
		return "place"
	case BreakOutcome:
		return "outcome"
	case BreakMalformed:
		return "malformed"
	case BreakDuplicateKey:
		return "duplicate-key"
	case BreakStore:
		return "store"
	case BreakUnreadable:
		return "unreadable"
	case NotVerifiable:
		return "not-verifiable"
	}
	return "FindingKind(" + strconv.Itoa(int(k)) + ")"
}

// IsBreak reports whether k is a break: a known kind other than
// NotVerifiable.
func (k FindingKind) IsBreak() bool { return k >= BreakSequence && k < NotVerifiable }

// Finding is one thing an audit found: where (the place of the record, or of
// the first missing one), what kind, and what is wrong in words. Detail
// never holds a product key; names in it are quoted, and a name that could be
// read as a key shows masked.
type Finding struct {
	Place
	Kind   FindingKind
	Detail string
}

// String returns the finding as one line: its place, kind and detail, e.g.
//
//	"contoso" "M365-E3" #3: outcome: After.Seats 130, recomputed 125
func (f Finding) String() string {
	return f.Place.String() + ": " + f.Kind.String() + ": " + f.Detail
}

// AuditSummary counts what an audit read and found.
type AuditSummary struct {
	Chains        int64 // subscriptions (histories) read
	Records       int64 // records read, in those histories
	Breaks        int64 // findings that are breaks
	NotVerifiable int64 // records whose Outcome could not be recomputed (unknown policy)
}

// String returns the summary as one line, e.g. "2 chains, 14 records: 0
// breaks, 1 not verifiable".
func (s AuditSummary) String() string {
	return text.Plural(s.Chains, "chain") + ", " + text.Plural(s.Records, "record") + ": " +
		text.Plural(s.Breaks, "break") + ", " + text.Group(s.NotVerifiable) + " not verifiable"
}

// quoteName quotes a name for a finding by the package's one rule for names
// that could be read as a key.
func quoteName(s string) string { return text.Name(s) }

// dateText returns t as YYYY-MM-DD when it is a date at 00:00 UTC (as
// records hold dates), "no date" for the zero time, and RFC 3339 otherwise.
func dateText(t time.Time) string {
	switch u := t.UTC(); {
	case t.IsZero():
		return "no date"
	case u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0:
		return u.Format(time.DateOnly)
	default:
		return t.Format(time.RFC3339Nano)
	}
}

// subText describes a subscription's state without its names: "none", or
// "100 seats until 2027-01-15".
func subText(s Subscription) string {
	if s.IsNone() {
		return "none"
	}
	return text.Plural(int64(s.Seats), "seat") + " until " + dateText(s.End)
}
