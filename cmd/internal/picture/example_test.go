package picture_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/coterm/coterm/cmd/internal/picture"
)

func ExampleSubscription() {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	svg, err := picture.Subscription(picture.SubscriptionChart{
		Title: "contoso / M365-E3",
		Steps: []picture.Step{{At: day("2026-03-01"), Seats: 100, End: day("2027-03-01"),
			DisabledFrom: day("2027-03-31"), DeletedOn: day("2027-06-29"), Label: "activate"}},
		ProgramEnd: day("2027-06-30"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.SplitN(svg, "\n", 2)[0])
	fmt.Println(strings.Contains(svg, "100 seats, activate"), strings.Contains(svg, "program year ends 2027-06-30 (R13)"))
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// true true
}
