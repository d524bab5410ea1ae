namespace Tandem.Delivery.Routing.Solver;

/// <summary>
/// First-improvement local search: relocate (a job — a single stop or a whole pickup-delivery pair — to its best
/// position in any route, its own included), exchange (two single stops in different routes, O(1) with the caches) and
/// 2-opt* (swap the tails of two routes at cuts no pair straddles, O(1) with the caches). Runs until no move improves.
/// </summary>
internal sealed class LocalSearch(Instance inst)
{
    private const double Gain = 1e-7;
    private readonly bool[] _scratch = new bool[inst.N];
    private readonly int[] _buffer = new int[2 * inst.S + 4];
    private readonly bool[] _classSeen = new bool[inst.ClassCount];

    public int MaxPasses { get; set; } = 30;

    public void Improve(Solution s)
    {
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var improved = Relocate(s);
            improved |= Exchange(s);

            improved |= TwoOptStar(s);
            if (!improved)
            {
                return;
            }
        }
    }

    private bool Relocate(Solution s)
    {
        var improved = false;
        for (var job = 0; job < inst.J; job++)
        {
            var first = inst.JobFirst[job];
            var r = s.RouteOf[first];
            if (r < 0)
            {
                continue;
            }

            var route = s.Routes[r];
            var before = route.Distance;
            var second = inst.JobSecond[job];
            var pi = s.PosOf[first];
            var pj = second >= 0 ? s.PosOf[second] : -1;
            if (!RemovalKeepsRouteOnTime(route, first, second))
            {
                continue;
            }

            var oldUsed = s.UsedRoutes;
            s.RemoveJob(job, _scratch);
            s.Unassigned.RemoveAt(s.Unassigned.Count - 1);

            var saving = before - route.Distance;
            var bestCost = saving - Gain;
            int bestR = -1, bestI = -1, bestJ = -1;
            var canOpen = s.UsedRoutes < s.MaxRoutes && oldUsed == s.UsedRoutes;
            Array.Clear(_classSeen);
            for (var k = 0; k < s.Routes.Length; k++)
            {
                var other = s.Routes[k];
                if (other.IsEmpty)
                {
                    if (k == r || !canOpen || _classSeen[other.Class])
                    {
                        continue;
                    }

                    _classSeen[other.Class] = true;
                }

                var c = Insertion.Best(inst, other, job, null, 0, out var i, out var j);
                if (c < bestCost)
                {
                    bestCost = c;
                    bestR = k;
                    bestI = i;
                    bestJ = j;
                }
            }

            if (bestR < 0)
            {
                Restore(s, job, r, pi, pj);
                continue;
            }

            s.InsertJob(job, bestR, bestI, bestJ);
            improved = true;
        }

        return improved;
    }

    /// <summary>
    /// Whether the route stays on time without the job (always so under the triangle inequality; checked because road
    /// matrices need not obey it). Loads only drop when a job leaves.
    /// </summary>
    private bool RemovalKeepsRouteOnTime(Route route, int first, int second)
    {
        var n = inst.N;
        var nodes = route.Nodes;
        var prev = nodes[0];
        var time = route.Start[0];
        var toSkip = second >= 0 ? 2 : 1;
        for (var k = 1; k < route.Count; k++)
        {
            var node = nodes[k];
            if (node == first || node == second)
            {
                toSkip--;
                continue;
            }

            var arr = time + inst.Service[prev] + route.T[prev * n + node];
            time = arr > inst.Ready[node] ? arr : inst.Ready[node];
            if (time > inst.Due[node] + Instance.Eps)
            {
                return false;
            }

            if (toSkip == 0 && time <= route.Start[k])
            {
                return true; // past the removed stops and no later than before: the rest stays on time
            }

            prev = node;
        }

        return true;
    }

    private static void Restore(Solution s, int job, int r, int pi, int pj)
    {
        if (pj < 0)
        {
            s.InsertJob(job, r, pi - 1, -1);
        }
        else
        {
            s.InsertJob(job, r, pi - 1, pj == pi + 1 ? pi - 1 : pj - 2);
        }
    }

    /// <summary>Swaps two single stops of different routes among near neighbours.</summary>
    private bool Exchange(Solution s)
    {
        var improved = false;
        var n = inst.N;
        for (var u = 0; u < inst.S; u++)
        {
            var ra = s.RouteOf[u];
            if (ra < 0 || inst.Partner[u] >= 0)
            {
                continue;
            }

            var neighbours = inst.Neighbours[u];
            var limit = Math.Min(neighbours.Length, 30);
            for (var k = 1; k < limit; k++)
            {
                var v = neighbours[k];
                var rb = s.RouteOf[v];
                if (rb < 0 || rb == ra || inst.Partner[v] >= 0)
                {
                    continue;
                }

                var a = s.Routes[ra];
                var b = s.Routes[rb];
                var pa = s.PosOf[u];
                var pb = s.PosOf[v];
                var delta = SwapDelta(a, pa, v, n) + SwapDelta(b, pb, u, n);
                if (delta >= -Gain)
                {
                    continue;
                }

                if (!SwapFeasible(a, pa, u, v) || !SwapFeasible(b, pb, v, u))
                {
                    continue;
                }

                s.Touch(ra);
                s.Touch(rb);
                a.Nodes[pa] = v;
                b.Nodes[pb] = u;
                s.Refresh(ra);
                s.Refresh(rb);
                improved = true;
                break;
            }
        }

        return improved;
    }

    private static double SwapDelta(Route r, int pos, int incoming, int n)
    {
        var d = r.D;
        var prev = r.Nodes[pos - 1];
        var cur = r.Nodes[pos];
        var next = r.Nodes[pos + 1];
        return d[prev * n + incoming] + d[incoming * n + next] - d[prev * n + cur] - d[cur * n + next];
    }

    private bool SwapFeasible(Route r, int pos, int outgoing, int incoming)
    {
        var n = inst.N;
        var dq = inst.SingleDemand[incoming] - inst.SingleDemand[outgoing];
        if (r.MaxLoad[pos - 1] + dq > r.Capacity)
        {
            return false;
        }

        var prev = r.Nodes[pos - 1];
        var next = r.Nodes[pos + 1];
        var arr = r.Start[pos - 1] + inst.Service[prev] + r.T[prev * n + incoming];
        var st = Math.Max(arr, inst.Ready[incoming]);
        if (st > inst.Due[incoming] + Instance.Eps)
        {
            return false;
        }

        return st + inst.Service[incoming] + r.T[incoming * n + next] <= r.Latest[pos + 1] + Instance.Eps;
    }

    /// <summary>Tail swap between two routes of vehicles that end at the same place at the same time with the same matrices.</summary>
    private bool TwoOptStar(Solution s)
    {
        var improved = false;
        var n = inst.N;
        var routes = s.Routes;
        for (var ra = 0; ra < routes.Length; ra++)
        {
            var a = routes[ra];
            if (a.IsEmpty)
            {
                continue;
            }

            for (var rb = ra + 1; rb < routes.Length; rb++)
            {
                var b = routes[rb];
                if (b.IsEmpty || !TailsCompatible(a, b))
                {
                    continue;
                }

                if (TryTwoOptStar(s, ra, rb, n))
                {
                    improved = true;
                    a = routes[ra];
                    if (a.IsEmpty)
                    {
                        break;
                    }
                }
            }
        }

        return improved;
    }

    private bool TailsCompatible(Route a, Route b)
    {
        var ea = a.Nodes[a.Count - 1];
        var eb = b.Nodes[b.Count - 1];
        return inst.Loc[ea] == inst.Loc[eb] && inst.Due[ea] == inst.Due[eb] && ReferenceEquals(a.T, b.T);
    }

    private bool TryTwoOptStar(Solution s, int ra, int rb, int n)
    {
        var a = s.Routes[ra];
        var b = s.Routes[rb];
        var d = a.D;
        var t = a.T;
        var before = a.Distance + b.Distance;
        var bestGain = Gain;
        int bi = -1, bj = -1;
        var aLast = a.Count - 1;
        var bLast = b.Count - 1;
        for (var i = 0; i < aLast; i++)
        {
            if (a.Open[i] != 0)
            {
                continue;
            }

            var x = a.Nodes[i];
            var xDep = a.Start[i] + inst.Service[x];
            for (var j = 0; j < bLast; j++)
            {
                if (b.Open[j] != 0 || (i == 0 && j == 0) || (i == aLast - 1 && j == bLast - 1))
                {
                    continue;
                }

                var y = b.Nodes[j];
                var bNext = b.Nodes[j + 1];
                var aNext = a.Nodes[i + 1];

                // New A: a[0..i] + b[j+1..]; new B: b[0..j] + a[i+1..].
                var distA = (i == 0 && j + 1 == bLast) ? 0 : a.PrefixDist[i] + d[x * n + bNext] + (b.PrefixDist[bLast] - b.PrefixDist[j + 1]);
                var distB = (j == 0 && i + 1 == aLast) ? 0 : b.PrefixDist[j] + d[y * n + aNext] + (a.PrefixDist[aLast] - a.PrefixDist[i + 1]);
                var gain = before - distA - distB;
                if (gain <= bestGain)
                {
                    continue;
                }

                var arrA = xDep + t[x * n + bNext];
                if (Math.Max(arrA, inst.Ready[bNext]) > b.Latest[j + 1] + Instance.Eps)
                {
                    continue;
                }

                var arrB = b.Start[j] + inst.Service[y] + t[y * n + aNext];
                if (Math.Max(arrB, inst.Ready[aNext]) > a.Latest[i + 1] + Instance.Eps)
                {
                    continue;
                }

                // Loads: at a clean cut the load equals the single demand still to deliver.
                if (a.MaxLoad[i] - a.Load[i] + b.Load[j] > a.Capacity || b.SufMaxLoad[j + 1] > a.Capacity
                    || b.MaxLoad[j] - b.Load[j] + a.Load[i] > b.Capacity || a.SufMaxLoad[i + 1] > b.Capacity)
                {
                    continue;
                }

                bestGain = gain;
                bi = i;
                bj = j;
            }
        }

        if (bi < 0)
        {
            return false;
        }

        // Build both new sequences in the buffer, then write them back (end depots stay with their vehicles).
        var endA = a.Nodes[aLast];
        var endB = b.Nodes[bLast];
        var w = 0;
        for (var k = 0; k <= bi; k++)
        {
            _buffer[w++] = a.Nodes[k];
        }

        for (var k = bj + 1; k < bLast; k++)
        {
            _buffer[w++] = b.Nodes[k];
        }

        _buffer[w++] = endA;
        var lenA = w;
        for (var k = 0; k <= bj; k++)
        {
            _buffer[w++] = b.Nodes[k];
        }

        for (var k = bi + 1; k < aLast; k++)
        {
            _buffer[w++] = a.Nodes[k];
        }

        _buffer[w++] = endB;
        s.Touch(ra);
        s.Touch(rb);
        Array.Copy(_buffer, 0, a.Nodes, 0, lenA);
        a.Count = lenA;
        Array.Copy(_buffer, lenA, b.Nodes, 0, w - lenA);
        b.Count = w - lenA;
        s.Refresh(ra);
        s.Refresh(rb);
        return true;
    }
}
