namespace Tandem.Delivery.Routing.Solver;

/// <summary>Ruin (remove jobs) and recreate (reinsert them) operators, with preallocated scratch space.</summary>
internal sealed class Operators
{
    public const int RuinCount = 4;
    public const int RecreateCount = 3;

    private readonly Instance _inst;
    private readonly Rng _rng;
    private readonly bool[] _marked;
    private readonly bool[] _routeRuined;
    private readonly int[] _jobs;
    private readonly double[] _keys;
    private readonly int[] _order;
    private readonly bool[] _classSeen;
    private readonly double[] _regretCost;
    private readonly int[] _regretI;
    private readonly int[] _regretJ;
    private readonly bool[] _columnActive;
    private readonly bool[] _columnWasActive;
    private readonly int[] _assignedJobs;
    private readonly double[] _depotDistance;

    public Operators(Instance inst, Rng rng)
    {
        _inst = inst;
        _rng = rng;
        _marked = new bool[inst.N];
        _routeRuined = new bool[inst.V];
        _jobs = new int[inst.J];
        _keys = new double[Math.Max(inst.J, inst.S)];
        _order = new int[Math.Max(inst.J, inst.S)];
        _classSeen = new bool[inst.ClassCount];
        _regretCost = new double[inst.J * inst.V];
        _regretI = new int[inst.J * inst.V];
        _regretJ = new int[inst.J * inst.V];
        _columnActive = new bool[inst.V];
        _columnWasActive = new bool[inst.V];
        _assignedJobs = new int[inst.J];
        _depotDistance = new double[inst.J];
        var d0 = inst.Dist[0];
        var depot = inst.V > 0 ? inst.StartNode(0) : 0;
        for (var j = 0; j < inst.J; j++)
        {
            _depotDistance[j] = inst.V > 0 ? d0[depot * inst.N + inst.JobFirst[j]] : 0;
        }
    }

    /// <summary>Mean number of jobs a ruin removes (SISR's c̄).</summary>
    public double AverageRemoved { get; set; } = 10;

    /// <summary>Longest string SISR removes from one route (SISR's L_max).</summary>
    public int MaxString { get; set; } = 10;

    public double Blink { get; set; } = 0.01;

    public bool[] Scratch => _marked;

    public void Ruin(Solution s, int op)
    {
        switch (op)
        {
            case 0:
                RuinStrings(s);
                break;
            case 1:
                RuinRandom(s);
                break;
            case 2:
                RuinWorst(s);
                break;
            default:
                RuinRelated(s);
                break;
        }
    }

    public void Recreate(Solution s, int op)
    {
        switch (op)
        {
            case 0:
                RecreateGreedy(s, Blink);
                break;
            case 1:
                RecreateRegret(s, 2);
                break;
            default:
                RecreateRegret(s, 3);
                break;
        }
    }

    private int AssignedJobs(Solution s)
    {
        var m = 0;
        for (var j = 0; j < _inst.J; j++)
        {
            if (s.RouteOf[_inst.JobFirst[j]] >= 0)
            {
                _assignedJobs[m++] = j;
            }
        }

        return m;
    }

    private int RemovalCount(int assigned)
    {
        var hi = Math.Min(assigned, (int)Math.Round(2 * AverageRemoved) - 1);
        return hi <= 1 ? hi : _rng.Between(1, hi);
    }

