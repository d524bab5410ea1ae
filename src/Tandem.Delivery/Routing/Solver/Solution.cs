namespace Tandem.Delivery.Routing.Solver;

/// <summary>
/// One vehicle's route as node arrays with the caches that make an insertion test O(1): earliest service start
/// (forward), latest service start that keeps the rest of the route on time (backward), load after each node and its
/// running maximum, and how many pickups are open (not yet delivered) after each node.
/// Position 0 is the start depot, position Count-1 the end depot.
/// </summary>
internal sealed class Route
{
    public Route(Instance inst, int vehicle)
    {
        Vehicle = vehicle;
        Capacity = inst.Capacity[vehicle];
        Class = inst.VehicleClass[vehicle];
        D = inst.Dist[inst.ProfileOf[vehicle]];
        T = inst.Time[inst.ProfileOf[vehicle]];
        N = inst.N;
        var size = inst.S + 2;
        Nodes = new int[size];
        Start = new double[size];
        Latest = new double[size];
        Load = new int[size];
        MaxLoad = new int[size];
        Open = new int[size];
        SufMaxLoad = new int[size];
        PrefixDist = new double[size];
        Nodes[0] = inst.StartNode(vehicle);
        Nodes[1] = inst.EndNode(vehicle);
        Count = 2;
    }

    public int Vehicle { get; }

    public int Capacity { get; }

    public int Class { get; }

    public int N { get; }

    public double[] D { get; }

    public double[] T { get; }

    public int[] Nodes { get; }

    public double[] Start { get; }

    public double[] Latest { get; }

    public int[] Load { get; }

    /// <summary>Maximum of <see cref="Load"/> over positions 0..k.</summary>
    public int[] MaxLoad { get; }

    public int[] Open { get; }

    /// <summary>Maximum of <see cref="Load"/> over positions k..Count-1.</summary>
    public int[] SufMaxLoad { get; }

    /// <summary>Distance from the start to position k.</summary>
    public double[] PrefixDist { get; }

    public int Count { get; set; }

    public double Distance { get; private set; }

    public bool IsEmpty => Count == 2;

    /// <summary>Whether the route counted as used at its last refresh.</summary>
    public bool Used { get; set; }

    public int StopCount => Count - 2;

    public void CopyFrom(Route other)
    {
        var n = other.Count;
        Array.Copy(other.Nodes, Nodes, n);
        Array.Copy(other.Start, Start, n);
        Array.Copy(other.Latest, Latest, n);
        Array.Copy(other.Load, Load, n);
        Array.Copy(other.MaxLoad, MaxLoad, n);
        Array.Copy(other.Open, Open, n);
        Array.Copy(other.SufMaxLoad, SufMaxLoad, n);
        Array.Copy(other.PrefixDist, PrefixDist, n);
        Count = n;
        Distance = other.Distance;
        Used = other.Used;
    }

    /// <summary>Recomputes every cache from the node sequence; returns false if the sequence breaks a window.</summary>
    public bool Recompute(Instance inst)
    {
        var nodes = Nodes;
        var n = Count;
        var load0 = 0;
        for (var k = 1; k < n - 1; k++)
        {
            load0 += inst.SingleDemand[nodes[k]];
        }

        var feasible = load0 <= Capacity;
        Start[0] = inst.Ready[nodes[0]];
        Load[0] = load0;
        MaxLoad[0] = load0;
        Open[0] = 0;
        PrefixDist[0] = 0;
        var dist = 0.0;
        var ready = inst.Ready;
        var due = inst.Due;
        var service = inst.Service;
        for (var k = 1; k < n; k++)
        {
            var a = nodes[k - 1];
            var b = nodes[k];
            var arr = Start[k - 1] + service[a] + T[a * N + b];
            var st = arr > ready[b] ? arr : ready[b];
            Start[k] = st;
            if (st > due[b] + Instance.Eps)
            {
                feasible = false;
            }

            var l = Load[k - 1] + inst.Delta[b];
            Load[k] = l;
            MaxLoad[k] = l > MaxLoad[k - 1] ? l : MaxLoad[k - 1];
            if (l > Capacity)
            {
                feasible = false;
            }

            Open[k] = Open[k - 1] + (inst.Partner[b] < 0 ? 0 : inst.IsPickup[b] ? 1 : -1);
            dist += D[a * N + b];
            PrefixDist[k] = dist;
        }

        SufMaxLoad[n - 1] = Load[n - 1];
        for (var k = n - 2; k >= 0; k--)
        {
            SufMaxLoad[k] = Load[k] > SufMaxLoad[k + 1] ? Load[k] : SufMaxLoad[k + 1];
        }

        Latest[n - 1] = due[nodes[n - 1]];
        for (var k = n - 2; k >= 0; k--)
        {
            var a = nodes[k];
            var b = nodes[k + 1];
            var l = Latest[k + 1] - T[a * N + b] - service[a];
            Latest[k] = l < due[a] ? l : due[a];
        }

        Distance = n == 2 ? 0 : dist;
        return feasible;
    }
}

