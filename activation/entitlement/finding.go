package entitlement

import (
	"fmt"
	"strings"
	"time"

	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/internal/enum"
	"github.com/coterm/coterm/token"
)

// Issue is what a [Finding] reports. Each issue belongs to one rule
// ([Issue.Rule]) and sets the Finding's fields its documentation names;
// the others stay zero. The zero value is unknown.
type Issue int

// The issues.
const (
	// OverEntitlement (R14): the grants in force in Pool cannot cover its
	// use even without the maximums. Limit: the quantity granted; Used: the
	// use; Excess: the use no assignment covers without the maximums.
	OverEntitlement Issue = iota + 1
	// NotCovered (R14): online subscriptions of Tenant placed at no
	// location: covered by no grant. Used: their seats; Short: the
	// subscriptions. Their seats are in no pool's figures or excess.
	NotCovered
	// OverCountryMax (R15): Country's maximum in Pool, alone, keeps use
	// uncovered that the grants could cover. Limit: the maximum; Used: the
	// use located in Country; Excess: what the maximum alone leaves
	// uncovered.
	OverCountryMax
	// OverWorldMax (R15): as OverCountryMax for the worldwide maximum.
	// Used: the pool's use.
	OverWorldMax
	// OverMaxJointly (R15): the maximums together keep use uncovered that
	// the grants could cover, while no one of them does alone. Used: the
	// pool's use; Excess: what they leave uncovered.
	OverMaxJointly
	// OutsideCountry (R16): use located in Country could be covered only by
	// Action Pack licences of another country. Limit: the Action Pack
	// licences granted in Country; Used: the use located there; Excess: the
	// use that such licences would cover on top of the most covered now.
	OutsideCountry
	// MixedSKUs (R19): Tenant has seats of several products in service and
	// one of them is neither an enterprise nor a kiosk SKU. Products: the
	// products; Used: their seats.
	MixedSKUs
	// RunsBeyond (R20, R13): the online subscription of Tenant and Product
	// runs past the end of every use right it could draw on. Deadline: the
	// first day without use rights; Days: how many days it runs past them;
	// Used: its seats.
	RunsBeyond
	// PastYearEnd (R20): use in Pool that the grants of program years which
	// have ended, with no year after them, would cover: use past the end of
	// the use rights. Years: those program years; Used: the pool's use;
	// Excess: the use they would cover on top of the grants in force.
	PastYearEnd
	// TokensLate (R21): tokens of the program year Years[0] in Pool not
	// redeemed before their activate-by day. Tokens: their fingerprints;
	// Used: how many; Deadline: the earliest activate-by day among them.
	TokensLate
	// TokensNotEntered (R21): tokens of the new program year Years[0] in
	// Pool not yet entered, while the subscriptions of the year before it
	// lapse. Tokens: the fingerprints not entered; Used: how many;
	// Deadline: the last safe day, the last day of full service of the
	// earliest of those subscriptions to lose it; Lapsed: the day is past
	// the Deadline.
	TokensNotEntered
)

var issueText = enum.New[Issue]("Issue", "issue", invalidMsg, []string{"",
	"over-entitlement", "not-covered", "over-country-maximum", "over-worldwide-maximum",
	"over-maximums-jointly", "outside-country", "mixed-skus", "runs-beyond", "past-year-end",
	"tokens-late", "tokens-not-entered"})

// String returns the issue's name, "over-entitlement", …, or "Issue(N)".
func (i Issue) String() string { return issueText.String(i) }

// Valid reports whether i is one of the issues.
func (i Issue) Valid() bool { return issueText.Valid(i) }

// ParseIssue parses the names [Issue.String] returns, in any ASCII case,
// nothing trimmed. Any other text is an error wrapping [ErrInvalid] that
// does not repeat the text.
func ParseIssue(s string) (Issue, error) { return issueText.Parse(s) }

// MarshalText implements [encoding.TextMarshaler]; an issue that is not
// valid is an error wrapping [ErrInvalid].
func (i Issue) MarshalText() ([]byte, error) { return issueText.MarshalText(i) }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseIssue]; on
// error i is unchanged.
func (i *Issue) UnmarshalText(b []byte) error { return issueText.UnmarshalText(i, b) }

// Rule returns the rule i belongs to, or 0 for an issue that is not valid.
func (i Issue) Rule() Rule {
	switch i {
	case OverEntitlement, NotCovered:
		return R14
	case OverCountryMax, OverWorldMax, OverMaxJointly:
		return R15
	case OutsideCountry:
		return R16
	case MixedSKUs:
		return R19
	case RunsBeyond, PastYearEnd:
		return R20
	case TokensLate, TokensNotEntered:
		return R21
	}
	return 0
}

