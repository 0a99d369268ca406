package activation

import (
	"encoding/binary"
	"math"
	"math/bits"
	"math/rand/v2"

	"github.com/coterm/coterm/token"
)

// memFPIndex is a [MemoryJournal]'s index of key fingerprints: fingerprint →
// index of its record. It is an open-addressing table of eight-byte slots,
// each a 32-bit tag (a seeded hash of the whole fingerprint) and the
// record's index + 1, probed linearly from the place the tag's top bits
// name: a million fingerprints take 16 MB where a Go map keyed by
// them takes about 60, and a lookup of a new key reads one cache line. A
// slot whose tag matches is checked against the record's whole
// fingerprint, so fingerprints whose tags collide (by chance, or made to)
// are told apart. The zero value is empty.
type memFPIndex struct {
	slots []uint64 // tag<<32 | index+1; 0: empty
	n     int      // how many slots are full
	seed  uint64
	// far holds the fingerprints of records whose index + 1 does not fit
	// in 32 bits (none below four billion records).
	far map[token.Fingerprint]int
}

// memFPMinSlots is the size of a new table; it doubles when three
// quarters are full.
const memFPMinSlots = 1 << 10

// tag is the hash of fp the table keys on.
func (x *memFPIndex) tag(fp *token.Fingerprint) uint32 {
	const k0, k1, k2, k3 = 0x9e3779b97f4a7c15, 0xc2b2ae3d27d4eb4f, 0x165667b19e3779f9, 0xd6e8feb86659fd93
	h := (binary.LittleEndian.Uint64(fp[0:])^x.seed)*k0 ^ binary.LittleEndian.Uint64(fp[8:])*k1 ^
		binary.LittleEndian.Uint64(fp[16:])*k2 ^ binary.LittleEndian.Uint64(fp[24:])*k3
	h ^= h >> 31
	h *= k1
	return uint32(h >> 32)
}

// find returns the index of fp's record in j, if j holds one. j.mu must be
// held.
func (x *memFPIndex) find(j *MemoryJournal, fp *token.Fingerprint) (int, bool) {
	if x.far != nil {
		if i, ok := x.far[*fp]; ok {
			return i, true
		}
	}
	if x.n == 0 {
		return 0, false
	}
	return x.findTag(j, fp, x.tag(fp))
}

// findFirst returns the index in recs of the first record whose key
// fingerprint (not zero) j holds, and the index of j's record, as find
// would for each in turn. It reads the first slot of every fingerprint
// before it follows any: the reads do not wait on each other, so a batch's
// cache misses overlap. j.mu must be held.
func (x *memFPIndex) findFirst(j *MemoryJournal, recs []Record) (int, int, bool) {
	var first [16]uint64 // the first slot of recs[k], k in this chunk
	for c := 0; c < len(recs); c += len(first) {
		chunk := recs[c:min(len(recs), c+len(first))]
		if x.far == nil && x.n > 0 {
			for k := range chunk {
				first[k] = x.slots[x.home(x.tag(&chunk[k].Fingerprint))]
			}
		}
		for k := range chunk {
			fp := &chunk[k].Fingerprint
			if fp.IsZero() || x.far == nil && (x.n == 0 || first[k] == 0) {
				continue // an empty first slot: no record has fp
			}
			if i, ok := x.find(j, fp); ok {
				return c + k, i, true
			}
		}
	}
	return 0, 0, false
}

// findTag is find for fp, whose tag is t.
func (x *memFPIndex) findTag(j *MemoryJournal, fp *token.Fingerprint, t uint32) (int, bool) {
	mask := len(x.slots) - 1
	for s := x.home(t); ; s = (s + 1) & mask {
		e := x.slots[s]
		if e == 0 {
			return 0, false
		}
		if uint32(e>>32) == t {
			if i := int(uint32(e)) - 1; *j.fpAt(i) == *fp {
				return i, true
			}
		}
	}
}

// home is the first slot a tag t is looked for in.
func (x *memFPIndex) home(t uint32) int {
	hi, _ := bits.Mul64(uint64(t)<<32, uint64(len(x.slots)))
	return int(hi)
}

// add indexes fp, which find does not find, as the fingerprint of record i.
func (x *memFPIndex) add(fp *token.Fingerprint, i int) {
	if uint64(i)+1 > math.MaxUint32 {
		if x.far == nil {
			x.far = make(map[token.Fingerprint]int)
		}
		x.far[*fp] = i
		return
	}
	if x.slots == nil {
		x.seed = rand.Uint64()
	}
	x.addTag(x.tag(fp), i)
}

// addTag is add for a fingerprint whose tag is t.
func (x *memFPIndex) addTag(t uint32, i int) {
	if (x.n+1)*4 > len(x.slots)*3 {
		x.grow()
	}
	x.put(uint64(t)<<32 | uint64(i+1))
	x.n++
}

// put stores the slot value e in the first empty slot from its home.
func (x *memFPIndex) put(e uint64) {
	mask := len(x.slots) - 1
	s := x.home(uint32(e >> 32))
	for x.slots[s] != 0 {
		s = (s + 1) & mask
	}
	x.slots[s] = e
}

// grow doubles the table (or makes the first one) and moves every entry.
func (x *memFPIndex) grow() {
	old := x.slots
	x.slots = make([]uint64, max(memFPMinSlots, 2*len(old)))
	for _, e := range old {
		if e != 0 {
			x.put(e)
		}
	}
}
