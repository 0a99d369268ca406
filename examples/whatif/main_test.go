package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	return append([]string{"-seats", "100", "-end", "2027-03-01", "-key-seats", "25"}, extra...)
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
		{"bad -rounding case", base("-rounding", "HALF-UP"), "-rounding"},
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
		{"stray argument", base("extra"), "extra"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, err := whatif(t, tc.args...)
			require.Error(t, err)
			assert.Equal(t, 2, exitCode(err), "exit status")
			assert.Empty(t, stdout)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "exactly one line on stderr: %q", stderr)
			assert.True(t, strings.HasSuffix(stderr, "\n"))
			assert.Contains(t, stderr, tc.flag, "the line names the flag")
			assert.NotContains(t, stderr, "Usage", "no usage dump on error")
			for _, a := range tc.args {
				if strings.Contains(a, "REAL0") || strings.Contains(a, "RЕAL0") {
					assert.NotContains(t, stderr, a, "the clear key never appears")
				}
			}
			assert.NotContains(t, stderr, "FAKE0")
			assert.NotContains(t, stderr, "REAL0")
		})
	}
}

func TestHelpDocumentsEveryFlag(t *testing.T) {
	stdout, stderr, err := whatif(t, "-h")
	require.NoError(t, err)
	assert.Equal(t, 0, exitCode(err))
	assert.Empty(t, stdout)
	for _, f := range []string{"-seats", "-end", "-key-seats", "-on", "-policy", "-rounding", "-convention", "-key", "-product", "-term", "-json"} {
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
		stdout, _, err := whatif(t, "-seats", "0", "-key-seats", "25")
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

	for _, p := range []string{"partner-center", "open2014", "direct", "enterprise-multi-year", "volume-licensing"} {
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
			DeletedOn string `json:"deleted_on"`
		} `json:"timeline"`
		Options []struct {
			Op      string `json:"op"`
			Allowed bool   `json:"allowed"`
			Refused string `json:"refused"`
			Max     int    `json:"max_key_seats"`
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
