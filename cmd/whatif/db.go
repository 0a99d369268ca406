package main

import (
	"context"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/cmd/internal/cli"
)

// dbBook reads -db: the book is in that database instead of a -book file,
// and every rule of -book (-tenant, not with -seats or -end) applies.
func (in *inputs) dbBook(cfg *config) error {
	if in.db == "" {
		return nil
	}
	switch {
	case in.book != "":
		return usagef("-db: given with -book: the book is in a database or in a file, not both")
	case in.seats != "" || in.end != "":
		return usagef("-db: given with -seats or -end: the subscription comes from the book or from numbers, not both")
	case in.tenant == "":
		return usagef("-tenant: missing: -db needs -tenant and -product, the subscription to start from")
	}
	cfg.db, in.book = in.db, in.db
	return nil
}

// openBook returns the book of -db or -book, and what closes it.
func openBook(ctx context.Context, cfg *config) (*activation.Book, func(), error) {
	if cfg.db == "" {
		book, err := replayBook(ctx, cfg)
		return book, func() {}, err
	}
	store, err := pgledger.Open(ctx, cfg.db)
	if err != nil {
		return nil, nil, cli.Unreadablef("-db: %s", err.Error()) // pgledger's errors never hold the password
	}
	return &activation.Book{Policy: cfg.policy, Journal: store}, store.Close, nil
}
