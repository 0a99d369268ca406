package text

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestGroup(t *testing.T) {
	tests := []struct {
		name string
		n    int64
		want string
	}{
		{"zero", 0, "0"},
		{"one digit", 7, "7"},
		{"three digits", 999, "999"},
		{"four digits", 1000, "1,000"},
		{"five digits", 18125, "18,125"},
		{"six digits", 100000, "100,000"},
		{"seven digits", 1234567, "1,234,567"},
		{"a billion", 1_000_000_000, "1,000,000,000"},
		{"negative, three digits", -999, "-999"},
		{"negative, four digits", -1000, "-1,000"},
		{"negative, six digits", -123456, "-123,456"},
		{"largest", math.MaxInt64, "9,223,372,036,854,775,807"},
		{"smallest", math.MinInt64, "-9,223,372,036,854,775,808"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Group(tt.n); got != tt.want {
				t.Errorf("Group(%d) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}

func TestPlural(t *testing.T) {
	tests := []struct {
		name string
		n    int64
		unit string
		want string
	}{
		{"one", 1, "seat", "1 seat"},
		{"minus one", -1, "day", "-1 day"},
		{"zero", 0, "seat", "0 seats"},
		{"two", 2, "day", "2 days"},
		{"minus two", -2, "seat-day", "-2 seat-days"},
		{"grouped", 1000, "seat", "1,000 seats"},
		{"unit with a space", 1, "active seat", "1 active seat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Plural(tt.n, tt.unit); got != tt.want {
				t.Errorf("Plural(%d, %q) = %q, want %q", tt.n, tt.unit, got, tt.want)
			}
		})
	}
}

// TestGroupProperty: for every int64, Group is FormatInt with a comma
// before each group of three digits from the right: removing the commas
// gives FormatInt back, the first group has 1 to 3 digits and every other
// group exactly 3.
func TestGroupProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.OneOf(rapid.Int64(), rapid.Int64Range(-100_000, 100_000)).Draw(t, "n")
		got := Group(n)
		if want := strconv.FormatInt(n, 10); strings.ReplaceAll(got, ",", "") != want {
			t.Fatalf("Group(%d) = %q: digits differ from %q", n, got, want)
		}
		groups := strings.Split(strings.TrimPrefix(got, "-"), ",")
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			t.Fatalf("Group(%d) = %q: first group %q", n, got, groups[0])
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				t.Fatalf("Group(%d) = %q: group %q", n, got, g)
			}
		}
	})
}

// TestAppendProperty: AppendGroup and AppendPlural keep what b holds and
// append what Group and Plural return; Plural is Group, a space, the unit
// and an "s" unless n is 1 or -1.
func TestAppendProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.OneOf(rapid.Int64(), rapid.Int64Range(-2, 2)).Draw(t, "n")
		unit := rapid.StringMatching(`[a-z-]{0,12}`).Draw(t, "unit")
		prefix := rapid.SliceOfN(rapid.Byte(), 0, 8).Draw(t, "prefix")
		want := Group(n) + " " + unit
		if n != 1 && n != -1 {
			want += "s"
		}
		if got := Plural(n, unit); got != want {
			t.Fatalf("Plural(%d, %q) = %q, want %q", n, unit, got, want)
		}
		b := append([]byte(nil), prefix...)
		if got := string(AppendPlural(b, n, unit)); got != string(prefix)+want {
			t.Fatalf("AppendPlural(%q, %d, %q) = %q", prefix, n, unit, got)
		}
		if got := string(AppendGroup(b, n)); got != string(prefix)+Group(n) {
			t.Fatalf("AppendGroup(%q, %d) = %q", prefix, n, got)
		}
	})
}
