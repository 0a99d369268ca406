package main

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// fixedNow is the clock of the tests: -on defaults to this day.
func fixedNow() time.Time { return time.Date(2026, time.December, 1, 15, 4, 5, 0, time.UTC) }

const clearKey = "FAKE0-KEY00-NOT00-REAL0-ABCDE"

func whatif(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errw bytes.Buffer
	err = runAt(args, &out, &errw, fixedNow)
	if slices.Contains(args, "-json") {
		return out.String(), errw.String(), err
	}
	return squash(out.String()), errw.String(), err
}

// squash collapses runs of spaces, so that tests do not depend on column widths.
func squash(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

func base(extra ...string) []string {
	return append([]string{"-seats", "100", "-end", "2027-03-01", "-product", "M365-E3", "-key-seats", "25"}, extra...)
}

func TestFlagErrors(t *testing.T) {
	cyrillic := strings.Replace(clearKey, "A", "А", 1) // U+0410 CYRILLIC CAPITAL LETTER A
	tests := []struct {
		name string
		args []string
		flag string // the flag the line must name
	}{
		{"missing -seats", []string{"-end", "2027-03-01", "-key-seats", "25"}, "-seats"},
		{"garbage -seats", []string{"-seats", "lots", "-end", "2027-03-01", "-key-seats", "25"}, "-seats"},
		{"negative -seats", []string{"-seats", "-5", "-end", "2027-03-01", "-key-seats", "25"}, "-seats"},
		{"-seats over 1e9", []string{"-seats", "1000000001", "-end", "2027-03-01", "-key-seats", "25"}, "-seats"},
		{"-seats overflows int", []string{"-seats", "99999999999999999999999", "-end", "2027-03-01", "-key-seats", "25"}, "-seats"},
		{"-seats decimal", []string{"-seats", "1.5", "-end", "2027-03-01", "-key-seats", "25"}, "-seats"},
		{"missing -end", []string{"-seats", "100", "-key-seats", "25"}, "-end"},
		{"garbage -end", base("-end", "soon"), "-end"},
		{"-end not a day", base("-end", "2027-02-30"), "-end"},
		{"-end other format", base("-end", "01.03.2027"), "-end"},
		{"-end with -seats 0", []string{"-seats", "0", "-end", "2027-03-01", "-key-seats", "25"}, "-end"},
		{"missing -key-seats", []string{"-seats", "100", "-end", "2027-03-01"}, "-key-seats"},
		{"garbage -key-seats", base("-key-seats", "x25"), "-key-seats"},
		{"zero -key-seats", base("-key-seats", "0"), "-key-seats"},
		{"negative -key-seats", base("-key-seats", "-25"), "-key-seats"},
		{"-key-seats over 1e9", base("-key-seats", "2000000000"), "-key-seats"},
		{"garbage -on", base("-on", "tomorrow"), "-on"},
		{"bad -policy", base("-policy", "microsoft"), "-policy"},
		{"bad -rounding", base("-rounding", "banker"), "-rounding"},
		{"bad -rounding separator", base("-rounding", "half_up"), "-rounding"}, // any ASCII case is a name (the one rule for names); another separator is not
		{"bad -convention", base("-convention", "months"), "-convention"},
		{"bad -term", base("-term", "37"), "-term"},
		{"zero -term", base("-term", "0"), "-term"},
		{"empty -product", base("-product", " "), "-product"},
		{"bad -key: Cyrillic letter", base("-key", cyrillic), "-key"},
		{"bad -key: 24 characters", base("-key", clearKey[:len(clearKey)-1]), "-key"},
		{"bad -key: 26 characters", base("-key", clearKey+"Z"), "-key"},
		{"bad -key: separator in a group", base("-key", "FAKE0-KEY00-NOT00-REAL0-AB-DE"), "-key"},
		{"unknown flag", base("-verbose"), "-verbose"},
		{"flag without value", []string{"-seats"}, "-seats"},
		{"bad -json value", base("-json=maybe"), "-json"},
		{"stray argument", base("extra"), "unexpected argument"},
		// Values are never echoed: any of them may be a key pasted in the
		// wrong place (found by review).
		{"key as a stray argument", base("FAKE0-KEY00-NOT00-REAL0-KEY01"), "unexpected argument"},
		{"key written with spaces, unquoted", base("-key", "FAKE0", "KEY00", "NOT00", "REAL0", "KEY01"), "unexpected argument"},
		{"key pasted into -on", base("-on", "FAKE0-KEY00-NOT00-REAL0-KEY01"), "-on"},
		{"key pasted into -policy", base("-policy", "FAKE0-KEY00-NOT00-REAL0-KEY01"), "-policy"},
		{"-end the zero date", []string{"-seats", "100", "-end", "0001-01-01", "-key-seats", "25", "-on", "2026-12-01"}, "-end"},
		{"-on the zero date", base("-on", "0001-01-01"), "-on"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { assertUsageError(t, tc.args, tc.flag) })
	}
}

// assertUsageError runs whatif with args and checks the bad-input contract:
// exit status 2, nothing on stdout, exactly one line on stderr that names
// flag, no usage dump, and never a clear key.
func assertUsageError(t *testing.T, args []string, flag string) {
	t.Helper()
	stdout, stderr, err := whatif(t, args...)
	require.Error(t, err)
	assert.Equal(t, 2, exitCode(err), "exit status")
	assert.Empty(t, stdout)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "exactly one line on stderr: %q", stderr)
	assert.True(t, strings.HasSuffix(stderr, "\n"))
	assert.Contains(t, stderr, flag, "the line names the flag")
	assert.NotContains(t, stderr, "Usage", "no usage dump on error")
	for _, a := range args {
		if strings.Contains(a, "REAL0") || strings.Contains(a, "RЕAL0") {
			assert.NotContains(t, stderr, a, "the clear key never appears")
		}
	}
	assert.NotContains(t, stderr, "FAKE0")
	assert.NotContains(t, stderr, "REAL0")
}

