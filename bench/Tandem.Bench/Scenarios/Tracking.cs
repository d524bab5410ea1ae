using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Bench.Tracking;

namespace Tandem.Bench.Scenarios;

/// <summary>
/// Live tracking (issue 5): N couriers on shift each send a position every few seconds while M consumers, each with an
/// order out for delivery, watch their courier on <c>/hubs/delivery</c>. Reports position updates absorbed per second,
/// the POST latency, the fan-out latency (position timestamp to the consumer's WebSocket) and the host's CPU per
/// 1,000 couriers.
/// </summary>
internal sealed class Tracking : IScenario
{
    private const string AdminPhone = "+8613900009999";
    private const string AdminPassword = "bench admin password";
    private const double StoreLat = 31.2304;
    private const double StoreLng = 121.4737;

    public string Name => "tracking";

    public string Description => "couriers send positions, consumers watch them live over SignalR [--provider sqlite|postgres] [--couriers N] [--subscribers M] [--seconds S] [--interval S]";

    public async Task<int> RunAsync(string[] args)
    {
        var couriers = int.Parse(Stats.Option(args, "--couriers", "300"), CultureInfo.InvariantCulture);
        var subscribers = Math.Min(couriers, int.Parse(Stats.Option(args, "--subscribers", "50"), CultureInfo.InvariantCulture));
        var seconds = double.Parse(Stats.Option(args, "--seconds", "30"), CultureInfo.InvariantCulture);
        var interval = double.Parse(Stats.Option(args, "--interval", "5"), CultureInfo.InvariantCulture);
        var failed = false;
        foreach (var (provider, server) in BenchDatabase.FromArgs(args))
        {
            await using var database = BenchDatabase.Create(provider, server);
            failed |= !await MeasureAsync(database, couriers, subscribers, seconds, interval);
        }

        return failed ? 1 : 0;
    }

