package activation

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/coterm/coterm/token"
)

// Verifier proves the histories of a [Journal]: that each is a chain a
// [Book] could have made, record by record — what a partner shows in a
// compliance audit ("records regarding the active program licenses used",
// Microsoft Partner Network Programs Guide). Each [FindingKind] is one of
// its checks, made on its own (a changed After breaks its recomputation and
// the next link); an Outcome is recomputed with Policy.Apply, or as
// [Book.Replace] makes it, under the policy the record names. Imports are
// checked for sequence, link and place only. Memory is flat in the number of
// records: histories are read in pages, findings passed on as made.
type Verifier struct {
	// Policies maps a policy's name, as records carry it (Record.Policy), to
	// the Policy to recompute its records under: a preset under its own name
	// (PolicyNames, PolicyByName), or a customised copy of a preset, which
	// keeps the preset's name. Every Policy must be valid (Policy.Validate).
	// Policy.Name has no effect on a result, so it need not match its key.
	Policies map[string]Policy
	// Changes, if not nil, checks a change record ([ChangeRecord]) by the
	// rules of the package that keeps its chain (see [Verifier.VerifyChain]).
	Changes func(prev *Record, rec Record) error
}

// historyPageSize is how many records Verify and Missing read per call of
// Journal.History.
const historyPageSize = 1000

// Verify checks every history in j (see [Verifier]) and passes each finding
// to found, in order: subscriptions by tenant and product, records by Seq.
// It returns what it read and found. An error from j, from ctx or from found
// stops the audit and is returned (wrapped) with the summary so far; a
// Policy in Policies that is not valid is an error wrapping [ErrInvalid]
// before anything is read.
//
// A history's records appended while Verify reads it are checked too;
// subscriptions started after Verify listed them are not.
func (v Verifier) Verify(ctx context.Context, j Journal, found func(Finding) error) (AuditSummary, error) {
	a, err := v.beginOn(ctx, j, found, "verify")
	if err != nil {
		return AuditSummary{}, err
	}
	for head, err := range subscriptions(ctx, j) {
		if err != nil {
			return a.Summary(), fmt.Errorf("activation: verify: list the subscriptions: %w", err)
		}
		if err := a.chain(ctx, j, head); err != nil {
			return a.Summary(), err
		}
	}
	return a.Summary(), nil
}

// subscriptions yields the head of every subscription in j, ordered by
// tenant, then product: a page at a time from a [PagedJournal] (memory is
// flat in the number of subscriptions), otherwise all at once.
func subscriptions(ctx context.Context, j Journal) iter.Seq2[Record, error] {
	return heads(ctx, j)
}

// history yields the records of (tenant, product) in j by Seq, reading them
// in pages of historyPageSize with Journal.History. It stops after the first
// error (wrapped), and before reading a page when ctx is done.
func history(ctx context.Context, j Journal, tenant, product string) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		var after int64
		for {
			if err := ctx.Err(); err != nil {
				yield(Record{}, fmt.Errorf("activation: read a history: %w", err))
				return
			}
			page, err := j.History(ctx, tenant, product, after, historyPageSize)
			if err != nil {
				yield(Record{}, fmt.Errorf("activation: read a history: journal: %w", err))
				return
			}
			for _, rec := range page {
				if !yield(rec, nil) {
					return
				}
			}
			if len(page) < historyPageSize {
				return
			}
			// A store that pages backwards would loop for ever: go on from
			// the highest Seq seen, which the checks report if it went back.
			last := page[len(page)-1].Seq
			if last <= after {
				yield(Record{}, fmt.Errorf("activation: read a history: %w: a page of History does not go past Seq %d", ErrBrokenStore, after))
				return
			}
			after = last
		}
	}
}

// Audit checks histories record by record, fed in place order — each
// history's records by Seq, one history after the other — and passes what
// it finds on. [Verifier.Verify] feeds one from a Journal; a store that
// reads its records faster in its own way (one ordered scan) feeds one
// itself, and adds findings of its own checks with [Audit.Report] and
// [Audit.DuplicateKey]. An Audit made by [Verifier.Begin] does not check
// keys for duplicates: that is the feeder's part. It is not safe for
// concurrent use.
type Audit struct {
	policies map[string]Policy
	changes  func(*Record, Record) error // Verifier.Changes
	kinds    chainKinds
	found    func(Finding) error
	key      token.Key // the stand-in key recomputations are made with
	lookup   func(token.Fingerprint) (Record, bool, error)
	sum      AuditSummary
	err      error // the first error of found: the audit has stopped

	// The history being read.
	tenant, product string
	inChain         bool
	seq             int64        // the highest Seq read (or missing ones reported)
	prev            Subscription // the previous record's After
	prevAt          time.Time    // the previous record's day
	linked          bool         // prev and prevAt hold the record at seq
	last            Record       // the previous record, when linked and seq > 0
}

