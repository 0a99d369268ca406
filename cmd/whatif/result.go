package main

import (
	"errors"
	"fmt"
	"github.com/coterm/coterm/cmd/internal/history"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/plan"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// config is the parsed command line.
type config struct {
	cmd      *command // the question
	sub      activation.Subscription
	tok      token.Token
	keyGiven bool
	on       time.Time
	policy   activation.Policy
	json     bool
	svg      string    // -svg FILE
	until    time.Time // zero unless -until

	// The book (-book): the file, the subscription's tenant, and what it
	// says (filled by fromBook).
	book   string
	db     string // -db: the book is in this database (book holds it too)
	tenant string
	hist   []activation.Record // its records up to -on
	later  int                 // its records after -on
	notes  []string            // for standard error: rows the book rejected
	// closest names the tracked subscriptions nearest a name the book does
	// not track, for "did you mean" (nil: the book is in a database)
	closest func(tenant, product string) []*history.Sub

	// need-end: the end date to reach; asked names the question in
	// messages ("-reach", "renewal", or their deprecated spellings).
	needEnd time.Time
	asked   string

	// plan: a pool of keys redeemed on -on and a goal; until is the
	// program year's end for the use-rights check (R13).
	pool []token.Token // nil unless plan
	goal plan.Goal
}

// result is what whatif prints, as text or as JSON.
type result struct {
	Policy       string                  `json:"policy"`
	Rounding     string                  `json:"rounding"`
	Convention   string                  `json:"convention"`
	On           string                  `json:"on"`
	Key          string                  `json:"key,omitempty"`      // masked
	KeySeats     int                     `json:"keySeats,omitempty"` // 0 but for options
	KeyTerm      int                     `json:"keyTermMonths"`
	Subscription activation.Subscription `json:"subscription"`
	State        string                  `json:"state"`
	Timeline     *timeline               `json:"timeline,omitempty"`
	Book         *bookInfo               `json:"book,omitempty"`    // where the subscription comes from (-book)
	Options      []option                `json:"options,omitempty"` // options: every option of one key
	Plan         *planResult             `json:"plan,omitempty"`    // plan: the plan for a pool of keys
	NeedEnd      *needEndResult          `json:"needEnd,omitempty"` // need-end
	Renewal      *renewalResult          `json:"renewal,omitempty"` // renewal
}

// bookInfo says which records of the book the subscription's state comes
// from.
type bookInfo struct {
	Tenant  string `json:"tenant"`
	Records int    `json:"records"` // on or before -on
	Later   int    `json:"later"`   // after -on, not used
	Last    string `json:"last,omitempty"`
}

// negative reports whether the answer is negative (exit status 1): a goal no
// plan reaches, an end date no key reaches.
func (res result) negative() bool {
	switch {
	case res.Plan != nil:
		return !res.Plan.Feasible
	case res.NeedEnd != nil:
		n := res.NeedEnd
		return !n.Reached && !n.ExtendAllowed && n.AddMin == 0
	}
	return false
}

// timeline is the subscription's deadlines (R8, R9).
type timeline struct {
	RenewFrom    string `json:"renewFrom"`
	End          string `json:"end"`
	DisabledFrom string `json:"disabledFrom"`
	DeletedOn    string `json:"deletedOn"`
}

// header is what every result starts with: the policy, the day, the
// subscription and its state and deadlines, and the term of a key of
// termMonths (0: the policy's).
func header(cfg config, termMonths int) result {
	p := cfg.policy
	if termMonths == 0 {
		termMonths = p.TermMonths
	}
	return result{
		Policy:       p.Name,
		Rounding:     p.Rounding.String(),
		Convention:   p.Convention.String(),
		On:           cfg.on.Format(time.DateOnly),
		KeyTerm:      termMonths,
		Subscription: cfg.sub,
		State:        p.State(cfg.sub, cfg.on).String(),
		Timeline:     timelineOf(p, cfg.sub),
		Book:         bookOf(cfg),
	}
}

func bookOf(cfg config) *bookInfo {
	if cfg.book == "" {
		return nil
	}
	b := &bookInfo{Tenant: cfg.tenant, Records: len(cfg.hist), Later: cfg.later}
	if n := len(cfg.hist); n > 0 {
		o := cfg.hist[n-1].Outcome
		b.Last = fmt.Sprintf("#%d %s %s", cfg.hist[n-1].Seq, o.At.Format(time.DateOnly), o.Op)
	}
	return b
}

// timelineOf returns the deadlines of s (R8, R9), nil for no subscription.
func timelineOf(p activation.Policy, s activation.Subscription) *timeline {
	if s.IsNone() {
		return nil
	}
	tl, err := p.Timeline(s)
	if err != nil {
		return nil
	}
	return &timeline{
		RenewFrom:    tl.RenewFrom.Format(time.DateOnly),
		End:          tl.End.Format(time.DateOnly),
		DisabledFrom: tl.DisabledFrom.Format(time.DateOnly),
		DeletedOn:    tl.DeletedOn.Format(time.DateOnly),
	}
}

// refusal sorts the error of a plan question: a refusal of the
// subscription's state is an answer (its reason); any other error is bad
// input, named by the question asked.
func refusal(cfg config, err error) (string, error) {
	var na *activation.NotAllowedError
	switch {
	case errors.As(err, &na):
		return reason(err), nil
	case err != nil:
		return "", usagef("%s: %s", cfg.asked, short(err))
	}
	return "", nil
}

// hypothetical is o, the Outcome of a key that does not exist, without a
// key: it marshals none.
func hypothetical(o activation.Outcome) *activation.Outcome {
	o.Token.Key = token.Key{}
	return &o
}

// refused returns the typed error of a refusal of the cap or of the
// subscription's state, if err is one.
func refused(err error) (ce *proration.CapError, na *activation.NotAllowedError) {
	if !errors.As(err, &ce) {
		errors.As(err, &na)
	}
	return ce, na
}

// reason turns a refusal into a short sentence.
func reason(err error) string {
	ce, na := refused(err)
	switch {
	case ce != nil:
		return fmt.Sprintf("a %d-seat key is more than %d × %d active seats (R6); the largest key accepted is %d seats",
			ce.KeySeats, ce.Factor, ce.Seats, ce.MaxKeySeats)
	case na != nil:
		s := "not allowed: subscription " + na.State.String()
		if !na.Since.IsZero() {
			s += " since " + na.Since.Format(time.DateOnly)
		}
		if !na.Opens.IsZero() {
			s += "; allowed from " + na.Opens.Format(time.DateOnly)
		}
		return s
	default:
		return short(err)
	}
}

// short is a refusal in a few words, for the table: never an error chain.
func short(err error) string {
	ce, na := refused(err)
	switch {
	case ce != nil:
		return fmt.Sprintf("over the cap (R6): at most %s seats", group(int64(ce.MaxKeySeats)))
	case na != nil:
		s := "not while " + na.State.String()
		if !na.Opens.IsZero() {
			s += "; from " + na.Opens.Format(time.DateOnly)
		}
		return s
	case errors.Is(err, activation.ErrProductMismatch):
		return "the key is for another product"
	case errors.Is(err, activation.ErrSeatLimit):
		return "more than 1,000,000,000 seats"
	case errors.Is(err, activation.ErrInvalid):
		return "invalid input"
	}
	return "refused"
}

// writeText prints the result for a person: the subscription, the key or
// keys and the policy, then the command's answer.
func (res result) writeText(w io.Writer) error {
	var b strings.Builder
	res.writeHeader(&b)
	switch {
	case res.Plan != nil:
		res.Plan.writeText(&b)
	case res.NeedEnd != nil:
		res.NeedEnd.writeText(&b, res.On)
	case res.Renewal != nil:
		res.Renewal.writeText(&b, res.On)
	default:
		writeOptions(&b, res.Options)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (res result) writeHeader(b *strings.Builder) {
	sub := res.Subscription
	name := sub.Product
	if sub.Tenant != "" {
		name = sub.Tenant + "/" + sub.Product
	}
	if sub.IsNone() {
		fmt.Fprintf(b, "Subscription: none yet (%s); state on %s: %s\n", name, res.On, res.State)
	} else {
		fmt.Fprintf(b, "Subscription: %s of %s, end date %s; state on %s: %s\n",
			cli.Plural(sub.Seats, "seat"), name, sub.End.Format(time.DateOnly), res.On, res.State)
	}
	if bk := res.Book; bk != nil {
		switch {
		case bk.Records == 0:
			fmt.Fprintf(b, "From the book: no record on or before %s", res.On)
		default:
			fmt.Fprintf(b, "From the book: %s on or before %s, the last %s", cli.Plural(bk.Records, "record"), res.On, bk.Last)
		}
		if bk.Later > 0 {
			fmt.Fprintf(b, "; %s not used", cli.Plural(bk.Later, "later record"))
		}
		b.WriteString("\n")
	}
	switch pr := res.Plan; {
	case res.NeedEnd != nil || res.Renewal != nil:
		fmt.Fprintf(b, "Keys: %d months each (the policy's term)\n", res.KeyTerm)
	case pr != nil:
		keys := make([]string, len(pr.Keys))
		for i, k := range pr.Keys {
			keys[i] = fmt.Sprintf("%s %d", k.Key[len(k.Key)-5:], k.Seats)
		}
		fmt.Fprintf(b, "Keys: %s (seats), %d months each, all redeemed on %s: %s\n", cli.Plural(len(pr.Keys), "stand-in"), res.KeyTerm, res.On, strings.Join(keys, ", "))
	default:
		key := "(no -key given)"
		if res.Key != "" {
			key = res.Key
		}
		fmt.Fprintf(b, "Key: %s, %s, %d months\n", key, cli.Plural(res.KeySeats, "seat"), res.KeyTerm)
	}
	fmt.Fprintf(b, "Policy: %s (rounding %s, convention %s)\n", res.Policy, res.Rounding, res.Convention)
	if tl := res.Timeline; tl != nil {
		fmt.Fprintf(b, "Deadlines (R8, R9): renew from %s; end %s; disabled from %s; deleted on %s\n",
			tl.RenewFrom, tl.End, tl.DisabledFrom, tl.DeletedOn)
	}
	b.WriteString("\n")
}

// writeTable writes rows in columns two spaces apart, each as wide as its
// widest cell; the last cell of a row shorter than the first (the header)
// runs on over the columns it lacks.
func writeTable(b *strings.Builder, rows [][]string) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			if i == len(r)-1 && len(r) < len(width) {
				break // runs on
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", max(width[i]-utf8.RuneCountInString(c), 0)+2))
			}
		}
		b.WriteByte('\n')
	}
}

// group writes a count with thousands separators, as every table does.
var group = cli.Group

func signed(n int) string {
	if n > 0 {
		return fmt.Sprintf("+%d", n)
	}
	return fmt.Sprint(n)
}
