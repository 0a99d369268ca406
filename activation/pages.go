package activation

import (
	"cmp"
	"context"
	"iter"
	"strings"
	"time"

	"github.com/coterm/coterm/internal/daymath"
)

// PagedJournal is a [Journal] that lists its subscriptions' heads a page at
// a time, so that a listing holds a page, not the whole book. HeadsAfter
// returns the heads of at most limit subscriptions whose (tenant, product)
// comes after (afterTenant, afterProduct), in byte order (tenant first);
// limit must be 1 or more. A page may hold fewer than limit heads: an empty
// page is the end. Each page is read as the Journal stands when it is
// asked for. A listing starts after ("", ""), so a place ("", "") — a Book
// never records one: its names are never empty — is read with Head. A
// store may refuse a place it could never hold. A [Book] lists through
// HeadsAfter when its Journal has it; otherwise it loads every head at once
// with Heads. [MemoryJournal] is the reference.
type PagedJournal interface {
	Journal
	HeadsAfter(ctx context.Context, afterTenant, afterProduct string, limit int) ([]Record, error)
}

var _ PagedJournal = (*MemoryJournal)(nil)

// headPage is how many heads a listing asks a PagedJournal for at once.
const headPage = 1000

// heads yields the head of every subscription in j, by tenant, then product
// (byte order): a page at a time from a [PagedJournal], otherwise all at
// once (loadedHeads). It yields ctx's error once ctx is done, and stops
// after the first error (j's or ctx's as they are, or one wrapping
// [ErrBrokenStore]).
func heads(ctx context.Context, j Journal) iter.Seq2[Record, error] {
	if pj, ok := j.(PagedJournal); ok {
		return pagedHeads(ctx, pj)
	}
	return loadedHeads(ctx, j, time.Time{}, time.Time{})
}

// loadedHeads is heads from one call of Journal.Heads(from, to), which holds
// them all.
func loadedHeads(ctx context.Context, j Journal, from, to time.Time) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		recs, err := j.Heads(ctx, from, to)
		if err != nil {
			yield(Record{}, err)
			return
		}
		for _, rec := range recs {
			if err := ctx.Err(); err != nil {
				yield(Record{}, err)
				return
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}

// pagedHeads is heads on a PagedJournal. Each head must come after the one
// before it (a store that pages backwards would list for ever).
func pagedHeads(ctx context.Context, j PagedJournal) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		var after place
		rec, ok, err := j.Head(ctx, "", "")
		switch {
		case err != nil:
			yield(Record{}, err)
			return
		case ok && (rec.Seq < 1 || rec.Outcome.After.Tenant != "" || rec.Outcome.After.Product != ""):
			yield(Record{}, brokenStore("list the subscriptions", notTheRequest))
			return
		case ok && !yield(rec, nil):
			return
		}
		for {
			page, err := j.HeadsAfter(ctx, after.tenant, after.product, headPage)
			if err != nil || len(page) == 0 {
				if err != nil {
					yield(Record{}, err)
				}
				return
			}
			for _, rec := range page {
				at := place{rec.Outcome.After.Tenant, rec.Outcome.After.Product}
				switch err := ctx.Err(); {
				case err != nil:
					yield(Record{}, err)
					return
				case rec.Seq < 1 || comparePlace(at, after) <= 0:
					yield(Record{}, brokenStore("list the subscriptions", "a page of HeadsAfter holds a record that is not a head after the one before"))
					return
				}
				after = at
				if !yield(rec, nil) {
					return
				}
			}
		}
	}
}

// comparePlace compares a and b in byte order, tenant first.
func comparePlace(a, b place) int {
	return cmp.Or(strings.Compare(a.tenant, b.tenant), strings.Compare(a.product, b.product))
}

