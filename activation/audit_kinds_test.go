package activation_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// The change chain of the audit's tests: three change records at (chain,
// branch) whose Change counts 1, 2, 3.
const chain, branch = "Contoso", "Munich"

// changeChain returns a rawJournal holding the change chain and the
// subscriptions of auditScenario.
func changeChain(t *testing.T) *rawJournal {
	t.Helper()
	r := rawCopy(t, auditScenario(t))
	for seq := int64(1); seq <= 3; seq++ {
		rec := changeRec(chain, branch, fmt.Sprint("req-", seq), seq, strconv.FormatInt(seq, 10))
		r.chains[[2]string{chain, branch}] = append(r.chains[[2]string{chain, branch}], rec)
	}
	return r
}

// counting is a Verifier.Changes: each change is the previous one's number
// plus one, the first 1. It records the Seqs it is called with.
func counting(calls *[][2]int64) func(prev *activation.Record, rec activation.Record) error {
	return func(prev *activation.Record, rec activation.Record) error {
		want := int64(1)
		call := [2]int64{0, rec.Seq}
		if prev != nil {
			n, err := strconv.ParseInt(prev.Change, 10, 64)
			if err != nil {
				return err
			}
			want, call[0] = n+1, prev.Seq
		}
		*calls = append(*calls, call)
		if rec.Change != strconv.FormatInt(want, 10) {
			return fmt.Errorf("want %d, have %s", want, rec.Change)
		}
		return nil
	}
}

// verifyChain runs VerifyChain on (tenant, product) of j and returns every
// finding.
func verifyChain(t *testing.T, v activation.Verifier, j activation.Journal, tenant, product string) ([]activation.Finding, activation.AuditSummary) {
	t.Helper()
	var found []activation.Finding
	sum, err := v.VerifyChain(context.Background(), j, tenant, product, func(f activation.Finding) error {
		found = append(found, f)
		return nil
	})
	require.NoError(t, err)
	return found, sum
}

