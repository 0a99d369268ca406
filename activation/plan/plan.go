package plan

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// Limits of [Plan].
const (
	// MaxKeys is the largest pool Plan accepts; more is ErrTooManyKeys.
	MaxKeys = 20
	// ExhaustiveKeys is the largest pool Plan searches exhaustively, over
	// every order and every operation; larger pools use the structured
	// search (see the package documentation, "How the planner searches").
	ExhaustiveKeys = 8
)

var (
	// ErrInfeasible: no plan that redeems every key reaches the goal. The
	// error is an [*InfeasibleError] that carries the nearest feasible plan.
	ErrInfeasible = errors.New("plan: goal infeasible")
	// ErrTooManyKeys: more than [MaxKeys] keys were given to [Plan].
	ErrTooManyKeys = errors.New("plan: too many keys")
)

// InfeasibleError reports a goal no plan reaches, and the nearest plan that
// exists: for [MostSeats] the plan with the latest end date, for [LatestEnd]
// the plan with the most seats. It wraps [ErrInfeasible].
type InfeasibleError struct {
	Goal    Goal
	Nearest Result // the nearest feasible plan; zero if no plan exists at all
}

// Error implements error. It names the goal and the nearest plan, never a
// key.
func (e *InfeasibleError) Error() string {
	msg := "plan: goal infeasible: no plan reaches " + e.Goal.String()
	if len(e.Nearest.Steps) == 0 {
		return msg + "; no order of the keys is accepted"
	}
	f := e.Nearest.Final
	return fmt.Sprintf("%s; nearest: %s until %s", msg, text.Plural(int64(f.Seats), "seat"), dateString(f.End))
}

// Unwrap returns ErrInfeasible.
func (e *InfeasibleError) Unwrap() error { return ErrInfeasible }

// Step is one redemption of a plan: the key, the operation and the Outcome
// Policy.Apply gives for it on the subscription the previous step left.
// The key prints masked ([token.Key.String]).
type Step struct {
	Key     token.Key
	Op      activation.Operation
	Outcome activation.Outcome
}

// SeatDays is the seat-day account of a plan (R4, R5): what the subscription
// held on the day of the plan, what the keys are worth, and what the final
// subscription holds, all counted from that day.
type SeatDays struct {
	Start int64 // A × B: seats × days remaining on the day, 0 if not Active
	Keys  int64 // Σ C × T: each key's seats × the days of its term from the day
	Final int64 // final seats × days from the day to the final end date
	// Residue = Final − Start − Keys: what rounding (R4) and calendar months
	// (R5) added or removed. It is the sum of the steps' Outcome.Residue.
	Residue int64
}

// Result is a plan: the steps in order, the subscription they leave, and its
// seat-day account. For the TradeOff goal, Front lists every Pareto-optimal
// plan, most seats first, and Steps and Final are those of Front[0].
type Result struct {
	Goal   Goal
	Policy string // the policy's Name
	At     time.Time
	Start  activation.Subscription
	Steps  []Step
	Final  activation.Subscription
	// SeatDays accounts for the plan's seat-days.
	SeatDays SeatDays
	// Exhaustive is true when the plan was found by exhaustive search over
	// every order and operation (at most ExhaustiveKeys keys): no plan of
	// the same keys does better. Otherwise it comes from the structured
	// search: exact, but possibly a few days short of the optimum.
	Exhaustive bool
	// Front lists, for the TradeOff goal, the Pareto front of seats against
	// end date, most seats first; each entry is a complete plan. Nil for the
	// other goals.
	Front []Result
}