func TestHelpDocumentsEveryFlag(t *testing.T) {
	stdout, stderr, err := whatif(t, "-h")
	require.NoError(t, err)
	assert.Equal(t, 0, exitCode(err))
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "3  the input cannot be read at all", "the exit-status table")
	for _, f := range []string{"-seats", "-end", "-key-seats", "-on", "-policy", "-rounding", "-convention", "-key", "-product", "-term", "-json",
		"-keys", "-until", "-goal", "-target-seats", "-book", "-tenant", "-need-end", "-renewal", "-svg"} {
		assert.Regexp(t, `\n  `+f+`[ \n]`, stderr, "usage documents %s", f)
	}
}

func TestDefaultTable(t *testing.T) {
	stdout, stderr, err := whatif(t, base()...) // -on defaults to the clock: 2026-12-01
	require.NoError(t, err)
	assert.Empty(t, stderr)
	for _, want := range []string{
		"state on 2026-12-01: active",
		"renew from 2027-03-01; end 2027-03-01; disabled from 2027-03-31; deleted on 2027-06-29",
		"add-seats 125 2027-04-25 +55 18,125 → 18,125",
		"extend-end 100 2027-06-01 +92 18,125 → 18,200",
		"= 145 days; new end date 2027-04-25 for 125 seats.",
		"renew: refused: not allowed: subscription active; allowed from 2027-03-01",
		"activate: refused: not allowed: subscription active",
	} {
		assert.Contains(t, stdout, want)
	}
}