/// <summary>A plan in the search: one <see cref="Route"/> per vehicle (most may be empty) and the unassigned jobs.</summary>
internal sealed class Solution
{
    private readonly bool[] _touched;
    private readonly List<int> _touchedList = [];

    public Solution(Instance inst)
    {
        Inst = inst;
        Routes = new Route[inst.V];
        for (var v = 0; v < inst.V; v++)
        {
            Routes[v] = new Route(inst, v);
            Routes[v].Recompute(inst);
        }

        RouteOf = new int[inst.N];
        PosOf = new int[inst.N];
        Array.Fill(RouteOf, -1);
        for (var v = 0; v < inst.V; v++)
        {
            RouteOf[inst.StartNode(v)] = v;
            RouteOf[inst.EndNode(v)] = v;
            PosOf[inst.EndNode(v)] = 1;
        }

        _touched = new bool[inst.V];
        for (var j = 0; j < inst.J; j++)
        {
            Unassigned.Add(j);
        }
    }

    public Instance Inst { get; }

    public Route[] Routes { get; }

    public int[] RouteOf { get; }

    public int[] PosOf { get; }

    public List<int> Unassigned { get; } = [];

    public double TotalDistance { get; private set; }

    public int UsedRoutes { get; private set; }

    /// <summary>How many routes the search may use (fleet minimisation lowers it).</summary>
    public int MaxRoutes { get; set; } = int.MaxValue;

    public IReadOnlyList<int> Touched => _touchedList;

    public double Cost => TotalDistance + Unassigned.Count * Inst.UnassignedPenalty;

    public bool CanOpenRoute => UsedRoutes < MaxRoutes;

    public void Touch(int r)
    {
        if (!_touched[r])
        {
            _touched[r] = true;
            _touchedList.Add(r);
        }
    }

    public void ClearTouched()
    {
        foreach (var r in _touchedList)
        {
            _touched[r] = false;
        }

        _touchedList.Clear();
    }

    /// <summary>Makes the routes this solution touched equal to <paramref name="source"/>'s again (undo or commit).</summary>
    public void SyncTouchedFrom(Solution source, Solution other)
    {
        // 'other' is whichever solution holds the touched list (this one or source).
        foreach (var r in other.Touched)
        {
            CopyRoute(source, r);
        }

        CopyUnassigned(source);
        TotalDistance = source.TotalDistance;
        UsedRoutes = source.UsedRoutes;
        MaxRoutes = source.MaxRoutes;
    }

    public void CopyAllFrom(Solution source)
    {
        for (var r = 0; r < Routes.Length; r++)
        {
            CopyRoute(source, r);
        }

        CopyUnassigned(source);
        TotalDistance = source.TotalDistance;
        UsedRoutes = source.UsedRoutes;
        MaxRoutes = source.MaxRoutes;
    }

    private void CopyRoute(Solution source, int r)
    {
        var route = Routes[r];
        route.CopyFrom(source.Routes[r]);
        for (var k = 1; k < route.Count - 1; k++)
        {
            var node = route.Nodes[k];
            RouteOf[node] = r;
            PosOf[node] = k;
        }

        PosOf[route.Nodes[route.Count - 1]] = route.Count - 1;
    }

    private void CopyUnassigned(Solution source)
    {
        Unassigned.Clear();
        foreach (var j in source.Unassigned)
        {
            Unassigned.Add(j);
            RouteOf[Inst.JobFirst[j]] = -1;
            if (Inst.JobSecond[j] >= 0)
            {
                RouteOf[Inst.JobSecond[j]] = -1;
            }
        }
    }

    /// <summary>Recomputes the route's caches and the node → position index after its nodes changed; false if it is late or overloaded.</summary>
    public bool Refresh(int r)
    {
        var route = Routes[r];
        var wasUsed = route.Used;
        TotalDistance -= route.Distance;
        var feasible = route.Recompute(Inst);
        route.Used = !route.IsEmpty;
        TotalDistance += route.Distance;
        for (var k = 1; k < route.Count; k++)
        {
            var node = route.Nodes[k];
            RouteOf[node] = r;
            PosOf[node] = k;
        }

        if (wasUsed != route.Used)
        {
            UsedRoutes += route.Used ? 1 : -1;
        }

        return feasible;
    }

