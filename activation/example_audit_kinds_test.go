package activation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
)

// A chain of changes that another package keeps on a Journal — here the
// licences deployed at a site, each change with the running total — is
// proved by that package's rules: someone appended a change straight to
// the store that deploys past the 100 licences granted.
func ExampleVerifier_VerifyChain() {
	ctx := context.Background()
	j := activation.NewMemoryJournal()
	type deployment struct{ Deployed, Total int }
	for i, d := range []deployment{{60, 60}, {30, 90}, {20, 110}} {
		change, err := json.Marshal(d)
		if err != nil {
			panic(err)
		}
		rec := activation.Record{
			Kind:        activation.ChangeRecord,
			Fingerprint: activation.ChangeFingerprint("deployments", fmt.Sprint("request-", i+1)),
			Seq:         int64(i + 1),
			Policy:      "deployments v1",
			RecordedAt:  time.Date(2027, 1, 10+i, 9, 0, 0, 0, time.UTC),
			Outcome:     activation.Outcome{At: exDay(2027, 1, 10+i), After: activation.Subscription{Tenant: "contoso", Product: "Munich"}},
			Change:      string(change),
			Note:        fmt.Sprintf("%d licences deployed", d.Deployed),
		}
		if _, _, err := j.Append(ctx, rec); err != nil {
			panic(err)
		}
	}

	// The package's rules: each total is the previous one plus what was
	// deployed, and never more than the 100 licences granted.
	rules := func(prev *activation.Record, rec activation.Record) error {
		var before, d deployment
		if prev != nil {
			if err := json.Unmarshal([]byte(prev.Change), &before); err != nil {
				return err
			}
		}
		if err := json.Unmarshal([]byte(rec.Change), &d); err != nil {
			return err
		}
		switch {
		case d.Total != before.Total+d.Deployed:
			return fmt.Errorf("total %d, want %d", d.Total, before.Total+d.Deployed)
		case d.Total > 100:
			return fmt.Errorf("%d licences deployed, 100 granted", d.Total)
		}
		return nil
	}
	sum, err := activation.Verifier{Changes: rules}.VerifyChain(ctx, j, "contoso", "Munich", func(f activation.Finding) error {
		fmt.Println(f)
		return nil
	})
	fmt.Println(sum, err)
	// Output:
	// "contoso" "Munich" #3: outcome: the rules of its chain refuse this change: 110 licences deployed, 100 granted
	// 1 chain, 3 records: 1 break, 0 not verifiable <nil>
}