func TestRefused(t *testing.T) {
	t.Run("cap with largest key (R6)", func(t *testing.T) {
		stdout, _, err := whatif(t, base("-key-seats", "301", "-on", "2026-12-01")...)
		require.NoError(t, err, "a refusal is an answer, exit status 0")
		assert.Contains(t, stdout, "extend-end refused")
		assert.Contains(t, stdout, "the largest key accepted is 300 seats")
		stdout, _, err = whatif(t, base("-key-seats", "300", "-on", "2026-12-01")...)
		require.NoError(t, err)
		assert.Contains(t, stdout, "extend-end 100 2030-03-01")
	})
	t.Run("state: disabled, extend and add refused, activate allowed (R7)", func(t *testing.T) {
		stdout, _, err := whatif(t, base("-on", "2027-05-01")...)
		require.NoError(t, err)
		assert.Contains(t, stdout, "state on 2027-05-01: disabled")
		assert.Contains(t, stdout, "extend-end: refused: not allowed: subscription disabled since 2027-03-31")
		assert.Contains(t, stdout, "add-seats: refused: not allowed: subscription disabled since 2027-03-31")
		assert.Contains(t, stdout, "activate 25 2028-05-01")
	})
	t.Run("early renewal under open2014 loses days (R9)", func(t *testing.T) {
		stdout, _, err := whatif(t, base("-on", "2027-02-10", "-policy", "open2014", "-key-seats", "100")...)
		require.NoError(t, err)
		assert.Contains(t, stdout, "(19 lost)")
		assert.Contains(t, stdout, "19 days lost.")
	})
	t.Run("no subscription: only activate", func(t *testing.T) {
		stdout, _, err := whatif(t, "-seats", "0", "-product", "M365-E3", "-key-seats", "25")
		require.NoError(t, err)
		assert.Contains(t, stdout, "Subscription: none yet")
		assert.Contains(t, stdout, "activate 25 2027-12-01")
		assert.Contains(t, stdout, "add-seats: refused: not allowed: subscription none")
	})
}

func TestFlagsChangeTheResult(t *testing.T) {
	// 100 seats, 19 days left, 301-seat key: 278.716… days, rounding matters.
	args := base("-on", "2027-02-10", "-key-seats", "301")
	even, _, err := whatif(t, args...)
	require.NoError(t, err)
	down, _, err := whatif(t, append(args, "-rounding", "down")...)
	require.NoError(t, err)
	assert.Contains(t, even, "rounded half-even to 279 days")
	assert.Contains(t, down, "rounded down to 278 days")

	exact, _, err := whatif(t, base("-on", "2026-12-01", "-convention", "exact-seat-days")...)
	require.NoError(t, err)
	assert.Contains(t, exact, "Extend end date (R5, exact seat-days)")

	term, _, err := whatif(t, base("-on", "2026-12-01", "-term", "24")...)
	require.NoError(t, err)
	assert.Contains(t, term, "× 24 months = 6 months")

	for _, p := range append(activation.PolicyNames(), "open2014", "OPEN-2014") {
		_, stderr, err := whatif(t, base("-policy", p)...)
		require.NoError(t, err, p)
		assert.Empty(t, stderr)
	}
	vl, _, err := whatif(t, base("-policy", "volume-licensing")...)
	require.NoError(t, err)
	assert.Contains(t, vl, "disabled from 2027-05-30; deleted on 2027-07-29") // 90 + 60 days
}

func TestKeyMasked(t *testing.T) {
	for _, spelling := range []string{clearKey, strings.ToLower(clearKey), strings.ReplaceAll(clearKey, "-", ""), strings.ReplaceAll(clearKey, "-", " ")} {
		for _, js := range []bool{false, true} {
			args := base("-key", spelling)
			if js {
				args = append(args, "-json")
			}
			stdout, stderr, err := whatif(t, args...)
			require.NoError(t, err)
			assert.Empty(t, stderr)
			assert.Contains(t, stdout, "XXXXX-XXXXX-XXXXX-XXXXX-ABCDE")
			assert.NotContains(t, strings.ToUpper(stdout), "FAKE0")
			assert.NotContains(t, strings.ToUpper(stdout), "REAL0")
		}
	}
}