    /// <summary>Inserts a single job's node after position <paramref name="i"/>.</summary>
    public void InsertSingle(int r, int node, int i)
    {
        Touch(r);
        var route = Routes[r];
        var nodes = route.Nodes;
        Array.Copy(nodes, i + 1, nodes, i + 2, route.Count - i - 1);
        nodes[i + 1] = node;
        route.Count++;
        Refresh(r);
    }

    /// <summary>Inserts a pair: pickup after position <paramref name="i"/>, delivery after original position <paramref name="j"/> (j ≥ i).</summary>
    public void InsertPair(int r, int pickup, int delivery, int i, int j)
    {
        Touch(r);
        var route = Routes[r];
        var nodes = route.Nodes;
        var n = route.Count;
        // Shift the tail after j by two, the segment (i, j] by one.
        Array.Copy(nodes, j + 1, nodes, j + 3, n - j - 1);
        nodes[j + 2] = delivery;
        Array.Copy(nodes, i + 1, nodes, i + 2, j - i);
        nodes[i + 1] = pickup;
        route.Count = n + 2;
        Refresh(r);
    }

    public void InsertJob(int job, int r, int i, int j)
    {
        var second = Inst.JobSecond[job];
        if (second < 0)
        {
            InsertSingle(r, Inst.JobFirst[job], i);
        }
        else
        {
            InsertPair(r, Inst.JobFirst[job], second, i, j);
        }
    }

    /// <summary>Removes the marked nodes from route r in one pass (marks are cleared), then refreshes it.</summary>
    public void RemoveMarked(int r, bool[] marked)
    {
        Touch(r);
        var route = Routes[r];
        var nodes = route.Nodes;
        var w = 1;
        for (var k = 1; k < route.Count; k++)
        {
            var node = nodes[k];
            if (marked[node])
            {
                marked[node] = false;
                RouteOf[node] = -1;
                continue;
            }

            nodes[w++] = node;
        }

        route.Count = w;
        if (!Refresh(r))
        {
            Repair(r);
        }
    }

    /// <summary>
    /// With a travel matrix that breaks the triangle inequality (a road network can), taking a stop out can make a later
    /// one late. Then the first late or overloaded stop's job leaves the route too, until the route is feasible again:
    /// hard constraints are never traded for a stop.
    /// </summary>
    private void Repair(int r)
    {
        var route = Routes[r];
        var feasible = false;
        while (!feasible && !route.IsEmpty)
        {
            var bad = route.Count - 2; // a late return blames the last stop
            for (var k = 1; k < route.Count - 1; k++)
            {
                var node = route.Nodes[k];
                if (route.Start[k] > Inst.Due[node] + Instance.Eps || route.Load[k] > route.Capacity || route.Load[0] > route.Capacity)
                {
                    bad = k;
                    break;
                }
            }

            var badNode = route.Nodes[bad];
            var job = Inst.JobOf[badNode];
            Unassigned.Add(job);
            var w = 1;
            for (var k = 1; k < route.Count; k++)
            {
                var node = route.Nodes[k];
                if (Inst.JobOf[node] == job && k < route.Count - 1)
                {
                    RouteOf[node] = -1;
                    continue;
                }

                route.Nodes[w++] = node;
            }

            route.Count = w;
            feasible = Refresh(r);
        }
    }

    /// <summary>Removes one job from its route and puts it in <see cref="Unassigned"/>.</summary>
    public void RemoveJob(int job, bool[] scratch)
    {
        var first = Inst.JobFirst[job];
        var r = RouteOf[first];
        if (r < 0)
        {
            return;
        }

        scratch[first] = true;
        var second = Inst.JobSecond[job];
        if (second >= 0)
        {
            scratch[second] = true;
        }

        RemoveMarked(r, scratch);
        Unassigned.Add(job);
    }

    /// <summary>Empties the route and sends its jobs to <see cref="Unassigned"/>.</summary>
    public void ClearRoute(int r, bool[] scratch)
    {
        var route = Routes[r];
        for (var k = 1; k < route.Count - 1; k++)
        {
            var node = route.Nodes[k];
            scratch[node] = true;
            if (Inst.Partner[node] < 0 || Inst.IsPickup[node])
            {
                Unassigned.Add(Inst.JobOf[node]);
            }
        }

        RemoveMarked(r, scratch);
    }
}
