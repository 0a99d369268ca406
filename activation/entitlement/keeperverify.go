package entitlement

import (
	"context"

	"github.com/coterm/coterm/activation"
)

// Verify audits every location's chain in k's Journal, in the
// organisation's order of locations, with activation.Verifier.VerifyChain,
// each change record checked by [Keeper.CheckChange] (with the record
// before it), and passes each finding to found: what a partner shows of its
// on-premises records in a compliance audit. It returns the summaries of
// the chains added up. An error of the Journal, of ctx or of found stops
// it and is returned with the summary so far.
func (k *Keeper) Verify(ctx context.Context, found func(activation.Finding) error) (activation.AuditSummary, error) {
	v := activation.Verifier{Changes: k.CheckChange}
	var sum activation.AuditSummary
	for _, l := range k.org.locs {
		s, err := v.VerifyChain(ctx, k.j, k.chain, l.name, found)
		sum.Chains += s.Chains
		sum.Records += s.Records
		sum.Breaks += s.Breaks
		sum.NotVerifiable += s.NotVerifiable
		if err != nil {
			return sum, err
		}
	}
	return sum, nil
}