func TestJSON(t *testing.T) {
	stdout, stderr, err := whatif(t, base("-json", "-key-seats", "301", "-key", clearKey)...)
	require.NoError(t, err)
	assert.Empty(t, stderr)
	var got struct {
		Policy       string `json:"policy"`
		On           string `json:"on"`
		Key          string `json:"key"`
		State        string `json:"state"`
		Subscription struct {
			Seats int    `json:"seats"`
			End   string `json:"end"`
		} `json:"subscription"`
		Timeline struct {
			DeletedOn string `json:"deletedOn"`
		} `json:"timeline"`
		Options []struct {
			Op      string `json:"op"`
			Allowed bool   `json:"allowed"`
			Refused string `json:"refused"`
			Max     int    `json:"maxKeySeats"`
			Outcome *struct {
				After struct {
					Seats int    `json:"seats"`
					End   string `json:"end"`
				} `json:"after"`
				Explanation string `json:"explanation"`
			} `json:"outcome"`
		} `json:"options"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got), stdout)
	assert.Equal(t, "partner-center", got.Policy)
	assert.Equal(t, "2026-12-01", got.On)
	assert.Equal(t, "XXXXX-XXXXX-XXXXX-XXXXX-ABCDE", got.Key)
	assert.Equal(t, "active", got.State)
	assert.Equal(t, 100, got.Subscription.Seats)
	assert.Equal(t, "2027-06-29", got.Timeline.DeletedOn)
	require.Len(t, got.Options, 4)
	assert.Equal(t, "add-seats", got.Options[0].Op)
	require.True(t, got.Options[0].Allowed)
	assert.Equal(t, 401, got.Options[0].Outcome.After.Seats)
	assert.Contains(t, got.Options[0].Outcome.Explanation, "Add licenses (R4)")
	assert.Equal(t, "extend-end", got.Options[1].Op)
	assert.False(t, got.Options[1].Allowed)
	assert.Nil(t, got.Options[1].Outcome)
	assert.Equal(t, 300, got.Options[1].Max)
	assert.Contains(t, got.Options[1].Refused, "R6")

	// Without -key the stand-in key is not printed at all.
	stdout, _, err = whatif(t, base("-json")...)
	require.NoError(t, err)
	assert.True(t, json.Valid([]byte(stdout)))
	assert.NotContains(t, stdout, "XXXXX")
}

// planArgs is the worked example (R13): 100 seats ending in 3
// months, keys of 25, 25, 50 and 100 seats, the program year ending in 15
// months.
func planArgs(extra ...string) []string {
	return append([]string{"-seats", "100", "-end", "2027-03-01", "-product", "M365-E3", "-on", "2026-12-01", "-keys", "25,25,50,100"}, extra...)
}

func TestPlanFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		flag string // the flag the line must name
	}{
		{"-keys empty item", planArgs("-keys", "25,,50", "-until", "2028-03-01"), "-keys"},
		{"-keys trailing comma", planArgs("-keys", "25,50,", "-until", "2028-03-01"), "-keys"},
		{"-keys garbage", planArgs("-keys", "25,lots", "-until", "2028-03-01"), "-keys"},
		{"-keys zero seats", planArgs("-keys", "25,0", "-until", "2028-03-01"), "-keys"},
		{"-keys negative", planArgs("-keys", "-25", "-until", "2028-03-01"), "-keys"},
		{"-keys over 1e9", planArgs("-keys", "25,1000000001", "-until", "2028-03-01"), "-keys"},
		{"-keys 21 keys", planArgs("-keys", strings.Repeat("1,", 20)+"1", "-until", "2028-03-01"), "-keys"},
		{"-keys with -key-seats", planArgs("-key-seats", "25", "-until", "2028-03-01"), "-key-seats"},
		{"-keys with -key", planArgs("-key", clearKey, "-until", "2028-03-01"), "-key"},
		{"-keys without -until or -goal", planArgs(), "-until"},
		{"-until garbage", planArgs("-until", "next year"), "-until"},
		{"-until not a day", planArgs("-until", "2028-02-30"), "-until"},
		{"-until without -keys", base("-until", "2028-03-01"), "-until"},
		{"-goal without -keys", base("-goal", "trade-off"), "-goal"},
		{"-target-seats without -keys", base("-target-seats", "200"), "-target-seats"},
		{"-goal unknown", planArgs("-until", "2028-03-01", "-goal", "cheapest"), "-goal"},
		{"-goal most-seats without -until", planArgs("-goal", "most-seats"), "-until"},
		{"-goal latest-end without -target-seats", planArgs("-goal", "latest-end"), "-target-seats"},
		{"-target-seats garbage", planArgs("-goal", "latest-end", "-target-seats", "many"), "-target-seats"},
		{"-target-seats zero", planArgs("-goal", "latest-end", "-target-seats", "0"), "-target-seats"},
		{"-target-seats with most-seats", planArgs("-until", "2028-03-01", "-target-seats", "200"), "-target-seats"},
		{"-target-seats with trade-off", planArgs("-goal", "trade-off", "-target-seats", "200"), "-target-seats"},
		{"-keys with bad -term", planArgs("-until", "2028-03-01", "-term", "0"), "-term"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { assertUsageError(t, tc.args, tc.flag) })
	}
}

// TestPlanWorkedExample: the most seats until the program year ends
// (2028-03-01) is 175 seats until 2028-03-15, 14 days past the use rights
// (R13): add 25 and 50, which raises the cap (R6), then extend with 100 and 25.
func TestPlanWorkedExample(t *testing.T) {
	stdout, stderr, err := whatif(t, planArgs("-until", "2028-03-01")...)
	require.NoError(t, err)
	assert.Empty(t, stderr)
	for _, want := range []string{
		"Keys: 4 stand-ins (seats), 12 months each, all redeemed on 2026-12-01: KEY01 25, KEY02 25, KEY03 50, KEY04 100",
		"Final: 175 seats until 2028-03-15",
		"Use rights: runs 14 days past its use rights (end 2028-03-15, use rights end 2028-03-01)",
		"Plan for the most seats with an end date on or after 2028-03-01 on 2026-12-01 under policy partner-center (exhaustive search",
		"1. XXXXX-XXXXX-XXXXX-XXXXX-KEY01 (25 seats): add licenses → 125 seats until 2027-04-25.",
		"2. XXXXX-XXXXX-XXXXX-XXXXX-KEY03 (50 seats): add licenses → 175 seats until 2027-06-27.",
		"3. XXXXX-XXXXX-XXXXX-XXXXX-KEY04 (100 seats): extend end date → 175 seats until 2028-01-23.",
		"4. XXXXX-XXXXX-XXXXX-XXXXX-KEY02 (25 seats): extend end date → 175 seats until 2028-03-15.",
		"(R6: keys up to 525 seats accepted)",
		"Result: 175 seats until 2028-03-15: 175 seats × 470 days = 82,250 seat-days (residue +250",
	} {
		assert.Contains(t, stdout, want)
	}
	assert.NotContains(t, stdout, "WHAT0", "stand-in keys print masked")

	// -goal most-seats is the default with -until.
	explicit, _, err := whatif(t, planArgs("-until", "2028-03-01", "-goal", "most-seats")...)
	require.NoError(t, err)
	assert.Equal(t, stdout, explicit)
}

func TestPlanLatestEnd(t *testing.T) {
	stdout, _, err := whatif(t, planArgs("-goal", "latest-end", "-target-seats", "200", "-until", "2028-03-01")...)
	require.NoError(t, err)
	assert.Contains(t, stdout, "Final: 200 seats until 2028-01-18")
	assert.Contains(t, stdout, "Use rights: lapses 43 days before its use rights end, 30 of them in the grace period")
	assert.Contains(t, stdout, "Plan for the latest end date with at least 200 seats")
}

func TestPlanTradeOff(t *testing.T) {
	stdout, _, err := whatif(t, planArgs("-goal", "trade-off")...)
	require.NoError(t, err)
	assert.Contains(t, stdout, "Trade-off: 9 plans no other plan beats on both seats and end date, most seats first:\n"+
		"300 seats until 2027-09-01\n275 seats until 2027-09-27\n250 seats until 2027-10-27\n225 seats until 2027-12-02\n"+
		"200 seats until 2028-01-18\n175 seats until 2028-03-15\n150 seats until 2028-06-01\n125 seats until 2028-09-20\n"+
		"100 seats until 2029-03-01\n")
	assert.NotContains(t, stdout, "Use rights")
	assert.NotContains(t, stdout, "Final:")

	withUntil, _, err := whatif(t, planArgs("-goal", "trade-off", "-until", "2028-03-01")...)
	require.NoError(t, err)
	assert.Contains(t, withUntil, "175 seats until 2028-03-15: runs 14 days past its use rights")
	assert.Contains(t, withUntil, "300 seats until 2027-09-01: lapses 182 days before its use rights end")
}

// TestPlanInfeasible: no plan reaches 2030-01-01; whatif says so, shows the
// nearest feasible plan and exits 1, a negative answer (it exited 0 before
// the programs shared one table of exit statuses).
func TestPlanInfeasible(t *testing.T) {
	stdout, stderr, err := whatif(t, planArgs("-until", "2030-01-01")...)
	assert.Equal(t, 1, exitCode(err), "an infeasible goal is a negative answer, exit status 1")
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "Infeasible: goal infeasible: no plan reaches the most seats with an end date on or after 2030-01-01; nearest: 100 seats until 2029-03-01.")
	assert.Contains(t, stdout, "The nearest feasible plan follows; it does not reach the goal.")
	assert.Contains(t, stdout, "Final: 100 seats until 2029-03-01")
	assert.Contains(t, stdout, "Use rights: lapses 306 days before its use rights end")

	stdout, _, err = whatif(t, planArgs("-goal", "latest-end", "-target-seats", "301")...)
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, stdout, "nearest: 300 seats until 2027-09-01")

	js, _, err := whatif(t, planArgs("-until", "2030-01-01", "-json")...)
	assert.Equal(t, 1, exitCode(err))
	var got struct {
		Plan struct {
			Feasible   bool   `json:"feasible"`
			Infeasible string `json:"infeasible"`
			Final      struct {
				Seats int `json:"seats"`
			} `json:"final"`
		} `json:"plan"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &got), js)
	assert.False(t, got.Plan.Feasible)
	assert.Contains(t, got.Plan.Infeasible, "nearest: 100 seats until 2029-03-01")
	assert.Equal(t, 100, got.Plan.Final.Seats)
}