// TestVerifyChainOfChanges: a chain of change records is checked for Seq,
// place, form, kind and key, and each change by Verifier.Changes given the
// record before it — never across a missing record or a record of another
// kind; a subscription's history is checked as before, and a change record
// in it breaks its link.
func TestVerifyChainOfChanges(t *testing.T) {
	const key = "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"
	other := activation.Record{Seq: 2, Policy: "partner-center", Outcome: activation.Outcome{Op: activation.Import, Applied: activation.Import,
		At: auditDay(2027, 1, 10), After: activation.Subscription{Tenant: chain, Product: branch, Seats: 5, End: auditDay(2028, 1, 1)}}}
	cases := []struct {
		name            string
		tenant, product string
		noHook          bool
		tamper          func(r *rawJournal)
		want            []want
		calls           [][2]int64 // the Seqs Changes is called with (prev, rec)
	}{
		{name: "clean", tamper: func(*rawJournal) {}, calls: [][2]int64{{0, 1}, {1, 2}, {2, 3}}},
		{
			name:   "a change the rules refuse, and the next with it",
			tamper: func(r *rawJournal) { r.at(chain, branch, 2).Change = "7" },
			want: []want{{chain, branch, 2, activation.BreakOutcome, "the rules of its chain refuse this change: want 2, have 7"},
				{chain, branch, 3, activation.BreakOutcome, "want 8, have 3"}},
			calls: [][2]int64{{0, 1}, {1, 2}, {2, 3}},
		},
		{
			name: "without Changes, form only", noHook: true,
			tamper: func(r *rawJournal) { r.at(chain, branch, 2).Change = "7" },
		},
		{
			name: "a record missing: the next is not given a predecessor it does not follow",
			tamper: func(r *rawJournal) {
				r.chains[[2]string{chain, branch}] = append(r.chains[[2]string{chain, branch}][:1:1], *r.at(chain, branch, 3))
			},
			want:  []want{{chain, branch, 2, activation.BreakSequence, "Seq 2 is missing"}},
			calls: [][2]int64{{0, 1}},
		},
		{
			name:   "a subscription record in a chain of changes",
			tamper: func(r *rawJournal) { *r.at(chain, branch, 2) = other },
			want: []want{{chain, branch, 2, activation.BreakLink, "a subscription record after a change record: a place holds records of one kind"},
				{chain, branch, 3, activation.BreakLink, "a change record after a subscription record"}},
			calls: [][2]int64{{0, 1}},
		},
		{
			name: "a change record in a subscription's history", tenant: ct, product: cp,
			tamper: func(r *rawJournal) {
				rec := changeRec(ct, cp, "req-x", 3, "1")
				*r.at(ct, cp, 3) = rec
			},
			want: []want{{ct, cp, 3, activation.BreakLink, "a change record after a subscription record"},
				{ct, cp, 4, activation.BreakLink, "a subscription record after a change record"}},
			calls: nil, // not linkable: the Seq 3 is no first record, and its predecessor is of another kind
		},
		{
			name:   "a record of no defined kind",
			tamper: func(r *rawJournal) { r.at(chain, branch, 2).Kind = 7 },
			want: []want{{chain, branch, 2, activation.BreakLink, "a RecordKind(7) record after a change record"},
				{chain, branch, 2, activation.BreakMalformed, "kind: 7 is not defined"},
				{chain, branch, 3, activation.BreakLink, "a change record after a RecordKind(7) record"}},
			calls: [][2]int64{{0, 1}},
		},
		{
			name:   "a change record that is not in its form",
			tamper: func(r *rawJournal) { r.at(chain, branch, 2).KeyTail = "EEEE5" },
			want:   []want{{chain, branch, 2, activation.BreakMalformed, "a change record holds its place, day, change and note only"}},
			calls:  [][2]int64{{0, 1}, {1, 2}, {2, 3}},
		},
		{
			name:   "a key in the note",
			tamper: func(r *rawJournal) { r.at(chain, branch, 3).Note = "from " + key },
			want:   []want{{chain, branch, 3, activation.BreakMalformed, "note could be read as a product key"}},
			calls:  [][2]int64{{0, 1}, {1, 2}, {2, 3}},
		},
		{
			name:   "a record of another place",
			tamper: func(r *rawJournal) { r.at(chain, branch, 2).Outcome.After.Product = "Berlin" },
			want:   []want{{chain, branch, 2, activation.BreakPlace, `Outcome.After names "Contoso" "Berlin"`}},
			calls:  [][2]int64{{0, 1}, {1, 2}, {2, 3}},
		},
		{
			name: "Lookup does not find the request's fingerprint",
			tamper: func(r *rawJournal) {
				r.lost = map[token.Fingerprint]bool{activation.ChangeFingerprint("test", "req-2"): true}
			},
			want:  []want{{chain, branch, 2, activation.BreakStore, "does not find this record's key fingerprint"}},
			calls: [][2]int64{{0, 1}, {1, 2}, {2, 3}},
		},
		{
			name: "another change under the request's fingerprint",
			tamper: func(r *rawJournal) {
				dup := *r.at(chain, branch, 2)
				dup.Change = "2 again"
				r.wrong = map[token.Fingerprint]activation.Record{dup.Fingerprint: dup}
			},
			want:  []want{{chain, branch, 2, activation.BreakDuplicateKey, `the same key is recorded at "Contoso" "Munich" #2`}},
			calls: [][2]int64{{0, 1}, {1, 2}, {2, 3}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := changeChain(t)
			c.tamper(r)
			var calls [][2]int64
			v := activation.Verifier{Policies: presets(t)}
			if !c.noHook {
				v.Changes = counting(&calls)
			}
			tenant, product := chain, branch
			if c.tenant != "" {
				tenant, product = c.tenant, c.product
			}
			found, sum := verifyChain(t, v, r, tenant, product)
			requireChangeFindings(t, c.want, found)
			require.Equal(t, c.calls, calls, "the calls of Changes (prev, rec)")
			require.Equal(t, int64(1), sum.Chains)
			require.Equal(t, int64(len(c.want)), sum.Breaks)
		})
	}
}

