package activation

import (
	"context"
	"crypto/sha256"
	"time"

	"github.com/coterm/coterm/activation/internal/bincode"
	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// Replace is the operation of a record made by [Book.Replace]: a replacement
// key takes the place of a key redeemed within the replacement window (R12).
// Like [Import] it is not one of the four key operations: ParseOperation
// does not accept it and Apply refuses it; String and the text form name it
// "replace".
const Replace Operation = numOps + 2

// ReplacedTaken: an append found the replaced key's claim
// ([Record.ReplacementClaim]) taken: that key was replaced already.
const ReplacedTaken Taken = PlaceTaken + 1

// recordVersionReplace is the version of a replacement's encoding: version
// 1's fields, then Replaces and ReplacesTail.
const recordVersionReplace = 2

// The domains of a replacement's request identity and of the claim that
// makes a key's replacement once.
const (
	replaceDomain = "coterm/activation.Book.Replace/v1"
	claimDomain   = "coterm/activation.Record.ReplacementClaim/v1"
)

// version returns the encoding version of r.
func (r *Record) version() byte {
	if r.Kind != SubscriptionRecord {
		return recordVersionChange
	}
	if r.Replaces.IsZero() && r.ReplacesTail == "" {
		return recordVersion
	}
	return recordVersionReplace
}

// checkTails refuses a key tail or a replaced key's tail that is not at
// most five characters A–Z, 0–9 (see checkText).
func (r *Record) checkTails(what string) error {
	for _, f := range [...]struct{ field, s string }{{"keyTail", r.KeyTail}, {"replacesTail", r.ReplacesTail}} {
		if !maskedTail(f.s) {
			return invalid("%s: %s: want at most %d characters A–Z, 0–9, as a masked key shows its last group", what, f.field, token.GroupLen)
		}
	}
	return nil
}

// maskedTail reports whether s is at most [token.GroupLen] characters of
// [token.Alphabet], as a masked key shows its last group.
func maskedTail(s string) bool {
	if len(s) > token.GroupLen {
		return false
	}
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'A' || c > 'Z') { // token.Alphabet
			return false
		}
	}
	return true
}

// ReplacementClaim returns the fingerprint a store claims, beside the
// record's own, for a replacement: a SHA-256 of the replaced key's
// fingerprint in a domain of its own (no key's fingerprint), so that a key
// is replaced once, whatever the tenant. It is zero for a record that
// replaces nothing.
func (r Record) ReplacementClaim() token.Fingerprint { return replacementClaim(&r.Replaces) }

// replacementClaim is the ReplacementClaim of a record whose Replaces is
// *replaced, without copying the record.
func replacementClaim(replaced *token.Fingerprint) token.Fingerprint {
	if replaced.IsZero() {
		return token.Fingerprint{}
	}
	return sha256.Sum256(bincode.AppendLen([]byte(claimDomain), replaced[:]))
}

// ReplacementError is a replacement [Book.Replace] refuses: why, and the
// last day of the replaced key's replacement window (R12). It wraps
// [ErrNotAllowed].
type ReplacementError struct {
	Key    string // the replaced key, masked
	Reason string
	Last   time.Time // the window's last day (zero if the key's window is unknown)
}

// Error implements error.
func (e *ReplacementError) Error() string {
	msg := "activation: replacement of " + e.Key + " not allowed: " + e.Reason
	if !e.Last.IsZero() {
		msg += " (replacement window until " + dateString(e.Last) + ")"
	}
	return msg
}

// Is reports whether target is [ErrNotAllowed].
func (e *ReplacementError) Is(target error) bool { return target == ErrNotAllowed }

// Replace records that the key of t replaces the spent key old (R12: a
// replacement key, "within 30 days of activation", once) on day at, in the
// subscription old was redeemed on, through a [BatchJournal]. The record of
// old must still be its subscription's head (later records would be lost)
// and at in [Policy.ReplacementWindow] of its day. The new record's Before
// is the head; its After is what t would have made of old's record's
// Before with its operation on its day; it carries old's fingerprint and
// tail, and claims [Record.ReplacementClaim], so that old is replaced once.
// The identity covers both keys, t's token and the day: the identical
// request replays, any other request for t's key is [ErrAlreadyRedeemed],
// as for a redemption and first. A refusal is a [*ReplacementError], with
// the window's last day; nothing is recorded on any error. Old's record
// stays, and old stays spent.
func (b *Book) Replace(ctx context.Context, old token.Key, t token.Token, at time.Time) (Outcome, error) {
	if err := b.check(ctx, "replace"); err != nil {
		return Outcome{}, err
	}
	bj, isBatch := b.Journal.(BatchJournal)
	switch {
	case !isBatch:
		return Outcome{}, invalid("book: replace: the Journal (%T) is not a BatchJournal: it cannot claim a replacement", b.Journal)
	case old.IsZero() || t.Key.IsZero():
		return Outcome{}, invalid("book: replace: zero key")
	case old == t.Key:
		return Outcome{}, invalid("book: replace %v: a key cannot replace itself", old)
	}
	if _, err := dayOf("replacement day", at); err != nil {
		return Outcome{}, err
	}
	oldFP, fp := old.Fingerprint(), t.Key.Fingerprint()
	id := replaceID(oldFP, fp, &t, at)
	where := "book: replace " + old.String() + " by " + t.Key.String() + ": journal"
	for {
		if err := ctx.Err(); err != nil {
			return Outcome{}, wrapErr(where, err)
		}
		rec, w, err := b.replacement(ctx, old, oldFP, &t, at)
		if err != nil {
			return refused(ctx, b.Journal.Lookup, where, fp, id, &t, err)
		}
		if b.marks.isLost(rec.Outcome.After.Tenant, rec.Outcome.After.Product) {
			return Outcome{}, lostRecords(where)
		}
		rec.Fingerprint, rec.Request = fp, id
		c, err := bj.AppendBatch(ctx, []Record{rec})
		switch {
		case err != nil:
			b.cache.forget(rec.Outcome.After.Tenant, rec.Outcome.After.Product)
			return Outcome{}, wrapErr(where, err)
		case c.Taken == NothingTaken:
			b.cache.put(nil, new(tipAfter(&rec)))
			rec.Outcome.Token.Key = t.Key
			return rec.Outcome, nil
		case c.Index != 0:
		case c.Taken == KeyTaken && c.Stored.Fingerprint == fp:
			return answer(&t, id, &c.Stored)
		case c.Taken == ReplacedTaken && c.Stored.Replaces == oldFP:
			return refused(ctx, b.Journal.Lookup, where, fp, id, &t, replaceErr(old, "replaced already, once only", w))
		case c.Taken == PlaceTaken && samePlace(&c.Stored, &rec):
			b.retried() // a record came after old's: read again, and refuse
			continue
		}
		return Outcome{}, brokenStore("book: replace", notTheRequest)
	}
}