// Begin starts an Audit under v's policies that passes each finding to
// found. A Policy in v.Policies that is not valid is an error wrapping
// [ErrInvalid] naming it; so is a nil found.
func (v Verifier) Begin(found func(Finding) error) (*Audit, error) {
	if found == nil {
		return nil, invalid("verify: nil found")
	}
	names := make([]string, 0, len(v.Policies))
	for name := range v.Policies {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := v.Policies[name].Validate(); err != nil {
			return nil, fmt.Errorf("activation: verify: policy %s: %w", quoteName(name), err)
		}
	}
	key, err := token.ParseKey(standInKey)
	if err != nil {
		return nil, fmt.Errorf("activation: verify: the stand-in key: %w", err)
	}
	return &Audit{policies: v.Policies, changes: v.Changes, found: found, key: key}, nil
}

// standInKey is the key recomputations are made with: Apply needs one, and
// its result does not depend on which (a property test holds Apply to it).
// It stands for no one's key.
const standInKey = "VERIF-YONLY-NOTAK-EYAUD-ITSTD"

// Summary returns what the Audit has read and found so far.
func (a *Audit) Summary() AuditSummary { return a.sum }

// Record checks rec, the next record in place order, kept by its store in
// the history of (tenant, product): a record of another history than the
// previous one starts that history. It returns the error of found, if any;
// after one, the Audit checks nothing more and returns it again.
func (a *Audit) Record(tenant, product string, rec Record) error {
	if a.err != nil {
		return a.err
	}
	if !a.inChain || tenant != a.tenant || product != a.product {
		a.startChain(tenant, product)
	}
	a.sum.Records++
	at := Place{Tenant: tenant, Product: product, Seq: rec.Seq}
	linkable := a.sequence(rec.Seq) && a.sameKind(at, &rec)
	if rec.Kind != SubscriptionRecord {
		return a.changeRecord(at, &rec, linkable)
	}
	o := &rec.Outcome
	if linkable {
		a.link(at, o)
	}
	a.checkPlace(at, o)
	if why := malformed(&rec); why != "" {
		a.report(at, BreakMalformed, why)
	}
	if a.lookup != nil && !rec.Fingerprint.IsZero() {
		if err := a.checkKey(at, &rec); err != nil {
			return err
		}
	}
	if isKeyOp(o.Op) {
		a.recompute(at, &rec)
	}
	if o.Op == Replace {
		a.replacement(at, &rec, a.before(rec.Seq, linkable))
	}
	a.prev, a.prevAt, a.linked, a.last = o.After, o.At, true, rec
	return a.err
}

// Unreadable records that the store holds bytes at (tenant, product, seq)
// that are not a record, for the reason why (which must not quote the
// bytes): a [BreakUnreadable] at its place in the history. The next record
// is not linked to it.
func (a *Audit) Unreadable(tenant, product string, seq int64, why string) error {
	if a.err != nil {
		return a.err
	}
	if !a.inChain || tenant != a.tenant || product != a.product {
		a.startChain(tenant, product)
	}
	a.sum.Records++
	a.sequence(seq)
	a.report(Place{Tenant: tenant, Product: product, Seq: seq}, BreakUnreadable, why)
	a.linked = false
	return a.err
}

// DuplicateKey reports that the record at dup holds the key fingerprint of
// the record at first, the one its store answers for that key (Seq 0: a
// claim outside any history): a [BreakDuplicateKey] at dup.
func (a *Audit) DuplicateKey(dup, first Place) error {
	if a.err != nil {
		return a.err
	}
	a.report(dup, BreakDuplicateKey, "the same key is recorded at "+first.String())
	return a.err
}

// Report passes on a finding of the store's own checks and counts it. Its
// Detail must not quote a value that could be a product key.
func (a *Audit) Report(f Finding) error {
	if a.err != nil {
		return a.err
	}
	a.report(f.Place, f.Kind, f.Detail)
	return a.err
}

func (a *Audit) report(at Place, kind FindingKind, detail string) {
	if a.err != nil {
		return
	}
	switch {
	case kind.IsBreak():
		a.sum.Breaks++
	case kind == NotVerifiable:
		a.sum.NotVerifiable++
	}
	a.err = a.found(Finding{Place: at, Kind: kind, Detail: detail})
}

// startChain begins the history of (tenant, product).
func (a *Audit) startChain(tenant, product string) {
	a.sum.Chains++
	a.tenant, a.product, a.inChain = tenant, product, true
	a.seq, a.linked, a.kinds = 0, true, chainKinds{}
	a.prev, a.prevAt = Subscription{Tenant: tenant, Product: product}, time.Time{}
}

// endChain reports the records missing between the last one read and the
// head the Journal listed at headSeq.
func (a *Audit) endChain(headSeq int64) error {
	if headSeq > a.seq {
		a.report(Place{Tenant: a.tenant, Product: a.product, Seq: a.seq + 1}, BreakSequence,
			missingText(a.seq+1, headSeq)+": the history ends at Seq "+fmt.Sprint(a.seq)+", its head is at Seq "+fmt.Sprint(headSeq))
	}
	return a.err
}