// requireFindings requires exactly the findings of want, in order.
func requireChangeFindings(t *testing.T, want []want, found []activation.Finding) {
	t.Helper()
	require.Len(t, found, len(want), "%v", found)
	for i, w := range want {
		f := found[i]
		require.Equal(t, activation.Place{Tenant: w.tenant, Product: w.product, Seq: w.seq}, f.Place, "finding %d: %v", i, f)
		require.Equal(t, w.kind, f.Kind, "finding %d: %v", i, f)
		require.Contains(t, f.Detail, w.detail, "finding %d", i)
	}
}

// TestVerifyChainMasksKeys: an error of Changes that holds a product key is
// reported with the key masked, or not quoted at all when it is one.
func TestVerifyChainMasksKeys(t *testing.T) {
	const key = "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"
	for name, msg := range map[string]string{
		"a key in a sentence": "the deployment names " + key + " as its source",
		"a key alone":         key,
		"a key, lower case":   "key ab3de-fg5hj-kl7mn-pq9rs-tuvw2 refused",
	} {
		t.Run(name, func(t *testing.T) {
			v := activation.Verifier{Changes: func(*activation.Record, activation.Record) error { return errors.New(msg) }}
			found, _ := verifyChain(t, v, changeChain(t), chain, branch)
			require.Len(t, found, 3)
			for _, f := range found {
				require.Equal(t, activation.BreakOutcome, f.Kind)
				require.NotContains(t, f.Detail, "AB3DE")
				require.NotContains(t, f.Detail, "ab3de")
				require.NotContains(t, f.String(), "TUVW2")
			}
		})
	}
}

// TestVerifyListsSubscriptionsOnly: Verify does not reach a chain of
// changes on a MemoryJournal (its heads are subscriptions); VerifyChain
// does, and a place with no record is no chain.
func TestVerifyListsSubscriptionsOnly(t *testing.T) {
	ctx := context.Background()
	j := auditScenario(t)
	for seq := int64(1); seq <= 3; seq++ {
		_, taken, err := j.Append(ctx, changeRec(chain, branch, fmt.Sprint("req-", seq), seq, strconv.FormatInt(seq, 10)))
		require.NoError(t, err)
		require.Equal(t, activation.NothingTaken, taken)
	}
	found, sum := verify(t, j, presets(t))
	require.Empty(t, found)
	require.Equal(t, activation.AuditSummary{Chains: 3, Records: 9}, sum)

	var calls [][2]int64
	v := activation.Verifier{Changes: counting(&calls)}
	found, sum = verifyChain(t, v, j, chain, branch)
	require.Empty(t, found)
	require.Equal(t, activation.AuditSummary{Chains: 1, Records: 3}, sum)
	require.Len(t, calls, 3)

	found, sum = verifyChain(t, v, j, chain, "Berlin")
	require.Empty(t, found)
	require.Equal(t, activation.AuditSummary{}, sum)

	_, err := v.VerifyChain(ctx, nil, chain, branch, func(activation.Finding) error { return nil })
	require.ErrorIs(t, err, activation.ErrInvalid)
	_, err = v.VerifyChain(ctx, j, chain, branch, nil)
	require.ErrorIs(t, err, activation.ErrInvalid)
	broken := changeChain(t)
	broken.err = errors.New("disk gone")
	_, err = v.VerifyChain(ctx, broken, chain, branch, func(activation.Finding) error { return nil })
	require.ErrorIs(t, err, broken.err)
	stop := errors.New("stop")
	v.Changes = func(*activation.Record, activation.Record) error { return errors.New("no") }
	_, err = v.VerifyChain(ctx, j, chain, branch, func(activation.Finding) error { return stop })
	require.ErrorIs(t, err, stop)
}

