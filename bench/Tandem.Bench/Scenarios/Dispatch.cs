using System.Globalization;
using Tandem.Bench.Routing;
using Tandem.Delivery.Routing;
using Tandem.Delivery.Routing.Checking;
using Tandem.Delivery.Routing.Formats;

namespace Tandem.Bench.Scenarios;

/// <summary>
/// The route optimiser on published Solomon / Li &amp; Lim instances and on Tandem-shaped ones, side by side with
/// OR-Tools at the same time budget; every plan is verified by the independent feasibility checker.
/// </summary>
public sealed class Dispatch : IScenario
{
    public string Name => "dispatch";

    public string Description =>
        "route optimiser vs OR-Tools: --instance FILE|DIR|none --seconds N [--iterations K] [--seed S] [--tandem COUNT] [--ortools on|off] [--threads 1|2]";

    public async Task<int> RunAsync(string[] args)
    {
        var seconds = double.Parse(Stats.Option(args, "--seconds", "1"), CultureInfo.InvariantCulture);
        var iterations = Stats.Option(args, "--iterations", "");
        var seed = int.Parse(Stats.Option(args, "--seed", "1"), CultureInfo.InvariantCulture);
        var withOrTools = Stats.Option(args, "--ortools", "on") != "off";
        // Tandem-shaped instances (200 orders, 30 couriers, 10 stores) join the default run; with --instance, ask for them.
        var tandemCount = int.Parse(Stats.Option(args, "--tandem", args.Contains("--instance") ? "0" : "3"), CultureInfo.InvariantCulture);
        var threads = Math.Max(1, int.Parse(Stats.Option(args, "--threads", "1"), CultureInfo.InvariantCulture));
        var instancePath = Stats.Option(args, "--instance", DefaultInstances() ?? "");
        var files = new List<string>();
        if (instancePath == "none")
        {
            // Only the generated Tandem-shaped instances.
        }
        else if (Directory.Exists(instancePath))
        {
            files.AddRange(Directory.GetFiles(instancePath, "*.txt").Order(StringComparer.OrdinalIgnoreCase));
        }
        else if (File.Exists(instancePath))
        {
            files.Add(instancePath);
        }
        else if (instancePath.Length > 0)
        {
            Console.Error.WriteLine($"dispatch: no instance file or folder at {instancePath}");
            return 2;
        }

        var options = new SolveOptions(seed, iterations.Length > 0 ? long.Parse(iterations, CultureInfo.InvariantCulture) : null,
            iterations.Length > 0 ? null : TimeSpan.FromSeconds(seconds));
        var orOptions = new SolveOptions(seed, null, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"budget: {(options.MaxIterations is { } k ? $"{k} iterations" : $"{seconds:0.##} s")} per instance, seed {seed}, {threads} instance(s) at a time; OR-Tools {(withOrTools ? $"{seconds:0.##} s, parallel cheapest insertion + guided local search" : "off")}");

        var jobs = new List<(string Name, Func<RoutingProblem> Load, BestKnown? Bks)>();
        var bksCache = new Dictionary<string, IReadOnlyDictionary<string, BestKnown>?>();
        foreach (var file in files)
        {
            var isLiLim = LooksLikeLiLim(file);
            var name = Path.GetFileNameWithoutExtension(file);
            var objective = isLiLim ? RoutingObjective.VehiclesThenDistance : RoutingObjective.Distance;
            var bks = FindBks(file, bksCache) is { } records ? BestKnownSolutions.For(records, name, objective) : null;
            jobs.Add((name, () => isLiLim ? LiLimFormat.Read(file) : SolomonFormat.Read(file), bks));
        }

        for (var t = 0; t < tandemCount; t++)
        {
            var s = 1000 + t;
            jobs.Add(($"tandem-{s}", () => TandemInstances.Generate(s), null));
        }

        if (jobs.Count == 0)
        {
            Console.Error.WriteLine("dispatch: nothing to run (give --instance PATH or --tandem N)");
            return 2;
        }

        Console.WriteLine();
        Console.WriteLine($"{"instance",-14} {"bks",9} {"bksV",4} | {"tandem",9} {"veh",3} {"un",3} {"viol",4} {"gap%",6} {"s",5} | {"or-tools",9} {"veh",3} {"un",3} {"viol",4} {"gap%",6} {"s",5}");
        var rows = new Row[jobs.Count];
        var optimizer = new AlnsRouteOptimizer
        {
            StartTemperature = double.Parse(Stats.Option(args, "--t0", "10"), CultureInfo.InvariantCulture),
            EndTemperature = double.Parse(Stats.Option(args, "--tf", "0.1"), CultureInfo.InvariantCulture),
        };
        var orTools = new OrToolsBaseline();
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs.Count), new ParallelOptions { MaxDegreeOfParallelism = threads }, (i, ct) =>
        {
            var (name, load, bks) = jobs[i];
            var problem = load();
            var ours = Run(problem, optimizer, options, bks);
            var theirs = withOrTools ? Run(problem, orTools, orOptions, bks) : null;
            rows[i] = new Row(name, problem, bks, ours, theirs);
            lock (rows)
            {
                Console.WriteLine(Format(rows[i]));
            }

            return ValueTask.CompletedTask;
        });

        Console.WriteLine();
        PrintClassMeans(rows);
        Console.WriteLine(Summary("dispatch", rows.Select(r => r.Ours).ToList()) + Vehicles(rows, r => r.Ours));
        if (withOrTools)
        {
            Console.WriteLine(Summary("dispatch (or-tools)", rows.Select(r => r.OrTools!).ToList()) + Vehicles(rows, r => r.OrTools!));
            var both = rows.Where(r => r.Ours.Feasible && r.OrTools!.Feasible && r.OrTools.Served == r.Ours.Served).ToList();
            var better = both.Count(r => Score(r.Ours) < Score(r.OrTools!) - 1e-6);
            Console.WriteLine($"head to head: tandem better on {better}/{rows.Length} (or-tools infeasible or serving fewer on {rows.Count(r => !r.OrTools!.Feasible || r.OrTools.Served < r.Ours.Served)})");
        }

        return rows.All(r => r.Ours.Feasible) ? 0 : 1;
    }

