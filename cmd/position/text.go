package main

import (
	"fmt"
	"io"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/entitlement"
	"github.com/coterm/coterm/cmd/internal/cli"
)

// writeText prints the position and the findings as text.
func writeText(w io.Writer, p activation.Policy, pos entitlement.Position, fs []entitlement.Finding) {
	g := func(n int64) string { return cli.Group(n) }
	fmt.Fprintf(w, "Position on %s (policy %s)\n", day(pos.At), p.Name)
	for _, pp := range pos.Pools {
		fmt.Fprintf(w, "\nPool %s: %s online + %s on premises = %s used of %s granted; ", pp.Pool,
			g(pp.World.Online), g(pp.World.OnPremises), g(pp.World.Online+pp.World.OnPremises), g(pp.World.Granted))
		if pp.Excess == 0 {
			fmt.Fprintln(w, "within the entitlement")
		} else {
			fmt.Fprintf(w, "excess %s\n", g(pp.Excess))
		}
		tally := func(where string, t entitlement.Tally) {
			fmt.Fprintf(w, "  %-10s granted %s, online %s, on premises %s, maximum %s, headroom %s\n",
				where, g(t.Granted), g(t.Online), g(t.OnPremises), g(t.Max), g(t.Headroom))
		}
		tally("worldwide:", pp.World)
		for _, t := range pp.Countries {
			tally(t.Country.String()+":", t)
		}
		if len(pp.Grants) > 0 {
			fmt.Fprintln(w, "  grants in force:")
		}
		for _, l := range pp.Grants {
			fmt.Fprintf(w, "    %s: %s, drawn %s\n", lineText(l.Line), g(l.Quantity), g(l.Drawn))
		}
		if len(pp.Uses) > 0 {
			fmt.Fprintln(w, "  uses:")
		}
		for _, u := range pp.Uses {
			where := " at " + u.Location // an on-premises use names its location already
			if !u.Ref.Online() {
				where = ""
			}
			fmt.Fprintf(w, "    %s%s (%s): %s, covered %s%s\n", u.Ref, where, u.Country, g(u.Quantity), g(u.Covered), shortText(u))
			for _, d := range u.Draws {
				fmt.Fprintf(w, "      draws %s on %s\n", g(d.Quantity), lineText(d.Line))
			}
		}
	}
	if len(pos.NotCovered) > 0 {
		fmt.Fprintln(w, "\nNot covered (R14: placed at no location, in no pool's figures):")
		for _, u := range pos.NotCovered {
			fmt.Fprintf(w, "  %s in pool %s: %s\n", u.Ref, u.Pool, cli.Plural(int(u.Seats), "seat"))
		}
	}
	if len(fs) == 0 {
		fmt.Fprintln(w, "\nWithin the entitlement: no finding.")
		return
	}
	fmt.Fprintf(w, "\n%s:\n", cli.Plural(len(fs), "finding"))
	for _, f := range fs {
		fmt.Fprintf(w, "  %s\n", f)
	}
}

// lineText names a grant line: where, which membership and year, which
// kind.
func lineText(l entitlement.Line) string {
	return fmt.Sprintf("%s at %s, year %s–%s, %s", l.Membership, l.Location, day(l.Year), day(l.YearEnd), l.Kind)
}

// shortText says whether a use is left short.
func shortText(u entitlement.UsePosition) string {
	switch {
	case u.Uncoverable:
		return "; no assignment covers it in full"
	case u.Short:
		return "; some assignment leaves it short"
	}
	return ""
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
