package pgledger

import (
	"fmt"
	"strings"

	"github.com/coterm/coterm/activation"
)

// The statements [Migrate] runs around the migrations, as [MigrationSQL]
// prints them.
var (
	sqlMigrationLock   = fmt.Sprintf(`SELECT pg_advisory_xact_lock(%d, hashtext(current_schema()))`, int32(migrationLock))
	sqlMigrationsTable = `CREATE TABLE IF NOT EXISTS coterm_migrations (
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
)`
)

// versionSQL records that migration v has been applied.
func versionSQL(v int) string {
	return fmt.Sprintf(`INSERT INTO coterm_migrations (version) VALUES (%d)`, v)
}

// MigrationSQL returns the SQL script that brings a database whose schema
// is at version from (0: no tables) to [SchemaVersion]: the statements
// [Migrate] runs, in its order, in one transaction (BEGIN … COMMIT), for a
// DBA to read, or to run with psql instead of Migrate. It checks nothing:
// Migrate reads the version itself and refuses a newer schema. A from
// outside 0 … SchemaVersion is an error.
func MigrationSQL(from int) (string, error) {
	if from < 0 || from > SchemaVersion {
		return "", fmt.Errorf("pgledger: migration SQL: version %d, want 0 … %d", from, SchemaVersion)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-- coterm: schema version %d to %d (pgledger.Migrate runs these statements in this order)\n", from, SchemaVersion)
	b.WriteString("BEGIN ISOLATION LEVEL READ COMMITTED;\n")
	for _, stmt := range []string{sqlMigrationLock, sqlMigrationsTable} {
		b.WriteString(stmt + ";\n")
	}
	for i := from; i < SchemaVersion; i++ {
		fmt.Fprintf(&b, "\n-- migration %d\n%s\n%s;\n", i+1, strings.TrimSuffix(migrations[i], ";")+";", versionSQL(i+1))
	}
	b.WriteString("COMMIT;\n")
	return b.String(), nil
}

// keySeats is the key_seats column of a record of o: the key's seats, NULL
// for an import.
func keySeats(o *activation.Outcome) any {
	if o.Op == activation.Import {
		return nil
	}
	return int64(o.Token.Seats)
}
