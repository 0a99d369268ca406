package activation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/token"
)

// slowBatches is a MemoryJournal whose appends wait a little, so that
// redemptions queue behind them, and that counts the batches' sizes.
type slowBatches struct {
	*MemoryJournal
	mu    sync.Mutex
	sizes []int
	gate  chan struct{} // if not nil, the next append waits for it to close
}

func (s *slowBatches) wait() {
	s.mu.Lock()
	g := s.gate
	s.gate = nil
	s.mu.Unlock()
	if g != nil {
		<-g
	}
	time.Sleep(2 * time.Millisecond)
}

func (s *slowBatches) Append(ctx context.Context, rec Record) (Record, Taken, error) {
	s.wait()
	s.mu.Lock()
	s.sizes = append(s.sizes, 1)
	s.mu.Unlock()
	return s.MemoryJournal.Append(ctx, rec)
}

func (s *slowBatches) AppendBatch(ctx context.Context, recs []Record) (Conflict, error) {
	s.wait()
	s.mu.Lock()
	s.sizes = append(s.sizes, len(recs))
	s.mu.Unlock()
	return s.MemoryJournal.AppendBatch(ctx, recs)
}

// slowTurns is slowBatches with turns: one mutex for every subscription,
// a valid (if coarse) turn. It counts the batches appended in a turn and
// those appended without one.
type slowTurns struct {
	*slowBatches
	turn              sync.Mutex
	inTurn, outOfTurn int
	head              func(*Record) // if not nil, changes the head a turn reads
	fail              error         // if not nil, what a batch's turn answers
	early             error         // if not nil, what a batch's turn answers before it calls next
	calls             int           // AppendBatchInTurn's calls
	block             chan struct{} // if not nil, a batch's turn waits for it (or for its ctx) first
	waiting           chan struct{} // told when a batch\'s turn starts waiting for block
}

func (s *slowTurns) AppendBatch(ctx context.Context, recs []Record) (Conflict, error) {
	s.mu.Lock()
	s.outOfTurn++
	s.mu.Unlock()
	return s.slowBatches.AppendBatch(ctx, recs)
}

func (s *slowTurns) AppendInTurn(ctx context.Context, tenant, product string, next func(Record, bool) (Record, error)) (Record, Taken, error) {
	s.turn.Lock()
	defer s.turn.Unlock()
	h, ok, err := s.MemoryJournal.Head(ctx, tenant, product)
	if err != nil {
		return Record{}, NothingTaken, err
	}
	rec, err := next(h, ok)
	if err != nil {
		return Record{}, NothingTaken, err
	}
	return s.slowBatches.Append(ctx, rec)
}

func (s *slowTurns) AppendBatchInTurn(ctx context.Context, tenant, product string, next func(Record, bool) ([]Record, error)) (Conflict, error) {
	if s.block != nil {
		s.waiting <- struct{}{}
		select {
		case <-s.block:
		case <-ctx.Done():
			return Conflict{}, ctx.Err()
		}
	}
	s.turn.Lock()
	defer s.turn.Unlock()
	s.calls++
	if s.early != nil {
		return Conflict{}, s.early
	}
	h, ok, err := s.MemoryJournal.Head(ctx, tenant, product)
	if err != nil {
		return Conflict{}, err
	}
	if s.head != nil {
		s.head(&h)
	}
	recs, err := next(h, ok)
	if err != nil {
		return Conflict{}, err
	}
	if s.fail != nil {
		return Conflict{}, s.fail
	}
	s.mu.Lock()
	s.inTurn++
	s.mu.Unlock()
	return s.slowBatches.AppendBatch(ctx, recs)
}

// combineJournals are the journals the combining tests run on: batches
// raced for (a BatchJournal), and batches in turns (a BatchTurnJournal).
func combineJournals(t *testing.T, run func(t *testing.T, j Journal, slow *slowBatches)) {
	t.Run("race", func(t *testing.T) {
		s := &slowBatches{MemoryJournal: NewMemoryJournal()}
		run(t, s, s)
	})
	t.Run("turns", func(t *testing.T) {
		s := &slowBatches{MemoryJournal: NewMemoryJournal()}
		j := &slowTurns{slowBatches: s}
		run(t, j, s)
		assert.Zero(t, j.outOfTurn, "a batch appended out of its turn")
		assert.Positive(t, j.inTurn, "no batch appended in a turn")
	})
}