    /// <summary>SISR: remove strings of consecutive stops from a few routes near a random seed stop.</summary>
    public void RuinStrings(Solution s)
    {
        var inst = _inst;
        var stops = 0;
        if (s.UsedRoutes == 0)
        {
            return;
        }

        for (var r = 0; r < s.Routes.Length; r++)
        {
            stops += s.Routes[r].StopCount;
        }

        var avgLen = (double)stops / s.UsedRoutes;
        var lsMax = Math.Min(MaxString, avgLen);
        var ksMax = 4 * AverageRemoved / (1 + lsMax) - 1;
        var ks = (int)Math.Floor(_rng.NextDouble() * ksMax) + 1;
        var seed = RandomAssignedStop(s);
        if (seed < 0)
        {
            return;
        }

        var ruined = 0;
        var neighbours = inst.Neighbours[seed];
        for (var k = 0; k < neighbours.Length && ruined < ks; k++)
        {
            var c = neighbours[k];
            var r = s.RouteOf[c];
            if (r < 0 || _routeRuined[r])
            {
                continue;
            }

            var route = s.Routes[r];
            var len = route.StopCount;
            var ltMax = Math.Min(len, lsMax);
            var lt = (int)Math.Floor(_rng.NextDouble() * ltMax) + 1;
            var pos = s.PosOf[c];
            if (lt >= len || _rng.NextDouble() < 0.5)
            {
                // String of lt stops containing c.
                var lo = Math.Max(1, pos - lt + 1);
                var hi = Math.Min(pos, len - lt + 1);
                var first = _rng.Between(lo, hi);
                MarkJobsAt(s, route, first, first + lt, -1, -1);
            }
            else
            {
                // Split string: a string of lt + m stops with m consecutive ones kept.
                var m = 1;
                while (lt + m < len && _rng.NextDouble() > 0.5)
                {
                    m++;
                }

                var total = lt + m;
                var lo = Math.Max(1, pos - total + 1);
                var hi = Math.Min(pos, len - total + 1);
                var first = _rng.Between(lo, Math.Max(lo, hi));
                var keep = first + _rng.Next(lt + 1);
                MarkJobsAt(s, route, first, Math.Min(first + total, len + 1), keep, keep + m);
            }

            _routeRuined[r] = true;
            ruined++;
            FlushMarked(s, r);
        }

        for (var r = 0; r < _routeRuined.Length; r++)
        {
            _routeRuined[r] = false;
        }
    }

    private void MarkJobsAt(Solution s, Route route, int from, int to, int keepFrom, int keepTo)
    {
        for (var k = from; k < to; k++)
        {
            if (k >= keepFrom && k < keepTo)
            {
                continue;
            }

            var node = route.Nodes[k];
            if (_marked[node])
            {
                continue;
            }

            _marked[node] = true;
            var partner = _inst.Partner[node];
            if (partner >= 0)
            {
                _marked[partner] = true;
            }

            s.Unassigned.Add(_inst.JobOf[node]);
        }
    }

    private void FlushMarked(Solution s, int r) => s.RemoveMarked(r, _marked);

    private int RandomAssignedStop(Solution s)
    {
        for (var tries = 0; tries < 100; tries++)
        {
            var c = _rng.Next(_inst.S);
            if (s.RouteOf[c] >= 0)
            {
                return c;
            }
        }

        for (var c = 0; c < _inst.S; c++)
        {
            if (s.RouteOf[c] >= 0)
            {
                return c;
            }
        }

        return -1;
    }

    public void RuinRandom(Solution s)
    {
        var m = AssignedJobs(s);
        var q = RemovalCount(m);
        for (var k = 0; k < q; k++)
        {
            var pick = k + _rng.Next(m - k);
            (_assignedJobs[k], _assignedJobs[pick]) = (_assignedJobs[pick], _assignedJobs[k]);
            s.RemoveJob(_assignedJobs[k], _marked);
        }
    }

    /// <summary>Removes the jobs whose removal saves most distance, randomised (Ropke &amp; Pisinger, p = 3).</summary>
    public void RuinWorst(Solution s)
    {
        var m = AssignedJobs(s);
        var q = RemovalCount(m);
        for (var k = 0; k < m; k++)
        {
            _order[k] = _assignedJobs[k];
            _keys[k] = -RemovalSaving(s, _assignedJobs[k]);
        }

        Array.Sort(_keys, _order, 0, m);
        RemoveRandomisedPrefix(s, m, q);
    }

    /// <summary>Shaw removal: jobs related to a random seed by place and time window.</summary>
    public void RuinRelated(Solution s)
    {
        var m = AssignedJobs(s);
        var q = RemovalCount(m);
        if (m == 0)
        {
            return;
        }

        var seed = _inst.JobFirst[_assignedJobs[_rng.Next(m)]];
        var d = _inst.Dist[0];
        var n = _inst.N;
        for (var k = 0; k < m; k++)
        {
            var u = _inst.JobFirst[_assignedJobs[k]];
            _order[k] = _assignedJobs[k];
            _keys[k] = 9 * d[seed * n + u] / Math.Max(1e-9, _inst.MaxDistance)
                + 3 * (Math.Abs(_inst.Ready[seed] - _inst.Ready[u]) + Math.Abs(_inst.Due[seed] - _inst.Due[u])) / _inst.MaxTime;
        }

        Array.Sort(_keys, _order, 0, m);
        RemoveRandomisedPrefix(s, m, q);
    }

