package plan

import (
	"fmt"
	"slices"
	"time"

	"github.com/coterm/coterm/activation"
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
	at := proration.AddDays(day(2026, 1, 1), rapid.IntRange(0, 1500).Draw(t, "atDay"))
	a := rapid.IntRange(1, 400).Draw(t, "seats")
	var s activation.Subscription
	if rapid.IntRange(0, 9).Draw(t, "inactive") == 0 {
		s = sub(a, proration.AddDays(at, -rapid.IntRange(0, 200).Draw(t, "daysSinceEnd")))
	} else {
		s = sub(a, proration.AddDays(at, rapid.IntRange(1, 1000).Draw(t, "remaining")))
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

// bruteForce returns the Pareto front (seats, end) of every order of the
// keys with every planned operation, each step through Policy.Apply.
func bruteForce(pr problem) []point {
	var finals []evaluated
	n := len(pr.keys)
	var rec func(s activation.Subscription, used int, depth int)
	rec = func(s activation.Subscription, used int, depth int) {
		if depth == n {
			finals = append(finals, evaluated{seats: int64(s.Seats), end: int64(proration.Days(pr.at, s.End)), final: s})
			return
		}
		for i, k := range pr.keys {
			if used&(1<<i) != 0 {
				continue
			}
			for _, op := range plannedOps() {
				o, err := pr.p.Apply(s, k, op, pr.at)
				if err == nil {
					rec(o.After, used|1<<i, depth+1)
				}
			}
		}
	}
	rec(pr.s, 0, 0)
	front := pareto(finals)
	out := make([]point, len(front))
	for i, e := range front {
		out[i] = point{int(e.seats), e.final.End.Format(time.DateOnly)}
	}
	slices.SortFunc(out, func(a, b point) int { return b.Seats - a.Seats })
	return out
}