// collect returns out with the values seq yields appended, or seq's first
// error.
func collect[T any](out []T, seq iter.Seq2[T, error]) ([]T, error) {
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// SubscriptionsSeq yields the current state of every subscription the book
// tracks, ordered by tenant, then product (byte order), as
// [Book.Subscriptions] lists them, reading a page of heads at a time from a
// [PagedJournal] (memory is flat in the size of the book). A Journal
// without pages is read at once with Journal.Heads, which loads every head.
// A subscription started while the listing runs is listed if it comes after
// the page being read. After an error, yielded once, the sequence stops; so
// it does once ctx is done (ctx's error). Breaking out of the loop is safe.
func (b *Book) SubscriptionsSeq(ctx context.Context) iter.Seq2[Subscription, error] {
	return func(yield func(Subscription, error) bool) {
		if err := b.check(ctx, "subscriptions"); err != nil {
			yield(Subscription{}, err)
			return
		}
		for h, err := range heads(ctx, b.Journal) {
			if err != nil {
				yield(Subscription{}, wrapErr("book: subscriptions: journal", err))
				return
			}
			if !yield(recordUTC(h).Outcome.After, nil) {
				return
			}
		}
	}
}

// DueSeq yields the lifecycle dates in [from, to) that [Book.Due] lists,
// ordered by subscription (tenant, then product, byte order), then date,
// not by date first as Due sorts them. From a [PagedJournal] it reads every
// head a page at a time (memory is flat in the size of the book; time grows
// with it, whatever the bounds); a Journal without pages is read at once
// with Journal.Heads(from less the policy's days to deletion, to). Errors,
// ctx and breaking out of the loop are as in [Book.SubscriptionsSeq].
func (b *Book) DueSeq(ctx context.Context, from, to time.Time) iter.Seq2[Deadline, error] {
	return b.due(ctx, from, to, true)
}

// due is DueSeq; paged false reads with Journal.Heads even from a
// PagedJournal.
func (b *Book) due(ctx context.Context, from, to time.Time, paged bool) iter.Seq2[Deadline, error] {
	return func(yield func(Deadline, error) bool) {
		if err := b.check(ctx, "due"); err != nil {
			yield(Deadline{}, err)
			return
		}
		p := &b.Policy
		var src iter.Seq2[Record, error]
		if pj, ok := b.Journal.(PagedJournal); ok && paged {
			src = pagedHeads(ctx, pj)
		} else {
			// A subscription has a date in [from, to) only if its end is on
			// or after from less the days from its end to its deletion.
			lower := time.Time{}
			if !from.IsZero() {
				if f := daymath.Of(from) - boundsOf(p, 0).deleted; f > daymath.MinDay && f.Valid() {
					lower = f.Time()
				}
			}
			src = loadedHeads(ctx, b.Journal, lower, to)
		}
		var buf [3]Deadline
		for h, err := range src {
			if err != nil {
				yield(Deadline{}, wrapErr("book: due: journal", err))
				return
			}
			for _, d := range deadlines(buf[:0], p, recordUTC(h).Outcome.After, from, to) {
				if err := ctx.Err(); err != nil {
					yield(Deadline{}, wrapErr("book: due", err))
					return
				}
				if !yield(d, nil) {
					return
				}
			}
		}
	}
}

// deadlines appends to out the lifecycle dates (R8) of s in [from, to), in
// date order: the day it expires (its end date), is disabled and is
// deleted; a state the policy gives no days has no date, nor does none.
func deadlines(out []Deadline, p *Policy, s Subscription, from, to time.Time) []Deadline {
	if s.IsNone() {
		return out
	}
	bd := boundsOf(p, daymath.Of(s.End))
	add := func(st State, d daymath.Day) {
		if d.Valid() && dateIn(d.Time(), from, to) {
			out = append(out, Deadline{Tenant: s.Tenant, Product: s.Product, State: st, Date: d.Time(), Service: p.Service(st)})
		}
	}
	if bd.disabled > bd.end {
		add(Expired, bd.end)
	}
	if bd.deleted > bd.disabled {
		add(Disabled, bd.disabled)
	}
	add(Deleted, bd.deleted)
	return out
}

// HistorySeq yields the records of (tenant, product) that [Book.History]
// returns, oldest first, with dates in UTC, reading them from the Journal
// a page at a time (Journal.History): memory is flat in the length of the
// history. Errors, ctx and breaking out of the loop are as in
// [Book.SubscriptionsSeq].
func (b *Book) HistorySeq(ctx context.Context, tenant, product string) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		err := b.historyPages(ctx, tenant, product, true, func(page []Record) bool {
			for i := range page {
				if err := ctx.Err(); err != nil {
					yield(Record{}, wrapErr("book: history", err))
					return false
				}
				if !yield(page[i], nil) {
					return false
				}
			}
			return true
		})
		if err != nil {
			yield(Record{}, err)
		}
	}
}

// historyPages calls each with each page of the history of (tenant,
// product), its Seq checked and its dates in UTC, until a page shorter than
// historyPage or each returns false. With reuse, each page may be read
// into the last one's memory: each must not keep it.
func (b *Book) historyPages(ctx context.Context, tenant, product string, reuse bool, each func([]Record) bool) error {
	if err := b.check(ctx, "history"); err != nil {
		return err
	}
	if err := checkNames(tenant, product); err != nil {
		return err
	}
	var n int64
	var page []Record
	if reuse {
		p := pages.Get().(*[]Record)
		page = *p
		defer func() {
			clear(page) // keep no names or zones alive
			*p = page[:0]
			pages.Put(p)
		}()
	}
	for {
		var err error
		page, err = b.historyPage(ctx, page, reuse, tenant, product, n)
		if err != nil {
			return wrapErr("book: history: journal", err)
		}
		for i := range page {
			if page[i].Seq != n+int64(i)+1 {
				return brokenStore("book: history", "the journal returned a history whose Seq is not 1, 2, 3, …")
			}
			r := &page[i] // in place: a Record is large
			r.RecordedAt, r.Outcome.At = r.RecordedAt.UTC(), r.Outcome.At.UTC()
			r.Outcome.Before.End, r.Outcome.After.End = r.Outcome.Before.End.UTC(), r.Outcome.After.End.UTC()
		}
		n += int64(len(page))
		if !each(page) || len(page) < historyPage {
			return nil
		}
	}
}
