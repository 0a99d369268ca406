package pgledger

// For the tests: the SQL of Verify, to check the plans of its pages.
var (
	SQLAuditNext   = sqlAuditNext
	SQLAuditClaims = sqlAuditClaims
)
