using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Tandem.Bench.Scenarios;

/// <summary>
/// 2,000 buyers race for 100 units of one product over HTTP against the real host. Passes when exactly the
/// units are sold (never more), every loser is told <c>out_of_stock</c>, and reports how fast they were told.
/// </summary>
internal sealed class FlashSale : IScenario
{
    public string Name => "flash-sale";

    public string Description => "2,000 buyers race for 100 units of one product: zero oversold, losers refused quickly [--provider sqlite|postgres] [--buyers N] [--units N] [--concurrency N]";

    public async Task<int> RunAsync(string[] args)
    {
        var buyers = int.Parse(Stats.Option(args, "--buyers", "2000"), CultureInfo.InvariantCulture);
        var units = int.Parse(Stats.Option(args, "--units", "100"), CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Stats.Option(args, "--concurrency", "256"), CultureInfo.InvariantCulture);
        var summaries = new List<string>();
        var failed = false;

        foreach (var (provider, server) in BenchDatabase.FromArgs(args))
        {
            await using var database = BenchDatabase.Create(provider, server);
            var result = await RaceAsync(database, buyers, units, concurrency);
            failed |= !result.Passed;
            summaries.Add(result.Summary);
        }

        Console.WriteLine();
        foreach (var summary in summaries)
        {
            Console.WriteLine(summary);
        }

        return failed ? 1 : 0;
    }

    private sealed record Outcome(HttpStatusCode Status, string? Code, double Milliseconds);

    private sealed record Result(bool Passed, string Summary);

    private static async Task<Result> RaceAsync(BenchDatabase database, int buyers, int units, int concurrency)
    {
        Console.WriteLine($"\n## {database.Name}: starting the host");
        await using var host = await HostProcess.StartAsync(database);
        using var api = new BenchApi(host.BaseAddress, concurrency);

        var owner = await api.RegisterAsync("店主");
        var merchant = await api.CreateMerchantAsync(owner);
        var store = await api.CreateStoreAsync(owner, merchant);
        var prize = await api.CreateProductAsync(owner, merchant, 9_900, "限量款");
        var warmUp = await api.CreateProductAsync(owner, merchant, 100, "热身商品");
        await api.CountAsync(owner, store, prize, units);
        await api.CountAsync(owner, store, warmUp, 1_000_000);

        var registering = Stopwatch.StartNew();
        var accounts = new BenchUser[buyers];
        await Parallel.ForEachAsync(Enumerable.Range(0, buyers), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => accounts[i] = await api.RegisterAsync("抢购者"));
        Console.WriteLine($"registered {buyers} buyers in {registering.Elapsed.TotalSeconds:0.0} s");

        // Warm the host's code paths on another product, so the race measures steady state.
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => await api.PlaceOrderAsync(accounts[i % buyers], store, [(warmUp, 1)]));

        var cpuBefore = host.CpuTime;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var inFlight = new SemaphoreSlim(concurrency);
        var outcomes = new Outcome[buyers];
        var race = Enumerable.Range(0, buyers).Select(async i =>
        {
            await gate.Task;
            await inFlight.WaitAsync();
            try
            {
                var started = Stopwatch.GetTimestamp();
                var (status, body) = await api.PlaceOrderAsync(accounts[i], store, [(prize, 1)]);
                var code = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("code", out var c) ? c.GetString() : null;
                outcomes[i] = new Outcome(status, code, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                outcomes[i] = new Outcome(0, ex.GetType().Name, double.NaN);
            }
            finally
            {
                inFlight.Release();
            }
        }).ToList();

        var wall = Stopwatch.StartNew();
        gate.SetResult();
        await Task.WhenAll(race);
        wall.Stop();
        var cpu = host.CpuTime - cpuBefore;

        var sold = outcomes.Count(o => o.Status == HttpStatusCode.Created);
        var refused = outcomes.Where(o => o.Status == HttpStatusCode.Conflict && o.Code == "out_of_stock").ToList();
        var errors = outcomes.Length - sold - refused.Count;
        var stock = await api.StockAsync(owner, store, prize);
        var onHand = stock.GetProperty("onHand").GetInt64();
        var reserved = stock.GetProperty("reserved").GetInt64();
        var oversold = Math.Max(0, sold - units) + Math.Max(0, reserved - onHand);

        var all = outcomes.Where(o => !double.IsNaN(o.Milliseconds)).Select(o => o.Milliseconds).ToList();
        var refusedMs = refused.Select(o => o.Milliseconds).ToList();
        var soldMs = outcomes.Where(o => o.Status == HttpStatusCode.Created).Select(o => o.Milliseconds).ToList();
        Console.WriteLine();
        Console.WriteLine($"| {"provider",-8} | {"buyers",6} | {"sold",5} | {"oversold",8} | {"refused",7} | {"errors",6} | {"wall s",6} | {"req/s",6} | {"p50 ms",7} | {"p99 ms",7} | {"p99 refused",11} | {"p99 sold",8} | {"host CPU s",10} |");
        Console.WriteLine($"|{new string('-', 10)}|{new string('-', 8)}|{new string('-', 7)}|{new string('-', 10)}|{new string('-', 9)}|{new string('-', 8)}|{new string('-', 8)}|{new string('-', 8)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 13)}|{new string('-', 10)}|{new string('-', 12)}|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {database.Name,-8} | {buyers,6} | {sold,5} | {oversold,8} | {refused.Count,7} | {errors,6} | {wall.Elapsed.TotalSeconds,6:0.00} | {buyers / wall.Elapsed.TotalSeconds,6:0} | {Stats.Percentile(all, 50),7:0.0} | {Stats.Percentile(all, 99),7:0.0} | {Stats.Percentile(refusedMs, 99),11:0.0} | {Stats.Percentile(soldMs, 99),8:0.0} | {cpu.TotalSeconds,10:0.00} |"));
        Console.WriteLine($"stock after the race: onHand {onHand}, reserved {reserved}");
        foreach (var group in outcomes.Where(o => o.Status != HttpStatusCode.Created && o.Code != "out_of_stock").GroupBy(o => $"{(int)o.Status} {o.Code}").Take(5))
        {
            Console.WriteLine($"unexpected answer x{group.Count()}: {group.Key}");
        }

        var passed = sold == units && oversold == 0 && errors == 0 && reserved == units;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"flash-sale[{database.Name}]: sold {sold}/{units}, oversold {oversold}, refused {refused.Count}, p99 {Stats.Percentile(all, 99):0.0} ms");
        return new Result(passed, summary);
    }
}
