package activation

import "fmt"

// Forget makes b write on (tenant, product) again, forgetting the head it
// remembers, after it found that its Journal lost acknowledged records
// there: a head it remembers is missing ([ErrGap]) or a turn reads one
// below it. Until then b refuses every Redeem and Import there with an error
// wrapping [ErrBrokenStore], rather than give the lost Seqs to other
// records. Only a Book that remembers a head can tell: a new Book, or one
// that read the head after the loss, writes on what the Journal holds.
// After a failover, compare the old primary's records with the new
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
