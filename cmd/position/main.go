// Position shows a partner's licence position on one page: for each pool,
// what is granted, what is used online and on premises, within which
// maximums, and every rule the records break (R14–R21), from an
// organisation file and, optionally, a book of online subscriptions.
//
// Usage:
//
//	go run ./position -org ORG.json [-book HISTORY.csv | -db URL] [-at YYYY-MM-DD] [-policy NAME] [-json] [-svg OUT.svg]
//
// It prints the position on -at (package activation/entitlement,
// Partner.Position): per pool, worldwide and per country, the quantity
// granted, the seats used online, the licences used on premises, the
// maximum and the headroom, the smallest excess, each grant line with what
// the assignment draws on it and each use with what covers it; the online
// subscriptions placed at no location; then the findings (Partner.Check),
// one a line, each with its rule, numbers, uses and the day it began.
//
// # The organisation file
//
// ORG.json is one JSON object whose fields are those of the library's
// Organisation and Records, in camelCase; every field is optional but what
// the library requires, and each error names the field by its place
// ("grants[3].quantity"), as the library's do:
//
//	{
//	  "locations": [{"name": "Munich", "country": "DE", "years": [
//	      {"membership": {"program": "competency", "competency": "Cloud Productivity"},
//	       "start": "2026-07-01", "end": "2027-07-01"}]},
//	    {"name": "Paris", "country": "FR", "headquarters": "Munich", "years": []}],
//	  "pools": [{"name": "Office", "online": [{"name": "O365-E3", "sku": "enterprise"}],
//	    "onPremises": ["Office Professional Plus + CALs"],
//	    "countryMax": 250, "countries": [{"country": "FR", "max": 50}], "worldMax": 500}],
//	  "otherProducts": [{"name": "Visio", "sku": "other"}],
//	  "placements": [{"tenant": "contoso", "location": "Munich"},
//	    {"tenant": "contoso", "product": "Visio", "location": "Paris"}],
//	  "grants": [{"location": "Munich", "membership": {"program": "competency", "competency": "Cloud Productivity"},
//	    "year": "2026-07-01", "pool": "Office", "kind": "core", "quantity": 100, "day": "2026-07-01"}],
//	  "deployments": [{"location": "Munich", "licence": "Office Professional Plus + CALs",
//	    "change": "deploy", "quantity": 20, "day": "2026-07-03", "reason": "finance team"}],
//	  "tokens": [{"fingerprint": "<64 hexadecimal digits>", "location": "Munich",
//	    "membership": {"program": "competency", "competency": "Cloud Productivity"},
//	    "year": "2026-07-01", "pool": "Office", "activateBy": "2026-10-01", "redeemed": "2026-07-02"}],
//	  "online": [{"from": "2026-07-02", "subscription": {"tenant": "contoso", "product": "O365-E3",
//	    "seats": 80, "end": "2027-07-01"}}]
//	}
//
// A location without "headquarters" is the headquarters; every other names
// it (R17). program is action-pack or competency; sku enterprise (e),
// kiosk (k) or other; kind core, toolkit or demonstration (training);
// change deploy or remove; dates are YYYY-MM-DD; a list may be null (none,
// as encoders write an empty one); a grant's "year" and a
// token's are the Start of their program year, a grant's "day" the first
// day it counts (default: the year's start). A token is known by its
// fingerprint (activation's Key.Fingerprint, as the book's stores keep
// it), never by its key. "online" holds the states of online subscriptions
// from a day on, for a partner without a book: a state with seats 0 and no
// end means none from that day. The file is read strictly: an unknown
// field, a field given twice, a value of the wrong type or a name that
// could be read as a product key (the library's one rule) is an error that
// names the field and never quotes the value.
//
// # Online use from a book
//
// -book HISTORY.csv replays the history file of replay (see replay) into
// a book in memory; -db URL reads the book in PostgreSQL (see bookdb).
// Every record of every subscription gives its state from its day on
// (entitlement.BookSource), and a token whose key the book has spent takes
// the day of that record as its redemption day. The file then holds no
// "online" states, and every product of the book is declared, in a pool or
// in otherProducts. Rows the book rejects are counted on standard error
// (replay lists them). -policy NAME (partner-center by default, as replay
// and whatif) is the policy of the book and of the lifecycle that says
// when a subscription's seats are use (R8, R22).
//
// # The day
//
// -at is the day of the position. Without it, the latest day the records
// name: a grant's day (its year's start when it has none), a deployment's,
// an online state's or a book record's day, a token's redemption day. So
// the answer depends on the files alone, never on the clock; records with
// no day at all need -at.
//
// # JSON
//
// -json prints one object instead of the text. The field names are
// stable:
//
//	{"at":"2026-08-01","within":false,
//	 "pools":[{"pool":"Office","excess":1,
//	   "world":{"granted":100,"online":81,"onPremises":20,"max":500,"headroom":0},
//	   "countries":[{"country":"DE","granted":100,"online":81,"onPremises":20,"max":250,"headroom":0}],
//	   "grants":[{"line":{"location":"Munich","program":"competency","competency":"Cloud Productivity",
//	     "year":"2026-07-01","yearEnd":"2027-07-01","kind":"core"},"quantity":100,"drawn":100}],
//	   "uses":[{"tenant":"contoso","product":"O365-E3","location":"Munich","country":"DE","quantity":81,
//	     "covered":80,"short":true,"uncoverable":false,"draws":[{"line":{…},"quantity":80}]},
//	    {"licence":"Office Professional Plus + CALs","location":"Munich",…}]}],
//	 "notCovered":[{"tenant":"…","product":"…","pool":"…","seats":5}],
//	 "findings":[{"rule":"R14","issue":"over-entitlement","pool":"Office","limit":100,"used":101,"excess":1,
//	   "short":[{"tenant":"contoso","product":"O365-E3"},{"location":"Munich","licence":"…"}],
//	   "since":"2026-07-03","text":"R14 over-entitlement in pool Office: …"}]}
//
// within is true when there is no finding. A finding has the fields its
// issue sets (package entitlement, Issue), and text, its line of the text
// output; the others are left out. country, tenant, product, competency
// and every date are left out when empty; a use names either a tenant and
// a product (online) or a licence (on premises); tokens are the first 16
// hexadecimal digits of each fingerprint, as the text shows them.
//
// # The picture
//
// -svg OUT.svg writes one page, one panel per pool, over the program year
// that holds -at (the organisation's program years that hold -at, from the
// earliest start to the latest end; six months either side of -at if none
// does): the seats used online and the licences used on premises as areas
// stacked in steps, exactly the position of every day (computed on each
// day the records change it, not day by day); the quantity granted as a
// line; each country's maximum and the worldwide maximum as labelled lines
// (a maximum far above the rest is named under the panel instead); the
// days the pool's excess is above zero; each finding marked on the day it
// began, its tooltip the finding's text; and -at.
//
// # Exit status
//
//	0  within the entitlement: no finding
//	1  findings: a rule broken on -at (they are printed)
//	2  bad usage: an unknown flag, a missing or bad value, -book with -db,
//	   online states in the file with a book (one line on standard error)
//	3  could not run: a file that cannot be read, an organisation or
//	   records the library refuses, a database that cannot be reached
//
// No output line, and nothing in the picture, holds a product key in clear
// or a raw control character: the file's names pass the library's name
// rule, and every line passes the programs' output filter.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
)

