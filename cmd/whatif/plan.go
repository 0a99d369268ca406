package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/plan"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/picture"
	"github.com/coterm/coterm/token"
)

// planCommand: which keys of a pool, in which order, as add licenses or
// extend end date, reach a goal (package activation/plan, R13).
var planCommand = command{
	name:    "plan",
	summary: "which keys of a pool, in which order and how, reach a goal (R13)",
	synopsis: `whatif plan -seats N -end YYYY-MM-DD -product P -keys N,N,... -until YYYY-MM-DD [-goal NAME] [flags]
       whatif plan -book FILE -tenant T -product P -keys N,N,... -goal trade-off [flags]`,
	about: `Plans a pool of keys, all redeemed on -on: which keys, in which order, as
add licenses or extend end date, so that the subscription reaches the goal,
and how its end compares with the program year's end -until (R13). The keys
are stand-ins named KEY01, KEY02 … in the order of -keys. A goal no plan
reaches prints the nearest feasible plan and exits 1.`,
	svg:     "write the trade-off between seats and end date of the plans to `FILE` (SVG)",
	until:   "the program year's end `date` YYYY-MM-DD, the first day without use rights (R13): the end date to reach, and what the use-rights check compares with",
	flags:   (*inputs).planFlags,
	build:   buildPlan,
	compute: computePlan,
}

// buildPlan reads the flags of plan.
func buildPlan(in *inputs, cfg *config) error {
	if in.keys == "" {
		return usagef("-keys: missing: give the seats of the keys, comma-separated, e.g. 25,25,50,100")
	}
	if err := needProduct(in.product); err != nil {
		return err
	}
	var err error
	if cfg.pool, err = pool(in.keys, in.product, cfg.tok.TermMonths); err != nil {
		return err
	}
	if in.until != "" {
		if cfg.until, err = date("-until", in.until); err != nil {
			return err
		}
	}
	cfg.goal, err = goalFlag(in.goal, in.target, cfg.until)
	return err
}

// pool parses -keys: 1 … plan.MaxKeys seat counts, comma-separated. Each
// key gets a stand-in product key whose last group names it, KEY01 … KEY20,
// so that the plan's masked keys say which key is which.
func pool(s, product string, termMonths int) ([]token.Token, error) {
	items := strings.Split(s, ",")
	if len(items) > plan.MaxKeys {
		return nil, usagef("-keys: %d keys, want 1 … %d", len(items), plan.MaxKeys)
	}
	toks := make([]token.Token, len(items))
	for i, it := range items {
		it = strings.TrimSpace(it)
		if it == "" {
			return nil, usagef("-keys: key %d is empty: give seat counts separated by commas, e.g. 25,25,50,100", i+1)
		}
		n, err := count(fmt.Sprintf("-keys: key %d", i+1), it, 1)
		if err != nil {
			return nil, err
		}
		toks[i] = token.Token{Key: standIn(i), Product: product, Seats: n, TermMonths: termMonths}
	}
	return toks, nil
}

// standIn returns the stand-in key of the i-th key of -keys (from 0): masked,
// XXXXX-XXXXX-XXXXX-XXXXX-KEY01 for the first.
func standIn(i int) token.Key {
	return token.MustParseKey(fmt.Sprintf("WHAT0-IF000-POOL0-NOKEY-KEY%02d", i+1))
}

// goalFlag turns -goal, -target-seats and -until into a plan.Goal.
func goalFlag(goal, target string, until time.Time) (plan.Goal, error) {
	if goal == "" {
		if until.IsZero() {
			return plan.Goal{}, usagef("-until: missing: give the program year's end YYYY-MM-DD (the most seats until then), or -goal latest-end or trade-off")
		}
		goal = "most-seats"
	}
	kind, err := plan.ParseGoalKind(goal)
	if err != nil {
		return plan.Goal{}, usagef("-goal: unknown goal, want most-seats, latest-end or trade-off")
	}
	if target != "" && kind != plan.LatestEnd {
		return plan.Goal{}, usagef("-target-seats: only with -goal latest-end")
	}
	switch kind {
	case plan.MostSeats:
		if until.IsZero() {
			return plan.Goal{}, usagef("-goal most-seats: needs -until YYYY-MM-DD, the end date to reach")
		}
		return plan.ReachEnd(until), nil
	case plan.LatestEnd:
		if target == "" {
			return plan.Goal{}, usagef("-goal latest-end: needs -target-seats N, the seats to keep")
		}
		n, err := count("-target-seats", target, 1)
		if err != nil {
			return plan.Goal{}, err
		}
		return plan.ReachSeats(n), nil
	default:
		return plan.AllTradeOffs(), nil
	}
}

