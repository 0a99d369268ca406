package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/scenarios.golden with the current output")

// TestGolden pins the report: go test ./examples/scenarios -update rewrites it.
func TestGolden(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(nil, &stdout, &stderr))
	assert.Empty(t, stderr.String())

	golden := filepath.Join("testdata", "scenarios.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, stdout.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run with -update to create it")
	assert.Equal(t, string(want), stdout.String(), "output differs from %s; rerun with -update if the change is intended", golden)
}

// TestContents checks the facts the report must show, independently of the
// golden file, so that an -update cannot silently lose them.
func TestContents(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(nil, &stdout, &stderr))
	out := stdout.String()
	for _, want := range []string{
		"100 seats until 2027-06-01",                                 // R5 scenario 1: +3 months
		"100 seats until 2028-03-01",                                 // R5 scenario 2: +12 months
		"5 seats until 2029-03-01",                                   // R5 scenario 3: +24 months
		"301-seat key: REFUSED",                                      // R6 scenario 4
		"largest key accepted: 300 seats",                            // R6
		"100 seats until 2030-03-01",                                 // R6: 3 × A is exactly +36 months
		"= 145 days; new end date 2027-04-25",                        // R4 worked example
		"19 days lost",                                               // R9 early renewal
		"2027-03-01 + 12 months = new end date 2028-03-01",           // R9 grace renewal
		"extend-end not allowed: subscription disabled",              // R7
		"deleted on 2027-06-29",                                      // R8: 120 days after the end
		"R22  volume-licensing       none      read-only 2027-03-01", // R22: no service while expired
		"R22  partner-center         full      read-only 2027-03-31", // R22: full service through the grace
	} {
		assert.Contains(t, out, want)
	}
	// Keys only ever masked: no clear group of a fake key appears.
	assert.NotContains(t, out, "FAKE0")
	assert.NotContains(t, out, "REAL0")
}

func TestArguments(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run([]string{"extra"}, &stdout, &stderr)
	require.Error(t, err)
	assert.Equal(t, 2, exitCode(err))
	assert.Equal(t, 1, strings.Count(stderr.String(), "\n"))
	assert.Empty(t, stdout.String())
}
