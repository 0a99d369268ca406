package activation

import "fmt"

// Forget makes b write on (tenant, product) again, forgetting the head it
// remembers, after it found that its Journal lost acknowledged records
// there: a head it remembers is missing ([ErrGap]) or a turn reads one
// below it. Until then b refuses every Redeem and Import there with an error
// wrapping [ErrBrokenStore], rather than give the lost Seqs to other
// records. After a failover, compare the old primary's records with the new
// primary's ([Missing]) before Forget.
func (b *Book) Forget(tenant, product string) {
	if b == nil {
		return
	}
	b.cache.forget(tenant, product)
	b.marks.setLost(tenant, product, false)
}

// lostMsg says what a Book found when its Journal lost records.
const lostMsg = "the journal lacks records this Book saw acknowledged (a restore or a failover lost them); " +
	"nothing was recorded, and nothing is until Book.Forget"

// lostRecords is the error of a write on a subscription whose Journal lost
// records.
func lostRecords(msg string) error { return brokenStore(msg, lostMsg) }

// lostRecordsErr is lostRecords that also wraps the store's err.
func lostRecordsErr(msg string, err error) error {
	return fmt.Errorf("%w: %w", lostRecords(msg), err)
}

// headInTurn is the head h a turn on (tenant, product) read (ok false:
// none), checked: a head of another subscription is a broken store, and a
// head below the one the Book remembers there (none remembered: Seq 0)
// means the Journal lost acknowledged records, as a raced append finds by
// [ErrGap], which stops the subscription until [Book.Forget]. A head that
// moved since the one remembered marks the subscription contended.
func (b *Book) headInTurn(h *Record, ok bool, remembered int64, tenant, product string) (tip, error) {
	var head tip
	if ok {
		if err := checkHead(h, tenant, product); err != nil {
			return tip{}, err
		}
		head = tipOf(h)
	}
	switch {
	case head.seq < remembered:
		b.marks.setLost(tenant, product, true)
		return tip{}, lostRecordsErr("book: journal head", ErrGap)
	case head.seq != remembered:
		b.marks.contend(tenant, product) // another writer moved the head
	}
	return head, nil
}
