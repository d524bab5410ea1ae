namespace Tandem.Delivery.Routing.Solver;

/// <summary>
/// Cheapest feasible insertion of a job into one route, using the route's forward/backward time-window caches:
/// a single stop is tested in O(1) per position; a pair walks the positions between pickup and delivery once.
/// With <c>blink</c> &gt; 0 each position is skipped with that probability (SISR's "blinks").
/// </summary>
internal static class Insertion
{
    public static double Best(Instance inst, Route route, int job, Rng? rng, double blink, out int bestI, out int bestJ)
    {
        var second = inst.JobSecond[job];
        if (second < 0)
        {
            bestJ = -1;
            return BestSingle(inst, route, inst.JobFirst[job], rng, blink, out bestI);
        }

        return BestPair(inst, route, inst.JobFirst[job], second, rng, blink, out bestI, out bestJ);
    }

    public static double BestSingle(Instance inst, Route route, int u, Rng? rng, double blink, out int bestI)
    {
        bestI = -1;
        var best = double.PositiveInfinity;
        var q = inst.SingleDemand[u];
        var cap = route.Capacity;
        var nodes = route.Nodes;
        var start = route.Start;
        var latest = route.Latest;
        var maxLoad = route.MaxLoad;
        var d = route.D;
        var t = route.T;
        var n = inst.N;
        var ready = inst.Ready[u];
        var due = inst.Due[u];
        var su = inst.Service[u];
        var service = inst.Service;
        var count = route.Count;
        var useBlink = rng is not null && blink > 0;
        for (var i = 0; i < count - 1; i++)
        {
            if (maxLoad[i] + q > cap || start[i] > due)
            {
                break;
            }

            var a = nodes[i];
            var b = nodes[i + 1];
            var arr = start[i] + service[a] + t[a * n + u];
            var st = arr > ready ? arr : ready;
            if (st > due + Instance.Eps)
            {
                continue;
            }

            if (st + su + t[u * n + b] > latest[i + 1] + Instance.Eps)
            {
                continue;
            }

            var delta = d[a * n + u] + d[u * n + b] - d[a * n + b];
            if (delta < best && (!useBlink || rng!.NextDouble() >= blink))
            {
                best = delta;
                bestI = i;
            }
        }

        if (bestI >= 0 && count == 2)
        {
            best += d[nodes[0] * n + nodes[1]];
        }

        return best;
    }

    public static double BestPair(Instance inst, Route route, int p, int dl, Rng? rng, double blink, out int bestI, out int bestJ)
    {
        bestI = -1;
        bestJ = -1;
        var best = double.PositiveInfinity;
        var q = inst.Delta[p];
        var cap = route.Capacity;
        var nodes = route.Nodes;
        var start = route.Start;
        var latest = route.Latest;
        var load = route.Load;
        var d = route.D;
        var t = route.T;
        var n = inst.N;
        var ready = inst.Ready;
        var due = inst.Due;
        var service = inst.Service;
        var count = route.Count;
        var useBlink = rng is not null && blink > 0;
        var dueP = due[p];
        var dueD = due[dl];
        for (var i = 0; i < count - 1; i++)
        {
            if (start[i] > dueP)
            {
                break;
            }

            if (load[i] + q > cap)
            {
                continue;
            }

            var a = nodes[i];
            var b = nodes[i + 1];
            var arrP = start[i] + service[a] + t[a * n + p];
            var stP = arrP > ready[p] ? arrP : ready[p];
            if (stP > dueP + Instance.Eps)
            {
                continue;
            }

            var dab = d[a * n + b];

            // Delivery right after the pickup: a p d b.
            var arrD = stP + service[p] + t[p * n + dl];
            var stD = arrD > ready[dl] ? arrD : ready[dl];
            if (stD <= dueD + Instance.Eps && stD + service[dl] + t[dl * n + b] <= latest[i + 1] + Instance.Eps)
            {
                var c = d[a * n + p] + d[p * n + dl] + d[dl * n + b] - dab;
                if (c < best && (!useBlink || rng!.NextDouble() >= blink))
                {
                    best = c;
                    bestI = i;
                    bestJ = i;
                }
            }

            var costP = d[a * n + p] + d[p * n + b] - dab;
            if (costP >= best)
            {
                continue;
            }

            // Delivery after a later node j: a p b ... c dl e.
            var prev = p;
            var prevSt = stP;
            for (var j = i + 1; j < count - 1; j++)
            {
                var c = nodes[j];
                var arr = prevSt + service[prev] + t[prev * n + c];
                var st = arr > ready[c] ? arr : ready[c];
                if (st > latest[j] + Instance.Eps || load[j] + q > cap)
                {
                    break;
                }

                var e = nodes[j + 1];
                var cost = costP + d[c * n + dl] + d[dl * n + e] - d[c * n + e];
                if (cost < best)
                {
                    arrD = st + service[c] + t[c * n + dl];
                    stD = arrD > ready[dl] ? arrD : ready[dl];
                    if (stD <= dueD + Instance.Eps && stD + service[dl] + t[dl * n + e] <= latest[j + 1] + Instance.Eps
                        && (!useBlink || rng!.NextDouble() >= blink))
                    {
                        best = cost;
                        bestI = i;
                        bestJ = j;
                    }
                }

                prev = c;
                prevSt = st;
            }
        }

        if (bestI >= 0 && count == 2)
        {
            best += d[nodes[0] * n + nodes[1]];
        }

        return best;
    }
}