// Plan finds how to redeem every key of a pool on day at so that subscription
// s reaches goal under policy p. It returns the steps in order — each one a
// key (masked), an operation and the exact Outcome of p.Apply — and the final
// subscription.
//
// Every key is redeemed on day at, and every key is used: a key is spent
// once (R2) and a plan spends the pool. A plan uses AddSeats and ExtendEnd on
// an Active subscription; a subscription that is not Active on day at
// (None, Expired, Disabled or Deleted) is first activated (R7) with one key
// of the pool, the planner choosing which. Renew is never planned (it
// replaces the seats, R9): see [Renewal] to time a renewal.
//
// Goals: [ReachEnd] (the most seats whose end date is on or after a date),
// [ReachSeats] (the latest end date with at least so many seats),
// [AllTradeOffs] (the Pareto front). A goal no plan reaches is an
// [*InfeasibleError] wrapping [ErrInfeasible] that carries the nearest plan.
//
// Plan accepts 1 … MaxKeys keys (more is [ErrTooManyKeys]). Invalid input —
// policy, subscription, day, goal, a key that fails token.Token.Validate,
// the same key twice, keys of different products — wraps
// activation.ErrInvalid; a key for another product than s is an
// *activation.ProductMismatchError. Up to ExhaustiveKeys keys the search is
// exhaustive and the plan optimal, ties broken as the package documentation
// says; beyond, see the package documentation for what is guaranteed.
func Plan(p activation.Policy, s activation.Subscription, keys []token.Token, at time.Time, goal Goal) (Result, error) {
	if len(keys) > MaxKeys {
		return Result{}, fmt.Errorf("%w: %d keys, at most %d", ErrTooManyKeys, len(keys), MaxKeys)
	}
	if err := goal.validate(); err != nil {
		return Result{}, err
	}
	c, err := prepare(p, s, keys, at)
	if err != nil {
		return Result{}, err
	}
	if len(keys) <= ExhaustiveKeys {
		return c.choose(goal, c.exhaustive(), true)
	}
	return c.choose(goal, c.structured(goal), false)
}

// keyInfo is a key of the pool with its seats and the days of its term.
type keyInfo struct {
	tok   token.Token
	seats int64
	term  int64 // the term in months: the key's own, or the policy's default
	days  int64 // T = Days(at, AddMonths(at, term))
	class int   // keys of one class (seats, term, product) are interchangeable
}

// planner holds a validated planning problem.
type planner struct {
	p      activation.Policy
	s      activation.Subscription
	at     time.Time
	keys   []keyInfo // the caller's order
	active bool      // s is Active on at
	start  int64     // A × B if active
	worth  int64     // Σ C × T
	// oneOrder: the structured search tries one order of the extensions
	oneOrder bool
	// applies counts the redemptions the search made through Policy.Apply
	// (counted at each call, which Go inlines), and refines the candidates
	// the structured search estimated closely ([planner.refined]): its
	// work, which the tests pin on seeded pools.
	applies, refines int
}

// prepare validates the inputs of Plan.
func prepare(p activation.Policy, s activation.Subscription, keys []token.Token, at time.Time) (*planner, error) {
	if err := p.Validate(); err != nil {
		return nil, wrap("", err)
	}
	if err := s.Validate(); err != nil {
		return nil, wrap("", err)
	}
	at, err := checkedDate("day", at)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, invalid("no keys")
	}
	c := &planner{p: p, s: s, at: at, keys: make([]keyInfo, len(keys))}
	product := s.Product
	seen := make(map[token.Key]int, len(keys))
	type class struct {
		seats, term int
		product     string
	}
	classes := make(map[class]int, len(keys))
	for i, t := range keys {
		if err := t.Validate(); err != nil {
			return nil, &text.Error{Pkg: "plan", Msg: fmt.Sprintf("invalid input: key %d", i+1), Kind: activation.ErrInvalid, Err: err}
		}
		if j, dup := seen[t.Key]; dup {
			return nil, invalid("keys %d and %d are the same key, which is redeemed once (R2)", j+1, i+1)
		}
		seen[t.Key] = i
		if product == "" {
			product = t.Product
		}
		if t.Product != product {
			if s.Product != "" {
				return nil, wrap(fmt.Sprintf("key %d", i+1), &activation.ProductMismatchError{Subscription: s.Product, Token: t.Product})
			}
			return nil, invalid("keys for two products, %s and %s", text.Name(product), text.Name(t.Product))
		}
		term := t.TermMonths
		if term == 0 {
			term = p.TermMonths
		}
		end, err := daymath.AddMonthsChecked(at, term)
		if err != nil {
			return nil, invalid("key %d: term past the supported years", i+1)
		}
		cl := class{t.Seats, term, t.Product}
		id, ok := classes[cl]
		if !ok {
			id = len(classes)
			classes[cl] = id
		}
		c.keys[i] = keyInfo{tok: t, seats: int64(t.Seats), term: int64(term), days: int64(proration.Days(at, end)), class: id}
		c.worth += int64(t.Seats) * c.keys[i].days
	}
	if p.State(s, at) == activation.Active {
		c.active = true
		c.start = int64(s.Seats) * int64(proration.Days(at, s.End))
	}
	return c, nil
}