    private void RemoveRandomisedPrefix(Solution s, int m, int q)
    {
        // Pick positions y^p · remaining from the sorted list, removing each once.
        var remaining = m;
        for (var k = 0; k < q && remaining > 0; k++)
        {
            var y = _rng.NextDouble();
            var idx = (int)(y * y * y * remaining);
            var job = _order[idx];
            Array.Copy(_order, idx + 1, _order, idx, remaining - idx - 1);
            remaining--;
            s.RemoveJob(job, _marked);
        }
    }

    private double RemovalSaving(Solution s, int job)
    {
        var inst = _inst;
        var first = inst.JobFirst[job];
        var r = s.RouteOf[first];
        var route = s.Routes[r];
        var d = route.D;
        var n = inst.N;
        var nodes = route.Nodes;
        var i = s.PosOf[first];
        var second = inst.JobSecond[job];
        if (second < 0)
        {
            var a = nodes[i - 1];
            var b = nodes[i + 1];
            return d[a * n + first] + d[first * n + b] - d[a * n + b];
        }

        var j = s.PosOf[second];
        if (j == i + 1)
        {
            var a = nodes[i - 1];
            var b = nodes[j + 1];
            return d[a * n + first] + d[first * n + second] + d[second * n + b] - d[a * n + b];
        }

        var a1 = nodes[i - 1];
        var b1 = nodes[i + 1];
        var a2 = nodes[j - 1];
        var b2 = nodes[j + 1];
        return d[a1 * n + first] + d[first * n + b1] - d[a1 * n + b1] + d[a2 * n + second] + d[second * n + b2] - d[a2 * n + b2];
    }

    /// <summary>SISR recreate: jobs in a random-weighted order, each at its cheapest position over all routes, with blinks.</summary>
    public void RecreateGreedy(Solution s, double blink)
    {
        var count = s.Unassigned.Count;
        if (count == 0)
        {
            return;
        }

        for (var k = 0; k < count; k++)
        {
            _jobs[k] = s.Unassigned[k];
        }

        s.Unassigned.Clear();
        SortForInsertion(count);
        for (var k = 0; k < count; k++)
        {
            var job = _jobs[k];
            if (!InsertBest(s, job, blink))
            {
                s.Unassigned.Add(job);
            }
        }
    }

    private void SortForInsertion(int count)
    {
        var w = _rng.Next(11);
        if (w < 4)
        {
            for (var k = count - 1; k > 0; k--)
            {
                var p = _rng.Next(k + 1);
                (_jobs[k], _jobs[p]) = (_jobs[p], _jobs[k]);
            }

            return;
        }

        for (var k = 0; k < count; k++)
        {
            var job = _jobs[k];
            _keys[k] = w switch
            {
                < 8 => -_inst.JobDemand(job),
                < 10 => -_depotDistance[job],
                _ => _depotDistance[job],
            } + _rng.NextDouble() * 1e-6;
        }

        Array.Sort(_keys, _jobs, 0, count);
    }

    /// <summary>Inserts a job at its cheapest feasible position; false if none.</summary>
    public bool InsertBest(Solution s, int job, double blink)
    {
        var bestCost = double.PositiveInfinity;
        int bestR = -1, bestI = -1, bestJ = -1;
        var canOpen = s.CanOpenRoute;
        Array.Clear(_classSeen);
        var rng = blink > 0 ? _rng : null;
        for (var r = 0; r < s.Routes.Length; r++)
        {
            var route = s.Routes[r];
            if (route.IsEmpty)
            {
                if (!canOpen || _classSeen[route.Class])
                {
                    continue;
                }

                _classSeen[route.Class] = true;
            }

            var c = Insertion.Best(_inst, route, job, rng, blink, out var i, out var j);
            if (c < bestCost)
            {
                bestCost = c;
                bestR = r;
                bestI = i;
                bestJ = j;
            }
        }

        if (bestR < 0)
        {
            return false;
        }

        s.InsertJob(job, bestR, bestI, bestJ);
        return true;
    }