func combineKey(t testing.TB, n int) token.Key {
	t.Helper()
	k, err := token.ParseKey(fmt.Sprintf("COMBI-NEKEY-%05d-TESTK-%05d", n, n))
	require.NoError(t, err)
	return k
}

const combineProduct = "O365-E3"

var combineDay = time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)

// contendedBook returns a Book on j that has seen contention on contoso's
// subscription, which it has imported with 10 seats.
func contendedBook(t *testing.T, j Journal) *Book {
	b := &Book{Journal: j, Policy: PartnerCenter()}
	require.NoError(t, b.Import(context.Background(), Subscription{Tenant: "contoso", Product: combineProduct, Seats: 10, End: combineDay.AddDate(1, 0, 0)}, combineDay))
	b.marks.contend("contoso", combineProduct)
	return b
}

// TestCombinedRedemptions: 64 goroutines redeem on a contended subscription;
// their redemptions go in batches, every key exactly once, the chain is
// what redeeming them one after the other gives, and a retry replays.
func TestCombinedRedemptions(t *testing.T) {
	combineJournals(t, testCombinedRedemptions)
}

func testCombinedRedemptions(t *testing.T, jr Journal, j *slowBatches) {
	ctx := context.Background()
	b := contendedBook(t, jr)
	const n = 64
	outs := make([]Outcome, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = b.Redeem(ctx, "contoso", combineProduct, token.Token{Key: combineKey(t, i), Product: combineProduct, Seats: 1}, AddSeats, combineDay)
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i], "redemption %d", i)
		assert.Equal(t, combineKey(t, i), outs[i].Token.Key)
		assert.False(t, outs[i].Replayed)
	}
	big := 0
	for _, s := range j.sizes {
		big = max(big, s)
	}
	assert.Greater(t, big, 1, "no batch carried more than one redemption: %v", j.sizes)

	hist, err := b.History(ctx, "contoso", combineProduct)
	require.NoError(t, err)
	require.Len(t, hist, n+1)
	seats := 10
	for i, rec := range hist[1:] {
		seats++
		assert.EqualValues(t, i+2, rec.Seq)
		assert.Equal(t, seats, rec.Outcome.After.Seats, "record %d", rec.Seq)
		assert.Equal(t, hist[i].Outcome.After, rec.Outcome.Before, "record %d is not on the one before", rec.Seq)
	}
	// A retry of any of them replays.
	again, err := b.Redeem(ctx, "contoso", combineProduct, token.Token{Key: combineKey(t, 7), Product: combineProduct, Seats: 1}, AddSeats, combineDay)
	require.NoError(t, err)
	assert.True(t, again.Replayed)
	assert.Equal(t, outs[7].After, again.After)
}

// TestCombinedAnswersEachAlone: in one batch, a key asked twice is applied
// once and replayed once, a key spent by another request is already
// redeemed, a key the policy refuses is refused, a caller who gave up is
// answered with its error, and the rest are stored, in the order of their
// days.
func TestCombinedAnswersEachAlone(t *testing.T) {
	combineJournals(t, testCombinedAnswersEachAlone)
}

