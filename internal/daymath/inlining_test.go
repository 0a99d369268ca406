package daymath

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestInlining pins the inlining the speed of the formulas rests on, as
// net/netip's inlining_test.go does: a change that makes one of these
// functions too expensive for the compiler's inliner fails here, not only in
// a benchmark nobody reruns.
func TestInlining(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	const mod = "github.com/coterm/coterm/"
	want := map[string][]string{
		mod + "activation": {
			"Policy.Apply", // a wrapper: the arguments and the Outcome stay in the caller's frame
			// checkPlain's parts: Apply's usual input is checked without a call
			"(*Policy).plainRules",
			"(*Policy).plainService",
			"plainName",
			"boundsOf",
			"bounds.state",
		},
		mod + "proration": {
			"Extend", // likewise for the input and the Extension
			"AddMonths",
			"Days",
		},
		mod + "internal/daymath": {
			"Blend",
			"Day.Sub",
			"Day.Time",
			"Day.Valid",
			"Day.ValidAfterMin",
			"OverCap",
			"Rounding.divPos64",
			"Rounding.up",
			"addMonthsUp",
			"daysIn",
			"floorDiv",
			"fromCivil",
			"gcd32",
			"isLeap",
		},
	}
	args := []string{"build", "-gcflags=-m"}
	for pkg := range want {
		args = append(args, pkg)
	}
	out, err := exec.Command(gocmd, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m: %v\n%s", err, out)
	}
	got := map[string]map[string]bool{}
	canInline := regexp.MustCompile(`: can inline (\S+)`)
	pkg := ""
	for line := range strings.Lines(string(out)) {
		if p, ok := strings.CutPrefix(line, "# "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		if m := canInline.FindStringSubmatch(line); m != nil {
			if got[pkg] == nil {
				got[pkg] = map[string]bool{}
			}
			got[pkg][m[1]] = true
		}
	}
	for pkg, fns := range want {
		for _, fn := range fns {
			if !got[pkg][fn] {
				t.Errorf("%s: %s is no longer inlined", pkg, fn)
			}
		}
	}
}
