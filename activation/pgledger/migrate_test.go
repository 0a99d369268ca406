package pgledger_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation/pgledger"
)

// TestMigrationSQLBounds: a script from each version 0 … SchemaVersion
// holds the migrations after it, numbered, and records their versions;
// from SchemaVersion it migrates nothing; a version outside is an error.
func TestMigrationSQLBounds(t *testing.T) {
	for from := 0; from <= pgledger.SchemaVersion; from++ {
		sql, err := pgledger.MigrationSQL(from)
		require.NoError(t, err, "from %d", from)
		assert.True(t, strings.HasPrefix(sql, fmt.Sprintf("-- coterm: schema version %d to %d", from, pgledger.SchemaVersion)))
		assert.True(t, strings.HasSuffix(sql, "COMMIT;\n"))
		assert.Equal(t, pgledger.SchemaVersion-from, strings.Count(sql, "\n-- migration "), "from %d", from)
		for v := 1; v <= pgledger.SchemaVersion; v++ {
			assert.Equal(t, v > from, strings.Contains(sql, fmt.Sprintf("\n-- migration %d\n", v)), "from %d: migration %d", from, v)
			assert.Equal(t, v > from, strings.Contains(sql, fmt.Sprintf("VALUES (%d);", v)), "from %d: version %d", from, v)
		}
	}
	for _, from := range []int{-1, pgledger.SchemaVersion + 1} {
		_, err := pgledger.MigrationSQL(from)
		assert.Error(t, err, "from %d", from)
	}
	assert.Error(t, pgledger.Migrate(context.Background(), nil))
}
