package pgledger_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// Load an admin's history in one bulk transaction: an import and a key.
// Loading the same rows again records nothing. (Not run by go test: it
// needs a server at DATABASE_URL.)
func ExampleStore_Load() {
	ctx := context.Background()
	store, err := pgledger.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	key, err := token.ParseKey("aaaa1-bbbb2-cccc3-dddd4-eeee5")
	if err != nil {
		log.Fatal(err)
	}
	rows := []pgledger.LoadRow{
		{Line: 2, Day: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), Tenant: "contoso", Product: "M365-E3",
			Import: true, Seats: 100, End: time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)},
		{Line: 3, Day: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Tenant: "contoso", Product: "M365-E3",
			Key: key, Op: activation.AddSeats, Seats: 25},
	}
	seq := func(yield func(pgledger.LoadRow, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
	sum, err := store.Load(ctx, activation.PartnerCenter(), seq, func(r pgledger.LoadResult) error {
		fmt.Println("line", r.Line, r.Status, r.Reason) // a reason never shows the key
		return nil
	})
	if err != nil {
		log.Fatal(err) // nothing was stored
	}
	fmt.Printf("%+v\n", sum)
}

// Export every record as JSON lines (records hold no key), for
// LoadRecords to read into another store. (Not run by go test.)
func ExampleStore_Export() {
	ctx := context.Background()
	store, err := pgledger.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	enc := json.NewEncoder(os.Stdout)
	n, err := store.Export(ctx, func(rec activation.Record) error { return enc.Encode(rec) })
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(os.Stderr, n, "records")
}

// Print the SQL that Migrate runs on an empty database, for a DBA to read.
func ExampleMigrationSQL() {
	sql, err := pgledger.MigrationSQL(0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sql[:60])
	// Output:
	// -- coterm: schema version 0 to 5 (pgledger.Migrate runs thes
}
