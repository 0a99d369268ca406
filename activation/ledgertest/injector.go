package ledgertest

import (
	"sync"

	"github.com/coterm/coterm/activation"
)

// injector is what [FailingLedger] and [FailingJournal] share: the mutex
// under which their counters count down, and the writes CommitLate held
// back.
type injector struct {
	mu   sync.Mutex
	late []activation.Record // writes to make later
}

// take decrements *n and reports true if it was positive.
func (in *injector) take(n *int) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if *n <= 0 {
		return false
	}
	*n--
	return true
}

// holdBack takes one of *commitLate and keeps rec for later, if one is
// left.
func (in *injector) holdBack(commitLate *int, rec activation.Record) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if *commitLate <= 0 {
		return false
	}
	*commitLate--
	in.late = append(in.late, rec)
	return true
}

// flush hands every held-back record to write, now, and returns write's
// first error.
func (in *injector) flush(write func(activation.Record) error) error {
	in.mu.Lock()
	late := in.late
	in.late = nil
	in.mu.Unlock()
	var first error
	for _, rec := range late {
		if err := write(rec); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// injected is err, or [ErrInjected] when err is nil.
func injected(err error) error {
	if err != nil {
		return err
	}
	return ErrInjected
}
