namespace Tandem.Delivery.Routing.Solver;

/// <summary>
/// The problem flattened into arrays for the search. Nodes 0..S-1 are stops; vehicle v has start node S+2v and end node
/// S+2v+1, so every quantity is an array indexed by node and every distance a node × node matrix lookup.
/// A job is what moves as one unit: a single stop, or a pickup-delivery pair.
/// </summary>
internal sealed class Instance
{
    public const double Eps = 1e-9;

    public Instance(RoutingProblem p)
    {
        Problem = p;
        S = p.Stops.Count;
        V = p.Vehicles.Count;
        N = S + 2 * V;
        Ready = new double[N];
        Due = new double[N];
        Service = new double[N];
        Delta = new int[N];
        SingleDemand = new int[N];
        Partner = new int[N];
        IsPickup = new bool[N];
        Loc = new int[N];
        Array.Fill(Partner, -1);

        for (var s = 0; s < S; s++)
        {
            var stop = p.Stops[s];
            Ready[s] = stop.Ready;
            Due[s] = stop.Due;
            Service[s] = stop.Service;
            Loc[s] = stop.Location;
        }

        foreach (var pair in p.Pairs)
        {
            Partner[pair.Pickup] = pair.Delivery;
            Partner[pair.Delivery] = pair.Pickup;
            IsPickup[pair.Pickup] = true;
        }

        for (var s = 0; s < S; s++)
        {
            var q = p.Stops[s].Demand;
            if (Partner[s] < 0)
            {
                Delta[s] = -q;
                SingleDemand[s] = q;
            }
            else
            {
                Delta[s] = IsPickup[s] ? q : -q;
            }
        }

        Capacity = new int[V];
        ProfileOf = new int[V];
        var profiles = new List<string>();
        for (var v = 0; v < V; v++)
        {
            var veh = p.Vehicles[v];
            Capacity[v] = veh.Capacity;
            var start = S + 2 * v;
            Loc[start] = veh.StartLocation;
            Loc[start + 1] = veh.EndLocation;
            Ready[start] = Ready[start + 1] = veh.ShiftStart;
            Due[start] = Due[start + 1] = veh.ShiftEnd;
            var idx = profiles.IndexOf(veh.Profile);
            if (idx < 0)
            {
                idx = profiles.Count;
                profiles.Add(veh.Profile);
            }

            ProfileOf[v] = idx;
        }

        if (profiles.Count == 0)
        {
            profiles.Add(TravelProfiles.Default);
        }

        Dist = new double[profiles.Count][];
        Time = new double[profiles.Count][];
        for (var k = 0; k < profiles.Count; k++)
        {
            var m = p.Travel.Build(p.Locations, profiles[k]);
            var d = new double[N * N];
            var t = new double[N * N];
            for (var a = 0; a < N; a++)
            {
                for (var b = 0; b < N; b++)
                {
                    d[a * N + b] = m.Distance(Loc[a], Loc[b]);
                    t[a * N + b] = m.Time(Loc[a], Loc[b]);
                }
            }

            Dist[k] = d;
            Time[k] = t;
        }

        // Jobs.
        JobOf = new int[N];
        Array.Fill(JobOf, -1);
        var first = new List<int>();
        var second = new List<int>();
        for (var s = 0; s < S; s++)
        {
            if (Partner[s] >= 0 && !IsPickup[s])
            {
                continue;
            }

            JobOf[s] = first.Count;
            if (Partner[s] >= 0)
            {
                JobOf[Partner[s]] = first.Count;
            }

            first.Add(s);
            second.Add(Partner[s]);
        }

        J = first.Count;
        JobFirst = [.. first];
        JobSecond = [.. second];

        // Vehicle classes: interchangeable vehicles share one "empty route" candidate in insertion.
        VehicleClass = new int[V];
        var keys = new List<(int, int, int, double, double, int)>();
        for (var v = 0; v < V; v++)
        {
            var veh = p.Vehicles[v];
            var key = (veh.Capacity, veh.StartLocation, veh.EndLocation, veh.ShiftStart, veh.ShiftEnd, ProfileOf[v]);
            var c = keys.IndexOf(key);
            if (c < 0)
            {
                c = keys.Count;
                keys.Add(key);
            }

            VehicleClass[v] = c;
        }

        ClassCount = keys.Count;

        // Neighbours of each stop by distance (profile 0), for string removal and related removal.
        var d0 = Dist[0];
        var maxNeighbours = Math.Min(S - 1, 150);
        Neighbours = new int[S][];
        var order = new int[S];
        var keysArr = new double[S];
        for (var s = 0; s < S; s++)
        {
            for (var o = 0; o < S; o++)
            {
                order[o] = o;
                keysArr[o] = o == s ? -1 : d0[s * N + o];
            }

            Array.Sort(keysArr, order);
            var list = new int[maxNeighbours + 1];
            Array.Copy(order, list, maxNeighbours + 1); // includes s itself first
            Neighbours[s] = list;
        }

        var maxD = 0.0;
        foreach (var x in d0)
        {
            maxD = Math.Max(maxD, x);
        }

        MaxDistance = maxD;
        var maxT = 0.0;
        for (var s = 0; s < S; s++)
        {
            maxT = Math.Max(maxT, Due[s]);
        }

        MaxTime = Math.Max(1, maxT);
        UnassignedPenalty = 1000 * Math.Max(1, maxD) + 1;
        AverageArc = AverageNearest(d0);
    }

