package main

import (
	"context"
	"slices"
	"time"

	"github.com/coterm/coterm/activation/entitlement"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/picture"
	"github.com/coterm/coterm/proration"
)

// drawing returns the picture of -svg: the position of every day of the
// program year that holds the day asked, one panel per pool, with the
// findings on the day asked.
func drawing(ctx context.Context, r *loaded, pos entitlement.Position, fs []entitlement.Finding) (string, error) {
	ch, err := chartOf(ctx, r, pos, fs)
	if err != nil {
		return "", err
	}
	svg, err := picture.Position(ch)
	if err != nil {
		return "", cli.Unreadablef("-svg: %v", err)
	}
	return svg, nil
}

// chartOf computes what the picture shows.
func chartOf(ctx context.Context, r *loaded, pos entitlement.Position, fs []entitlement.Finding) (picture.PositionChart, error) {
	from, to := span(r.org, pos.At)
	ch := picture.PositionChart{From: from, To: to, At: pos.At, Pools: make([]picture.PoolChart, len(r.org.Pools))}
	ch.Title = "Licence position on " + day(pos.At) + ", over " + day(from) + " … " + day(to.Add(-24*time.Hour))
	for _, l := range r.org.Locations {
		if l.Headquarters == "" {
			ch.Title = l.Name + ": " + ch.Title
		}
	}
	days, err := changeDays(r, from, to)
	if err != nil {
		return ch, r.refused(err)
	}
	countries := make([]map[entitlement.Country]int64, len(r.org.Pools))
	for i, p := range r.org.Pools {
		ch.Pools[i].Name = p.Name
		countries[i] = map[entitlement.Country]int64{}
	}
	for _, d := range days {
		at, err := r.partner.Position(ctx, d)
		if err != nil {
			return ch, r.refused(err)
		}
		for i, pp := range at.Pools {
			s := picture.PoolStep{From: d, Online: pp.World.Online, OnPremises: pp.World.OnPremises, Granted: pp.World.Granted, Excess: pp.Excess}
			pc := &ch.Pools[i]
			if n := len(pc.Steps); n > 0 && sameFigures(pc.Steps[n-1], s) {
				continue
			}
			pc.Steps = append(pc.Steps, s)
			for _, t := range pp.Countries {
				countries[i][t.Country] = t.Max
			}
		}
	}
	for i, p := range r.org.Pools {
		ch.Pools[i].Maxima = append(ch.Pools[i].Maxima, picture.Maximum{Max: int64(p.WorldMax)})
		for c, m := range countries[i] {
			ch.Pools[i].Maxima = append(ch.Pools[i].Maxima, picture.Maximum{Country: c.String(), Max: m})
		}
	}
	placeFindings(&ch, r.org, pos, fs)
	return ch, nil
}

func sameFigures(a, b picture.PoolStep) bool {
	a.From = b.From
	return a == b
}

// span returns the days across: the organisation's program years that hold
// at, from the earliest start to the latest end; six months either side of
// at if none does.
func span(o entitlement.Organisation, at time.Time) (from, to time.Time) {
	for _, l := range o.Locations {
		for _, y := range l.Years {
			if y.Start.After(at) || !y.End.After(at) {
				continue
			}
			if from.IsZero() || y.Start.Before(from) {
				from = y.Start
			}
			if y.End.After(to) {
				to = y.End
			}
		}
	}
	if from.IsZero() {
		return proration.AddMonths(at, -6), proration.AddMonths(at, 6)
	}
	return from, to
}

// changeDays returns from and every day in (from, to) on which the
// position may differ from the day before, in order: a grant's day (or its
// year's start), a program year's start or end, a deployment's day, an
// online state's day, and the days its service changes (the organisation's
// Service, by default the policy's: the end date, the day it is disabled,
// the day it is deleted). Between two of them the records give the same
// position, so the position of each is that of every day up to the next.
func changeDays(r *loaded, from, to time.Time) ([]time.Time, error) {
	set := map[time.Time]bool{from: true}
	add := func(d time.Time) {
		if d.After(from) && d.Before(to) {
			set[d] = true
		}
	}
	for _, l := range r.org.Locations {
		for _, y := range l.Years {
			add(y.Start)
			add(y.End)
		}
	}
	for _, g := range r.recs.Grants {
		add(g.Day)
		add(g.Year)
	}
	for _, d := range r.recs.Deployments {
		add(d.Day)
	}
	var service entitlement.Service = entitlement.PolicyService{Policy: r.org.Policy}
	if r.org.Service != nil {
		service = r.org.Service
	}
	for _, o := range r.recs.Online {
		add(dateOf(o.From))
		if o.Subscription.IsNone() {
			continue
		}
		ds, err := service.Changes(o.Subscription)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			add(dateOf(d))
		}
	}
	days := make([]time.Time, 0, len(set))
	for d := range set {
		days = append(days, d)
	}
	slices.SortFunc(days, time.Time.Compare)
	return days, nil
}

// dateOf is t's calendar date at 00:00 UTC, as the library reads a time.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// placeFindings marks each finding in its pool's panel: a finding of no
// pool in the panels of the pools its subscriptions or products draw on
// (not covered: the pools of its subscriptions; mixed SKUs: of its
// products), or, if none, under the legend.
func placeFindings(ch *picture.PositionChart, o entitlement.Organisation, pos entitlement.Position, fs []entitlement.Finding) {
	index := map[string]int{}
	for i, p := range o.Pools {
		index[p.Name] = i
		for _, pr := range p.Online {
			index["\x00"+pr.Name] = i
		}
	}
	for _, f := range fs {
		label := f.Rule.String() + " " + f.Issue.String()
		if !f.Country.IsZero() {
			label += " in " + f.Country.String()
		}
		if f.Tenant != "" {
			label += " on " + cut(f.Tenant, 20)
		}
		m := picture.Mark{Since: f.Since, Label: label, Title: f.String()}
		var pools []int
		if i, ok := index[f.Pool]; ok && f.Pool != "" {
			pools = append(pools, i)
		}
		for _, u := range pos.NotCovered {
			if f.Issue == entitlement.NotCovered && slices.Contains(f.Short, u.Ref) {
				pools = append(pools, index[u.Pool])
			}
		}
		for _, pr := range f.Products {
			if i, ok := index["\x00"+pr]; ok {
				pools = append(pools, i)
			}
		}
		slices.Sort(pools)
		pools = slices.Compact(pools)
		for _, i := range pools {
			ch.Pools[i].Findings = append(ch.Pools[i].Findings, m)
		}
		if len(pools) == 0 {
			ch.Other = append(ch.Other, m)
		}
	}
}

// cut returns s, or its first n-1 characters and "…" if it is longer.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
