package plan

import (
	"fmt"
	"slices"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
	"pgregory.net/rapid"
)

const product = "O365-E3"

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// keyN returns the n-th test key, "00007-AAAAA-BBBBB-CCCCC-00007".
func keyN(n int) token.Key {
	return token.MustParseKey(fmt.Sprintf("%05d-AAAAA-BBBBB-CCCCC-%05d", n, n))
}

// pool returns keys of the given seats, the policy's term.
func pool(seats ...int) []token.Token {
	ks := make([]token.Token, len(seats))
	for i, s := range seats {
		ks[i] = token.Token{Key: keyN(i + 1), Product: product, Seats: s}
	}
	return ks
}

func sub(seats int, end time.Time) activation.Subscription {
	return activation.Subscription{Tenant: "contoso", Product: product, Seats: seats, End: end}
}

// point is a (seats, end) pair of a plan.
type point struct {
	Seats int
	End   string
}

func points(rs []Result) []point {
	out := make([]point, len(rs))
	for i, r := range rs {
		out[i] = point{r.Final.Seats, r.Final.End.Format(time.DateOnly)}
	}
	return out
}

// problem draws a planning problem with n keys.
type problem struct {
	p    activation.Policy
	s    activation.Subscription
	keys []token.Token
	at   time.Time
}

func drawProblem(t *rapid.T, minKeys, maxKeys int) problem {
	p := activation.PartnerCenter()
	if rapid.Bool().Draw(t, "exactSeatDays") {
		p.Convention = proration.ExactSeatDays
	}
	p.Rounding = proration.Rounding(rapid.IntRange(0, 3).Draw(t, "rounding"))
	if rapid.IntRange(0, 3).Draw(t, "end-limit cap") == 0 {
		p.CapRule = proration.CapEndLimit
	}
	at := daymath.AddDays(day(2026, 1, 1), rapid.IntRange(0, 1500).Draw(t, "atDay"))
	a := rapid.IntRange(1, 400).Draw(t, "seats")
	var s activation.Subscription
	if rapid.IntRange(0, 9).Draw(t, "inactive") == 0 {
		s = sub(a, daymath.AddDays(at, -rapid.IntRange(0, 200).Draw(t, "daysSinceEnd")))
	} else {
		s = sub(a, daymath.AddDays(at, rapid.IntRange(1, 1000).Draw(t, "remaining")))
	}
	n := rapid.IntRange(minKeys, maxKeys).Draw(t, "keys")
	keys := make([]token.Token, n)
	for i := range keys {
		keys[i] = token.Token{Key: keyN(i + 1), Product: product,
			Seats:      rapid.IntRange(1, 3*a).Draw(t, fmt.Sprintf("key%dSeats", i)),
			TermMonths: rapid.SampledFrom([]int{0, 0, 0, 1, 6, 12, 24}).Draw(t, fmt.Sprintf("key%dTerm", i))}
	}
	return problem{p, s, keys, at}
}

// drawFewKinds draws a problem with n keys of a few kinds (seats from four
// sizes, two terms), as real pools are: many keys are interchangeable.
func drawFewKinds(t *rapid.T, minKeys, maxKeys int) problem {
	pr := drawProblem(t, 0, 0)
	unit := rapid.IntRange(1, max(1, pr.s.Seats/2)).Draw(t, "unit")
	n := rapid.IntRange(minKeys, maxKeys).Draw(t, "keys")
	pr.keys = make([]token.Token, n)
	for i := range pr.keys {
		pr.keys[i] = token.Token{Key: keyN(i + 1), Product: product,
			Seats:      unit * rapid.SampledFrom([]int{1, 2, 3, 6}).Draw(t, fmt.Sprintf("key%dUnits", i)),
			TermMonths: rapid.SampledFrom([]int{0, 0, 0, 6}).Draw(t, fmt.Sprintf("key%dTerm", i))}
	}
	return pr
}

// bruteForce returns the Pareto front (seats, end) of every order of the
// keys with every planned operation, each step through Policy.Apply: a
// reference independent of the planner's search. It recurses over the keys
// left and the operations, trying one key of equal keys (same seats, term
// and product), and memoizes on the exact state — the keys left and the
// subscription's seats and end date — which determines every continuation;
// it assumes nothing else (no dominance, no seat-day structure).
func bruteForce(pr problem) []point {
	type kind struct {
		seats, term int
		product     string
	}
	var kinds []kind
	var tok []token.Token // a key of each kind
	left := make([]int, 0, len(pr.keys))
	for _, k := range pr.keys {
		kd := kind{k.Seats, k.TermMonths, k.Product}
		j := slices.Index(kinds, kd)
		if j < 0 {
			j = len(kinds)
			kinds, tok, left = append(kinds, kd), append(tok, k), append(left, 0)
		}
		left[j]++
	}
	type state struct {
		left  string // the count of each kind left
		seats int
		end   time.Time
	}
	type fin struct {
		seats int
		end   time.Time
	}
	memo := map[state][]fin{}
	var rec func(s activation.Subscription, left []int) []fin
	rec = func(s activation.Subscription, left []int) []fin {
		if !slices.ContainsFunc(left, func(n int) bool { return n > 0 }) {
			return []fin{{s.Seats, s.End}}
		}
		st := state{fmt.Sprint(left), s.Seats, s.End}
		if f, ok := memo[st]; ok {
			return f
		}
		var all []fin
		for j := range left {
			if left[j] == 0 {
				continue
			}
			for _, op := range plannedOps() {
				o, err := pr.p.Apply(s, tok[j], op, pr.at)
				if err != nil {
					continue
				}
				left[j]--
				all = append(all, rec(o.After, left)...)
				left[j]++
			}
		}
		// keep the Pareto front: fewer seats only with a later end
		slices.SortFunc(all, func(a, b fin) int {
			if a.seats != b.seats {
				return b.seats - a.seats
			}
			return b.end.Compare(a.end)
		})
		var f []fin
		for _, x := range all {
			if len(f) == 0 || x.end.After(f[len(f)-1].end) {
				f = append(f, x)
			}
		}
		memo[st] = f
		return f
	}
	front := rec(pr.s, left)
	out := make([]point, len(front))
	for i, x := range front {
		out[i] = point{x.seats, x.end.Format(time.DateOnly)}
	}
	return out
}