func main() {
	os.Exit(cli.ExitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)))
}

// config is the parsed command line.
type config struct {
	org      string // the organisation file
	book, db string
	at       time.Time // zero: the latest record day
	policy   activation.Policy
	json     bool
	svg      string
}

const usage = `usage: position -org ORG.json [-book HISTORY.csv | -db URL] [-at YYYY-MM-DD] [-policy NAME] [-json] [-svg OUT.svg]

Shows a partner's licence position on a day: per pool, what is granted, what is used online
and on premises, within the country and worldwide maximums, and every rule the records break
(R14-R21). go doc ./position describes the organisation file and the JSON.

Flags:
`

const exitTable = `
Exit status:
  0  within the entitlement: no finding
  1  findings: a rule broken on -at
  2  bad usage: an unknown flag, a missing or bad value (one line on standard error)
  3  could not run: a file that cannot be read, records the library refuses, no database
`

// run is the program. Everything it writes goes through a cli.Output: no
// key in clear, no control character.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return cli.Run("position", stdout, stderr, func(out, errOut *cli.Output) error {
		cfg, err := parse(args, errOut)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(cfg.org)
		if err != nil {
			return cli.Unreadablef("-org: cannot read the file: %s", cli.Reason(err))
		}
		return answer(ctx, cfg, data, out, errOut)
	})
}

func parse(args []string, errOut io.Writer) (config, error) {
	fs := flag.NewFlagSet("position", flag.ContinueOnError)
	var (
		org    = fs.String("org", "", "the organisation `file` (JSON): locations, pools, placements, grants, deployments, tokens")
		book   = fs.String("book", "", "the history `file` of the book (CSV, as replay reads it): online use")
		db     = fs.String("db", "", "instead of -book: the PostgreSQL `URL` of the book (see bookdb)")
		at     = fs.String("at", "", "the `day` of the position, YYYY-MM-DD (default: the latest day the records name)")
		policy = fs.String("policy", "partner-center", "the rules: "+strings.Join(activation.PolicyNames(), ", ")+" (or open2014)")
		asJSON = fs.Bool("json", false, "print one JSON object instead of the text")
		svg    = fs.String("svg", "", "write the picture, one panel per pool over the program year, to `FILE`")
	)
	if err := cli.Parse(fs, args); err != nil {
		if err == cli.ErrHelp {
			fs.SetOutput(errOut)
			fmt.Fprint(errOut, usage)
			fs.PrintDefaults()
			fmt.Fprint(errOut, exitTable)
		}
		return config{}, err
	}
	cfg := config{org: *org, book: *book, db: *db, json: *asJSON, svg: *svg}
	switch {
	case fs.NArg() != 0:
		return cfg, cli.Usagef("want no argument after the flags (see -h)")
	case cfg.org == "":
		return cfg, cli.Usagef("-org: missing: the organisation file (see -h)")
	case cfg.book != "" && cfg.db != "":
		return cfg, cli.Usagef("-db: given with -book: the book is in a database or in a file, not both")
	}
	p, err := activation.PolicyByName(*policy)
	if err != nil {
		return cfg, cli.Usagef("-policy: unknown policy, want one of %s (or open2014)", strings.Join(activation.PolicyNames(), ", "))
	}
	cfg.policy = p
	if *at != "" {
		if cfg.at, err = cli.ParseDate(*at); err != nil {
			return cfg, cli.Usagef("-at: %v", err)
		}
	}
	return cfg, nil
}
