package enttest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/entitlement"
	"github.com/coterm/coterm/token"
)

// keepers returns n Keepers of the organisation on j: n admins.
func keepers(t *testing.T, j activation.Journal, n int) []*entitlement.Keeper {
	ks := make([]*entitlement.Keeper, n)
	for i := range ks {
		ks[i] = keeper(t, j, entitlement.KeeperConfig{})
	}
	return ks
}

// race runs f(i) for i in 0 … Racers−1, all at once, and returns their
// errors.
func race(f func(i int) error) []error {
	errs := make([]error, Racers)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range Racers {
		done.Go(func() {
			start.Wait()
			errs[i] = f(i)
		})
	}
	start.Done()
	done.Wait()
	return errs
}

// testRaceDeploy: Racers admins on 4 Keepers change one location at once,
// half deploying i+1 licences, half granting i+1, then retry each request:
// every request is recorded exactly once, every retry replays it, and the
// totals are the sums.
func testRaceDeploy(t *testing.T, j activation.Journal) {
	ks := keepers(t, j, 4)
	seqs := make([]int64, Racers)
	errs := race(func(i int) error {
		k := ks[i%len(ks)]
		call := func() (entitlement.Entry, error) {
			if i%2 == 0 {
				return k.Deploy(bg, fmt.Sprintf("race-%d", i), deployment(i+1, "2026-07-03"))
			}
			return k.AddGrant(bg, fmt.Sprintf("race-%d", i), grant(i+1))
		}
		e, err := call()
		if err != nil {
			return err
		}
		seqs[i] = e.Seq
		again, err := call()
		switch {
		case err != nil:
			return err
		case !again.Replayed || again.Seq != e.Seq || again.Note != e.Note:
			return errors.New("the retry did not replay the change")
		}
		return nil
	})
	for i, err := range errs {
		require.NoError(t, err, "admin %d", i)
	}
	h := history(t, ks[0])
	require.Len(t, h, Racers, "every request once")
	var deployed, granted int64
	for i, e := range h {
		require.Equal(t, int64(i+1), e.Seq)
		if e.Deployment != nil {
			deployed += int64(e.Deployment.Quantity)
			require.Equal(t, deployed, e.Level, "each deployment computed on the head before it")
		} else {
			granted += int64(e.Grant.Quantity)
		}
	}
	var wantDeployed, wantGranted int64
	for i := range Racers {
		e := h[seqs[i]-1] // admin i's change
		if i%2 == 0 {
			require.Equal(t, i+1, e.Deployment.Quantity)
			wantDeployed += int64(i + 1)
		} else {
			require.Equal(t, i+1, e.Grant.Quantity)
			wantGranted += int64(i + 1)
		}
	}
	require.Equal(t, wantDeployed, deployed)
	require.Equal(t, wantGranted, granted)
	p, err := ks[1].Partner()
	require.NoError(t, err)
	pos, err := p.Position(bg, day("2026-07-03"))
	require.NoError(t, err)
	require.Equal(t, wantDeployed, pos.Pools[0].World.OnPremises)
	require.Equal(t, wantGranted, pos.Pools[0].World.Granted)
}

// testRaceRemove: Racers admins remove one licence each from the 10
// deployed at one location at once: exactly 10 are recorded, the others
// refused as bad input, and the level never falls below zero.
func testRaceRemove(t *testing.T, j activation.Journal) {
	ks := keepers(t, j, 4)
	const deployed = 10
	_, err := ks[0].Deploy(bg, "base", deployment(deployed, "2026-07-03"))
	require.NoError(t, err)
	errs := race(func(i int) error {
		_, err := ks[i%len(ks)].Remove(bg, fmt.Sprintf("remove-%d", i), deployment(1, "2026-07-04"))
		return err
	})
	removed := 0
	for i, err := range errs {
		if err == nil {
			removed++
			continue
		}
		var in *entitlement.InputError
		require.ErrorAs(t, err, &in, "admin %d", i)
		require.Equal(t, "deployment.quantity", in.Field)
	}
	require.Equal(t, deployed, removed)
	h := history(t, ks[0])
	require.Len(t, h, deployed+1)
	for i, e := range h[1:] {
		require.Equal(t, int64(deployed-1-i), e.Level)
	}
	require.Zero(t, level(t, ks[2], "2026-07-04"))
}

// testRaceToken: Racers admins on 4 Keepers issue one token at once, half
// at Munich, half at Seattle, and each retries: exactly one issue is
// recorded, its identical requests replay it, the others are refused as a
// duplicate (R21); the Source gives the token once, with the day the
// Book's Journal spent its key.
func testRaceToken(t *testing.T, j activation.Journal) {
	ks := keepers(t, j, 4)
	key := token.MustParseKey("RACED-TOKEN-ISSUE-DONCE-2026A")
	tok := func(i int) entitlement.IssuedToken {
		x := entitlement.IssuedToken{Fingerprint: key.Fingerprint(), Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: office}
		if i%2 == 1 {
			x.Location = "Seattle"
		}
		return x
	}
	errs := race(func(i int) error {
		for range 2 {
			if _, err := ks[i%len(ks)].IssueToken(bg, tok(i)); err != nil {
				return err
			}
		}
		return nil
	})
	var won []int
	for i, err := range errs {
		if err == nil {
			won = append(won, i%2)
			continue
		}
		require.ErrorIs(t, err, entitlement.ErrDuplicate, "admin %d", i)
	}
	require.NotEmpty(t, won)
	for _, w := range won {
		require.Equal(t, won[0], w, "every accepted request is the one recorded")
	}
	checkChains(t, ks[0])
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	_, err := book.Redeem(bg, "contoso", e3, token.Token{Key: key, Product: e3, Seats: 5}, activation.Activate, day("2026-07-05"))
	require.NoError(t, err)
	var got []entitlement.IssuedToken
	for x, err := range ks[1].Source().Tokens(bg) {
		require.NoError(t, err)
		got = append(got, x)
	}
	want := tok(won[0])
	want.Redeemed = day("2026-07-05")
	require.Equal(t, []entitlement.IssuedToken{want}, got)
}
