package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/coterm/coterm/cmd/internal/clitest"
)

// replaceFile activates a key, replaces it within the window (R12), tries
// to replace it again, replaces a key too late and one with a later record,
// and repeats the first replacement identically.
const replaceFile = `date,tenant,product,key,seats,operation,end
2026-03-01,contoso,M365-E3,RPLCE-TESTS-AAAAA-00001-OLD01,10,activate,
2026-03-10,contoso,M365-E3,RPLCE-TESTS-AAAAA-00002-NEW02,12,replace,RPLCE-TESTS-AAAAA-00001-OLD01
2026-03-12,contoso,M365-E3,RPLCE-TESTS-AAAAA-00003-NEW03,15,replace,RPLCE-TESTS-AAAAA-00001-OLD01
2026-03-10,contoso,M365-E3,RPLCE-TESTS-AAAAA-00002-NEW02,12,replace,RPLCE-TESTS-AAAAA-00001-OLD01
2026-01-01,fabrikam,M365-E3,RPLCE-TESTS-AAAAA-00004-OLD04,5,activate,
2026-02-01,fabrikam,M365-E3,RPLCE-TESTS-AAAAA-00005-NEW05,6,replace,RPLCE-TESTS-AAAAA-00004-OLD04
2026-03-10,contoso,M365-E3,RPLCE-TESTS-AAAAA-00006-NEW06,6,replace,
2026-03-10,contoso,M365-E3,RPLCE-TESTS-AAAAA-00006-NEW06,6,replace,RPLCE-TESTS-AAAAA-00004-OLD04
`

// TestReplaceRows: a replace row names both keys, masked, in the output
// and in a subscription's moves; a second replacement, a late one and a
// malformed one are rejected; the identical row replays.
func TestReplaceRows(t *testing.T) {
	out, stderr, err := replayArgs(t, replaceFile, "-")
	assert.Equal(t, 1, exitCode(err))
	assert.Empty(t, stderr)
	for _, want := range []string{
		"line 3: applied 2026-03-10 replace as activate key XXXXX-XXXXX-XXXXX-XXXXX-NEW02 (replacing key XXXXX-XXXXX-XXXXX-XXXXX-OLD01): contoso/M365-E3 12 seats until 2027-03-01, active",
		"line 4: REJECTED: replace: activation: replacement of XXXXX-XXXXX-XXXXX-XXXXX-OLD01 not allowed: replaced already, once only (replacement window until 2026-03-31)",
		"line 5: replayed 2026-03-10 replace as activate key XXXXX-XXXXX-XXXXX-XXXXX-NEW02 (replacing key XXXXX-XXXXX-XXXXX-XXXXX-OLD01)",
		"line 7: REJECTED: replace: activation: replacement of XXXXX-XXXXX-XXXXX-XXXXX-OLD04 not allowed: the day 2026-02-01 is outside the replacement window (replacement window until 2026-01-31)",
		"line 8: REJECTED: replace: needs the key it replaces in the seventh column",
		"line 9: REJECTED: replace: the replaced key was redeemed on another subscription",
		"summary: 8 rows, 3 applied, 1 replayed, 0 imported, 0 unchanged, 4 rejected",
	} {
		assert.Contains(t, out, want)
	}
	assert.Empty(t, clitest.Leaks(out, clitest.Keys(replaceFile)), "no key in clear")

	out, _, err = replayArgs(t, replaceFile, "-tenant", "contoso", "-product", "M365-E3", "-")
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, out, "#2 2026-03-10 replace as activate key …NEW02 (replacing key …OLD01): 10 seats until 2027-03-01 → 12 seats until 2027-03-01")
	assert.Contains(t, out, "The key ending OLD01 (record 1) is replaced by the key ending NEW02")
	assert.Empty(t, clitest.Leaks(out, clitest.Keys(replaceFile)), "no key in clear")
}
