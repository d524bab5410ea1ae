using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Tandem.Bench.Scenarios;

/// <summary>
/// Many consumers placing and paying pickup orders over HTTP against the real host, compared with the same
/// database work done directly in raw ADO.NET transactions (<see cref="RawCheckout"/>) in the same run, on the
/// same database. Reports throughput, latency percentiles, errors and the host's CPU time per order.
/// Goal (issue 3): the API reaches at least half of the raw baseline's orders per second.
/// </summary>
internal sealed class Checkout : IScenario
{
    public string Name => "checkout";

    public string Description => "consumers place and pay pickup orders over HTTP vs the same work in raw ADO.NET [--provider sqlite|postgres] [--orders N] [--warmup N] [--concurrency N] [--place-only] [--raw-busy-timeout MS] [--raw-recompile] [--without-keys] [--rounds N]";

    public async Task<int> RunAsync(string[] args)
    {
        var settings = new Settings(
            Orders: int.Parse(Stats.Option(args, "--orders", "6000"), CultureInfo.InvariantCulture),
            Concurrency: int.Parse(Stats.Option(args, "--concurrency", "32"), CultureInfo.InvariantCulture),
            Consumers: int.Parse(Stats.Option(args, "--consumers", "64"), CultureInfo.InvariantCulture),
            Products: int.Parse(Stats.Option(args, "--products", "20"), CultureInfo.InvariantCulture),
            WarmUp: int.Parse(Stats.Option(args, "--warmup", "6000"), CultureInfo.InvariantCulture),
            SqliteBusyTimeoutMs: int.Parse(Stats.Option(args, "--raw-busy-timeout", "0"), CultureInfo.InvariantCulture),
            PlaceOnly: args.Contains("--place-only"),
            RawRecompile: args.Contains("--raw-recompile"),
            WithoutKeys: args.Contains("--without-keys"));
        var rounds = int.Parse(Stats.Option(args, "--rounds", "1"), CultureInfo.InvariantCulture);

        // On a shared machine the disk and the neighbours change from minute to minute, and the raw baseline waits on
        // the disk at every commit. Each round is a fresh database on which the two paths take turns in slices; with
        // --rounds N the summary gives the medians and the median of the rounds' ratios.
        var rows = new List<Row>();
        foreach (var (provider, server) in BenchDatabase.FromArgs(args))
        {
            for (var round = 1; round <= rounds; round++)
            {
                await using var database = BenchDatabase.Create(provider, server);
                rows.AddRange((await MeasureAsync(database, settings)).Select(r => r with { Round = round }));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| {"provider",-8} | {"round",5} | {"path",-4} | {"orders",6} | {"errors",6} | {"orders/s",8} | {"p50 ms",7} | {"p99 ms",7} | {"CPU/order ms",12} |");
        Console.WriteLine($"|{new string('-', 10)}|{new string('-', 7)}|{new string('-', 6)}|{new string('-', 8)}|{new string('-', 8)}|{new string('-', 10)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 14)}|");
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Provider,-8} | {r.Round,5} | {r.Path,-4} | {r.Orders,6} | {r.Errors,6} | {r.Throughput,8:0.0} | {r.P50,7:0.00} | {r.P99,7:0.00} | {(r.CpuPerOrder is { } c ? c.ToString("0.000", CultureInfo.InvariantCulture) : "n/a"),12} |"));
        }

        Console.WriteLine("(API latency is place + pay, two HTTP requests; raw latency is the two transactions. CPU/order: the host process only.)");
        Console.WriteLine();
        var failed = false;
        foreach (var provider in rows.Select(r => r.Provider).Distinct())
        {
            var api = rows.Where(r => r.Provider == provider && r.Path == "api").OrderBy(r => r.Round).ToList();
            var raw = rows.Where(r => r.Provider == provider && r.Path == "raw").OrderBy(r => r.Round).ToList();
            failed |= api.Any(r => r.Errors > 0) || raw.Any(r => r.Errors > 0);
            var ratios = api.Zip(raw, (a, b) => a.Throughput / b.Throughput).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"checkout[{provider}]: api {Median(api, r => r.Throughput):0} orders/s, raw {Median(raw, r => r.Throughput):0} orders/s, ratio {Stats.Percentile(ratios, 50):0.00}, p50 {Median(api, r => r.P50):0.0} ms, p99 {Median(api, r => r.P99):0.0} ms"));
            if (ratios.Count > 1)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  (medians of {ratios.Count} rounds; ratios {string.Join(", ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))})"));
            }
        }

        return failed ? 1 : 0;
    }

    private static double Median(List<Row> rows, Func<Row, double> value) => Stats.Percentile([.. rows.Select(value)], 50);

    internal sealed record Settings(int Orders, int Concurrency, int Consumers, int Products, int WarmUp, int SqliteBusyTimeoutMs, bool PlaceOnly, bool RawRecompile, bool WithoutKeys);

    private sealed record Row(string Provider, string Path, int Orders, int Errors, double Throughput, double P50, double P99, double? CpuPerOrder)
    {
        public int Round { get; init; } = 1;
    }

    private static async Task<IReadOnlyList<Row>> MeasureAsync(BenchDatabase database, Settings settings)
    {
        Console.WriteLine($"\n## {database.Name}: starting the host");
        await using var host = await HostProcess.StartAsync(database);
        using var api = new BenchApi(host.BaseAddress, settings.Concurrency);

        var owner = await api.RegisterAsync("店主");
        var merchant = await api.CreateMerchantAsync(owner);
        var store = await api.CreateStoreAsync(owner, merchant);
        var products = new List<(Guid Id, long Price)>();
        for (var i = 0; i < settings.Products; i++)
        {
            var price = 100 + 37 * i;
            var id = await api.CreateProductAsync(owner, merchant, price, $"商品 {i}");
            await api.CountAsync(owner, store, id, 100_000_000);
            products.Add((id, price));
        }

        var consumers = new BenchUser[settings.Consumers];
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Consumers), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => consumers[i] = await api.RegisterAsync("顾客"));

        // Warm-up (JIT, pools, caches) of both paths, then the measured run. 6,000 orders by default: with 1,500 the
        // runtime was still compiling thousands of methods at tier 1 during the first seconds of the measured run (ADR 0016).
        // The baseline runs on the same database while the host sits idle (its dispatcher finds nothing to do: the
        // baseline's outbox rows are written as handed out), and the two take turns in slices: this machine's speed
        // changes from minute to minute, and measured minutes apart the same build's ratio ranged from 0.34 to 0.54.
        await using var raw = await RawCheckout.OpenAsync(database, host, settings.SqliteBusyTimeoutMs, settings.RawRecompile, settings.WithoutKeys);
        var consumerIds = consumers.Select(c => c.Id).ToList();
        await RunApiAsync(api, store, products, consumers, settings.WarmUp, settings.Concurrency, seed: 1, settings.PlaceOnly, keys: !settings.WithoutKeys);
        await raw.WaitForOutboxAsync(TimeSpan.FromMinutes(1));
        await raw.RunAsync(settings.WarmUp, settings.Concurrency, seed: 1, merchant, store, consumerIds, products, settings.PlaceOnly);

        var (apiRuns, rawRuns) = (new List<RunResult>(), new List<RunResult>());
        var cpu = TimeSpan.Zero;
        var clientCpu = TimeSpan.Zero;
        for (var slice = 0; slice < Slices; slice++)
        {
            var orders = settings.Orders / Slices + (slice < settings.Orders % Slices ? 1 : 0);
            var cpuBefore = host.CpuTime;
            var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            var run = await RunApiAsync(api, store, products, consumers, orders, settings.Concurrency, seed: 2 + slice, settings.PlaceOnly, keys: !settings.WithoutKeys);

            // The slice ends when the host has also delivered its orders' events, so that work is counted here and does
            // not run on into the baseline's turn.
            await raw.WaitForOutboxAsync(TimeSpan.FromMinutes(1));
            apiRuns.Add(run with { Elapsed = Stopwatch.GetElapsedTime(started) });
            cpu += host.CpuTime - cpuBefore;
            clientCpu += Process.GetCurrentProcess().TotalProcessorTime - clientBefore;
            rawRuns.Add(await raw.RunAsync(orders, settings.Concurrency, seed: 2 + slice, merchant, store, consumerIds, products, settings.PlaceOnly));
        }

        var apiRow = Report(database.Name, "api", RunResult.Combine(apiRuns), cpu,
            string.Create(CultureInfo.InvariantCulture, $"host CPU {cpu.TotalSeconds:0.0} s, this client's CPU {clientCpu.TotalSeconds:0.0} s"));
        var rawRow = Report(database.Name, "raw", RunResult.Combine(rawRuns), cpu: null, detail: null);
        Console.WriteLine("slices (api/raw orders/s): " + string.Join(", ", apiRuns.Zip(rawRuns, (a, r) => string.Create(CultureInfo.InvariantCulture,
            $"{a.Throughput:0}/{r.Throughput:0}"))));
        return [apiRow, rawRow];
    }

    /// <summary>The measured run is split into this many API slices, each followed by a baseline slice of the same orders.</summary>
    private const int Slices = 6;

    /// <summary>One path's row for the table; prints its totals and its most frequent errors.</summary>
    private static Row Report(string provider, string path, RunResult run, TimeSpan? cpu, string? detail)
    {
        var ok = run.Latencies.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{path}: {ok} orders in {run.Elapsed.TotalSeconds:0.0} s over {Slices} slices{(detail is null ? "" : ", " + detail)}"));
        foreach (var error in run.Errors.GroupBy(e => e).OrderByDescending(g => g.Count()).Take(5))
        {
            Console.WriteLine($"  {path} error x{error.Count()}: {error.Key}");
        }

        return new Row(provider, path, ok, run.Errors.Count, run.Throughput, Stats.Percentile(run.Latencies, 50), Stats.Percentile(run.Latencies, 99),
            ok == 0 || cpu is null ? null : cpu.Value.TotalMilliseconds / ok);
    }

    internal sealed record RunResult(List<double> Latencies, List<string> Errors, TimeSpan Elapsed)
    {
        public double Throughput => Latencies.Count / Elapsed.TotalSeconds;

        public static RunResult Combine(IReadOnlyList<RunResult> runs) =>
            new([.. runs.SelectMany(r => r.Latencies)], [.. runs.SelectMany(r => r.Errors)], runs.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Elapsed));
    }

    /// <summary>The next order's lines: 1–3 distinct products, 1–2 of each; the same sequence for the API and raw runs of one seed.</summary>
    internal static (Guid ProductId, int Quantity, long Price)[] LinesFor(Random random, IReadOnlyList<(Guid Id, long Price)> products) =>
        [.. products.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Select(p => (p.Id, random.Next(1, 3), p.Price))];

    /// <summary>
    /// A fresh Idempotency-Key, as a consumer's app sends with each place and pay so that a retry after a timeout
    /// cannot order or pay twice. The raw baseline records one per request as well (docs/decisions/0022); until
    /// docs/decisions/0024 the API path sent none, so the two did not do the same work.
    /// </summary>
    private static string NewKey() => Guid.NewGuid().ToString();

    private static async Task<RunResult> RunApiAsync(
        BenchApi api, Guid store, IReadOnlyList<(Guid Id, long Price)> products, BenchUser[] consumers, int orders, int concurrency, int seed, bool placeOnly, bool keys)
    {
        var random = new Random(seed);
        var plan = Enumerable.Range(0, orders).Select(i => (Consumer: consumers[i % consumers.Length], Lines: LinesFor(random, products))).ToList();
        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentBag<string>();
        var elapsed = Stopwatch.StartNew();
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (order, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var (placedStatus, placed) = await api.PlaceOrderAsync(order.Consumer, store, order.Lines.Select(l => (l.ProductId, l.Quantity)),
                    keys ? NewKey() : null);
                if (placedStatus != HttpStatusCode.Created)
                {
                    errors.Add($"place {(int)placedStatus} {placed}");
                    return;
                }

                if (placeOnly)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    return;
                }

                var (paidStatus, paid) = await api.PayAsync(order.Consumer, placed.GetProperty("orderId").GetGuid(), keys ? NewKey() : null);
                if (paidStatus != HttpStatusCode.OK || paid.GetProperty("status").GetString() != "succeeded")
                {
                    errors.Add($"pay {(int)paidStatus} {paid}");
                    return;
                }

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                errors.Add(ex.GetType().Name + ": " + ex.Message);
            }
        });
        elapsed.Stop();
        return new RunResult([.. latencies], [.. errors], elapsed.Elapsed);
    }
}
