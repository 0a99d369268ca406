package plan

import (
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/internal/enum"
	"github.com/coterm/coterm/proration"
)

// Finding classifies a subscription against its program use rights (R13).
// The zero value is unknown.
type Finding int

// The findings.
const (
	// Aligned: the subscription ends on the day the use rights end.
	Aligned Finding = iota + 1
	// RunsBeyond: the subscription runs past the program year: service
	// without use rights through the program (R13, iur-office365-activation:
	// "you will no longer have use rights through the program").
	RunsBeyond
	// Lapses: the subscription ends before the program year: days with use
	// rights but no active term.
	Lapses
)

var findingText = enum.New[Finding]("Finding", "finding", invalidMsg,
	[]string{"", "aligned", "runs-beyond", "lapses"})

// String returns "aligned", "runs-beyond" or "lapses", or "Finding(N)".
func (f Finding) String() string { return findingText.String(f) }

// Valid reports whether f is one of the findings.
func (f Finding) Valid() bool { return findingText.Valid(f) }

// ParseFinding parses the names [Finding.String] returns, in any ASCII case,
// nothing trimmed. Any other text is an error wrapping activation.ErrInvalid
// that lists the names and does not repeat the text.
func ParseFinding(s string) (Finding, error) { return findingText.Parse(s) }

// MarshalText implements [encoding.TextMarshaler]. A finding that is not
// valid is an error wrapping activation.ErrInvalid.
func (f Finding) MarshalText() ([]byte, error) { return findingText.MarshalText(f) }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseFinding]; on
// error f is unchanged.
func (f *Finding) UnmarshalText(b []byte) error { return findingText.UnmarshalText(f, b) }

// UseRights compares a subscription's end date with the end of its program
// (enrolment) year, the end of its use rights (R13). Both dates are first
// days without: the subscription serves up to End, exclusive, and the use
// rights last up to ProgramEnd, exclusive.
type UseRights struct {
	End        time.Time // the subscription's end date
	ProgramEnd time.Time // the first day without use rights
	// Beyond is the days the subscription runs past its use rights:
	// Days(ProgramEnd, End) when positive, else 0.
	Beyond int
	// Lapse is the days of use rights with no active term before the program
	// year ends: Days(End, ProgramEnd) when positive, else 0.
	Lapse int
	// LapseInGrace is the part of Lapse inside the grace period (Expired,
	// R8): min(Lapse, GraceDays).
	LapseInGrace int
	// LapseServed is the part of Lapse with full service: LapseInGrace where
	// the policy serves an Expired subscription fully (R8: "fully
	// functional"), 0 where it does not (R22: volume licensing, "Services
	// immediately become unavailable when the Expired status starts").
	LapseServed int
}

// Finding returns what a compliance report flags: RunsBeyond, Lapses or
// Aligned.
func (u UseRights) Finding() Finding {
	switch {
	case u.Beyond > 0:
		return RunsBeyond
	case u.Lapse > 0:
		return Lapses
	}
	return Aligned
}

// String returns one line for a compliance report, e.g. "runs 14 days past
// its use rights (end 2028-03-15, program year ends 2028-03-01)". A lapse
// whose grace is not fully served says how many of its days are (R22).
func (u UseRights) String() string {
	dates := fmt.Sprintf("(end %s, use rights end %s)", dateString(u.End), dateString(u.ProgramEnd))
	switch u.Finding() {
	case RunsBeyond:
		return fmt.Sprintf("runs %s past its use rights %s (R13)", text.Plural(int64(u.Beyond), "day"), dates)
	case Lapses:
		if u.LapseServed != u.LapseInGrace {
			return fmt.Sprintf("lapses %s before its use rights end, %s of them in the grace period, %s with full service %s (R8, R13, R22)",
				text.Plural(int64(u.Lapse), "day"), text.Group(int64(u.LapseInGrace)), text.Group(int64(u.LapseServed)), dates)
		}
		return fmt.Sprintf("lapses %s before its use rights end, %s of them in the grace period %s (R8, R13)",
			text.Plural(int64(u.Lapse), "day"), text.Group(int64(u.LapseInGrace)), dates)
	}
	return "ends with its use rights " + dates
}

// CheckUseRights compares subscription s with the end of its program year,
// programEnd, the first day without use rights (R13: "your cloud services
// entitlement terminates at the conclusion of your subscription/program
// enrolment year"; the benefit's expiration date can differ from the
// subscription end date, partner-center-cloud-services). It reports the days
// the subscription runs past its use rights, or the days it lapses before
// them, how many of those the grace period of p covers (R8) and how many
// have full service under p (R22). s must have a term.
func CheckUseRights(p activation.Policy, s activation.Subscription, programEnd time.Time) (UseRights, error) {
	programEnd, err := checkTermed(p, s, "", "program end", programEnd)
	if err != nil {
		return UseRights{}, err
	}
	u := UseRights{End: daymath.Date(s.End), ProgramEnd: programEnd}
	d := proration.Days(u.ProgramEnd, u.End)
	u.Beyond, u.Lapse = max(d, 0), max(-d, 0)
	u.LapseInGrace = min(u.Lapse, p.GraceDays)
	if p.Service(activation.Expired) == activation.FullService {
		u.LapseServed = u.LapseInGrace
	}
	return u, nil
}
