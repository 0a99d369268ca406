package history

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// TestReaderNextAllocatesNothing: a well-formed row of names seen before is
// read without an allocation (its fields are parsed in the reader's buffer,
// its names are the reader's one copy), and each row's names are that copy,
// not pieces of the line that holds the row's key.
func TestReaderNextAllocatesNothing(t *testing.T) {
	var b strings.Builder
	b.WriteString(strings.Join(Header, ",") + "\n")
	const rows = 300
	for i := range rows {
		fmt.Fprintf(&b, "2027-01-%02d,contoso,O365-E3,ALLOC-TESTS-AAAAA-BBBBB-%05d, %d ,add-seats\n", i%28+1, i, i%9+1)
	}
	r, err := NewReader(strings.NewReader(b.String()))
	require.NoError(t, err)
	first, err := r.Next()
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(rows-2, func() {
		row, err := r.Next()
		if err != nil || row.Tenant != "contoso" || row.Seats < 1 {
			panic(fmt.Sprint(row, err))
		}
		if !sameString(row.Tenant, first.Tenant) || !sameString(row.Product, first.Product) {
			panic("a row's names are not the reader's copy")
		}
	})
	require.Zero(t, allocs)
}

// sameString reports whether a and b are one string in memory.
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}
