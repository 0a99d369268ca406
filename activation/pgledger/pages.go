package pgledger

import (
	"context"
	"errors"

	"github.com/coterm/coterm/activation"
)

var _ activation.PagedJournal = (*Store)(nil)

// sqlHeadsAfter lists the heads of the subscriptions after the place ($1,
// $2), at most $3, by tenant then product in byte order, through the index
// coterm_records_heads (tenant, product, seq DESC, collation "C", places
// only): each step of the recursion is one descent of the index to the
// first entry after the previous place, which is the head of the next
// place (its highest Seq comes first), however long its history. The head
// of a chain of changes (kind 1) is stepped over, at the cost of its
// descent, and not returned. The recursion stops when the outer LIMIT has
// its rows.
const sqlHeadsAfter = `WITH RECURSIVE h AS (
    (SELECT r.tenant, r.product, r.kind, r.record FROM coterm_records r
    WHERE r.seq IS NOT NULL AND (r.tenant, r.product) > ($1, $2)
    ORDER BY r.tenant, r.product, r.seq DESC LIMIT 1)
  UNION ALL
    SELECT n.tenant, n.product, n.kind, n.record FROM h CROSS JOIN LATERAL (
        SELECT r.tenant, r.product, r.kind, r.record FROM coterm_records r
        WHERE r.seq IS NOT NULL AND (r.tenant, r.product) > (h.tenant, h.product)
        ORDER BY r.tenant, r.product, r.seq DESC LIMIT 1) n
)
SELECT record FROM h WHERE kind = 0 LIMIT $3`

// HeadsAfter implements [activation.PagedJournal]: one statement per page
// (sqlHeadsAfter), whose connection goes back to the pool before HeadsAfter
// returns. A place that is not valid UTF-8 text without NUL, which no
// record can hold, is refused.
func (s *Store) HeadsAfter(ctx context.Context, afterTenant, afterProduct string, limit int) ([]activation.Record, error) {
	switch {
	case limit <= 0:
		return nil, errors.New("pgledger: heads after: limit must be positive")
	case !validText(afterTenant) || !validText(afterProduct):
		return nil, errors.New("pgledger: heads after: the place is not valid UTF-8 text without NUL, which no record holds")
	}
	recs, err := s.many(ctx, s.reads(), sqlHeadsAfter, afterTenant, afterProduct, limit)
	return recs, wrap("heads after", err)
}
