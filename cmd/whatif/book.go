package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/history"
	"github.com/coterm/coterm/cmd/internal/picture"
)

// fromBook replays the -book file and takes the subscription's state on -on:
// the After of its last record on or before -on, none before its first.
func fromBook(cfg *config) error {
	ctx := context.Background()
	book, done, err := openBook(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	recs, err := book.History(ctx, cfg.tenant, cfg.sub.Product)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		hint := ""
		if cfg.closest != nil {
			hint = history.DidYouMean(cfg.closest(cfg.tenant, cfg.sub.Product))
		}
		return cli.Negativef("-tenant, -product: no such subscription in the book (tenants and products compare exactly, case included)%s", hint)
	}
	cfg.sub = activation.Subscription{Tenant: cfg.tenant, Product: cfg.sub.Product}
	for i, r := range recs {
		if r.Outcome.At.After(cfg.on) {
			cfg.later = len(recs) - i
			break
		}
		cfg.hist = append(cfg.hist, r)
		cfg.sub = r.Outcome.After
	}
	return nil
}

// replayBook replays the -book file into a book in memory.
func replayBook(ctx context.Context, cfg *config) (*activation.Book, error) {
	f, err := os.Open(cfg.book)
	if err != nil {
		return nil, cli.Unreadablef("-book: cannot open the history file: %s", cli.Reason(err))
	}
	defer f.Close()
	rd, err := history.NewReader(f)
	if err != nil {
		return nil, cli.Unreadablef("-book: %v", err)
	}
	book := &activation.Book{Policy: cfg.policy, Journal: activation.NewMemoryJournal()}
	ld := history.NewLoader(book)
	cfg.closest = ld.Closest
	for {
		_, err := ld.Next(ctx, rd)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, cli.Unreadablef("-book: %v", err)
		}
	}
	if n := ld.Counts.Rejected; n > 0 {
		cfg.notes = append(cfg.notes, fmt.Sprintf("the book has %s; replay it to see them", cli.Plural(n, "rejected row")))
	}
	return book, nil
}

// drawSVG writes the picture of -svg: the subscription's history (-book),
// or the plans' trade-off (-keys).
func drawSVG(cfg config, res result) error {
	var (
		svg string
		err error
	)
	switch {
	case cfg.pool != nil:
		svg, err = frontSVG(cfg, res)
	default:
		if len(cfg.hist) == 0 {
			return usagef("-svg: the book has no record of the subscription on or before -on to draw")
		}
		asked, target := askedOf(cfg, res)
		svg, err = picture.Subscription(picture.SubscriptionChart{
			Title:      cfg.tenant + " / " + cfg.sub.Product,
			Steps:      picture.StepsOf(cfg.policy, cfg.hist),
			ProgramEnd: cfg.until,
			Asked:      asked,
			Target:     target,
		})
	}
	if err != nil {
		return err
	}
	return cli.WriteFile("-svg", cfg.svg, svg)
}
