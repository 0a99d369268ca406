package pgledger

// For the tests: the SQL a Store runs, to hold an insert open in a
// transaction and to check the plans of the reads.
var (
	SQLInsert     = sqlInsert
	SQLLookup     = sqlLookup
	SQLHead       = sqlHead
	SQLHistory    = sqlHistory
	HeadsSQL      = headsSQL
	SQLHeadsAfter = sqlHeadsAfter
	InsertArgs    = insertArgs
	// SQLInsertBatch and BatchArgs are AppendBatch's statement and the
	// values of its parameters.
	SQLInsertBatch = sqlInsertBatch
	BatchArgs      = batchArgs
	CopyArgs       = copyArgs
	// CopyColumns are the columns of CopyArgs's values, for COPY.
	CopyColumns = copyColumns
)

// For the tests of the upgrades: every migration, in order.
var Migrations = migrations

// LoadChunk is how many rows Load (and records LoadRecords) computes
// between two round trips.
const LoadChunk = loadChunk
