package pgledger_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
)

// Audit every history in the database for a compliance audit: one line per
// finding, a summary, and the exit status of the programs (0: no break, 1:
// breaks, 3: the audit could not be made). (Not run by go test: it needs a
// server at DATABASE_URL.)
func ExampleStore_Verify() {
	ctx := context.Background()
	store, err := pgledger.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	policies := map[string]activation.Policy{}
	for _, name := range activation.PolicyNames() {
		p, err := activation.PolicyByName(name)
		if err != nil {
			log.Fatal(err)
		}
		policies[name] = p
	}
	custom := activation.PartnerCenter() // the channel's own rules, under the preset's name
	custom.CapFactor = 5
	policies[custom.Name] = custom

	sum, err := store.Verify(ctx, activation.Verifier{Policies: policies}, func(f activation.Finding) error {
		_, err := fmt.Println(f) // "contoso" "M365-E3" #3: outcome: After.Seats 500, recomputed 130
		return err
	})
	fmt.Println(sum) // 2 chains, 6 records: 0 breaks, 0 not verifiable
	switch {
	case err != nil:
		log.Print(err)
		os.Exit(3)
	case sum.Breaks > 0:
		os.Exit(1)
	}
}
