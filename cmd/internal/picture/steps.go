package picture

import "github.com/coterm/coterm/activation"

// StepsOf turns a subscription's history into the steps of its
// [SubscriptionChart]: each record's day, seats and end date after it,
// labelled by its operation ("redeem as extend" where it was applied as
// another), with the lifecycle dates p gives the state after it and the
// service p gives while expired and while disabled (R22).
func StepsOf(p activation.Policy, recs []activation.Record) []Step {
	steps := make([]Step, 0, len(recs))
	for _, r := range recs {
		o := r.Outcome
		label := o.Op.String()
		if o.Op != activation.Import && o.Applied != o.Op {
			label += " as " + o.Applied.String()
		}
		st := Step{At: o.At, Seats: o.After.Seats, Label: label,
			ExpiredService: p.Service(activation.Expired), DisabledService: p.Service(activation.Disabled)}
		if tl, err := p.Timeline(o.After); err == nil {
			st.End, st.DisabledFrom, st.DeletedOn = tl.End, tl.DisabledFrom, tl.DeletedOn
		}
		steps = append(steps, st)
	}
	return steps
}