func testCombinedAnswersEachAlone(t *testing.T, jr Journal, j *slowBatches) {
	ctx := context.Background()
	b := contendedBook(t, jr)
	spent := combineKey(t, 900)
	_, err := b.Redeem(ctx, "contoso", combineProduct, token.Token{Key: spent, Product: combineProduct, Seats: 1}, AddSeats, combineDay)
	require.NoError(t, err)

	gone, cancel := context.WithCancel(ctx)
	cancel()
	type ask struct {
		ctx  context.Context
		key  token.Key
		op   Operation
		day  time.Time
		want func(t *testing.T, o Outcome, err error)
	}
	ok := func(t *testing.T, o Outcome, err error) { require.NoError(t, err) }
	asks := []ask{
		{ctx, combineKey(t, 1), AddSeats, combineDay.AddDate(0, 0, 2), ok},
		{ctx, combineKey(t, 2), AddSeats, combineDay.AddDate(0, 0, 1), ok},
		{ctx, combineKey(t, 3), AddSeats, combineDay.AddDate(0, 0, 1), ok}, // asked twice
		{ctx, combineKey(t, 3), AddSeats, combineDay.AddDate(0, 0, 1), ok},
		{ctx, spent, ExtendEnd, combineDay, func(t *testing.T, _ Outcome, err error) { require.ErrorIs(t, err, ErrAlreadyRedeemed) }},
		{ctx, combineKey(t, 4), ExtendEnd, combineDay, func(t *testing.T, _ Outcome, err error) { require.ErrorIs(t, err, ErrExtensionCap) }},
		{gone, combineKey(t, 5), AddSeats, combineDay, func(t *testing.T, _ Outcome, err error) { require.ErrorIs(t, err, context.Canceled) }},
	}
	// Hold the queue: a first redemption waits in its append until the
	// asks have queued behind it.
	gate := make(chan struct{})
	j.gate = gate
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := b.Redeem(ctx, "contoso", combineProduct, token.Token{Key: combineKey(t, 800), Product: combineProduct, Seats: 1}, AddSeats, combineDay)
		assert.NoError(t, err)
	}()
	queued := func(n int) bool {
		b.combine.mu.Lock()
		defer b.combine.mu.Unlock()
		q := b.combine.queues[place{"contoso", combineProduct}]
		return q != nil && len(q.jobs) == n
	}
	require.Eventually(t, func() bool {
		j.mu.Lock()
		defer j.mu.Unlock()
		return queued(0) && j.gate == nil // the first is in its append
	}, 5*time.Second, time.Millisecond)
	outs := make([]Outcome, len(asks))
	errs := make([]error, len(asks))
	for i, a := range asks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seats := 1
			if a.op == ExtendEnd && a.key != spent {
				seats = 1000 // over the cap of three terms on 11 seats
			}
			outs[i], errs[i] = b.Redeem(a.ctx, "contoso", combineProduct, token.Token{Key: a.key, Product: combineProduct, Seats: seats}, a.op, a.day)
		}()
	}
	require.Eventually(t, func() bool { return queued(len(asks)) }, 5*time.Second, time.Millisecond)
	close(gate)
	wg.Wait()
	for i, a := range asks {
		a.want(t, outs[i], errs[i])
	}
	assert.NotEqual(t, outs[2].Replayed, outs[3].Replayed, "a key asked twice: one applies, one replays")
	_, found, err := j.Lookup(ctx, combineKey(t, 5).Fingerprint())
	require.NoError(t, err)
	assert.False(t, found, "a redemption whose caller gave up was stored")
	hist, err := b.History(ctx, "contoso", combineProduct)
	require.NoError(t, err)
	require.Len(t, hist, 6, "import, the spent key, the first, keys 2 and 3, key 1")
	for i := 1; i < len(hist); i++ {
		assert.False(t, hist[i].Outcome.At.Before(hist[i-1].Outcome.At), "days out of order")
	}
}

