package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/entitlement"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/history"
)

// answer computes the position and the findings of the organisation file
// data and prints them; with -svg it writes the picture. Findings are a
// negative answer (exit status 1).
func answer(ctx context.Context, cfg config, data []byte, out, errOut *cli.Output) error {
	r, err := load(ctx, cfg, data, errOut)
	if err != nil {
		return err
	}
	at := cfg.at
	if at.IsZero() {
		var ok bool
		if at, ok = latestDay(r.recs); !ok {
			return cli.Usagef("-at: missing, and the records name no day to default to")
		}
	}
	pos, err := r.partner.Position(ctx, at)
	if err != nil {
		return r.refused(err)
	}
	fs, err := r.partner.Check(ctx, at)
	if err != nil {
		return r.refused(err)
	}
	if cfg.json {
		if err := writeJSON(out, pos, fs); err != nil {
			return err
		}
	} else {
		writeText(out, cfg.policy, pos, fs)
	}
	if cfg.svg != "" {
		svg, err := drawing(ctx, r, pos, fs)
		if err != nil {
			return err
		}
		if err := cli.WriteFile("-svg", cfg.svg, svg); err != nil {
			return err
		}
	}
	if len(fs) > 0 {
		return cli.ErrNegative
	}
	return nil
}

// loaded is the organisation and its records, read.
type loaded struct {
	org      entitlement.Organisation
	recs     entitlement.Records // the online states and tokens of the book, if one is read
	partner  *entitlement.Partner
	fromBook bool
}

// load reads the organisation file and, with -book or -db, the book, and
// returns the Partner over the records, read once into memory.
func load(ctx context.Context, cfg config, data []byte, errOut io.Writer) (*loaded, error) {
	f, err := decodeOrg(data)
	if err != nil {
		return nil, cli.Unreadablef("-org: %v", err)
	}
	f.org.Policy = cfg.policy
	r := &loaded{org: f.org, recs: f.recs, fromBook: cfg.book != "" || cfg.db != ""}
	if r.fromBook {
		if len(f.recs.Online) > 0 {
			return nil, cli.Usagef("-org: the file has online states and a book is given: online use comes from the book or from the file, not both")
		}
		book, done, err := openBook(ctx, cfg, errOut)
		if err != nil {
			return nil, err
		}
		defer done()
		if r.recs, err = readAll(ctx, entitlement.BookSource{Book: book, Records: f.recs}); err != nil {
			return nil, cli.Unreadablef("reading the book: %s", err.Error())
		}
	}
	if r.partner, err = entitlement.New(r.org, r.recs.Source()); err != nil {
		return nil, r.refused(err)
	}
	return r, nil
}

// readAll reads every record of src into memory, once: the position of
// each day the picture needs is then computed without reading the book
// again.
func readAll(ctx context.Context, src entitlement.Source) (r entitlement.Records, err error) {
	if r.Grants, err = collect(src.Grants(ctx)); err != nil {
		return r, err
	}
	if r.Online, err = collect(src.Online(ctx)); err != nil {
		return r, err
	}
	if r.Deployments, err = collect(src.Deployments(ctx)); err != nil {
		return r, err
	}
	r.Tokens, err = collect(src.Tokens(ctx))
	return r, err
}

// collect returns what seq yields, up to its first error.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for x, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// refused is the error of an organisation or records the library refuses:
// the field by its place in the file, or, for an online state of the book,
// the subscription it belongs to (a name the book accepted, so no key).
func (r *loaded) refused(err error) error {
	var in *entitlement.InputError
	if !errors.As(err, &in) {
		return cli.Unreadablef("%s", err.Error()) // an error of the book's store; the library's quote no name
	}
	msg := in.Field + ": " + in.Reason
	if in.Err != nil {
		msg += ": " + in.Err.Error()
	}
	if r.fromBook && strings.HasPrefix(in.Field, "online[") {
		where := "a subscription"
		if i, err := strconv.Atoi(in.Field[len("online["):strings.IndexByte(in.Field, ']')]); err == nil && i >= 0 && i < len(r.recs.Online) {
			s := r.recs.Online[i].Subscription
			where = "subscription " + s.Tenant + "/" + s.Product
		}
		msg = strings.TrimPrefix(in.Field[strings.IndexByte(in.Field, ']')+1:], ".") + ": " + in.Reason
		if strings.Contains(in.Field, ".product") && errors.Is(err, entitlement.ErrUnknown) {
			msg += ": declare every product of the book in a pool's online products or in otherProducts"
		}
		return cli.Unreadablef("the book's %s: %s", where, msg)
	}
	return cli.Unreadablef("-org: %s", msg)
}

// openBook replays the -book file into a book in memory, or opens the book
// of -db; done closes it.
func openBook(ctx context.Context, cfg config, errOut io.Writer) (*activation.Book, func(), error) {
	if cfg.db != "" {
		store, err := pgledger.Open(ctx, cfg.db)
		if err != nil {
			return nil, nil, cli.Unreadablef("-db: %s", err.Error()) // pgledger's errors never hold the password
		}
		return &activation.Book{Policy: cfg.policy, Journal: store}, store.Close, nil
	}
	f, err := os.Open(cfg.book)
	if err != nil {
		return nil, nil, cli.Unreadablef("-book: cannot open the history file: %s", cli.Reason(err))
	}
	defer f.Close()
	rd, err := history.NewReader(f)
	if err != nil {
		return nil, nil, cli.Unreadablef("-book: %v", err)
	}
	book := &activation.Book{Policy: cfg.policy, Journal: activation.NewMemoryJournal()}
	ld := history.NewLoader(book)
	for {
		_, err := ld.Next(ctx, rd)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, cli.Unreadablef("-book: %v", err)
		}
	}
	if n := ld.Counts.Rejected; n > 0 {
		fmt.Fprintf(errOut, "position: the book has %s; replay it to see them\n", cli.Plural(n, "rejected row"))
	}
	return book, func() {}, nil
}

// latestDay returns the latest day the records name: a grant's day (its
// year's start when it has none), a deployment's, an online state's, a
// token's redemption day.
func latestDay(r entitlement.Records) (time.Time, bool) {
	var last time.Time
	note := func(d time.Time) {
		if d.After(last) {
			last = d
		}
	}
	for _, g := range r.Grants {
		if g.Day.IsZero() {
			note(g.Year)
		} else {
			note(g.Day)
		}
	}
	for _, d := range r.Deployments {
		note(d.Day)
	}
	for _, o := range r.Online {
		note(o.From)
	}
	for _, t := range r.Tokens {
		note(t.Redeemed)
	}
	if last.IsZero() {
		return last, false
	}
	y, m, d := last.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), true
}
