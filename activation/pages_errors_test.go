package activation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// brokenPages is a PagedJournal whose Head, HeadsAfter, Heads and History
// answer as its fields say, on top of an empty MemoryJournal.
type brokenPages struct {
	*activation.MemoryJournal
	head    func() (activation.Record, bool, error)
	after   func(tenant, product string) ([]activation.Record, error)
	heads   error
	history func() ([]activation.Record, error)
}

func (j brokenPages) Head(ctx context.Context, tenant, product string) (activation.Record, bool, error) {
	if j.head != nil {
		return j.head()
	}
	return j.MemoryJournal.Head(ctx, tenant, product)
}

func (j brokenPages) HeadsAfter(ctx context.Context, tenant, product string, limit int) ([]activation.Record, error) {
	if j.after != nil {
		return j.after(tenant, product)
	}
	return j.MemoryJournal.HeadsAfter(ctx, tenant, product, limit)
}

func (j brokenPages) Heads(ctx context.Context, from, to time.Time) ([]activation.Record, error) {
	if j.heads != nil {
		return nil, j.heads
	}
	return j.MemoryJournal.Heads(ctx, from, to)
}

func (j brokenPages) History(ctx context.Context, tenant, product string, after int64, limit int) ([]activation.Record, error) {
	if j.history != nil {
		return j.history()
	}
	return j.MemoryJournal.History(ctx, tenant, product, after, limit)
}

func headAt(tenant, product string, seq int64) activation.Record {
	return activation.Record{Seq: seq, Outcome: activation.Outcome{After: activation.Subscription{Tenant: tenant, Product: product}}}
}

// TestStreamsRefuseBrokenStores: a listing stops with an error wrapping
// ErrBrokenStore, never loops, when the Journal answers against its
// contract, and passes a Journal's error on, wrapped.
func TestStreamsRefuseBrokenStores(t *testing.T) {
	errStore := errors.New("store down")
	for name, c := range map[string]struct {
		j    activation.Journal
		want error
	}{
		"Head of the empty place at another place": {brokenPages{MemoryJournal: activation.NewMemoryJournal(), head: func() (activation.Record, bool, error) {
			return headAt("a", "p", 1), true, nil
		}}, activation.ErrBrokenStore},
		"Head of the empty place at Seq 0": {brokenPages{MemoryJournal: activation.NewMemoryJournal(), head: func() (activation.Record, bool, error) {
			return headAt("", "", 0), true, nil
		}}, activation.ErrBrokenStore},
		"Head of the empty place at another product": {brokenPages{MemoryJournal: activation.NewMemoryJournal(), head: func() (activation.Record, bool, error) {
			return headAt("", "p", 1), true, nil
		}}, activation.ErrBrokenStore},
		"Head fails": {brokenPages{MemoryJournal: activation.NewMemoryJournal(), head: func() (activation.Record, bool, error) {
			return activation.Record{}, false, errStore
		}}, errStore},
		"a page that does not move on": {brokenPages{MemoryJournal: activation.NewMemoryJournal(), after: func(string, string) ([]activation.Record, error) {
			return []activation.Record{headAt("a", "p", 1)}, nil
		}}, activation.ErrBrokenStore},
		"a page that goes back": {brokenPages{MemoryJournal: activation.NewMemoryJournal(), after: func(tenant, _ string) ([]activation.Record, error) {
			return []activation.Record{headAt("b", "p", 1), headAt("a", "q", 1)}, nil
		}}, activation.ErrBrokenStore},
		"a head at Seq 0": {brokenPages{MemoryJournal: activation.NewMemoryJournal(), after: func(string, string) ([]activation.Record, error) {
			return []activation.Record{headAt("a", "p", 0)}, nil
		}}, activation.ErrBrokenStore},
		"HeadsAfter fails": {brokenPages{MemoryJournal: activation.NewMemoryJournal(), after: func(string, string) ([]activation.Record, error) {
			return nil, errStore
		}}, errStore},
		"Heads fails": {plainJournal{brokenPages{MemoryJournal: activation.NewMemoryJournal(), heads: errStore}}, errStore},
	} {
		t.Run(name, func(t *testing.T) {
			b := &activation.Book{Policy: activation.PartnerCenter(), Journal: c.j}
			ctx := context.Background()
			_, err := collectSeq(b.SubscriptionsSeq(ctx))
			require.ErrorIs(t, err, c.want, "SubscriptionsSeq")
			_, err = b.Subscriptions(ctx)
			require.ErrorIs(t, err, c.want, "Subscriptions")
			_, err = collectSeq(b.DueSeq(ctx, time.Time{}, time.Time{}))
			require.ErrorIs(t, err, c.want, "DueSeq")
			_, err = b.Due(ctx, time.Time{}, time.Time{})
			require.ErrorIs(t, err, c.want, "Due")
			_, err = activation.Verifier{}.Verify(ctx, c.j, func(activation.Finding) error { return nil })
			require.ErrorIs(t, err, c.want, "Verify")
		})
	}
}

// TestStreamsRefuseBadInput: a nil Book, a Book without a Journal, a nil
// context and a name that is not one are errors wrapping ErrInvalid, yielded
// once.
func TestStreamsRefuseBadInput(t *testing.T) {
	var nilBook *activation.Book
	noJournal := &activation.Book{Policy: activation.PartnerCenter()}
	ok := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	ctx := context.Background()
	for _, b := range []*activation.Book{nilBook, noJournal} {
		_, err := collectSeq(b.SubscriptionsSeq(ctx))
		require.ErrorIs(t, err, activation.ErrInvalid)
		_, err = collectSeq(b.DueSeq(ctx, time.Time{}, time.Time{}))
		require.ErrorIs(t, err, activation.ErrInvalid)
		_, err = collectSeq(b.HistorySeq(ctx, "contoso", "O365-E3"))
		require.ErrorIs(t, err, activation.ErrInvalid)
	}
	//lint:ignore SA1012 a nil context is what the test is about
	_, err := collectSeq(ok.SubscriptionsSeq(nil)) //nolint:staticcheck
	require.ErrorIs(t, err, activation.ErrInvalid)
	_, err = collectSeq(ok.HistorySeq(ctx, "", "O365-E3"))
	require.ErrorIs(t, err, activation.ErrInvalid)
}

// TestHistorySeqBrokenStore: a history whose Seq is not 1, 2, 3, … is an
// error wrapping ErrBrokenStore; a failing History is passed on, wrapped.
func TestHistorySeqBrokenStore(t *testing.T) {
	errStore := errors.New("store down")
	for name, c := range map[string]struct {
		history func() ([]activation.Record, error)
		want    error
	}{
		"a gap":    {func() ([]activation.Record, error) { return []activation.Record{headAt("a", "p", 2)}, nil }, activation.ErrBrokenStore},
		"it fails": {func() ([]activation.Record, error) { return nil, errStore }, errStore},
	} {
		b := &activation.Book{Policy: activation.PartnerCenter(), Journal: brokenPages{MemoryJournal: activation.NewMemoryJournal(), history: c.history}}
		_, err := collectSeq(b.HistorySeq(context.Background(), "contoso", "O365-E3"))
		require.ErrorIs(t, err, c.want, name)
		_, err = b.History(context.Background(), "contoso", "O365-E3")
		require.ErrorIs(t, err, c.want, name)
	}
}