// checkedDate returns t's calendar date as [daymath.Date] gives it, or an
// error wrapping activation.ErrInvalid, naming the input what, when that
// date lies outside the supported years or is the zero date 0001-01-01,
// which means "no date" (as in package activation). The date is taken first
// and then compared with the zero date, so that 0001-01-01 at noon is
// refused like the zero time.
func checkedDate(what string, t time.Time) (time.Time, error) {
	d, err := daymath.DateChecked(t)
	if err != nil {
		return time.Time{}, &text.Error{Pkg: "plan", Msg: "invalid input: " + what, Kind: activation.ErrInvalid, Err: err}
	}
	if d.IsZero() {
		return time.Time{}, invalid("%s is the zero date 0001-01-01", what)
	}
	return d, nil
}

// evaluated is a complete plan whose every step went through Policy.Apply.
type evaluated struct {
	steps []Step
	final activation.Subscription
	seats int64
	end   int64 // Days(at, final.End)

	node int32 // the exhaustive search's final node, before walk turns it into steps

	// the structured search's plan, before build turns it into steps
	sp       *space
	mask     uint32
	reversed bool
}

// pareto returns the plans no other plan beats on both seats and end date,
// most seats first (so the ends grow along the slice). Of equal points the
// first is kept.
func pareto(ps []evaluated) []evaluated {
	out := slices.Clone(ps)
	slices.SortStableFunc(out, func(a, b evaluated) int {
		if a.seats != b.seats {
			return cmp.Compare(b.seats, a.seats)
		}
		return cmp.Compare(b.end, a.end)
	})
	kept := out[:0]
	for _, e := range out {
		if len(kept) == 0 || e.end > kept[len(kept)-1].end {
			kept = append(kept, e)
		}
	}
	return kept
}

// choose selects the plan for goal from the evaluated plans.
func (c *planner) choose(goal Goal, ps []evaluated, exhaustive bool) (Result, error) {
	front := pareto(ps)
	if len(front) == 0 {
		return Result{}, &InfeasibleError{Goal: goal}
	}
	switch goal.Kind {
	case MostSeats:
		target := int64(proration.Days(c.at, goal.End))
		for _, e := range front { // most seats first
			if e.end >= target {
				return c.result(goal, e, exhaustive), nil
			}
		}
		return Result{}, &InfeasibleError{Goal: goal, Nearest: c.result(goal, front[len(front)-1], exhaustive)}
	case LatestEnd:
		for i := len(front) - 1; i >= 0; i-- { // latest end first
			if front[i].seats >= int64(goal.Seats) {
				return c.result(goal, front[i], exhaustive), nil
			}
		}
		return Result{}, &InfeasibleError{Goal: goal, Nearest: c.result(goal, front[0], exhaustive)}
	}
	r := c.result(goal, front[0], exhaustive)
	r.Front = make([]Result, len(front))
	for i, e := range front {
		r.Front[i] = c.result(goal, e, exhaustive)
	}
	return r, nil
}

// result builds the Result of plan e.
func (c *planner) result(goal Goal, e evaluated, exhaustive bool) Result {
	r := Result{
		Goal: goal, Policy: c.p.Name, At: c.at, Start: c.s, Steps: e.steps, Final: e.final,
		Exhaustive: exhaustive,
	}
	r.SeatDays.Start = c.start
	r.SeatDays.Keys = c.worth
	r.SeatDays.Final = e.seats * e.end
	r.SeatDays.Residue = r.SeatDays.Final - c.start - c.worth
	return r
}