// TestCombinedTurnEdges: a batch in a turn whose every redemption the policy
// refuses stores nothing and answers each with its refusal; a turn that
// reads a head of another subscription, or fails, answers every redemption
// of the batch with the error.
func TestCombinedTurnEdges(t *testing.T) {
	ctx := context.Background()
	jobs := func(t *testing.T, from, seats int) []*combineJob {
		var js []*combineJob
		for i := range 3 {
			tok := token.Token{Key: combineKey(t, from+i), Product: combineProduct, Seats: seats}
			js = append(js, &combineJob{ctx: ctx, t: &tok, fp: tok.Key.Fingerprint(), op: ExtendEnd, at: combineDay, lead: make(chan bool, 1)})
		}
		return js
	}
	setup := func(t *testing.T) (*Book, *slowTurns) {
		j := &slowTurns{slowBatches: &slowBatches{MemoryJournal: NewMemoryJournal()}}
		return contendedBook(t, j), j
	}
	stored := func(t *testing.T, b *Book) int {
		h, err := b.History(ctx, "contoso", combineProduct)
		require.NoError(t, err)
		return len(h)
	}
	t.Run("every one refused", func(t *testing.T) {
		b, j := setup(t)
		js := jobs(t, 100, 1000) // over the cap of three terms on 10 seats
		require.Empty(t, b.runCombined(ctx, j, "contoso", combineProduct, js))
		for _, jb := range js {
			require.True(t, jb.done)
			require.ErrorIs(t, jb.err, ErrExtensionCap)
		}
		require.Equal(t, 1, stored(t, b))
		require.Zero(t, j.inTurn)
	})
	t.Run("a head of another subscription", func(t *testing.T) {
		b, j := setup(t)
		j.head = func(h *Record) { h.Outcome.After.Tenant = "fabrikam" }
		js := jobs(t, 200, 1)
		require.Empty(t, b.runCombined(ctx, j, "contoso", combineProduct, js))
		for _, jb := range js {
			require.True(t, jb.done)
			require.ErrorIs(t, jb.err, ErrBrokenStore)
		}
		require.Equal(t, 1, stored(t, b))
	})
	t.Run("the store fails", func(t *testing.T) {
		b, j := setup(t)
		j.fail = errors.New("connection cut")
		js := jobs(t, 300, 1)
		js[1].t.Seats = 1000 // refused after js[0], which was not stored: told the store's error, not the refusal
		require.Empty(t, b.runCombined(ctx, j, "contoso", combineProduct, js))
		for _, jb := range js {
			require.True(t, jb.done)
			require.ErrorContains(t, jb.err, "connection cut")
		}
		require.Equal(t, 1, stored(t, b))

		j.fail, j.early = nil, errors.New("no connection")
		js = jobs(t, 400, 1)
		require.Empty(t, b.runCombined(ctx, j, "contoso", combineProduct, js))
		for _, jb := range js {
			require.True(t, jb.done)
			require.ErrorContains(t, jb.err, "no connection")
		}
		require.Equal(t, 1, stored(t, b))
	})
	t.Run("every key spent", func(t *testing.T) {
		b, j := setup(t)
		js := jobs(t, 500, 1)[:2]
		require.NoError(t, b.Import(ctx, Subscription{Tenant: "fabrikam", Product: combineProduct, Seats: 10, End: combineDay.AddDate(1, 0, 0)}, combineDay))
		for _, jb := range js { // spent by another subscription
			_, err := b.Redeem(ctx, "fabrikam", combineProduct, *jb.t, AddSeats, combineDay)
			require.NoError(t, err)
		}
		require.Empty(t, b.runCombined(ctx, j, "contoso", combineProduct, js))
		for _, jb := range js {
			require.ErrorIs(t, jb.err, ErrAlreadyRedeemed)
		}
		require.Equal(t, 2, j.calls, "a turn for each key, and none once no key is left")
	})
	t.Run("the head cannot be read (no turns)", func(t *testing.T) {
		j := &failingHead{slowBatches: &slowBatches{MemoryJournal: NewMemoryJournal()}}
		b := contendedBook(t, j)
		b.cache.forget("contoso", combineProduct)
		j.fail = true
		js := jobs(t, 600, 1)
		require.Empty(t, b.runCombined(ctx, j, "contoso", combineProduct, js))
		for _, jb := range js {
			require.True(t, jb.done)
			require.ErrorContains(t, jb.err, "head unreadable")
		}
	})
}

// failingHead is slowBatches whose Head fails once fail is set.
type failingHead struct {
	*slowBatches
	fail bool
}

func (f *failingHead) Head(ctx context.Context, tenant, product string) (Record, bool, error) {
	if f.fail {
		return Record{}, false, errors.New("head unreadable")
	}
	return f.slowBatches.Head(ctx, tenant, product)
}

