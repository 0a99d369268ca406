package pgledger_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// Open a Store, keep contoso's M365-E3 in a Book on it, redeem a key and
// read the history. (Not run by go test: it needs a server at DATABASE_URL.)
func ExampleOpen() {
	ctx := context.Background()
	store, err := pgledger.Open(ctx, os.Getenv("DATABASE_URL")) // e.g. postgres://coterm@db/coterm?pool_max_conns=64
	if err != nil {
		log.Fatal(err) // never shows the password
	}
	defer store.Close()

	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	sub := activation.Subscription{Tenant: "contoso", Product: "M365-E3", Seats: 100, End: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}
	if err := book.Import(ctx, sub, day); err != nil {
		log.Fatal(err)
	}
	key, err := token.ParseKey("aaaa1-bbbb2-cccc3-dddd4-eeee5")
	if err != nil {
		log.Fatal(err)
	}
	out, err := book.Redeem(ctx, "contoso", "M365-E3", token.Token{Key: key, Product: "M365-E3", Seats: 25}, activation.ExtendEnd, day)
	if err != nil {
		log.Fatal(err) // a retry of the identical request is safe: it replays
	}
	fmt.Println(out.Explain())

	history, err := book.History(ctx, "contoso", "M365-E3")
	if err != nil {
		log.Fatal(err)
	}
	for _, rec := range history {
		fmt.Println(rec.Seq, rec.KeyTail, rec.Outcome.Explain())
	}
}

// A program that builds its own pool runs Migrate as a deployment step and
// makes its Stores with New, which only checks the schema.
func ExampleNew() {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal("DATABASE_URL is not a PostgreSQL URL") // its parse error may quote the password
	}
	cfg.MaxConns = 64
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	if err := pgledger.Migrate(ctx, pool); err != nil { // the deployment step
		log.Fatal(err)
	}
	store, err := pgledger.New(ctx, pool) // each instance
	if err != nil {
		log.Fatal(err)
	}
	r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: store}
	_ = r // spends keys on the same table as every Book on store
}
