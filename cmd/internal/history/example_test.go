package history_test

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/history"
)

func ExampleLoader() {
	file := "\ufeffdate,tenant,product,key,seats,operation,end\r\n" +
		"2026-01-15,contoso,M365-E3,,100,import,2027-01-15\r\n" +
		"2026-03-01,contoso,M365-E3,FAKE0-KEY00-NOT00-REAL0-EX001,25,add-seats,\r\n" +
		"2026-03-01,contoso,M365-E3,FAKE0-KEY00-NOT00-REAL0-EX001,25,add-seats,\r\n" +
		"2026-02-01,contoso,M365-E3,FAKE0-KEY00-NOT00-REAL0-EX002,25,add-seats,\r\n"
	rd, err := history.NewReader(strings.NewReader(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	ld := history.NewLoader(&activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()})
	for {
		res, err := ld.Next(context.Background(), rd)
		if err == io.EOF {
			break
		}
		switch {
		case res.Reject != "":
			fmt.Printf("line %d: rejected: %s\n", res.Line, res.Reject)
		case res.Outcome.Replayed:
			fmt.Printf("line %d: replayed\n", res.Line)
		default:
			fmt.Printf("line %d: %d seats until %s\n", res.Line, res.Outcome.After.Seats, res.Outcome.After.End.Format("2006-01-02"))
		}
	}
	fmt.Printf("%+v\n", ld.Counts)
	// Output:
	// line 2: 100 seats until 2027-01-15
	// line 3: 125 seats until 2027-01-24
	// line 4: replayed
	// line 5: rejected: date: 2026-02-01 is before this subscription's last row (line 3, 2026-03-01): the rows of a subscription must be in date order
	// {Rows:4 Applied:1 Replayed:1 Imported:1 Unchanged:0 Rejected:1 Empty:0}
}
