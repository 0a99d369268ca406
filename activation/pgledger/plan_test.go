package pgledger_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation/pgledger"
)

// TestIndexesServeReads: Lookup, Head, History, Heads (what Due reads) and
// HeadsAfter (what a listing reads)
// are each served by the index made for them, never by reading the whole
// table. The planner is told to avoid sequential scans (the table is
// empty, so it would prefer one), so a query that has no index to use
// shows one anyway.
func TestIndexesServeReads(t *testing.T) {
	needDB(t)
	s := newStore(t)
	from, to := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, q := range []struct {
		name, index, cond string // the query, the index that must serve it ("a|b": either), a column its condition names
		sql               string
		args              []any
	}{
		{"Lookup", "coterm_records_fingerprint_key", "fingerprint", pgledger.SQLLookup, []any{make([]byte, 32)}},
		{"Head", "coterm_records_place_key|coterm_records_heads", "tenant", pgledger.SQLHead, []any{"contoso", "M365-E3"}},
		{"History", "coterm_records_place_key|coterm_records_heads", "seq", pgledger.SQLHistory, []any{"contoso", "M365-E3", 0, 100}},
		{"Heads", "coterm_records_due", "end_after", pgledger.HeadsSQL(true, true), []any{from, to}},
		{"Heads from", "coterm_records_due", "end_after", pgledger.HeadsSQL(true, false), []any{from}},
		{"Heads to", "coterm_records_due", "end_after", pgledger.HeadsSQL(false, true), []any{to}},
		{"HeadsAfter", "coterm_records_heads", "tenant", pgledger.SQLHeadsAfter, []any{"contoso", "M365-E3", 1000}},
	} {
		plan, root := explain(t, s, q.sql, q.args...)
		require.NotContains(t, string(plan), `"Seq Scan"`, "%s reads the whole table:\n%s", q.name, plan)
		require.True(t, usesIndex(root, q.index, q.cond), "%s does not search %s on %s:\n%s", q.name, q.index, q.cond, plan)
		require.False(t, readsWholeIndex(root, ""), "%s reads a whole index:\n%s", q.name, plan)
	}
}

// usesIndex reports whether a node of plan scans index (or one of the
// indexes "a|b" names) with a condition on column (a search, not a full
// scan of the index).
func usesIndex(plan any, index, column string) bool {
	node, ok := plan.(map[string]any)
	if !ok {
		return false
	}
	if name, ok := node["Index Name"].(string); ok && slices.Contains(strings.Split(index, "|"), name) {
		if cond, ok := node["Index Cond"].(string); ok && strings.Contains(cond, column) {
			return true
		}
	}
	subs, _ := node["Plans"].([]any)
	for _, sub := range subs {
		if usesIndex(sub, index, column) {
			return true
		}
	}
	return false
}

// readsWholeIndex reports whether a node of plan scans an index with no
// condition (all of it) for the rows the query returns (not for the
// subquery on alias n, which checks that they are heads: on an empty table
// the planner may hash all of them).
func readsWholeIndex(plan any, alias string) bool {
	node, ok := plan.(map[string]any)
	if !ok {
		return false
	}
	if a, ok := node["Alias"].(string); ok {
		alias = a // a bitmap index scan's is its heap scan's, above it
	}
	if _, ok := node["Index Name"]; ok && alias != "n" {
		if _, ok := node["Index Cond"]; !ok {
			return true
		}
	}
	subs, _ := node["Plans"].([]any)
	for _, sub := range subs {
		if readsWholeIndex(sub, alias) {
			return true
		}
	}
	return false
}

// TestBatchInsertMaterializesNothing: AppendBatch's INSERT steps through
// its arrays in the select list (ProjectSet) and never scans them as
// functions in FROM, which would fill a tuplestore per array on every
// statement (see sqlInsertBatch).
func TestBatchInsertMaterializesNothing(t *testing.T) {
	needDB(t)
	s := newStore(t)
	args, err := pgledger.BatchArgs(auditChain("contoso", 0, 4)[1:])
	require.NoError(t, err)
	plan, root := explain(t, s, pgledger.SQLInsertBatch, args...)
	require.True(t, hasNode(root, "ProjectSet"), "the batch's arrays are not unnested in the select list:\n%s", plan)
	require.False(t, hasNode(root, "Function Scan"), "the batch's arrays are scanned as functions:\n%s", plan)
}

// hasNode reports whether plan has a node of the type named.
func hasNode(plan any, nodeType string) bool {
	node, ok := plan.(map[string]any)
	if !ok {
		return false
	}
	if node["Node Type"] == nodeType {
		return true
	}
	subs, _ := node["Plans"].([]any)
	return slices.ContainsFunc(subs, func(sub any) bool { return hasNode(sub, nodeType) })
}