// TestPlanNoPlanAtAll: a 1e9-seat key can neither be added to 1 seat (seat
// limit) nor extend it (R6): no plan exists, which is still an answer, a
// negative one (exit status 1).
func TestPlanNoPlanAtAll(t *testing.T) {
	stdout, stderr, err := whatif(t, "-seats", "1", "-end", "2027-03-01", "-product", "M365-E3", "-on", "2026-12-01", "-keys", "1000000000", "-until", "2028-03-01")
	assert.Equal(t, 1, exitCode(err), "no plan reaches the goal: a negative answer")
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "no order of the keys is accepted.\nThere is no plan to show.\n")
	assert.NotContains(t, stdout, "Final:")
}

func TestPlanNoSubscription(t *testing.T) {
	stdout, _, err := whatif(t, "-seats", "0", "-product", "M365-E3", "-on", "2026-12-01", "-keys", "50,10", "-goal", "trade-off")
	require.NoError(t, err)
	assert.Contains(t, stdout, "Subscription: none yet")
	assert.Contains(t, stdout, "activate")
}

func TestPlanJSON(t *testing.T) {
	stdout, stderr, err := whatif(t, planArgs("-until", "2028-03-01", "-json")...)
	require.NoError(t, err)
	assert.Empty(t, stderr)
	var got struct {
		KeySeats *int  `json:"keySeats"`
		Options  []any `json:"options"`
		Plan     struct {
			Goal     string `json:"goal"`
			Until    string `json:"until"`
			Feasible bool   `json:"feasible"`
			Keys     []struct {
				Key   string `json:"key"`
				Seats int    `json:"seats"`
			} `json:"keys"`
			Steps []struct {
				Key     string `json:"key"`
				Op      string `json:"op"`
				Outcome struct {
					After struct {
						Seats int    `json:"seats"`
						End   string `json:"end"`
					} `json:"after"`
				} `json:"outcome"`
			} `json:"steps"`
			Final struct {
				Seats int    `json:"seats"`
				End   string `json:"end"`
			} `json:"final"`
			SeatDays struct {
				Start, Keys, Final, Residue int64
			} `json:"seatDays"`
			UseRights struct {
				Beyond  int    `json:"daysBeyond"`
				Finding string `json:"finding"`
			} `json:"useRights"`
			Explanation string `json:"explanation"`
		} `json:"plan"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got), stdout)
	assert.Nil(t, got.KeySeats)
	assert.Empty(t, got.Options)
	pl := got.Plan
	assert.Equal(t, "most-seats", pl.Goal)
	assert.Equal(t, "2028-03-01", pl.Until)
	assert.True(t, pl.Feasible)
	require.Len(t, pl.Keys, 4)
	assert.Equal(t, "XXXXX-XXXXX-XXXXX-XXXXX-KEY04", pl.Keys[3].Key)
	assert.Equal(t, 100, pl.Keys[3].Seats)
	require.Len(t, pl.Steps, 4)
	assert.Equal(t, []string{"add-seats", "add-seats", "extend-end", "extend-end"},
		[]string{pl.Steps[0].Op, pl.Steps[1].Op, pl.Steps[2].Op, pl.Steps[3].Op})
	assert.Equal(t, "XXXXX-XXXXX-XXXXX-XXXXX-KEY02", pl.Steps[3].Key)
	assert.Equal(t, "2028-03-15", pl.Steps[3].Outcome.After.End)
	assert.Equal(t, 175, pl.Final.Seats)
	assert.Equal(t, "2028-03-15", pl.Final.End)
	assert.Equal(t, int64(9000), pl.SeatDays.Start)
	assert.Equal(t, int64(73000), pl.SeatDays.Keys)
	assert.Equal(t, int64(82250), pl.SeatDays.Final)
	assert.Equal(t, int64(250), pl.SeatDays.Residue)
	assert.Equal(t, 14, pl.UseRights.Beyond)
	assert.Equal(t, "runs-beyond", pl.UseRights.Finding)
	assert.Contains(t, pl.Explanation, "Result: 175 seats until 2028-03-15")
	assert.NotContains(t, stdout, "WHAT0")
}

// TestDocsBuildForStatus: go run turns every status into 1, so the docs tell
// scripts to build the program to see the exit status of the table.
func TestDocsBuildForStatus(t *testing.T) {
	for _, name := range []string{"main.go", "../../README.md"} {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		assert.Contains(t, string(b), "go build -o whatif ./whatif", name)
	}
}

// TestPlurals: one of a thing is singular.
func TestPlurals(t *testing.T) {
	dir := t.TempDir()
	svg := dir + "/plan.svg"
	stdout, _, err := whatif(t, "-seats", "1", "-end", "2027-03-01", "-product", "M365-E3", "-on", "2026-12-01",
		"-keys", "1", "-until", "2028-03-01", "-svg", svg)
	require.NoError(t, err, stdout)
	assert.Contains(t, stdout, "Subscription: 1 seat of")
	assert.Contains(t, stdout, "Keys: 1 stand-in (seats)")
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(b), "Plans for 1 key on")
}
