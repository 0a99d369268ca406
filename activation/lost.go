package activation

import "fmt"

// Forget makes b write on (tenant, product) again after it found that its
// Journal lost acknowledged records there, and forgets the head it
// remembers. A Book that remembers a head of a subscription and finds no
// record at that head's place when it appends the next one ([ErrGap]: a
// restore from a backup, a failover to an asynchronous standby), or reads a
// head below it in the subscription's turn ([TurnJournal]), returns an
// error wrapping [ErrBrokenStore] and refuses every Redeem and Import on
// that subscription until Forget; it does not write at the next free place,
// which would give the lost Seqs to other records. Only a Book that
// remembers a head can tell: a new Book, or one that read the head after
// the loss, writes on what the Journal holds. After a failover, compare the
// old primary's records with the new primary's ([Missing]) before Forget.
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

// turnFoundLoss is the error of a turn on (tenant, product) whose head is
// below the one the Book remembers there (none remembered: Seq 0): the
// Journal lost acknowledged records, as a raced append finds by [ErrGap].
// It stops the subscription until [Book.Forget]; nil if the head is not
// below.
func (b *Book) turnFoundLoss(remembered, head int64, tenant, product string) error {
	if head >= remembered {
		return nil
	}
	b.marks.setLost(tenant, product, true)
	return lostRecordsErr("book: journal head", ErrGap)
}