    public RoutingProblem Problem { get; }

    public int S { get; }

    public int V { get; }

    public int N { get; }

    public int J { get; }

    public double[] Ready { get; }

    public double[] Due { get; }

    public double[] Service { get; }

    /// <summary>Load change when the node is served.</summary>
    public int[] Delta { get; }

    /// <summary>What a single (unpaired) stop takes from the depot; 0 for paired stops and depots.</summary>
    public int[] SingleDemand { get; }

    public int[] Partner { get; }

    public bool[] IsPickup { get; }

    public int[] Loc { get; }

    public int[] Capacity { get; }

    public int[] ProfileOf { get; }

    public int[] VehicleClass { get; }

    public int ClassCount { get; }

    public double[][] Dist { get; }

    public double[][] Time { get; }

    public int[] JobOf { get; }

    public int[] JobFirst { get; }

    public int[] JobSecond { get; }

    public int[][] Neighbours { get; }

    public double MaxDistance { get; }

    public double MaxTime { get; }

    public double UnassignedPenalty { get; }

    /// <summary>Mean distance from a stop to its nearest other stop: the scale of the annealing temperature.</summary>
    public double AverageArc { get; }

    public int StartNode(int v) => S + 2 * v;

    public int EndNode(int v) => S + 2 * v + 1;

    public int JobDemand(int job) => Math.Abs(Delta[JobFirst[job]]);

    private double AverageNearest(double[] d0)
    {
        if (S < 2)
        {
            return 1;
        }

        var sum = 0.0;
        for (var s = 0; s < S; s++)
        {
            var nearest = double.MaxValue;
            for (var o = 0; o < S; o++)
            {
                if (o != s)
                {
                    nearest = Math.Min(nearest, d0[s * N + o]);
                }
            }

            sum += nearest;
        }

        return Math.Max(1e-6, sum / S);
    }
}

/// <summary>xoshiro256** — small, fast and the same on every platform and runtime, so a seed reproduces a plan.</summary>
internal sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(long seed)
    {
        var x = (ulong)seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public ulong NextULong()
    {
        var result = RotL(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotL(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => n <= 1 ? 0 : (int)((NextULong() >> 33) % (ulong)n);

    /// <summary>Uniform in [lo, hi] inclusive.</summary>
    public int Between(int lo, int hi) => lo + Next(hi - lo + 1);

    private static ulong RotL(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
