using System.Diagnostics;

namespace Tandem.Delivery.Routing.Solver;

/// <summary>
/// Regret construction, optional fleet minimisation (route elimination), then adaptive large neighbourhood search
/// with simulated-annealing acceptance and local search on new bests. The only randomness is <see cref="Rng"/>;
/// with an iteration budget the schedule (temperature, phase switch) is driven by the iteration count alone.
/// </summary>
internal sealed class Search
{
    private const int Segment = 100;
    private static readonly double[] Scores = [33, 9, 13];

    private readonly Instance _inst;
    private readonly SolveOptions _options;
    private readonly CancellationToken _ct;
    private readonly Stopwatch _clock;
    private readonly Rng _rng;
    private readonly Operators _ops;
    private readonly LocalSearch _ls;
    private readonly double[] _ruinWeight = new double[Operators.RuinCount];
    private readonly double[] _ruinScore = new double[Operators.RuinCount];
    private readonly int[] _ruinUses = new int[Operators.RuinCount];
    private readonly double[] _recreateWeight = new double[Operators.RecreateCount];
    private readonly double[] _recreateScore = new double[Operators.RecreateCount];
    private readonly int[] _recreateUses = new int[Operators.RecreateCount];
    private readonly long _maxIterations;
    private readonly double _timeLimit;

    public Search(Instance inst, SolveOptions options, Stopwatch clock, CancellationToken ct)
    {
        _inst = inst;
        _options = options;
        _ct = ct;
        _clock = clock;
        _rng = new Rng(options.Seed);
        _ops = new Operators(inst, _rng);
        _ls = new LocalSearch(inst);
        _maxIterations = options.MaxIterations ?? (options.TimeLimit is null ? 20_000 : long.MaxValue);
        _timeLimit = options.TimeLimit?.TotalSeconds ?? double.PositiveInfinity;
        Array.Fill(_ruinWeight, 1);
        Array.Fill(_recreateWeight, 1);
        // String removal with greedy blink insertion (SISR) is the work-horse and the cheapest pair; regret insertion
        // costs about three greedy ones, so it starts rare and earns its share through the adaptive scores.
        _ruinWeight[0] = 6;
        _recreateWeight[0] = 8;
    }

    public long Iterations { get; private set; }

    /// <summary>Jobs no vehicle can serve even alone.</summary>
    public List<int> Unreachable { get; } = [];

    /// <summary>Initial temperature as a multiple of the mean nearest-neighbour distance.</summary>
    public double StartTemperature { get; set; } = 10;

    public double EndTemperature { get; set; } = 0.1;

    public Solution Run()
    {
        var cur = new Solution(_inst);
        FindUnreachable(cur);
        if (cur.Unassigned.Count == 0)
        {
            return cur; // nothing any vehicle can serve: nothing to search
        }

        _ops.RecreateRegret(cur, 3);
        cur.ClearTouched();
        var cand = new Solution(_inst);
        cand.CopyAllFrom(cur);

        // Budgets are fractions of the iteration budget, or of the time budget when only that is given.
        var fleetShare = _inst.Problem.Objective == RoutingObjective.VehiclesThenDistance ? _options.FleetPhaseShare : 0;
        if (fleetShare > 0 && cur.UsedRoutes > 1)
        {
            MinimiseFleet(cur, cand, fleetShare);
        }

        var best = new Solution(_inst);
        best.CopyAllFrom(cur);
        ImproveDistance(cur, cand, best);
        return best;
    }

    private void FindUnreachable(Solution s)
    {
        s.Unassigned.Clear();
        for (var job = 0; job < _inst.J; job++)
        {
            var ok = false;
            for (var r = 0; r < s.Routes.Length && !ok; r++)
            {
                ok = !double.IsPositiveInfinity(Insertion.Best(_inst, s.Routes[r], job, null, 0, out _, out _));
            }

            if (ok)
            {
                s.Unassigned.Add(job);
            }
            else
            {
                Unreachable.Add(job);
            }
        }
    }

    private double Progress(long it, double phaseStart, double phaseEnd)
    {
        double p;
        if (_options.MaxIterations is not null || double.IsPositiveInfinity(_timeLimit))
        {
            p = (double)it / _maxIterations;
        }
        else
        {
            p = _clock.Elapsed.TotalSeconds / _timeLimit;
        }

        return Math.Clamp((p - phaseStart) / Math.Max(1e-12, phaseEnd - phaseStart), 0, 1);
    }

    private bool OutOfBudget(long it) =>
        it >= _maxIterations || _ct.IsCancellationRequested || _clock.Elapsed.TotalSeconds >= _timeLimit;

