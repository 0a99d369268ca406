package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/coterm/coterm/cmd/internal/history"
)

// jsonRow is one row's result under -json. The field names are stable:
// see the package documentation.
type jsonRow struct {
	Line      int    `json:"line"`
	Result    string `json:"result"` // applied, replayed, imported, unchanged, rejected
	Reason    string `json:"reason,omitempty"`
	Date      string `json:"date,omitempty"`
	Operation string `json:"operation,omitempty"`
	AppliedAs string `json:"appliedAs,omitempty"`
	Key       string `json:"key,omitempty"` // masked
	Tenant    string `json:"tenant,omitempty"`
	Product   string `json:"product,omitempty"`
	Seats     int    `json:"seats,omitempty"`
	End       string `json:"end,omitempty"`
	State     string `json:"state,omitempty"`
}

// jsonSummary is the last object under -json.
type jsonSummary struct {
	Summary struct {
		Rows          int       `json:"rows"`
		Applied       int       `json:"applied"`
		Replayed      int       `json:"replayed"`
		Imported      int       `json:"imported"`
		Unchanged     int       `json:"unchanged"`
		Rejected      int       `json:"rejected"`
		Empty         int       `json:"empty"`
		On            string    `json:"on,omitempty"`
		Subscriptions []jsonSub `json:"subscriptions"`
	} `json:"summary"`
}

// jsonSub is a subscription in the summary; Seats 0 and no End for none.
type jsonSub struct {
	Tenant  string `json:"tenant"`
	Product string `json:"product"`
	Seats   int    `json:"seats"`
	End     string `json:"end,omitempty"`
	State   string `json:"state"`
}

// jsonRowOf is res as a jsonRow.
func (rp *replayer) jsonRowOf(res *history.Result) jsonRow {
	j := jsonRow{Line: res.Line}
	if res.Reject != "" {
		j.Result, j.Reason = "rejected", res.Reject
		return j
	}
	row, o := &res.Row, &res.Outcome
	j.Date, j.Tenant, j.Product = dateOnly(row.At), row.Tenant, row.Product
	switch {
	case res.Replayed:
		j.Result, j.Operation = "replayed", history.ImportOp
	case res.Unchanged:
		j.Result, j.Operation = "unchanged", history.ImportOp
	case res.Imported:
		j.Result, j.Operation = "imported", history.ImportOp
	default:
		j.Result = "applied"
		if o.Replayed {
			j.Result = "replayed"
		}
		j.Operation, j.AppliedAs, j.Key = row.Op.String(), o.Applied.String(), row.Key.Masked()
	}
	j.Seats, j.End = o.After.Seats, dateOnly(o.After.End)
	j.State = rp.cfg.policy.State(o.After, row.At).String()
	return j
}

// writeJSON writes v on one line.
func (rp *replayer) writeJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"error":"cannot encode"}`)
	}
	rp.out.Write(append(b, '\n'))
}

// jsonSummaryOut writes the summary object.
func (rp *replayer) jsonSummaryOut(ctx context.Context) error {
	var s jsonSummary
	c := rp.ld.Counts
	s.Summary.Rows, s.Summary.Applied, s.Summary.Replayed = c.Rows, c.Applied, c.Replayed
	s.Summary.Imported, s.Summary.Unchanged, s.Summary.Rejected, s.Summary.Empty = c.Imported, c.Unchanged, c.Rejected, c.Empty
	s.Summary.Subscriptions = []jsonSub{}
	all, day, err := rp.subscriptionsOn(ctx)
	if err != nil {
		return err
	}
	if len(rp.ld.Subs()) > 0 {
		s.Summary.On = dateOnly(day)
		for _, sub := range all {
			s.Summary.Subscriptions = append(s.Summary.Subscriptions, jsonSub{Tenant: sub.Tenant, Product: sub.Product,
				Seats: sub.Seats, End: dateOnly(sub.End), State: rp.cfg.policy.State(sub, day).String()})
		}
	}
	rp.writeJSON(s)
	return nil
}

// dateOnly is d as YYYY-MM-DD, empty for the zero time.
func dateOnly(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}
