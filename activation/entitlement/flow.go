package entitlement

// inf is the capacity of an edge without a bound: more than any sum of
// quantities (at most 2³¹ records × MaxQuantity < 2⁶²).
const inf int64 = 1 << 62

// graph is a flow network with integer capacities, solved by Dinic's
// algorithm: exact, and fast on the small networks of one pool (see
// network.go). Edge e and e^1 are an edge and its reverse; cap holds the
// residual capacity and orig the capacity.
type graph struct {
	head  []int32 // first edge of each node, -1 for none
	next  []int32
	to    []int32
	cap   []int64
	orig  []int64
	level []int32
	iter  []int32
	queue []int32
}

// reset empties g for n nodes, keeping its storage.
func (g *graph) reset(n int) {
	g.head = g.head[:0]
	for range n {
		g.head = append(g.head, -1)
	}
	g.next, g.to, g.cap, g.orig = g.next[:0], g.to[:0], g.cap[:0], g.orig[:0]
}

// node adds a node and returns it.
func (g *graph) node() int {
	g.head = append(g.head, -1)
	return len(g.head) - 1
}

// edge adds an edge u → v of capacity c and returns its index.
func (g *graph) edge(u, v int, c int64) int {
	e := len(g.to)
	g.to = append(g.to, int32(v), int32(u))
	g.cap = append(g.cap, c, 0)
	g.orig = append(g.orig, c, 0)
	g.next = append(g.next, g.head[u], g.head[v])
	g.head[u], g.head[v] = int32(e), int32(e+1)
	return e
}

// flow returns the flow on edge e.
func (g *graph) flow(e int) int64 { return g.orig[e] - g.cap[e] }

// copyFrom makes g a copy of h, with its own residual capacities, reusing
// g's storage.
func (g *graph) copyFrom(h *graph) {
	g.head = append(g.head[:0], h.head...)
	g.next = append(g.next[:0], h.next...)
	g.to = append(g.to[:0], h.to...)
	g.cap = append(g.cap[:0], h.cap...)
	g.orig = append(g.orig[:0], h.orig...)
}

// maxflow pushes as much flow from s to t as the residual capacities allow
// and returns how much it pushed.
func (g *graph) maxflow(s, t int) int64 {
	var total int64
	n := len(g.head)
	if cap(g.level) < n {
		g.level, g.iter = make([]int32, n), make([]int32, n)
	}
	g.level, g.iter = g.level[:n], g.iter[:n]
	for g.bfs(s, t) {
		copy(g.iter, g.head)
		for {
			f := g.dfs(s, t, inf)
			if f == 0 {
				break
			}
			total += f
		}
	}
	return total
}

// bfs levels the nodes by their distance from s in the residual network and
// reports whether t is reachable.
func (g *graph) bfs(s, t int) bool {
	for i := range g.level {
		g.level[i] = -1
	}
	g.level[s] = 0
	g.queue = append(g.queue[:0], int32(s))
	for i := 0; i < len(g.queue); i++ {
		u := g.queue[i]
		for e := g.head[u]; e >= 0; e = g.next[e] {
			if v := g.to[e]; g.cap[e] > 0 && g.level[v] < 0 {
				g.level[v] = g.level[u] + 1
				g.queue = append(g.queue, v)
			}
		}
	}
	return g.level[t] >= 0
}

// dfs finds one augmenting path along increasing levels (a blocking flow,
// one path at a time, skipping exhausted edges) and pushes up to f on it.
// The depth is bounded by the network's few levels.
func (g *graph) dfs(u, t int, f int64) int64 {
	if u == t {
		return f
	}
	for ; g.iter[u] >= 0; g.iter[u] = g.next[g.iter[u]] {
		e := g.iter[u]
		v := int(g.to[e])
		if g.cap[e] <= 0 || g.level[v] != g.level[u]+1 {
			continue
		}
		if d := g.dfs(v, t, min(f, g.cap[e])); d > 0 {
			g.cap[e] -= d
			g.cap[e^1] += d
			return d
		}
	}
	return 0
}

// reachable returns the nodes reachable from s in the residual network.
func (g *graph) reachable(s int) []bool {
	seen := make([]bool, len(g.head))
	seen[s] = true
	g.queue = append(g.queue[:0], int32(s))
	for i := 0; i < len(g.queue); i++ {
		u := g.queue[i]
		for e := g.head[u]; e >= 0; e = g.next[e] {
			if v := g.to[e]; g.cap[e] > 0 && !seen[v] {
				seen[v] = true
				g.queue = append(g.queue, v)
			}
		}
	}
	return seen
}
