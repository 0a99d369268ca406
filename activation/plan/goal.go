package plan

import (
	"time"

	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/internal/enum"
	"github.com/coterm/coterm/proration"
)

// GoalKind says what a [Goal] asks the planner for. The zero value is
// unknown and refused.
type GoalKind int

// The goals.
const (
	// MostSeats asks for the most seats whose end date is on or after
	// Goal.End (for example the end of the program year, R13).
	MostSeats GoalKind = iota + 1
	// LatestEnd asks for the latest end date with at least Goal.Seats seats.
	LatestEnd
	// TradeOff asks for the whole trade-off: the Pareto front of seats
	// against end date, each point with its plan.
	TradeOff
)

var goalKindText = enum.New[GoalKind]("GoalKind", "goal", invalidMsg,
	[]string{"", "most-seats", "latest-end", "trade-off"})

// String returns "most-seats", "latest-end" or "trade-off", or "GoalKind(N)".
func (k GoalKind) String() string { return goalKindText.String(k) }

// Valid reports whether k is one of the goals.
func (k GoalKind) Valid() bool { return goalKindText.Valid(k) }

// ParseGoalKind parses the names [GoalKind.String] returns, in any ASCII
// case, nothing trimmed (the module's rule for names, see the package
// documentation of activation). Any other text is an error wrapping
// activation.ErrInvalid that lists the names and does not repeat the text.
func ParseGoalKind(s string) (GoalKind, error) { return goalKindText.Parse(s) }

// MarshalText implements [encoding.TextMarshaler]. A kind that is not valid
// is an error wrapping activation.ErrInvalid.
func (k GoalKind) MarshalText() ([]byte, error) { return goalKindText.MarshalText(k) }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseGoalKind];
// on error k is unchanged.
func (k *GoalKind) UnmarshalText(b []byte) error { return goalKindText.UnmarshalText(k, b) }

// Goal is what a plan should achieve. Build one with [ReachEnd], [ReachSeats]
// or [AllTradeOffs]; the zero Goal is invalid.
type Goal struct {
	Kind  GoalKind
	End   time.Time // MostSeats: the end date to reach (first day without service may be no earlier)
	Seats int       // LatestEnd: the seats to reach, at least
}

// ReachEnd returns the goal "the most seats with an end date on or after
// end". end is a date like a subscription's End: the first day the seats
// need not be served. For a program year (R13) pass the day after its last
// day, the same convention as [CheckUseRights].
func ReachEnd(end time.Time) Goal { return Goal{Kind: MostSeats, End: daymath.Date(end)} }

// ReachSeats returns the goal "the latest end date with at least seats
// seats".
func ReachSeats(seats int) Goal { return Goal{Kind: LatestEnd, Seats: seats} }

// AllTradeOffs returns the goal "the Pareto front of seats against end
// date": every plan that no other plan beats on both.
func AllTradeOffs() Goal { return Goal{Kind: TradeOff} }

// String describes the goal in words, e.g. "the most seats until at least
// 2028-03-01".
func (g Goal) String() string {
	switch g.Kind {
	case MostSeats:
		return "the most seats with an end date on or after " + dateString(g.End)
	case LatestEnd:
		return "the latest end date with at least " + text.Plural(int64(g.Seats), "seat")
	case TradeOff:
		return "every trade-off of seats against end date"
	}
	return "unknown goal " + g.Kind.String()
}

// validate checks g.
func (g Goal) validate() error {
	switch g.Kind {
	case MostSeats:
		if _, err := checkedDate("goal: end date", g.End); err != nil {
			return err
		}
	case LatestEnd:
		if g.Seats < 1 || g.Seats > proration.MaxSeats {
			return invalid("goal: %d seats outside 1…%s", g.Seats, text.Group(proration.MaxSeats))
		}
	case TradeOff:
	default:
		return invalid("goal: unknown kind %s", g.Kind)
	}
	return nil
}