// ProgramYear names one program year of a membership at a location.
type ProgramYear struct {
	Location   string
	Membership Membership
	Start, End time.Time
}

// Finding is one rule a partner's records break on a day, with the numbers,
// the uses that cause it and the day it began. Which fields an issue sets is
// documented with the [Issue].
type Finding struct {
	Rule    Rule
	Issue   Issue
	Pool    string
	Country Country
	Tenant  string
	Product string
	Years   []ProgramYear

	Limit, Used, Excess int64
	Days                int
	Deadline            time.Time
	Lapsed              bool

	// Uncoverable are the uses that no assignment covers in full; Short
	// the other uses that some assignment covering the most leaves short.
	// For the findings of a pool (R14 to R16, PastYearEnd) they are the
	// pool's; for NotCovered, Short names the subscriptions.
	Uncoverable, Short []Ref
	Products           []string
	Tokens             []token.Fingerprint

	// Since is the first day of the run of days, up to the day asked, on
	// which the finding holds; the zero time if it holds before every
	// record.
	Since time.Time
}

// String returns the finding in one line, with its rule, numbers, uses and
// the day it began.
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", f.Rule, f.Issue)
	if f.Pool != "" {
		fmt.Fprintf(&b, " in pool %s", f.Pool)
	}
	if !f.Country.IsZero() {
		fmt.Fprintf(&b, " in %s", f.Country)
	}
	if f.Tenant != "" {
		fmt.Fprintf(&b, " on tenant %s", f.Tenant)
	}
	if f.Product != "" {
		fmt.Fprintf(&b, " (%s)", f.Product)
	}
	b.WriteString(": ")
	b.WriteString(f.numbers())
	for _, y := range f.Years {
		fmt.Fprintf(&b, "; year %s–%s of %s at %s", date(y.Start), date(y.End), y.Membership, y.Location)
	}
	writeRefs(&b, "uses no assignment covers in full", f.Uncoverable)
	writeRefs(&b, "uses left short", f.Short)
	if len(f.Products) > 0 {
		fmt.Fprintf(&b, "; products %s", strings.Join(f.Products, ", "))
	}
	for _, t := range f.Tokens {
		fmt.Fprintf(&b, "; token %s", t.String()[:16])
	}
	if !f.Since.IsZero() {
		fmt.Fprintf(&b, "; since %s", date(f.Since))
	}
	return b.String()
}

// numbers says the finding's numbers in words.
func (f Finding) numbers() string {
	g := func(n int64) string { return text.Group(n) }
	switch f.Issue {
	case OverEntitlement:
		return fmt.Sprintf("%s used of %s granted, %s uncovered", g(f.Used), g(f.Limit), g(f.Excess))
	case NotCovered:
		return fmt.Sprintf("%s placed at no location", text.Plural(f.Used, "seat"))
	case OverCountryMax, OverWorldMax:
		return fmt.Sprintf("%s used, maximum %s, %s uncovered by it", g(f.Used), g(f.Limit), g(f.Excess))
	case OverMaxJointly, PastYearEnd:
		return fmt.Sprintf("%s used, %s uncovered", g(f.Used), g(f.Excess))
	case OutsideCountry:
		return fmt.Sprintf("%s used, %s Action Pack granted there, %s would need licences of another country", g(f.Used), g(f.Limit), g(f.Excess))
	case MixedSKUs:
		return text.Plural(f.Used, "seat")
	case RunsBeyond:
		return fmt.Sprintf("%s run %s past the use rights ending %s", text.Plural(f.Used, "seat"), text.Plural(int64(f.Days), "day"), date(f.Deadline))
	case TokensLate:
		return fmt.Sprintf("%s not redeemed before activate-by %s", text.Plural(f.Used, "token"), date(f.Deadline))
	case TokensNotEntered:
		s := fmt.Sprintf("%s not entered; last safe day %s", text.Plural(f.Used, "token"), date(f.Deadline))
		if f.Lapsed {
			s += ", passed"
		}
		return s
	}
	return ""
}

func writeRefs(b *strings.Builder, what string, refs []Ref) {
	if len(refs) == 0 {
		return
	}
	fmt.Fprintf(b, "; %s: ", what)
	for i, r := range refs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r.String())
	}
}

// date formats a date.
func date(t time.Time) string { return t.Format(time.DateOnly) }