    /// <summary>Regret-k insertion (with blinks): the job that loses most by not getting its best route goes first.</summary>
    public void RecreateRegret(Solution s, int k)
    {
        var m = s.Unassigned.Count;
        if (m == 0)
        {
            return;
        }

        for (var x = 0; x < m; x++)
        {
            _jobs[x] = s.Unassigned[x];
        }

        s.Unassigned.Clear();
        var v = _inst.V;
        RefreshColumns(s);
        for (var r = 0; r < v; r++)
        {
            if (_columnActive[r])
            {
                ComputeColumn(s, r, m);
            }
        }

        var remaining = m;
        while (remaining > 0)
        {
            var pick = -1;
            var pickRegret = double.NegativeInfinity;
            var pickBest = double.PositiveInfinity;
            var pickR = -1;
            for (var x = 0; x < remaining; x++)
            {
                double c1 = double.PositiveInfinity, c2 = double.PositiveInfinity, c3 = double.PositiveInfinity;
                var r1 = -1;
                var row = x * v;
                for (var r = 0; r < v; r++)
                {
                    if (!_columnActive[r])
                    {
                        continue;
                    }

                    var c = _regretCost[row + r];
                    if (c < c1)
                    {
                        c3 = c2;
                        c2 = c1;
                        c1 = c;
                        r1 = r;
                    }
                    else if (c < c2)
                    {
                        c3 = c2;
                        c2 = c;
                    }
                    else if (c < c3)
                    {
                        c3 = c;
                    }
                }

                if (r1 < 0)
                {
                    continue;
                }

                var big = _inst.UnassignedPenalty;
                var regret = (double.IsPositiveInfinity(c2) ? big : c2 - c1);
                if (k >= 3)
                {
                    regret += double.IsPositiveInfinity(c3) ? big : c3 - c1;
                }

                if (regret > pickRegret + 1e-9 || (Math.Abs(regret - pickRegret) <= 1e-9 && c1 < pickBest))
                {
                    pick = x;
                    pickRegret = regret;
                    pickBest = c1;
                    pickR = r1;
                }
            }

            if (pick < 0)
            {
                // Nothing left fits anywhere.
                for (var x = 0; x < remaining; x++)
                {
                    s.Unassigned.Add(_jobs[x]);
                }

                return;
            }

            var job = _jobs[pick];
            var bi = _regretI[pick * v + pickR];
            var bj = _regretJ[pick * v + pickR];
            var wasEmpty = s.Routes[pickR].IsEmpty;
            s.InsertJob(job, pickR, bi, bj);

            // Move the last row into the picked slot.
            remaining--;
            if (pick != remaining)
            {
                _jobs[pick] = _jobs[remaining];
                Array.Copy(_regretCost, remaining * v, _regretCost, pick * v, v);
                Array.Copy(_regretI, remaining * v, _regretI, pick * v, v);
                Array.Copy(_regretJ, remaining * v, _regretJ, pick * v, v);
            }

            if (wasEmpty)
            {
                Array.Copy(_columnActive, _columnWasActive, v);
                RefreshColumns(s);
                for (var r = 0; r < v; r++)
                {
                    if (_columnActive[r] && (!_columnWasActive[r] || r == pickR))
                    {
                        ComputeColumn(s, r, remaining);
                    }
                }
            }
            else
            {
                ComputeColumn(s, pickR, remaining);
            }
        }
    }

    private void RefreshColumns(Solution s)
    {
        Array.Clear(_classSeen);
        var canOpen = s.CanOpenRoute;
        for (var r = 0; r < _inst.V; r++)
        {
            var route = s.Routes[r];
            if (!route.IsEmpty)
            {
                _columnActive[r] = true;
            }
            else if (canOpen && !_classSeen[route.Class])
            {
                _classSeen[route.Class] = true;
                _columnActive[r] = true;
            }
            else
            {
                _columnActive[r] = false;
            }
        }
    }

    private void ComputeColumn(Solution s, int r, int m)
    {
        var v = _inst.V;
        var route = s.Routes[r];
        for (var x = 0; x < m; x++)
        {
            var idx = x * v + r;
            _regretCost[idx] = Insertion.Best(_inst, route, _jobs[x], _rng, Blink, out _regretI[idx], out _regretJ[idx]);
        }
    }
}
