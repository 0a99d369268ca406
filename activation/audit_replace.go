package activation

import (
	"fmt"
	"time"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// replacedOutcome writes to *n the Outcome of the key of t replacing, on
// day at under p, the key of the record whose Outcome (in UTC) is orig:
// what t would have made of orig's Before with orig's operation on orig's
// day, recorded as a Replace on day at after orig's After (R12). It is the
// one computation of [Book.Replace] and of the audit that checks it; it
// writes *n only on success.
func replacedOutcome(n *Outcome, p *Policy, orig *Outcome, t *token.Token, at time.Time) error {
	if err := applyTo(n, p, &orig.Before, t, orig.Op, orig.At); err != nil {
		return err
	}
	n.Op, n.At, n.Before = Replace, daymath.Of(at).Time(), orig.After
	n.StateBefore = p.State(n.Before, at)
	n.Token.Key = token.Key{}
	return nil
}

// guardsKey reports whether a record of op holds a key's fingerprint and
// tail: a redemption or a replacement.
func guardsKey(op Operation) bool { return isKeyOp(op) || op == Replace }

// malformedReplaces says why rec's replaced key is not what a [Book] records
// (a replacement names the key it replaces, no other record names one), or "".
func malformedReplaces(rec *Record) string {
	switch {
	case rec.Outcome.Op != Replace && (!rec.Replaces.IsZero() || rec.ReplacesTail != ""):
		return opArticle(rec.Outcome.Op) + " record that names a replaced key: only a replacement does (R12)"
	case rec.Outcome.Op != Replace:
		return ""
	case rec.Replaces.IsZero():
		return "a replacement without the replaced key's fingerprint: it claims no key (R12)"
	case !keyTail(rec.ReplacesTail):
		return "a replacement whose replaced key tail is not five characters A–Z, 0–9"
	}
	return ""
}

// replacement checks a replacement (R12) against orig, the record before it
// in its history (nil if the audit does not hold that record: the break that
// hides it is reported), as [Book.Replace] made it: orig is a redemption,
// whose key fingerprint and tail rec names, rec's day lies in orig's
// replacement window, and rec's Outcome is [replacedOutcome] of orig with
// rec's token and day under the policy rec names. Each check that fails is a
// [BreakOutcome] of its own; an unknown policy is [NotVerifiable].
func (a *Audit) replacement(at Place, rec, orig *Record) {
	if orig == nil {
		if at.Seq == 1 {
			a.report(at, BreakOutcome, "R12: a replacement at Seq 1: there is no record before it to replace")
		}
		return
	}
	seq, tail := "#"+fmt.Sprint(orig.Seq), quoteName(orig.KeyTail)
	before := "the record before it (" + seq + ")"
	if !isKeyOp(orig.Outcome.Op) {
		a.report(at, BreakOutcome, "R12: "+before+" is "+opArticle(orig.Outcome.Op)+", not a redemption: there is no key to replace")
		return
	}
	if rec.Replaces != orig.Fingerprint {
		a.report(at, BreakOutcome, "R12: Replaces is not the key fingerprint of the record before it ("+seq+", the key ending "+tail+")")
	}
	if rec.ReplacesTail != orig.KeyTail {
		a.report(at, BreakOutcome, "R12: ReplacesTail "+quoteName(rec.ReplacesTail)+", "+before+" is of the key ending "+tail)
	}
	p, ok := a.policies[rec.Policy]
	if !ok {
		a.report(at, NotVerifiable, "policy "+quoteName(rec.Policy)+" is not among the policies given")
		return
	}
	o := utcOutcome(orig.Outcome)
	stored := rec.Outcome
	if w, err := p.ReplacementWindow(o.At); err != nil || !w.Contains(stored.At) {
		why := "R12: the day " + dateText(stored.At) + " is outside the replacement window of the record before it"
		if err == nil {
			why += ", " + dateText(w.First) + " … " + dateText(w.Last)
		}
		a.report(at, BreakOutcome, why)
	}
	t := stored.Token
	t.Key = a.key
	var got Outcome
	if err := replacedOutcome(&got, &p, &o, &t, stored.At); err != nil {
		a.report(at, BreakOutcome, "R12: policy "+quoteName(rec.Policy)+" refuses the replacement key on the replaced record's day: "+err.Error())
		return
	}
	stored.Token.Key, stored.Replayed = token.Key{}, false // reported as malformed, if set
	if utcOutcome(stored) != utcOutcome(got) {
		a.report(at, BreakOutcome, "R12: the replacement of the key ending "+tail+" ("+seq+"): "+outcomeDiff(stored, got))
	}
}

// opArticle returns op's name after "a" or "an", as English reads it.
func opArticle(op Operation) string {
	s := op.String()
	if s != "" && (s[0] == 'a' || s[0] == 'e' || s[0] == 'i' || s[0] == 'o' || s[0] == 'u') {
		return "an " + s
	}
	return "a " + s
}

// before returns the record before the one at seq in the history being
// read, if the Audit holds it: linkable (see Audit.sequence) and seq > 1.
func (a *Audit) before(seq int64, linkable bool) *Record {
	if !linkable || seq <= 1 {
		return nil
	}
	return &a.last
}
