package activation

import (
	"context"
	"fmt"
	"strings"

	"github.com/coterm/coterm/internal/keytext"
	"github.com/coterm/coterm/token"
)

// VerifyChain checks the one history of (tenant, product) in j as
// [Verifier.Verify] checks each history it lists, passing each finding to
// found: it audits the chains of changes ([ChangeRecord]) that another
// package keeps, which Journal.Heads does not list. A change record is
// checked for its Seq, place, form and key, then by Changes, if set (prev:
// the record before, nil at Seq 1, valid for the call only; an error is a
// [BreakOutcome], its text masked). A place with no record gives the zero
// summary and no finding.
func (v Verifier) VerifyChain(ctx context.Context, j Journal, tenant, product string, found func(Finding) error) (AuditSummary, error) {
	a, err := v.beginOn(ctx, j, found, "verify chain")
	if err != nil {
		return AuditSummary{}, err
	}
	head, ok, err := j.Head(ctx, tenant, product)
	switch {
	case err != nil:
		return AuditSummary{}, fmt.Errorf("activation: verify chain: read the head: %w", err)
	case !ok:
		return AuditSummary{}, nil
	}
	// The chain is the place asked for, whatever the head's names say (a
	// head of another place is the first record's BreakPlace).
	head.Outcome.After.Tenant, head.Outcome.After.Product = tenant, product
	err = a.chain(ctx, j, head)
	return a.Summary(), err
}

// beginOn begins an Audit of j (what names the call in errors) that asks
// j's Lookup for each key it reads.
func (v Verifier) beginOn(ctx context.Context, j Journal, found func(Finding) error, what string) (*Audit, error) {
	if ctx == nil || j == nil {
		return nil, invalid("%s: nil context or journal", what)
	}
	a, err := v.Begin(found)
	if err != nil {
		return nil, err
	}
	a.lookup = func(fp token.Fingerprint) (Record, bool, error) { return j.Lookup(ctx, fp) }
	return a, nil
}

// chain checks the history that head (as listed) ends: every record by Seq,
// then the records missing between the last one read and the head.
func (a *Audit) chain(ctx context.Context, j Journal, head Record) error {
	tenant, product := head.Outcome.After.Tenant, head.Outcome.After.Product
	a.startChain(tenant, product)
	for rec, err := range history(ctx, j, tenant, product) {
		if err == nil {
			err = a.Record(tenant, product, rec)
		}
		if err != nil {
			return err
		}
	}
	return a.endChain(head.Seq)
}

// chainKinds is what an Audit keeps of the kinds of the history it reads.
type chainKinds struct {
	last  RecordKind // the kind of the last record read
	known bool       // a record has been read: last is its kind
	prev  Record     // the last change record read, for Verifier.Changes
	arg   Record     // the copy of prev that Verifier.Changes is given
}

// sameKind reports whether rec is of the kind of the record read before it
// in its history (or the first), and reports a BreakLink if not.
func (a *Audit) sameKind(at Place, rec *Record) bool {
	k := &a.kinds
	last, known := k.last, k.known
	k.last, k.known = rec.Kind, true
	if !known || last == rec.Kind {
		return true
	}
	a.report(at, BreakLink, fmt.Sprintf("a %s record after a %s record: a place holds records of one kind", rec.Kind, last))
	return false
}

// checkPlace reports a BreakPlace if o's After does not name the history
// at is in.
func (a *Audit) checkPlace(at Place, o *Outcome) {
	if o.After.Tenant != at.Tenant || o.After.Product != at.Product {
		a.report(at, BreakPlace, "Outcome.After names "+quoteName(o.After.Tenant)+" "+quoteName(o.After.Product))
	}
}

// changeRecordWhat starts the errors of checkChange that changeRecord
// reports without it.
const changeRecordWhat = "change record"

// changeRecord checks rec, a record whose Kind is not SubscriptionRecord,
// at its place (see VerifyChain); linkable says whether the record before
// it was read and is of its kind.
func (a *Audit) changeRecord(at Place, rec *Record, linkable bool) error {
	o := &rec.Outcome
	a.checkPlace(at, o)
	if err := rec.checkChange(changeRecordWhat); err != nil {
		a.report(at, BreakMalformed, strings.TrimPrefix(err.Error(), pkg+": invalid input: "+changeRecordWhat+": "))
	}
	if a.lookup != nil && !rec.Fingerprint.IsZero() {
		if err := a.checkKey(at, rec); err != nil {
			return err
		}
	}
	if a.changes != nil && linkable {
		var prev *Record
		if rec.Seq > 1 {
			a.kinds.arg = a.kinds.prev // a copy in place: no allocation per record
			prev = &a.kinds.arg
		}
		if err := a.changes(prev, *rec); err != nil {
			a.report(at, BreakOutcome, "the rules of its chain refuse this change: "+maskedText(err.Error()))
		}
	}
	a.kinds.prev = *rec
	a.prev, a.prevAt, a.linked = o.After, o.At, true
	return a.err
}

// maskedText returns s with every run that could be a product key masked,
// or a placeholder if s as a whole could be read as one.
func maskedText(s string) string {
	if s = keytext.Mask(s); keytext.IsKey(s) {
		return "(a text that could be read as a product key)"
	}
	return s
}