    /// <summary>
    /// Route elimination in the style of SISR: empty one route, forbid new ones, and ruin-and-recreate until every job
    /// fits again, preferring solutions whose unassigned jobs have rarely been unassigned ("absence" counters).
    /// </summary>
    private void MinimiseFleet(Solution cur, Solution cand, double share)
    {
        var absence = new int[_inst.J];
        var bestFleet = new Solution(_inst);
        bestFleet.CopyAllFrom(cur);
        var canRemove = RemoveRoute(cur, cand);
        var it = Iterations;
        while (canRemove && !OutOfBudget(it) && Progress(it, 0, share) < 1)
        {
            it++;
            _ops.RuinStrings(cand);
            _ops.RecreateGreedy(cand, _ops.Blink);
            var sumCand = 0L;
            foreach (var j in cand.Unassigned)
            {
                absence[j]++;
                sumCand += absence[j];
            }

            var sumCur = 0L;
            foreach (var j in cur.Unassigned)
            {
                sumCur += absence[j];
            }

            if (cand.Unassigned.Count < cur.Unassigned.Count || sumCand < sumCur)
            {
                cur.SyncTouchedFrom(cand, cand);
            }
            else
            {
                cand.SyncTouchedFrom(cur, cand);
            }

            cand.ClearTouched();
            if (cur.Unassigned.Count == 0)
            {
                bestFleet.CopyAllFrom(cur);
                canRemove = RemoveRoute(cur, cand);
            }
        }

        Iterations = it;
        cur.CopyAllFrom(bestFleet);
        cur.MaxRoutes = bestFleet.UsedRoutes;
        cand.CopyAllFrom(cur);
        cand.ClearTouched();
    }

    private bool RemoveRoute(Solution cur, Solution cand)
    {
        if (cur.UsedRoutes <= 1)
        {
            return false;
        }

        // Alternate between the smallest route and a random one.
        var pick = -1;
        if (_rng.NextDouble() < 0.5)
        {
            var fewest = int.MaxValue;
            for (var r = 0; r < cur.Routes.Length; r++)
            {
                var c = cur.Routes[r].StopCount;
                if (c > 0 && c < fewest)
                {
                    fewest = c;
                    pick = r;
                }
            }
        }
        else
        {
            var k = _rng.Next(cur.UsedRoutes);
            for (var r = 0; r < cur.Routes.Length; r++)
            {
                if (!cur.Routes[r].IsEmpty && k-- == 0)
                {
                    pick = r;
                    break;
                }
            }
        }

        cand.ClearRoute(pick, _ops.Scratch);
        cand.MaxRoutes = cand.UsedRoutes;
        _ops.RecreateGreedy(cand, 0);
        cur.SyncTouchedFrom(cand, cand);
        cand.ClearTouched();
        return true;
    }

    private void ImproveDistance(Solution cur, Solution cand, Solution best)
    {
        var scale = _inst.AverageArc;
        var t0 = StartTemperature * scale;
        var tf = EndTemperature * scale;
        var start = _options.MaxIterations is not null || double.IsPositiveInfinity(_timeLimit)
            ? (double)Iterations / _maxIterations
            : _clock.Elapsed.TotalSeconds / _timeLimit;
        var it = Iterations;
        var sinceSegment = 0;
        while (!OutOfBudget(it))
        {
            it++;
            var progress = Progress(it, start, 1);
            var temperature = t0 * Math.Pow(tf / t0, progress);
            var ruin = Roulette(_ruinWeight);
            var recreate = Roulette(_recreateWeight);
            _ops.Ruin(cand, ruin);
            _ops.Recreate(cand, recreate);
            var c = cand.Cost;
            var curCost = cur.Cost;
            var score = -1;
            if (c < curCost - temperature * Math.Log(1 - _rng.NextDouble()))
            {
                if (c < best.Cost - 1e-9)
                {
                    _ls.Improve(cand);
                    cur.SyncTouchedFrom(cand, cand);
                    best.CopyAllFrom(cand);
                    score = 0;
                }
                else
                {
                    cur.SyncTouchedFrom(cand, cand);
                    score = c < curCost - 1e-9 ? 1 : 2;
                }
            }
            else
            {
                cand.SyncTouchedFrom(cur, cand);
            }

            cand.ClearTouched();
            _ruinUses[ruin]++;
            _recreateUses[recreate]++;
            if (score >= 0)
            {
                _ruinScore[ruin] += Scores[score];
                _recreateScore[recreate] += Scores[score];
            }

            if (++sinceSegment == Segment)
            {
                sinceSegment = 0;
                Adapt(_ruinWeight, _ruinScore, _ruinUses);
                Adapt(_recreateWeight, _recreateScore, _recreateUses);
            }
        }

        Iterations = it;
    }

    private int Roulette(double[] weights)
    {
        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        var x = _rng.NextDouble() * total;
        for (var k = 0; k < weights.Length; k++)
        {
            x -= weights[k];
            if (x < 0)
            {
                return k;
            }
        }

        return weights.Length - 1;
    }

    private static void Adapt(double[] weights, double[] scores, int[] uses)
    {
        const double reaction = 0.1;
        for (var k = 0; k < weights.Length; k++)
        {
            if (uses[k] > 0)
            {
                weights[k] = Math.Max(0.1, weights[k] * (1 - reaction) + reaction * scores[k] / uses[k]);
            }

            scores[k] = 0;
            uses[k] = 0;
        }
    }
}
