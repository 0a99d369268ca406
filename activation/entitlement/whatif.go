package entitlement

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
)

// Scenario is what a what-if adds to the records: users moved between
// online and on-premises use, program years (a re-enrolment), grants (a
// grant that shrinks at re-enrolment is the new year's smaller grant),
// on-premises changes, subscription states and tokens. [Partner.WhatIf]
// computes on a copy; nothing is recorded.
type Scenario struct {
	Moves       []Move
	Years       []YearAt
	Grants      []Grant
	Deployments []Deployment
	Online      []Online
	Tokens      []IssuedToken
}

// YearAt is a program year added to a location.
type YearAt struct {
	Location string
	Year     Year
}

// Move moves Users users on Day between an online subscription (Tenant,
// Product) and an on-premises licence at a location (Location, Licence) of
// the same pool: online to on-premises by default, on-premises to online
// if ToOnline. It becomes two records: the subscription's seats change by
// Users from Day (a subscription left with no seats has none), and Users
// licences are deployed at, or removed from, the location on Day.
type Move struct {
	Tenant, Product   string
	Location, Licence string
	Users             int
	ToOnline          bool
	Day               time.Time
}

// WhatIf returns the position and the findings on day at that would
// follow if the records of sc were added, in the order given after the
// recorded ones (so a move reads the subscription as the moves before it
// left it). Nothing is recorded and p is unchanged. Errors are those of
// [Partner.Position] and [Partner.Check]; a bad input of sc names its
// field under "scenario".
func (p *Partner) WhatIf(ctx context.Context, at time.Time, sc Scenario) (Position, []Finding, error) {
	o := p.raw.clone()
	for i, y := range sc.Years {
		l, ok := p.org.locByName[y.Location]
		if !ok {
			return Position{}, nil, bad(ErrUnknown, item("scenario.years", i).at("location"), "no location of that name")
		}
		o.Locations[l].Years = append(o.Locations[l].Years, y.Year)
	}
	extra := Records{
		Grants: append([]Grant(nil), sc.Grants...), Deployments: append([]Deployment(nil), sc.Deployments...),
		Online: append([]Online(nil), sc.Online...), Tokens: append([]IssuedToken(nil), sc.Tokens...),
	}
	q, err := New(o, overlay{p.src, memSource{extra}})
	if err != nil {
		return Position{}, nil, scenarioErr(err)
	}
	for i, m := range sc.Moves {
		on, dep, err := q.move(ctx, i, m)
		if err != nil {
			return Position{}, nil, err
		}
		extra.Online = append(extra.Online, on)
		extra.Deployments = append(extra.Deployments, dep)
		q.src = overlay{p.src, memSource{extra}}
	}
	if err := q.validateExtra(ctx, extra); err != nil {
		return Position{}, nil, err
	}
	pos, err := q.Position(ctx, at)
	if err != nil {
		return Position{}, nil, err
	}
	fs, err := q.Check(ctx, at)
	if err != nil {
		return Position{}, nil, err
	}
	return pos, fs, nil
}

// move turns the i-th move into its two records.
func (p *Partner) move(ctx context.Context, i int, m Move) (Online, Deployment, error) {
	f := item("scenario.moves", i)
	g := p.org
	if err := checkName(f.at("tenant"), m.Tenant); err != nil {
		return Online{}, Deployment{}, err
	}
	if _, ok := g.locByName[m.Location]; !ok {
		return Online{}, Deployment{}, bad(ErrUnknown, f.at("location"), "no location of that name")
	}
	prod, ok := g.products[m.Product]
	if !ok {
		return Online{}, Deployment{}, bad(ErrUnknown, f.at("product"), "not a declared product")
	}
	pool, ok := g.licences[m.Licence]
	if !ok {
		return Online{}, Deployment{}, bad(ErrUnknown, f.at("licence"), "not a licence of any pool")
	}
	if prod.pool != pool {
		return Online{}, Deployment{}, bad(ErrInvalid, f, "the product and the licence draw on different pools")
	}
	if m.Users < 1 || m.Users > MaxQuantity {
		return Online{}, Deployment{}, bad(ErrInvalid, f.at("users"), "outside 1 … %d", MaxQuantity)
	}
	d, err := dayOf(f.at("day"), m.Day)
	if err != nil {
		return Online{}, Deployment{}, err
	}
	subs, err := onlineOn(ctx, g, p.src, []daymath.Day{d})
	if err != nil {
		return Online{}, Deployment{}, scenarioErr(err)
	}
	s := subs[d][subKey{m.Tenant, m.Product}].sub
	s.Tenant, s.Product = m.Tenant, m.Product
	dep := Deployment{Location: m.Location, Licence: m.Licence, Quantity: m.Users, Day: m.Day, Change: Deploy, Reason: "what-if: users moved from online"}
	switch {
	case m.ToOnline && s.IsNone():
		return Online{}, Deployment{}, bad(ErrInvalid, f, "the subscription has no term on that day to move users to")
	case m.ToOnline && s.Seats+m.Users > activation.MaxSeats:
		return Online{}, Deployment{}, bad(ErrInvalid, f.at("users"), "more seats than a subscription holds")
	case m.ToOnline:
		s.Seats += m.Users
		dep.Change, dep.Reason = Remove, "what-if: users moved to online"
	case s.Seats < m.Users:
		return Online{}, Deployment{}, bad(ErrInvalid, f.at("users"), "more users than the subscription's seats on that day")
	case s.Seats == m.Users:
		s = activation.Subscription{Tenant: m.Tenant, Product: m.Product}
	default:
		s.Seats -= m.Users
	}
	return Online{From: m.Day, Subscription: s}, dep, nil
}

// validateExtra checks the scenario's records, naming them under
// "scenario".
func (p *Partner) validateExtra(ctx context.Context, r Records) error {
	g := p.org
	err := readAll(each(ctx, r.Grants), "grants", g.grant, nil)
	if err == nil {
		err = readAll(each(ctx, r.Online), "online subscriptions", g.online, nil)
	}
	if err == nil {
		err = readAll(each(ctx, r.Deployments), "deployments", g.deployment, nil)
	}
	if err == nil {
		err = readAll(each(ctx, r.Tokens), "tokens", g.token, nil)
	}
	return scenarioErr(err)
}

// scenarioErr names a bad input of a scenario under "scenario".
func scenarioErr(err error) error {
	if err == nil {
		return nil
	}
	var in *InputError
	if errors.As(err, &in) {
		c := *in
		c.Field = "scenario." + c.Field
		return &c
	}
	return err
}

// overlay is a Source that gives base's records, then extra's.
type overlay struct {
	base  Source
	extra memSource
}

func concat[T any](a, b iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for x, err := range a {
			if !yield(x, err) || err != nil {
				return
			}
		}
		for x, err := range b {
			if !yield(x, err) || err != nil {
				return
			}
		}
	}
}

func (o overlay) Grants(ctx context.Context) iter.Seq2[Grant, error] {
	return concat(o.base.Grants(ctx), o.extra.Grants(ctx))
}
func (o overlay) Online(ctx context.Context) iter.Seq2[Online, error] {
	return concat(o.base.Online(ctx), o.extra.Online(ctx))
}
func (o overlay) Deployments(ctx context.Context) iter.Seq2[Deployment, error] {
	return concat(o.base.Deployments(ctx), o.extra.Deployments(ctx))
}
func (o overlay) Tokens(ctx context.Context) iter.Seq2[IssuedToken, error] {
	return concat(o.base.Tokens(ctx), o.extra.Tokens(ctx))
}
