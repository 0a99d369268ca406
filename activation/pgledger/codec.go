package pgledger

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// TEMPORARY: replaced by activation.Record's MarshalBinary once it exists.

type tmpRecord struct {
	Fingerprint token.Fingerprint
	Request     activation.RequestID
	Seq         int64
	KeyTail     string
	Policy      string
	RecordedAt  time.Time
	Op, Applied int
	At          time.Time
	Product     string
	Seats, Term int
	Before      activation.Subscription
	After       activation.Subscription
	StateBefore int
	Rem, TD, NR int
	TM          int
	SDB, SDA, R int64
	MN, MD      int64
	DA, DL      int
	Rounding    int
	Convention  int
	Anchor      int
	CapFactor   int
}

func encodeRecord(r activation.Record) ([]byte, error) {
	if !r.Outcome.Token.Key.IsZero() {
		return nil, errors.New("pgledger: a record must not hold a product key")
	}
	o := r.Outcome
	return json.Marshal(tmpRecord{r.Fingerprint, r.Request, r.Seq, r.KeyTail, r.Policy, r.RecordedAt,
		int(o.Op), int(o.Applied), o.At, o.Token.Product, o.Token.Seats, o.Token.TermMonths, o.Before, o.After, int(o.StateBefore),
		o.Remaining, o.TermDays, o.NewRemaining, o.TermMonths, o.SeatDaysBefore, o.SeatDaysAfter, o.Residue,
		o.MonthsNum, o.MonthsDen, o.DaysAdded, o.DaysLost, int(o.Rounding), int(o.Convention), int(o.Anchor), o.CapFactor})
}

func decodeRecord(b []byte) (activation.Record, error) {
	var t tmpRecord
	if err := json.Unmarshal(b, &t); err != nil {
		return activation.Record{}, err
	}
	return activation.Record{Fingerprint: t.Fingerprint, Request: t.Request, Seq: t.Seq, KeyTail: t.KeyTail, Policy: t.Policy, RecordedAt: t.RecordedAt,
		Outcome: activation.Outcome{Op: activation.Operation(t.Op), Applied: activation.Operation(t.Applied), At: t.At, Token: token.Token{Product: t.Product, Seats: t.Seats, TermMonths: t.Term},
			Before: t.Before, After: t.After, StateBefore: activation.State(t.StateBefore), Remaining: t.Rem, TermDays: t.TD, NewRemaining: t.NR, TermMonths: t.TM,
			SeatDaysBefore: t.SDB, SeatDaysAfter: t.SDA, Residue: t.R, MonthsNum: t.MN, MonthsDen: t.MD, DaysAdded: t.DA, DaysLost: t.DL,
			Rounding: proration.Rounding(t.Rounding), Convention: proration.Convention(t.Convention), Anchor: activation.Anchor(t.Anchor), CapFactor: t.CapFactor}}, nil
}