    private static async Task<bool> MeasureAsync(BenchDatabase database, int courierCount, int subscriberCount, double seconds, double interval)
    {
        Console.WriteLine($"\n## {database.Name}: starting the host");
        await using var host = await HostProcess.StartAsync(database,
        [
            new("Tandem:Platform:AdminPhones:0", AdminPhone),
            new("Tandem:Delivery:DispatchInterval", "01:00:00"),
            new("Tandem:Delivery:DispatchOnReady", "false"),
        ]);
        using var api = new BenchApi(host.BaseAddress, 64);
        var admin = await SignInAsync(host.BaseAddress, AdminPhone, AdminPassword, register: true);

        var owner = await api.RegisterAsync("店主");
        var merchant = await api.CreateMerchantAsync(owner);
        var store = (await api.SendAsync(owner, HttpMethod.Post, $"/api/v1/merchants/{merchant}/stores", new
        {
            name = "配送压测门店",
            address = "上海市黄浦区人民大道 120 号",
            location = new { lat = StoreLat, lng = StoreLng },
            pickup = true,
            delivery = new { radiusKm = 10, fee = new { amount = 500, currency = "CNY" } },
        }, HttpStatusCode.Created)).GetProperty("storeId").GetGuid();
        var product = await api.CreateProductAsync(owner, merchant, 1200, "配送商品");
        await api.CountAsync(owner, store, product, 1_000_000);

        Console.WriteLine($"setting up {courierCount} couriers and {subscriberCount} orders out for delivery");
        var couriers = new BenchUser[courierCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, courierCount), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var user = await api.RegisterAsync("骑手");
            await api.SendAsync(admin, HttpMethod.Post, $"/api/v1/platform/users/{user.Id}/roles", new { role = "courier" }, HttpStatusCode.OK);
            var courier = await SignInAsync(host.BaseAddress, user.Phone, "bench password 1", register: false) with { Id = user.Id };
            await api.SendAsync(courier, HttpMethod.Put, "/api/v1/courier/shift", new { onShift = true, vehicle = "scooter", capacity = 10 }, HttpStatusCode.OK);
            couriers[i] = courier;
        });

        // Each watched courier carries one consumer's order: placed, paid, packed, assigned by hand and collected.
        var hubs = new List<HubClient>();
        var fanOut = new ConcurrentBag<double>();
        var received = 0L;
        await Parallel.ForEachAsync(Enumerable.Range(0, subscriberCount), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var consumer = await api.RegisterAsync("顾客");
            var order = await api.SendAsync(consumer, HttpMethod.Post, "/api/v1/orders", new
            {
                storeId = store,
                lines = new[] { new { productId = product, quantity = 1 } },
                fulfillment = new { type = "delivery", address = "上海市黄浦区南京东路 100 号", location = new { lat = StoreLat + 0.01, lng = StoreLng } },
            }, HttpStatusCode.Created);
            var orderId = order.GetProperty("orderId").GetGuid();
            await api.SendAsync(consumer, HttpMethod.Post, $"/api/v1/orders/{orderId}/pay", new { method = "sandbox" }, HttpStatusCode.OK);
            await api.SendAsync(owner, HttpMethod.Post, $"/api/v1/orders/{orderId}/accept", null, HttpStatusCode.OK);
            await api.SendAsync(owner, HttpMethod.Post, $"/api/v1/orders/{orderId}/ready", null, HttpStatusCode.OK);
            var board = await api.SendAsync(owner, HttpMethod.Get, $"/api/v1/stores/{store}/dispatch/jobs", null, HttpStatusCode.OK);
            var job = board.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("orderId").GetGuid() == orderId).GetProperty("jobId").GetGuid();
            await api.SendAsync(owner, HttpMethod.Post, $"/api/v1/delivery/jobs/{job}/assign", new { courierId = couriers[i].Id }, HttpStatusCode.OK);
            await api.SendAsync(couriers[i], HttpMethod.Post, $"/api/v1/courier/jobs/{job}/pickup", new { orderCode = $"tandem:order:{orderId}" }, HttpStatusCode.OK);

            var hub = await HubClient.ConnectAsync(host.BaseAddress, "/hubs/delivery", consumer.Token, ct);
            hub.OnMessage = (target, message) =>
            {
                if (target == "courierPosition")
                {
                    Interlocked.Increment(ref received);
                    fanOut.Add((DateTime.UtcNow - message.GetProperty("at").GetDateTime().ToUniversalTime()).TotalMilliseconds);
                }
            };
            if (!(await hub.InvokeAsync("JoinOrder", orderId, ct)).GetBoolean())
            {
                throw new InvalidOperationException("The consumer could not join their order's group.");
            }

            lock (hubs)
            {
                hubs.Add(hub);
            }
        });

        // Warm-up: one position per courier (JIT, pools), not measured.
        await Parallel.ForEachAsync(couriers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (courier, _) =>
            await api.RawAsync(courier, HttpMethod.Post, "/api/v1/courier/positions", new { points = new[] { new { lat = StoreLat, lng = StoreLng, at = DateTime.UtcNow } } }));
        fanOut.Clear();
        Interlocked.Exchange(ref received, 0);

        Console.WriteLine($"sending positions for {seconds:0} s, every {interval:0.#} s per courier");
        var posts = new ConcurrentBag<double>();
        var errors = new ConcurrentBag<string>();
        var accepted = 0L;
        var cpuBefore = host.CpuTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(couriers.Select((courier, i) => Task.Run(async () =>
        {
            // Couriers are spread over the interval, as real phones are.
            await Task.Delay(TimeSpan.FromSeconds(interval * i / couriers.Length));
            var step = 0;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                var started = Stopwatch.GetTimestamp();
                var (status, body) = await api.RawAsync(courier, HttpMethod.Post, "/api/v1/courier/positions", new
                {
                    points = new[] { new { lat = StoreLat + 0.00005 * (step++ % 200), lng = StoreLng + 0.0001 * (i % 50), at = DateTime.UtcNow } },
                });
                posts.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (status == HttpStatusCode.Accepted)
                {
                    Interlocked.Add(ref accepted, body.GetProperty("accepted").GetInt32());
                }
                else
                {
                    errors.Add($"{(int)status} {body}");
                }

                var next = TimeSpan.FromSeconds(interval) - Stopwatch.GetElapsedTime(started);
                if (next > TimeSpan.Zero)
                {
                    await Task.Delay(next);
                }
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpu = (host.CpuTime - cpuBefore).TotalSeconds;
        await Task.Delay(500);
        foreach (var hub in hubs)
        {
            await hub.DisposeAsync();
        }

        var postList = posts.ToList();
        var fanOutList = fanOut.ToList();
        var rate = accepted / elapsed;
        var cpuPer1000 = cpu / elapsed / (courierCount / 1000.0);
        Console.WriteLine();
        Console.WriteLine($"| {"provider",-8} | {"couriers",8} | {"watchers",8} | {"updates/s",9} | {"POST p50",8} | {"POST p99",8} | {"fan-out p50",11} | {"fan-out p99",11} | {"pushes",7} | {"CPU cores/1000 couriers",23} | {"errors",6} |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {database.Name,-8} | {courierCount,8} | {subscriberCount,8} | {rate,9:0.0} | {Stats.Percentile(postList, 50),8:0.0} | {Stats.Percentile(postList, 99),8:0.0} | {Stats.Percentile(fanOutList, 50),11:0.0} | {Stats.Percentile(fanOutList, 99),11:0.0} | {received,7} | {cpuPer1000,23:0.000} | {errors.Count,6} |"));
        foreach (var error in errors.GroupBy(e => e).OrderByDescending(g => g.Count()).Take(5))
        {
            Console.WriteLine($"  error x{error.Count()}: {error.Key}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tracking[{database.Name}]: {rate:0} updates/s from {courierCount} couriers, fan-out p50 {Stats.Percentile(fanOutList, 50):0.0} ms p99 {Stats.Percentile(fanOutList, 99):0.0} ms to {subscriberCount} watchers, {cpuPer1000:0.000} CPU cores per 1,000 couriers"));
        return errors.IsEmpty && received > 0;
    }

    private static async Task<BenchUser> SignInAsync(Uri host, string phone, string password, bool register)
    {
        using var http = new HttpClient { BaseAddress = host };
        if (register)
        {
            using var registered = await http.PostAsJsonAsync("/api/v1/auth/register", new { phone, password, displayName = "Admin" });
            if (registered.StatusCode == HttpStatusCode.Created)
            {
                var body = await registered.Content.ReadFromJsonAsync<JsonElement>();
                return new BenchUser(body.GetProperty("userId").GetGuid(), phone, body.GetProperty("accessToken").GetString()!);
            }
        }

        using var response = await http.PostAsJsonAsync("/api/v1/auth/login", new { phone, password });
        var login = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Sign-in failed: {login}");
        }

        return new BenchUser(login.GetProperty("userId").GetGuid(), phone, login.GetProperty("accessToken").GetString()!);
    }
}
