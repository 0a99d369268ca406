package pgledger

// For the tests: the insert a Store runs, to hold one open in a transaction.
var (
	SQLInsert  = sqlInsert
	InsertArgs = insertArgs
)
