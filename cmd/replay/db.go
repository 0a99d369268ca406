package main

import (
	"context"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/history"
)

// dbConfig checks the flags given with -db: a question (-tenant or -due),
// no file.
func dbConfig(cfg *config, url string, nargs int) error {
	switch {
	case nargs != 0:
		return cli.Usagef("-db: given with a file: read the book from one or the other")
	case cfg.tenant == "" && !cfg.due:
		return cli.Usagef("-db: needs -tenant and -product, or -due: the question to answer from the database")
	}
	cfg.db = url
	return nil
}

// answerFromDB answers -tenant or -due from the book in the database, on
// today's date where the file's last day would serve.
func answerFromDB(ctx context.Context, cfg config, out *cli.Output) error {
	store, err := pgledger.Open(ctx, cfg.db)
	if err != nil {
		return cli.Unreadablef("-db: %s", err.Error()) // pgledger's errors never hold the password
	}
	defer store.Close()
	book := &activation.Book{Policy: cfg.policy, Journal: store}
	rp := &replayer{cfg: cfg, book: book, ld: history.NewLoader(book), out: out, fromDB: true}
	y, m, d := time.Now().Date()
	rp.ld.Last = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if cfg.tenant != "" {
		return rp.explain(ctx)
	}
	return rp.worklist(ctx)
}

// lastDay names the day the states are given on.
func (rp *replayer) lastDay() string {
	if rp.fromDB {
		return "today"
	}
	return "the file's last day"
}

// source names where the book comes from.
func (rp *replayer) source() string {
	if rp.fromDB {
		return "the database"
	}
	return "the file"
}