// TestCombinedTurnSeesTheHeadMoved: a batch whose turn reads a head that
// another writer moved since the Book remembered it renews the Book's mark
// of contention there (its redemptions keep queueing); one that reads the
// head it remembered does not.
func TestCombinedTurnSeesTheHeadMoved(t *testing.T) {
	ctx := context.Background()
	for _, moved := range []bool{false, true} {
		j := &slowTurns{slowBatches: &slowBatches{MemoryJournal: NewMemoryJournal()}}
		b := contendedBook(t, j)
		if moved { // another Book appends after b remembered the head
			other := &Book{Journal: j, Policy: PartnerCenter()}
			_, err := other.Redeem(ctx, "contoso", combineProduct, token.Token{Key: combineKey(t, 700), Product: combineProduct, Seats: 1}, AddSeats, combineDay)
			require.NoError(t, err)
		}
		k := place{"contoso", combineProduct}
		old := time.Now().Add(-time.Second)
		b.marks.mu.Lock()
		b.marks.contended[k] = old
		b.marks.mu.Unlock()
		var js []*combineJob
		for i := range 2 {
			tok := token.Token{Key: combineKey(t, 710+i), Product: combineProduct, Seats: 1}
			js = append(js, &combineJob{ctx: ctx, t: &tok, fp: tok.Key.Fingerprint(), op: AddSeats, at: combineDay, lead: make(chan bool, 1)})
		}
		require.Empty(t, b.runCombined(ctx, j, "contoso", combineProduct, js))
		for _, jb := range js {
			require.NoError(t, jb.err)
		}
		b.marks.mu.Lock()
		renewed := b.marks.contended[k].After(old)
		b.marks.mu.Unlock()
		require.Equal(t, moved, renewed, "head moved: %v", moved)
	}
}

// TestCombinedTurnWaitEndsWhenAllGiveUp: the leader's wait for a batch's
// turn ends once every caller of the batch has given up (each is answered
// with its context's error, nothing stored), and not while one of them
// still waits (the batch is stored whole).
func TestCombinedTurnWaitEndsWhenAllGiveUp(t *testing.T) {
	ctx := context.Background()
	for _, all := range []bool{true, false} {
		j := &slowTurns{slowBatches: &slowBatches{MemoryJournal: NewMemoryJournal()}, block: make(chan struct{}), waiting: make(chan struct{}, 1)}
		b := contendedBook(t, j)
		var js []*combineJob
		var cancels []context.CancelFunc
		for i := range 2 {
			cctx, cancel := context.WithCancel(ctx)
			cancels = append(cancels, cancel)
			tok := token.Token{Key: combineKey(t, 720+i), Product: combineProduct, Seats: 1}
			js = append(js, &combineJob{ctx: cctx, t: &tok, fp: tok.Key.Fingerprint(), op: AddSeats, at: combineDay, lead: make(chan bool, 1)})
		}
		done := make(chan []*combineJob, 1)
		go func() {
			done <- b.runCombined(context.WithoutCancel(ctx), j, "contoso", combineProduct, slices.Clone(js))
		}()
		<-j.waiting // the batch waits for its turn
		cancels[0]()
		if all {
			cancels[1]()
		} else {
			select {
			case <-done:
				t.Fatal("the turn's wait ended while a caller still waited")
			case <-time.After(50 * time.Millisecond):
			}
			close(j.block)
		}
		select {
		case again := <-done:
			require.Empty(t, again)
		case <-time.After(5 * time.Second):
			t.Fatalf("all gave up: %v; the leader still waits for the turn", all)
		}
		if all {
			require.ErrorIs(t, js[0].err, context.Canceled)
			require.ErrorIs(t, js[1].err, context.Canceled)
			continue
		}
		// A caller who gave up once its batch was formed is appended with it.
		require.NoError(t, js[0].err)
		require.NoError(t, js[1].err, "the caller who waited")
		cancels[1]()
	}
}