// replacement returns the record (but its fingerprint and request) of t
// replacing old on day at and old's replacement window, or why not.
func (b *Book) replacement(ctx context.Context, old token.Key, oldFP token.Fingerprint, t *token.Token, at time.Time) (Record, proration.Window, error) {
	var w proration.Window
	orig, ok, err := b.Journal.Lookup(ctx, oldFP)
	switch {
	case err != nil:
		return Record{}, w, wrapErr("book: replace "+old.String()+": journal lookup", err)
	case !ok || orig.Seq < 1:
		return Record{}, w, &ReplacementError{Key: old.String(), Reason: "the key is not redeemed in this book"}
	case orig.Fingerprint != oldFP:
		return Record{}, w, brokenStore("book: replace", anotherKey)
	case !isKeyOp(orig.Outcome.Op):
		return Record{}, w, &ReplacementError{Key: old.String(), Reason: "its record is a " + orig.Outcome.Op.String() + ", not a redemption"}
	}
	orig = recordUTC(orig)
	o := &orig.Outcome
	w, err = b.Policy.ReplacementWindow(o.At)
	if err != nil {
		return Record{}, w, err
	}
	tenant, product := o.After.Tenant, o.After.Product
	if err := checkRequest(tenant, product, t); err != nil {
		return Record{}, w, err
	}
	head, ok, err := b.Journal.Head(ctx, tenant, product)
	switch {
	case err != nil:
		return Record{}, w, wrapErr("book: replace "+old.String()+": journal head", err)
	case !ok || head.Seq < orig.Seq || head.Outcome.After.Tenant != tenant || head.Outcome.After.Product != product:
		return Record{}, w, brokenStore("book: replace", notTheRequest)
	case head.Replaces == oldFP:
		return Record{}, w, replaceErr(old, "replaced already, once only", w)
	case head.Seq != orig.Seq:
		return Record{}, w, replaceErr(old, "later records follow its record in the history and would be lost", w)
	case !w.Contains(at):
		return Record{}, w, replaceErr(old, "the day "+dateString(daymath.Of(at).Time())+" is outside the replacement window", w)
	}
	var n Outcome
	if err := replacedOutcome(&n, &b.Policy, o, t, at); err != nil {
		return Record{}, w, err
	}
	return Record{
		Outcome: n, Seq: orig.Seq + 1, KeyTail: t.Key.Last5(), Policy: b.Policy.Name, RecordedAt: b.now(),
		Replaces: oldFP, ReplacesTail: orig.KeyTail,
	}, w, nil
}

// replaceErr is a refused replacement of old, for reason; w is its window.
func replaceErr(old token.Key, reason string, w proration.Window) error {
	return &ReplacementError{Key: old.String(), Reason: reason, Last: w.Last}
}

// replaceID is a replacement's request identity: the SHA-256 of
// replaceDomain, then, each length-prefixed, the replaced key's fingerprint,
// the replacement key's, its token's product, seats and term as given, and
// the day.
func replaceID(oldFP, fp token.Fingerprint, t *token.Token, at time.Time) RequestID {
	var buf [256]byte
	b := bincode.AppendLen(bincode.AppendLen(append(buf[:0], replaceDomain...), oldFP[:]), fp[:])
	return sha256.Sum256(ridAppendDate(ridAppendToken(b, t), at))
}

// explainReplace explains a record made by [Book.Replace] (see
// [Record.Explain] for the keys).
func (o Outcome) explainReplace() string {
	msg := "Replacement (R12) on " + dateString(o.At) + ": a key of " + text.Plural(int64(o.Token.Seats), "seat") +
		" in place of the key redeemed before, applied as " + o.Applied.String() + " as that key was; "
	if o.Before.Seats == o.After.Seats {
		msg += text.Plural(int64(o.After.Seats), "seat") + " (unchanged)"
	} else {
		msg += "seats " + text.Group(int64(o.Before.Seats)) + " → " + text.Group(int64(o.After.Seats))
	}
	return msg + ", end date " + dateString(o.Before.End) + " → " + dateString(o.After.End) + "."
}

// Explain returns the Outcome's explanation ([Outcome.Explain]); for a
// replacement it first names the keys by their last five characters and
// the record it follows: what was replaced, and under which rule.
func (r Record) Explain() string {
	if r.Replaces.IsZero() {
		return r.Outcome.Explain()
	}
	return "The key ending " + r.ReplacesTail + " (record " + text.Group(r.Seq-1) + ") is replaced by the key ending " +
		r.KeyTail + ", within its replacement window, once (R12). " + r.Outcome.Explain()
}
