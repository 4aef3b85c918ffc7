package io.actdb.sql.geometry;

import java.util.Arrays;
import java.util.List;

/**
 * The ε-graph of GeomCA over R ∪ E (an edge iff the exact distance is at most ε) reduced to what
 * the measures need: its connected components and, per component, the number of R and E points and
 * of R–R, E–E and R–E edges. Edges are never stored: each thread unions the ends of the edges it
 * finds in its own union-find and counts each edge at its lower end; the forests are then merged.
 */
final class EpsilonGraph {
  private EpsilonGraph() {}

  /** One component. */
  record Component(int nReference, int nEvaluation, long rrEdges, long eeEdges, long reEdges) {
    long edges() {
      return rrEdges + eeEdges + reEdges;
    }
  }

  /** The components of the graph on {@code points}, whose first {@code nReference} points are R. */
  static List<Component> components(PointSet points, int nReference, double epsilon) {
    int n = points.count;
    double limit = epsilon * epsilon;
    List<Edges> locals =
        PairScan.scan(
            points,
            points,
            true,
            () -> new Edges(n),
            (g, t) -> {
              for (int i = 0; i < t.aCount; i++) {
                int gi = t.aFrom + i;
                boolean iRef = gi < nReference;
                int hits = t.select(i, Math.max(0, gi + 1 - t.bFrom), limit, null, t.rowSlack(i));
                for (int h = 0; h < hits; h++) {
                  int j = t.hits[h];
                  double a = t.approx(i, j);
                  double bound = t.bound(i, j);
                  if (a - bound > limit) continue; // surely no edge
                  int edge = Manifolds.decide(a, bound, limit, false);
                  if (edge == Manifolds.MAYBE) {
                    edge = t.exact(i, j) <= limit ? Manifolds.YES : Manifolds.NO;
                  }
                  if (edge == Manifolds.NO) continue;
                  int gj = t.bFrom + j;
                  boolean jRef = gj < nReference;
                  g.forest.union(gi, gj);
                  if (iRef && jRef) g.rr[gi]++;
                  else if (!iRef && !jRef) g.ee[gi]++;
                  else g.re[gi]++;
                }
              }
            },
            null);
    UnionFind forest = new UnionFind(n);
    long[] rr = new long[n];
    long[] ee = new long[n];
    long[] re = new long[n];
    for (Edges g : locals) {
      for (int v = 0; v < n; v++) {
        forest.union(v, g.forest.find(v));
        rr[v] += g.rr[v];
        ee[v] += g.ee[v];
        re[v] += g.re[v];
      }
    }
    int[] id = new int[n];
    Arrays.fill(id, -1);
    int components = 0;
    int[] root = new int[n];
    for (int v = 0; v < n; v++) {
      root[v] = forest.find(v);
      if (id[root[v]] < 0) id[root[v]] = components++;
    }
    int[] nR = new int[components];
    int[] nE = new int[components];
    long[] cRR = new long[components];
    long[] cEE = new long[components];
    long[] cRE = new long[components];
    for (int v = 0; v < n; v++) {
      int c = id[root[v]];
      if (v < nReference) nR[c]++;
      else nE[c]++;
      cRR[c] += rr[v];
      cEE[c] += ee[v];
      cRE[c] += re[v];
    }
    Component[] out = new Component[components];
    for (int c = 0; c < components; c++) {
      out[c] = new Component(nR[c], nE[c], cRR[c], cEE[c], cRE[c]);
    }
    return List.of(out);
  }

  /** One thread's forest and edge counts (by lower end). */
  private static final class Edges {
    final UnionFind forest;
    final int[] rr;
    final int[] ee;
    final int[] re;

    Edges(int n) {
      forest = new UnionFind(n);
      rr = new int[n];
      ee = new int[n];
      re = new int[n];
    }
  }

  /** Union-find with union by size and path halving. */
  static final class UnionFind {
    private final int[] parent;
    private final int[] size;

    UnionFind(int n) {
      parent = new int[n];
      size = new int[n];
      for (int i = 0; i < n; i++) {
        parent[i] = i;
        size[i] = 1;
      }
    }

    int find(int v) {
      while (parent[v] != v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
      }
      return v;
    }

    void union(int a, int b) {
      a = find(a);
      b = find(b);
      if (a == b) return;
      if (size[a] < size[b]) {
        int t = a;
        a = b;
        b = t;
      }
      parent[b] = a;
      size[a] += size[b];
    }
  }
}