// TestAuditFedChanges: a store that feeds an Audit its rows (as pgledger's
// Verify does) gets change records checked by Changes, not by Policy.Apply.
func TestAuditFedChanges(t *testing.T) {
	var calls [][2]int64
	var found []activation.Finding
	a, err := activation.Verifier{Policies: presets(t), Changes: counting(&calls)}.Begin(func(f activation.Finding) error {
		found = append(found, f)
		return nil
	})
	require.NoError(t, err)
	r := changeChain(t)
	for _, k := range r.keys() {
		for _, rec := range r.chains[k] {
			require.NoError(t, a.Record(k[0], k[1], rec))
		}
	}
	require.Empty(t, found)
	require.Equal(t, [][2]int64{{0, 1}, {1, 2}, {2, 3}}, calls)
	require.Equal(t, activation.AuditSummary{Chains: 4, Records: 12}, a.Summary())
}

// changePlaces are the places of the chains of changes that
// TestVerifyCleanJournal keeps beside its subscriptions, for each tenant.
var changePlaces = []string{"Munich", "Berlin"}

// appendChange appends the next change of the chain at (tenant, place) of
// j on day at, as the package that keeps the chain would: its Change counts
// (see counting).
func appendChange(t require.TestingT, j activation.Journal, tenant, place string, at time.Time) {
	ctx := context.Background()
	head, _, err := j.Head(ctx, tenant, place)
	require.NoError(t, err)
	seq := head.Seq + 1
	rec := changeRec(tenant, place, fmt.Sprintf("%s/%s/%d", tenant, place, seq), seq, strconv.FormatInt(seq, 10))
	rec.Outcome.At = at
	_, taken, err := j.Append(ctx, rec)
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
}

// requireCleanChanges verifies every chain of changes of tenants on j:
// nothing found, every record read and checked by Changes.
func requireCleanChanges(t require.TestingT, j activation.Journal, tenants []string) {
	ctx := context.Background()
	for _, tenant := range tenants {
		for _, place := range changePlaces {
			head, _, err := j.Head(ctx, tenant, place)
			require.NoError(t, err)
			var calls [][2]int64
			sum, err := activation.Verifier{Changes: counting(&calls)}.VerifyChain(ctx, j, tenant, place, func(f activation.Finding) error {
				return fmt.Errorf("a finding in a clean chain of changes: %v", f)
			})
			require.NoError(t, err)
			require.Equal(t, head.Seq, sum.Records)
			require.Len(t, calls, int(head.Seq))
		}
	}
}

// BenchmarkVerifyChain: the audit of one chain of 10⁴ and 10⁵ change
// records on a MemoryJournal, each checked by a Changes that reads nothing
// but the Seqs. Reports records/s.
func BenchmarkVerifyChain(b *testing.B) {
	for _, n := range []int64{10_000, 100_000} {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			ctx := context.Background()
			j := activation.NewMemoryJournal()
			for seq := int64(1); seq <= n; seq++ {
				if _, _, err := j.Append(ctx, changeRec(chain, branch, fmt.Sprint("bench-", seq), seq, `{"deploy":1}`)); err != nil {
					b.Fatal(err)
				}
			}
			v := activation.Verifier{Changes: func(prev *activation.Record, rec activation.Record) error {
				if prev != nil && prev.Seq+1 != rec.Seq {
					return errors.New("not the record before")
				}
				return nil
			}}
			var elapsed time.Duration
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				sum, err := v.VerifyChain(ctx, j, chain, branch, func(f activation.Finding) error { return fmt.Errorf("finding: %v", f) })
				elapsed += time.Since(start)
				if err != nil || sum.Records != n {
					b.Fatalf("VerifyChain: %v, %v", sum, err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/elapsed.Seconds(), "records/s")
		})
	}
}