// sequence checks that seq follows the last Seq read, reports what is
// wrong, and reports whether the record at seq can be linked to its
// predecessor.
func (a *Audit) sequence(seq int64) (linkable bool) {
	want := a.seq + 1
	switch {
	case seq == want:
		a.seq = seq
		return a.linked
	case seq > want:
		a.report(Place{Tenant: a.tenant, Product: a.product, Seq: want}, BreakSequence,
			missingText(want, seq-1)+": the history goes on at Seq "+fmt.Sprint(seq))
		a.seq = seq
	default:
		a.report(Place{Tenant: a.tenant, Product: a.product, Seq: seq}, BreakSequence,
			fmt.Sprintf("Seq %d comes after Seq %d: repeated or out of order", seq, a.seq))
	}
	return false
}

func missingText(from, to int64) string {
	if from == to {
		return fmt.Sprintf("Seq %d is missing", from)
	}
	return fmt.Sprintf("Seq %d to %d are missing", from, to)
}

// link checks o against the previous record (or, for Seq 1, none).
func (a *Audit) link(at Place, o *Outcome) {
	var why []string
	if !sameSubscription(o.Before, a.prev) {
		b, p := o.Before, a.prev
		bt, pt := subText(b), subText(p)
		if b.Tenant != p.Tenant || b.Product != p.Product {
			bt = quoteName(b.Tenant) + " " + quoteName(b.Product) + " " + bt
			pt = quoteName(p.Tenant) + " " + quoteName(p.Product) + " " + pt
		}
		if at.Seq == 1 {
			why = append(why, "Outcome.Before is "+bt+", want "+pt+" (the first record starts from no subscription)")
		} else {
			why = append(why, "Outcome.Before is "+bt+", the previous record's After is "+pt)
		}
	}
	if !a.prevAt.IsZero() && o.At.Before(a.prevAt) {
		why = append(why, "the day "+dateText(o.At)+" is before the previous record's, "+dateText(a.prevAt))
	}
	if len(why) > 0 {
		detail := why[0]
		if len(why) == 2 {
			detail += "; " + why[1]
		}
		a.report(at, BreakLink, detail)
	}
}

// sameSubscription reports whether a and b are the same subscription:
// names byte for byte, seats, and End as the same instant.
func sameSubscription(a, b Subscription) bool {
	return a.Tenant == b.Tenant && a.Product == b.Product && a.Seats == b.Seats && a.End.Equal(b.End)
}

// isKeyOp reports whether op is one of the four key operations.
func isKeyOp(op Operation) bool {
	return op == AddSeats || op == ExtendEnd || op == Renew || op == Activate
}

// malformed says why rec is not a record a Book makes, or "".
func malformed(rec *Record) string {
	o := &rec.Outcome
	var why string
	switch {
	case !o.Token.Key.IsZero():
		why = "the record holds a product key (a store keeps its fingerprint only)"
	case o.Op == Import && !rec.Fingerprint.IsZero():
		why = "an import with a key fingerprint"
	case o.Op == Import && rec.KeyTail != "":
		why = "an import with a key tail"
	case guardsKey(o.Op) && rec.Fingerprint.IsZero():
		why = "a redemption without a key fingerprint: it guards no key"
	case guardsKey(o.Op) && !keyTail(rec.KeyTail):
		why = "a redemption whose key tail is not five characters A–Z, 0–9"
	case !isKeyOp(o.Op) && o.Op != Import && o.Op != Replace:
		why = fmt.Sprintf("unknown operation %s", o.Op)
	case o.Replayed:
		why = "Outcome.Replayed is set (a store keeps the first answer)"
	default:
		why = malformedReplaces(rec)
	}
	return why
}

// keyTail reports whether s is what Record.KeyTail holds for a key: its
// last five characters, A–Z and 0–9 (R1).
func keyTail(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// checkKey asks the Journal for the record of rec's key and reports the key
// as duplicated if the answer is another record.
func (a *Audit) checkKey(at Place, rec *Record) error {
	fp := rec.Fingerprint
	stored, ok, err := a.lookup(fp)
	switch {
	case err != nil:
		return fmt.Errorf("activation: verify: journal lookup: %w", err)
	case !ok:
		a.report(at, BreakStore, "the journal's Lookup does not find this record's key fingerprint")
	case stored.Fingerprint != fp:
		a.report(at, BreakStore, "the journal's Lookup answers this record's key fingerprint with another key's record")
	case !sameRecord(&stored, rec):
		first := Place{Tenant: stored.Outcome.After.Tenant, Product: stored.Outcome.After.Product, Seq: stored.Seq}
		a.report(at, BreakDuplicateKey, "the same key is recorded at "+first.String())
	}
	return nil
}

// sameRecord reports whether a and b are the same record, times compared
// as instants.
func sameRecord(a, b *Record) bool {
	return a.Fingerprint == b.Fingerprint && a.Request == b.Request && a.Seq == b.Seq && a.KeyTail == b.KeyTail &&
		a.Policy == b.Policy && a.RecordedAt.Equal(b.RecordedAt) && utcOutcome(a.Outcome) == utcOutcome(b.Outcome) &&
		a.Kind == b.Kind && a.Change == b.Change && a.Note == b.Note
}
