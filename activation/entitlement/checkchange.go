package entitlement

import (
	"maps"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
)

// checked is a change record that passed the package's rules: its change,
// its day and, for a grant or a token, the grant or token validated.
type checked struct {
	p     payload
	day   daymath.Day
	grant *grantRec
	token *tokRec
}

// CheckChange checks a change record of k's chains by the rules it was
// recorded under, with prev the record before it in its chain (nil for
// Seq 1), as a verifier of a Journal would: the record is a change record
// of Policy [PolicyName] at the place (k's chain, a location of the
// organisation); its change decodes in the canonical form (encoding it
// again gives the same text), names what the organisation declares and
// lies at the place's location; its day is the change's; its Request is
// the identity of what was asked and its Note the explanation of the
// change with its figures. Along the chain, an on-premises change is on
// or after the location's latest one, the levels it holds are the levels
// before it (prev's) with its quantity added or taken off, never below
// zero, and a grant leaves them as they were. The figures, which read the
// other chains and the Book as they stood, are checked for what the record
// alone shows: not negative, and holding the change itself. A record of
// another chain (another organisation's Keeper) is refused with
// [ErrUnknown]. An error is an [*InputError] that names the field and
// quotes nothing.
func (k *Keeper) CheckChange(prev *activation.Record, rec activation.Record) error {
	_, err := k.check(prev, rec)
	return err
}

func (k *Keeper) check(prev *activation.Record, rec activation.Record) (*checked, error) {
	o := rec.Outcome
	_, ok := k.org.locByName[o.After.Product]
	switch {
	case rec.Kind != activation.ChangeRecord:
		return nil, bad(ErrInvalid, top("record.kind"), "not a change record")
	case rec.Policy != PolicyName:
		return nil, bad(ErrInvalid, top("record.policy"), "not the rules of this package")
	case o.After.Tenant != k.chain:
		return nil, bad(ErrUnknown, top("record.outcome.after.tenant"), "not the Keeper's chain")
	case !ok:
		return nil, bad(ErrUnknown, top("record.outcome.after.product"), "no location of that name")
	}
	p, err := decodePayload(rec.Change)
	if err != nil {
		return nil, err
	}
	c := &checked{p: p}
	if p.Location != o.After.Product {
		return nil, bad(ErrInvalid, top("change.location"), "not the location of the record's place")
	}
	if err := k.checkAsked(c); err != nil {
		return nil, err
	}
	if !o.At.Equal(c.day.Time()) {
		return nil, bad(ErrInvalid, top("record.outcome.at"), "not the change's day")
	}
	if req, err := identity(k.chain, &p); err != nil || req != rec.Request {
		return nil, bad(ErrInvalid, top("record.request"), "not the identity of the change asked")
	}
	if c.token != nil {
		if rec.Fingerprint != tokenFingerprint(k.chain, c.token.fp) {
			return nil, bad(ErrInvalid, top("record.fingerprint"), "not the fingerprint of issuing the token")
		}
	}
	if err := k.checkDerived(prev, rec, c); err != nil {
		return nil, err
	}
	if p.explain() != rec.Note {
		return nil, bad(ErrInvalid, top("record.note"), "not the explanation of the change")
	}
	return c, nil
}

// checkAsked checks what was asked of c against the organisation.
func (k *Keeper) checkAsked(c *checked) error {
	p := &c.p
	switch p.Op {
	case opDeploy, opRemove:
		r, err := validate(p.deployment, k.org.deployment, "deployments")
		c.day = r.day
		return err
	case opGrant:
		r, err := validate(p.grant, k.org.grant, "grants")
		// A grant's day is always written, its year's Start included.
		c.day, c.grant = r.day, &r
		return err
	case opToken:
		r, err := validate(p.token, k.org.token, "tokens")
		if err == nil && p.Day != p.Year {
			err = bad(ErrInvalid, top("change.day"), "not the Start of the token's year")
		}
		c.day, c.token = r.year.start, &r
		return err
	}
	return bad(ErrInvalid, top("change.op"), "not a defined change")
}

// validate reads a change's record with read and validates it with check
// as the first of list, naming a bad field under "change".
func validate[T, R any](read func() (T, error), check func(int, T) (R, error), list string) (R, error) {
	x, err := read()
	if err != nil {
		var zero R
		return zero, err
	}
	r, err := check(0, x)
	return r, renamed(err, list+"[0]", "change")
}

// checkDerived checks the levels, the day of the latest on-premises
// change and the figures c holds, with prev the record before.
func (k *Keeper) checkDerived(prev *activation.Record, rec activation.Record, c *checked) error {
	var before payload
	switch {
	case prev == nil && rec.Seq != 1:
		return bad(ErrInvalid, top("record.seq"), "not 1, and no record before it")
	case prev != nil && (prev.Seq+1 != rec.Seq || prev.Outcome.After != rec.Outcome.After):
		return bad(ErrInvalid, top("record.seq"), "not the record after the one before it in its chain")
	case prev != nil:
		var err error
		if before, err = decodePayload(prev.Change); err != nil {
			return renamed(err, "change", "previous.change")
		}
	}
	p := &c.p
	levels, last := before.Levels, before.OnPremisesDay
	if onPremises(p.Op) {
		if last != "" && p.Day < last { // dates as text compare in order
			return bad(ErrInvalid, top("change.day"), "before the location's latest on-premises change")
		}
		delta := int64(p.Quantity)
		if p.Op == opRemove {
			delta = -delta
		}
		var ok bool
		if levels, ok = levelsAfter(levels, p.Licence, delta); !ok {
			return bad(ErrInvalid, top("change.quantity"), "removes more licences than are deployed at the location")
		}
		last = p.Day
	}
	if len(levels) == 0 {
		levels = nil
	}
	if !maps.Equal(levels, p.Levels) || last != p.OnPremisesDay {
		return bad(ErrInvalid, top("change.levels"), "not the levels before it with the change")
	}
	return k.checkFigures(c)
}

// checkFigures checks what the record alone shows of c's figures: a
// token's has none.
func (k *Keeper) checkFigures(c *checked) error {
	f := &c.p.Figures
	if c.p.Op == opToken {
		if *f != (figures{}) {
			return bad(ErrInvalid, top("change.figures"), "set for an issued token")
		}
		return nil
	}
	country, err := ParseCountry(f.Country)
	if err != nil || country.String() != f.Country {
		return bad(ErrCountry, top("change.figures.country"), "not an officially assigned ISO 3166-1 alpha-2 code")
	}
	own := int64(c.p.Quantity) // a grant's
	if c.grant == nil {
		own = 0
		for _, lic := range k.org.pools[k.org.licences[c.p.Licence]].licences {
			own += c.p.Levels[lic]
		}
	}
	for _, n := range []int64{f.Online, f.OnPremises, f.Granted} {
		if n < 0 || n > maxFigure {
			return bad(ErrInvalid, top("change.figures"), "outside 0 … %d", maxFigure)
		}
	}
	switch {
	case c.grant != nil && f.Granted < own:
		return bad(ErrInvalid, top("change.figures.granted"), "less than the grant itself")
	case c.grant == nil && f.OnPremises < own:
		return bad(ErrInvalid, top("change.figures.onPremises"), "less than the pool's licences deployed at the location")
	}
	return nil
}