// planResult is the planner's answer, as text or as JSON.
type planResult struct {
	Goal        string    `json:"goal"`                  // most-seats, latest-end or trade-off
	TargetSeats int       `json:"targetSeats,omitempty"` // latest-end
	Until       string    `json:"until,omitempty"`       // the program year's end, first day without use rights
	Keys        []poolKey `json:"keys"`
	// Feasible is false when no plan reaches the goal: Infeasible says why,
	// and the rest describes the nearest feasible plan (if any).
	Feasible   bool                     `json:"feasible"`
	Infeasible string                   `json:"infeasible,omitempty"`
	Exhaustive bool                     `json:"exhaustive"`
	Steps      []planStep               `json:"steps"`
	Final      *activation.Subscription `json:"final,omitempty"`
	SeatDays   *seatDays                `json:"seatDays,omitempty"`
	UseRights  *useRights               `json:"useRights,omitempty"`
	Front      []frontPoint             `json:"front,omitempty"` // -goal trade-off
	Explain    string                   `json:"explanation"`
}

type poolKey struct {
	Key   string `json:"key"` // the stand-in, masked: XXXXX-XXXXX-XXXXX-XXXXX-KEY01
	Seats int    `json:"seats"`
}

type planStep struct {
	Key     string             `json:"key"` // masked stand-in
	Op      string             `json:"op"`
	Outcome activation.Outcome `json:"outcome"`
}

type seatDays struct {
	Start   int64 `json:"start"`
	Keys    int64 `json:"keys"`
	Final   int64 `json:"final"`
	Residue int64 `json:"residue"`
}

type useRights struct {
	End          string `json:"end"`
	ProgramEnd   string `json:"programEnd"`
	Beyond       int    `json:"daysBeyond"`
	Lapse        int    `json:"daysLapse"`
	LapseInGrace int    `json:"daysLapseInGrace"`
	Finding      string `json:"finding"`
	Summary      string `json:"summary"`
}

type frontPoint struct {
	Seats     int        `json:"seats"`
	End       string     `json:"end"`
	Plan      string     `json:"plan"`
	UseRights *useRights `json:"useRights,omitempty"`
}

// computePlan plans the pool of -keys (package activation/plan). An
// infeasible goal is an answer: the nearest feasible plan. Another error of
// the planner is bad input: exit status 2.
func computePlan(cfg config) (result, error) {
	p := cfg.policy
	res := header(cfg, cfg.pool[0].TermMonths)
	pr := &planResult{Goal: cfg.goal.Kind.String(), TargetSeats: cfg.goal.Seats, Feasible: true, Steps: []planStep{}}
	if !cfg.until.IsZero() {
		pr.Until = cfg.until.Format(time.DateOnly)
	}
	for _, t := range cfg.pool {
		pr.Keys = append(pr.Keys, poolKey{Key: t.Key.String(), Seats: t.Seats})
	}
	r, err := plan.Plan(p, cfg.sub, cfg.pool, cfg.on, cfg.goal)
	var ie *plan.InfeasibleError
	switch {
	case errors.As(err, &ie):
		pr.Feasible, pr.Infeasible = false, err.Error()
		r = ie.Nearest
	case err != nil:
		return res, usagef("-keys: no plan: %v", err)
	}
	res.Plan = pr
	if len(r.Steps) == 0 {
		return res, nil
	}
	pr.Exhaustive = r.Exhaustive
	pr.Explain = r.Explain()
	for _, st := range r.Steps {
		pr.Steps = append(pr.Steps, planStep{Key: st.Key.String(), Op: st.Op.String(), Outcome: st.Outcome})
	}
	final := r.Final
	pr.Final = &final
	pr.SeatDays = &seatDays{Start: r.SeatDays.Start, Keys: r.SeatDays.Keys, Final: r.SeatDays.Final, Residue: r.SeatDays.Residue}
	pr.UseRights = checkUseRights(p, r.Final, cfg.until)
	for _, f := range r.Front {
		pr.Front = append(pr.Front, frontPoint{Seats: f.Final.Seats, End: f.Final.End.Format(time.DateOnly), Plan: f.Summary(),
			UseRights: checkUseRights(p, f.Final, cfg.until)})
	}
	return res, nil
}

