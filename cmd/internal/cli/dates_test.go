package cli

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDate(t *testing.T) {
	good := []string{"2026-01-01", " 2026-12-31 ", "2024-02-29", "0001-01-02", "9999-12-31", "2000-02-29"}
	for _, s := range good {
		got, err := ParseDate(s)
		require.NoError(t, err, s)
		want, _ := time.Parse(time.DateOnly, strings.TrimSpace(s))
		assert.True(t, got == want, "ParseDate(%q) = %v, want %v", s, got, want)
	}
	bad := map[string]string{
		"empty": "", "day 30 of February": "2026-02-30", "not leap": "2026-02-29", "1900 not leap": "1900-02-29",
		"year 0": "0000-01-01", "the zero date": "0001-01-01", "month 13": "2026-13-01", "month 0": "2026-00-10", "day 0": "2026-01-00",
		"day 32": "2026-01-32", "short": "2026-6-1", "slashes": "2026/06/01", "US": "06/01/2026",
		"signed": "+2026-01-01", "trailing text": "2026-01-01x", "word": "yesterday", "fullwidth digit": "２026-01-01",
	}
	for name, s := range bad {
		_, err := ParseDate(s)
		assert.Error(t, err, name)
	}
}

// FuzzParseDate checks ParseDate against time.Parse(time.DateOnly) after
// 0001-01-01, and that an error never quotes input that is not a date.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-01-01", "2026-02-29", "2024-02-29", "0000-01-01", "2026-1-01", " 2026-01-01", "2026-01-01\n", "-026-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDate(s)
		want, werr := time.Parse(time.DateOnly, strings.TrimSpace(s))
		if werr == nil && !want.After(time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)) {
			werr = errors.New("year 0 or the zero date")
		}
		if (err == nil) != (werr == nil) {
			t.Fatalf("ParseDate(%q) error %v, time.Parse error %v", s, err, werr)
		}
		if err != nil && err.Error() != "not a date YYYY-MM-DD" && !strings.HasPrefix(err.Error(), strings.TrimSpace(s)[:10]+": ") && !strings.HasPrefix(err.Error(), "0001-01-01 is") {
			t.Fatalf("ParseDate(%q): error %q quotes more than a date", s, err)
		}
		if err == nil && got != want {
			t.Fatalf("ParseDate(%q) = %v, want %v", s, got, want)
		}
	})
}

// TestImpossibleDate: an impossible date says why.
func TestImpossibleDate(t *testing.T) {
	for in, want := range map[string]string{
		"2027-02-30":                    "2027-02-30: February 2027 has 28 days",
		"2028-02-30":                    "2028-02-30: February 2028 has 29 days",
		"1900-02-29":                    "1900-02-29: February 1900 has 28 days",
		"2027-04-31":                    "2027-04-31: April 2027 has 30 days",
		"2027-13-01":                    "2027-13-01: there is no month 13, want 01 … 12",
		"2027-00-01":                    "2027-00-01: there is no month 0, want 01 … 12",
		"2027-01-00":                    "2027-01-00: there is no day 0 of a month",
		"0000-01-01":                    "0000-01-01: there is no year 0, want 0001 … 9999",
		"0001-01-01":                    "0001-01-01 is the zero date, want 0001-01-02 … 9999-12-31",
		"01.03.2027":                    "not a date YYYY-MM-DD",
		"FAKE0-KEY00-NOT00-REAL0-AAAAA": "not a date YYYY-MM-DD",
	} {
		_, err := ParseDate(in)
		require.Error(t, err, in)
		assert.Equal(t, want, err.Error(), in)
	}
}

func TestParseRange(t *testing.T) {
	from, to, err := ParseRange("2027-01-01..2027-01-31")
	require.NoError(t, err)
	assert.Equal(t, "2027-01-01", from.Format(time.DateOnly))
	assert.Equal(t, "2027-01-31", to.Format(time.DateOnly))
	assert.Equal(t, "2027-02-01", NextDay(to).Format(time.DateOnly))
	_, _, err = ParseRange("2027-01-01..2027-01-01")
	require.NoError(t, err, "one day")
	for in, want := range map[string]string{
		"2027-01-01":                "want FROM..TO",
		"2027-02-01..2027-01-01":    "FROM 2027-02-01 is after TO 2027-01-01",
		"2027-02-30..2027-03-01":    "FROM: 2027-02-30: February 2027 has 28 days",
		"2027-01-01..FAKE0-KEY00-N": "TO: not a date YYYY-MM-DD",
	} {
		_, _, err := ParseRange(in)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
		assert.NotContains(t, err.Error(), "FAKE0")
	}
}