    private static double Score(Result r) => r.Vehicles * 1e7 * (r.VehiclesFirst ? 1 : 0) + r.Distance;

    private sealed record Result(bool Feasible, int Violations, double Distance, int Vehicles, int Unassigned, int Served, double Seconds, double? Gap, bool VehiclesFirst, string? FirstViolation, long Iterations = 0);

    private sealed record Row(string Name, RoutingProblem Problem, BestKnown? Bks, Result Ours, Result? OrTools);

    private static Result Run(RoutingProblem problem, IRouteOptimizer optimizer, SolveOptions options, BestKnown? bks)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        RoutingSolution solution;
        try
        {
            solution = optimizer.Solve(problem, options);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Result(false, -1, 0, 0, problem.Stops.Count, 0, started.Elapsed.TotalSeconds, null, false, e.Message);
        }

        var elapsed = started.Elapsed.TotalSeconds;
        var report = FeasibilityChecker.Check(problem, solution);

        // A benchmark plan that leaves stops out is not a solution of the benchmark.
        var complete = solution.Unassigned.Count == 0;
        var feasible = report.IsFeasible && (complete || bks is null);
        double? gap = bks is not null && complete && report.IsFeasible ? (report.Distance - bks.Cost) / bks.Cost * 100 : null;
        return new Result(feasible, report.Violations.Count, report.Distance, report.VehiclesUsed, solution.Unassigned.Count,
            problem.Stops.Count - solution.Unassigned.Count, elapsed, gap, problem.Objective == RoutingObjective.VehiclesThenDistance,
            report.Violations.Count > 0 ? report.Violations[0].ToString() : null, solution.Iterations);
    }

    private static string Format(Row r)
    {
        static string Cell(Result? x) => x is null
            ? $"{"-",9} {"-",3} {"-",3} {"-",4} {"-",6} {"-",5}"
            : $"{x.Distance,9:0.00} {x.Vehicles,3} {x.Unassigned,3} {x.Violations,4} {(x.Gap is { } g ? g.ToString("0.00", CultureInfo.InvariantCulture) : x.Feasible ? "-" : "FAIL"),6} {x.Seconds,5:0.0}";
        var line = $"{r.Name,-14} {(r.Bks is null ? "-" : r.Bks.Cost.ToString("0.00", CultureInfo.InvariantCulture)),9} {(r.Bks is null ? "-" : r.Bks.Vehicles.ToString(CultureInfo.InvariantCulture)),4} | {Cell(r.Ours)} | {Cell(r.OrTools)}";
        if (Environment.GetEnvironmentVariable("DISPATCH_VERBOSE") is not null)
        {
            line += $" it={r.Ours.Iterations}";
        }

        if (r.Ours.FirstViolation is { } v)
        {
            line += $"\n    tandem violation: {v}";
        }

        return line;
    }

    private static void PrintClassMeans(Row[] rows)
    {
        var groups = rows.Where(r => r.Bks is not null).GroupBy(r => ClassOf(r.Name)).OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var g in groups)
        {
            static string Mean(IEnumerable<Result?> xs)
            {
                var gaps = xs.Where(x => x?.Gap is not null).Select(x => x!.Gap!.Value).ToList();
                return gaps.Count == 0 ? "   -  " : $"{gaps.Average(),6:0.00}";
            }

            var list = g.ToList();
            var vehOurs = list.Average(r => (double)r.Ours.Vehicles);
            var vehBks = list.Average(r => (double)r.Bks!.Vehicles);
            var orPart = list[0].OrTools is null ? "" : $" | or-tools mean gap {Mean(list.Select(r => r.OrTools))}% veh {list.Average(r => (double)r.OrTools!.Vehicles),5:0.0} feasible {list.Count(r => r.OrTools!.Feasible)}/{list.Count}";
            Console.WriteLine($"class {g.Key,-5} n={list.Count,2} | tandem mean gap {Mean(list.Select(r => r.Ours))}% veh {vehOurs,5:0.0} (bks {vehBks,5:0.0}) feasible {list.Count(r => r.Ours.Feasible)}/{list.Count}{orPart}");
        }
    }

    private static string ClassOf(string name)
    {
        var letters = new string(name.TakeWhile(char.IsLetter).ToArray()).ToUpperInvariant();
        var digit = name.Skip(letters.Length).FirstOrDefault();
        return letters + digit;
    }

    /// <summary>For vehicle-first records the distance gap only means something next to the vehicle count.</summary>
    private static string Vehicles(Row[] rows, Func<Row, Result> pick)
    {
        var scored = rows.Where(r => r.Bks is not null && r.Problem.Objective == RoutingObjective.VehiclesThenDistance && pick(r).Feasible).ToList();
        if (scored.Count == 0)
        {
            return "";
        }

        var used = scored.Sum(r => pick(r).Vehicles);
        var best = scored.Sum(r => r.Bks!.Vehicles);
        var above = scored.Count(r => pick(r).Vehicles > r.Bks!.Vehicles);
        var worst = scored.Max(r => (double)pick(r).Vehicles / r.Bks!.Vehicles - 1) * 100;
        return string.Create(CultureInfo.InvariantCulture, $"; vehicles {used} vs best-known {best} ({(used - best) * 100.0 / best:+0.0;-0.0;0}%), above on {above}/{scored.Count}, worst +{worst:0}%");
    }

    private static string Summary(string label, List<Result> results)
    {
        var feasible = results.Count(r => r.Feasible);
        var gaps = results.Where(r => r.Gap is not null).Select(r => r.Gap!.Value).Order().ToList();
        if (gaps.Count == 0)
        {
            return $"{label}: feasible {feasible}/{results.Count}, mean gap -, median -, worst -";
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{label}: feasible {feasible}/{results.Count}, mean gap {gaps.Average():0.00}%, median {Stats.Percentile(gaps, 50):0.00}%, worst {gaps[^1]:0.00}%");
    }

    private static bool LooksLikeLiLim(string file)
    {
        using var reader = new StreamReader(file);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            return parts.Length == 3 && parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        }

        return false;
    }

    private static IReadOnlyDictionary<string, BestKnown>? FindBks(string file, Dictionary<string, IReadOnlyDictionary<string, BestKnown>?> cache)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(file));
        for (var up = 0; up < 3 && dir is not null; up++, dir = Path.GetDirectoryName(dir))
        {
            var candidate = Path.Combine(dir, "BKS.json");
            if (File.Exists(candidate))
            {
                if (!cache.TryGetValue(candidate, out var records))
                {
                    records = BestKnownSolutions.Read(candidate);
                    cache[candidate] = records;
                }

                return records;
            }
        }

        return null;
    }

    /// <summary>The shared Solomon folder next to the repository (<c>../shared/conformance/routing/vrptw/solomon</c>), if there.</summary>
    private static string? DefaultInstances()
    {
        var dir = Directory.GetCurrentDirectory();
        for (var up = 0; up < 6 && dir is not null; up++, dir = Path.GetDirectoryName(dir))
        {
            foreach (var candidate in new[] { Path.Combine(dir, "shared", "conformance", "routing", "vrptw", "solomon"), Path.Combine(dir, "..", "shared", "conformance", "routing", "vrptw", "solomon") })
            {
                if (Directory.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return null;
    }
}
