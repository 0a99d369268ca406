// Package ledgertest is the conformance suite of the stores of package
// activation: every [activation.Ledger] runs [Run] (and [RunShared] when it
// can open a second handle on its storage), every [activation.Journal] runs
// [RunJournal], under the race detector.
//
//	func TestJournal(t *testing.T) {
//		ledgertest.RunJournal(t, func(t *testing.T) (first, second activation.Journal) {
//			schema := newEmptySchema(t)
//			return openStore(t, schema), openStore(t, schema)
//		})
//	}
//
// The cases test the store: its answers, its atomicity under [Racers]
// goroutines, what two handles see, what a done context records, and how
// identical retries converge through a store that fails before or after its
// commit or commits late ([FailingLedger], [FailingJournal], which a
// service's own tests may use too). Each case runs on a fresh store, in
// parallel with the others.
package ledgertest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// Racers is how many goroutines the concurrent cases start at once.
const Racers = 64

// Run runs the Ledger cases against the Ledgers newLedger returns: a fresh,
// empty ledger for each call.
func Run(t *testing.T, newLedger func(t *testing.T) activation.Ledger) {
	t.Helper()
	run(t, map[string]func(*testing.T, activation.Ledger){
		"ClaimLookup":                    testClaimLookup,
		"ClaimDoneContext":               testClaimDoneContext,
		"ClaimRace":                      testClaimRace,
		"ClaimRefusesKeyText":            testClaimRefusesKeyText,
		"Redeem":                         testRedeem,
		"IdenticalRequestReplays":        testIdenticalReplays,
		"OtherRequestAlreadyRedeemed":    testOtherRequest,
		"RefusedRecordsNothing":          testRefused,
		"CancelledContextRecordsNothing": testCancelled,
		"RaceOneKeyManyTenants":          testRaceOneKey,
		"RaceIdenticalRequests":          testRaceIdentical,
		"RaceManyKeys":                   testRaceManyKeys,
		"StoreFailsBeforeCommit":         testFailBefore,
		"StoreFailsAfterCommit":          testFailAfter,
		"StoreFailsUnderRace":            testFailUnderRace,
		"StoreCommitsLate":               testCommitLate,
	}, func(t *testing.T) activation.Ledger {
		l := newLedger(t)
		require.NotNil(t, l, "newLedger returned nil")
		return l
	})
}

// RunShared runs the Ledger cases that need two independent handles on one
// store, as two processes have: open returns a fresh, empty store per case,
// twice.
func RunShared(t *testing.T, open func(t *testing.T) (first, second activation.Ledger)) {
	t.Helper()
	run(t, map[string]func(*testing.T, [2]activation.Ledger){
		"RaceOneKeyTwoHandles":    testSharedRaceOneKey,
		"RaceIdenticalTwoHandles": testSharedRaceIdentical,
		"CommitLateSeenByOther":   testSharedCommitLate,
	}, func(t *testing.T) [2]activation.Ledger {
		first, second := open(t)
		require.NotNil(t, first, "open returned a nil first handle")
		require.NotNil(t, second, "open returned a nil second handle")
		return [2]activation.Ledger{first, second}
	})
}

// OpenJournal opens a fresh, empty store for one case of [RunJournal] and
// returns two independent handles on it, as two processes sharing the store
// have (a store in memory returns the same value twice). Clean it up with
// t.Cleanup.
type OpenJournal func(t *testing.T) (first, second activation.Journal)

// RunJournal runs the Journal cases against the stores open returns; a case
// that races runs through one handle and again spread over both. The cases
// that need a Ledger too are skipped for a store that is not one.
func RunJournal(t *testing.T, open OpenJournal) {
	t.Helper()
	run(t, map[string]func(*testing.T, OpenJournal){
		"AppendLookupHead":                one(testJournalAppend),
		"AppendDoneContext":               one(testJournalDoneContext),
		"AppendRefusesGap":                one(testJournalAppendGap),
		"AppendRefusesKeyText":            one(testJournalRefusesKeyText),
		"AppendKeepsNames":                one(testJournalAppendKeepsNames),
		"HistoryPages":                    one(testJournalHistoryPages),
		"Heads":                           one(testJournalHeads),
		"RoundTripExtremes":               one(testJournalExtremes),
		"SecondHandleSees":                one(testJournalSecondHandle),
		"BookRedeemReplayAfterMovedOn":    one(testBookReplay),
		"BookImports":                     one(testBookImports),
		"BookCancelledRecordsNothing":     one(testBookCancelled),
		"RaceDistinctKeysOneSubscription": oneAndTwo(testBookRaceDistinct),
		"RaceIdenticalRequests":           oneAndTwo(testBookRaceIdentical),
		"RaceOneKeyManyTenants":           oneAndTwo(testBookRaceOneKey),
		"RaceImportsAndRedemptions":       oneAndTwo(testBookRaceImports),
		"RaceSharedBooks":                 one(testBookRaceSharedBooks),
		"LedgerAndJournalShareKeys":       one(testLedgerAndJournal),
		"StoreFailsBeforeCommit":          one(testBookFailBefore),
		"StoreFailsAfterCommit":           one(testBookFailAfter),
		"StoreCommitsLate":                one(testBookCommitLate),
		"StoreFailsUnderRace":             oneAndTwo(testBookFailUnderRace),
	}, func(*testing.T) OpenJournal { return open })
}

// run runs each case in a parallel subtest on what fresh returns for it.
func run[S any](t *testing.T, cases map[string]func(*testing.T, S), fresh func(*testing.T) S) {
	t.Helper()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c(t, fresh(t))
		})
	}
}

// opened opens a fresh store for a case.
func opened(t *testing.T, open OpenJournal) (first, second activation.Journal) {
	t.Helper()
	first, second = open(t)
	require.NotNil(t, first, "open returned a nil first handle")
	require.NotNil(t, second, "open returned a nil second handle")
	return first, second
}

// one runs a case on a fresh store with its two handles.
func one(run func(t *testing.T, first, second activation.Journal)) func(*testing.T, OpenJournal) {
	return func(t *testing.T, open OpenJournal) {
		first, second := opened(t, open)
		run(t, first, second)
	}
}

// oneAndTwo runs a case on a fresh store through its first handle only, and
// on another fresh store with its Books spread over both handles.
func oneAndTwo(run func(t *testing.T, handles []activation.Journal)) func(*testing.T, OpenJournal) {
	return func(t *testing.T, open OpenJournal) {
		t.Run("one handle", func(t *testing.T) {
			first, _ := opened(t, open)
			run(t, []activation.Journal{first})
		})
		t.Run("two handles", func(t *testing.T) {
			first, second := opened(t, open)
			run(t, []activation.Journal{first, second})
		})
	}
}