// checkUseRights compares s with the program year's end (R13); nil without
// -until.
func checkUseRights(p activation.Policy, s activation.Subscription, until time.Time) *useRights {
	if until.IsZero() {
		return nil
	}
	u, err := plan.CheckUseRights(p, s, until)
	if err != nil {
		return nil // a plan's subscription always has a term; nothing to report otherwise
	}
	return &useRights{End: u.End.Format(time.DateOnly), ProgramEnd: u.ProgramEnd.Format(time.DateOnly),
		Beyond: u.Beyond, Lapse: u.Lapse, LapseInGrace: u.LapseInGrace, Finding: u.Finding().String(), Summary: u.String()}
}

// writeText prints the plan: the answer first, then its explanation.
func (pr *planResult) writeText(b *strings.Builder) {
	if !pr.Feasible {
		fmt.Fprintf(b, "Infeasible: %s.\n", strings.TrimPrefix(pr.Infeasible, "plan: "))
		if pr.Final == nil {
			b.WriteString("There is no plan to show.\n")
			return
		}
		b.WriteString("The nearest feasible plan follows; it does not reach the goal.\n\n")
	}
	if len(pr.Front) > 0 {
		fmt.Fprintf(b, "Trade-off: %s no other plan beats on both seats and end date, most seats first:\n", cli.Plural(len(pr.Front), "plan"))
		for _, f := range pr.Front {
			fmt.Fprintf(b, "  %s until %s", cli.Plural(f.Seats, "seat"), f.End)
			if f.UseRights != nil {
				fmt.Fprintf(b, ": %s", f.UseRights.Summary)
			}
			b.WriteString("\n")
		}
	} else {
		fmt.Fprintf(b, "Final: %s until %s\n", cli.Plural(pr.Final.Seats, "seat"), pr.Final.End.Format(time.DateOnly))
		if u := pr.UseRights; u != nil {
			fmt.Fprintf(b, "Use rights: %s\n", u.Summary)
		}
	}
	b.WriteString("\n")
	b.WriteString(pr.Explain)
}

// frontSVG draws the trade-off of the pool: the front of -goal trade-off, or,
// for another goal, the front computed beside it with the chosen plan
// marked.
func frontSVG(cfg config, res result) (string, error) {
	pr := res.Plan
	front := pr.Front
	if len(front) == 0 {
		r, err := plan.Plan(cfg.policy, cfg.sub, cfg.pool, cfg.on, plan.AllTradeOffs())
		if err != nil {
			return "", usagef("-svg: no plan to draw: %s", short(err))
		}
		for _, f := range r.Front {
			front = append(front, frontPoint{Seats: f.Final.Seats, End: f.Final.End.Format(time.DateOnly), Plan: f.Summary()})
		}
	}
	var pts []picture.Point
	for _, f := range front {
		end, err := time.Parse(time.DateOnly, f.End)
		if err != nil {
			return "", err
		}
		chosen := pr.Final != nil && len(pr.Front) == 0 && pr.Feasible && f.Seats == pr.Final.Seats && f.End == pr.Final.End.Format(time.DateOnly)
		pts = append(pts, picture.Point{Seats: f.Seats, End: end, Plan: f.Plan, Chosen: chosen})
	}
	if len(pts) == 0 {
		return "", usagef("-svg: no order of the keys is accepted: no plan to draw")
	}
	ch := picture.FrontChart{
		Title:      fmt.Sprintf("Plans for %s on %s: seats against end date", cli.Plural(len(cfg.pool), "key"), res.On),
		Points:     pts,
		ProgramEnd: cfg.until,
	}
	if !cfg.sub.IsNone() {
		ch.Start = picture.Point{Seats: cfg.sub.Seats, End: cfg.sub.End}
	}
	return picture.Front(ch)
}
