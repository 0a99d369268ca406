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
// service's own tests may use too). A case that spends keys is written once
// and runs through a Redeemer on a Ledger and through a Book on a Journal.
// Each case runs on a fresh store, in parallel with the others.
package ledgertest

import (
	"maps"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// Racers is how many goroutines the concurrent cases start at once.
const Racers = 64

// spendCases spend keys through a path on one handle; raceCases also on two.
var (
	spendCases = map[string]func(*testing.T, *path){
		"Redeem":                         testRedeem,
		"IdenticalRequestReplays":        testIdenticalReplays,
		"OtherRequestAlreadyRedeemed":    testOtherRequest,
		"RefusedRecordsNothing":          testRefused,
		"CancelledContextRecordsNothing": testCancelled,
		"StoreFailsBeforeCommit":         testFailBefore,
		"StoreFailsAfterCommit":          testFailAfter,
		"StoreCommitsLate":               testCommitLate,
	}
	raceCases = map[string]func(*testing.T, *path){
		"RaceOneKeyManyTenants": testRaceOneKey,
		"RaceIdenticalRequests": testRaceIdentical,
		"RaceManyKeys":          testRaceManyKeys,
		"StoreFailsUnderRace":   testFailUnderRace,
	}
)

// Run runs the Ledger cases against the Ledgers newLedger returns: a fresh,
// empty ledger for each call.
func Run(t *testing.T, newLedger func(t *testing.T) activation.Ledger) {
	t.Helper()
	fresh := func(t *testing.T) activation.Ledger {
		l := newLedger(t)
		require.NotNil(t, l, "newLedger returned nil")
		return l
	}
	run(t, map[string]func(*testing.T, activation.Ledger){
		"ClaimLookup":         testClaimLookup,
		"ClaimDoneContext":    testClaimDoneContext,
		"ClaimRace":           testClaimRace,
		"ClaimRefusesKeyText": testClaimRefusesKeyText,
	}, fresh)
	onPath := func(t *testing.T) *path { return ledgerPath(fresh(t)) }
	run(t, spendCases, onPath)
	run(t, raceCases, onPath)
}

// RunShared runs the Ledger cases that race or retry across two independent
// handles on one store, as two processes have: open returns a fresh, empty
// store per case, twice.
func RunShared(t *testing.T, open func(t *testing.T) (first, second activation.Ledger)) {
	t.Helper()
	onPath := func(t *testing.T) *path {
		first, second := open(t)
		require.NotNil(t, first, "open returned a nil first handle")
		require.NotNil(t, second, "open returned a nil second handle")
		return ledgerPath(first, second)
	}
	t.Run("two handles", func(t *testing.T) {
		run(t, raceCases, onPath)
		run(t, map[string]func(*testing.T, *path){"CommitLateSeenByOther": testCommitLate}, onPath)
	})
}

// OpenJournal opens a fresh, empty store for one case of [RunJournal] and
// returns two independent handles on it, as two processes sharing the store
// have (a store in memory returns the same value twice). Clean it up with
// t.Cleanup.
type OpenJournal func(t *testing.T) (first, second activation.Journal)

// RunJournal runs the Journal cases against the stores open returns, those
// of change records ([RunChanges]) among them; a case that races runs
// through one handle and again spread over both. A store
// that is an [activation.TurnJournal] runs the cases of its turns too. The cases
// that need a Ledger too are skipped for a store that is not one.
func RunJournal(t *testing.T, open OpenJournal) {
	t.Helper()
	opened := opener(open)
	run(t, map[string]func(*testing.T, [2]activation.Journal){
		"AppendLookupHead":          testJournalAppend,
		"AppendDoneContext":         testJournalDoneContext,
		"AppendRefusesGap":          testJournalAppendGap,
		"AppendRefusesKeyText":      testJournalRefusesKeyText,
		"AppendKeepsNames":          testJournalAppendKeepsNames,
		"HistoryPages":              testJournalHistoryPages,
		"Heads":                     testJournalHeads,
		"HeadsAfter":                testJournalHeadsAfter,
		"RoundTripExtremes":         testJournalExtremes,
		"SecondHandleSees":          testJournalSecondHandle,
		"BookImports":               testBookImports,
		"RaceSharedBooks":           testBookRaceSharedBooks,
		"LedgerAndJournalShareKeys": testLedgerAndJournal,
	}, opened)
	run(t, batchCases, opened)
	run(t, changeCases, opened)
	run(t, spendCases, func(t *testing.T) *path { return journalPath(opened(t)[0]) })
	two := func(t *testing.T) *path { js := opened(t); return journalPath(js[:]...) }
	run(t, map[string]func(*testing.T, *path){"CommitLateSeenByOther": testCommitLate}, two)
	runTurns(t, opened)
	runBatchTurns(t, opened)
	races := map[string]func(*testing.T, *path){"RaceImportsAndRedemptions": testBookRaceImports}
	maps.Copy(races, raceCases)
	for name, c := range races {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run(t, map[string]func(*testing.T, *path){"one handle": c}, func(t *testing.T) *path { return journalPath(opened(t)[0]) })
			run(t, map[string]func(*testing.T, *path){"two handles": c}, two)
		})
	}
}

// opener returns the two handles open returns, as an array.
func opener(open OpenJournal) func(*testing.T) [2]activation.Journal {
	return func(t *testing.T) [2]activation.Journal {
		first, second := open(t)
		require.NotNil(t, first, "open returned a nil first handle")
		require.NotNil(t, second, "open returned a nil second handle")
		return [2]activation.Journal{first, second}
	}
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
