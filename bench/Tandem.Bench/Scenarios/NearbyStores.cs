using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tandem.Catalog;
using Tandem.Identity;
using Tandem.Inventory;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Merchants;
using Tandem.Merchants.Stores;

namespace Tandem.Bench.Scenarios;

/// <summary>
/// Nearby-store search over 10,000 stores around Hangzhou: the spatially indexed SQL path the API uses
/// (R*Tree on SQLite, GiST on PostgreSQL, then exact distance) against two baselines measured in the
/// same run on the same stores: the same box query with no spatial index, and a scan of every store in memory.
/// </summary>
public sealed class NearbyStores : IScenario
{
    private static readonly GeoPoint Hangzhou = new(30.2741, 120.1551);

    public string Name => "stores-nearby";

    public string Description => "nearby stores: R*Tree/GiST query vs unindexed SQL and in-memory scan [--provider sqlite|postgres --connection CS --stores N --queries N]";

    public async Task<int> RunAsync(string[] args)
    {
        var provider = Stats.Option(args, "--provider", "sqlite").ToLowerInvariant();
        var storeCount = int.Parse(Stats.Option(args, "--stores", "10000"), CultureInfo.InvariantCulture);
        var queryCount = int.Parse(Stats.Option(args, "--queries", "1000"), CultureInfo.InvariantCulture);
        var random = new Random(int.Parse(Stats.Option(args, "--seed", "42"), CultureInfo.InvariantCulture));
        if (provider is not ("sqlite" or "postgres"))
        {
            Console.Error.WriteLine("--provider must be sqlite or postgres");
            return 2;
        }

        await using var database = provider == "sqlite"
            ? Database.Sqlite()
            : await Database.PostgresAsync(Stats.Option(args, "--connection", Environment.GetEnvironmentVariable("TANDEM_TEST_POSTGRES") ?? ""));
        await using var services = database.Services();

        var setup = Stopwatch.StartNew();
        var stores = await SeedAsync(services, storeCount, random);
        Console.WriteLine($"setup: {storeCount:N0} stores within 30 km of Hangzhou on {provider} in {setup.Elapsed.TotalSeconds:F1} s");

        var queries = Enumerable.Range(0, queryCount)
            .Select(_ => (Centre: RandomPointWithin(Hangzhou, 25, random), RadiusKm: 3 + random.NextDouble() * 2))
            .ToList();

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var search = scope.ServiceProvider.GetRequiredService<StoreSearch>();

        // What GET /stores does: every store in the circle from the index, ordered by exact distance.
        var indexed = await MeasureAsync(queries, async q => (await search.HitsAsync(q.Centre, q.RadiusKm, null, default)).Select(h => h.StoreId).ToList());
        var unindexed = await MeasureAsync(queries, q => UnindexedAsync(db, q.Centre, q.RadiusKm));
        var scan = await MeasureAsync(queries, q => Task.FromResult(Scan(stores, q.Centre, q.RadiusKm)));

        var mismatches = Enumerable.Range(0, queryCount).Count(i =>
            !indexed.Results[i].SequenceEqual(scan.Results[i]) || !unindexed.Results[i].SequenceEqual(scan.Results[i]));

        Console.WriteLine();
        Console.WriteLine($"{queryCount:N0} queries, radius 3-5 km, {indexed.Results.Average(r => r.Count):F0} stores found on average");
        Console.WriteLine("| path                                  |   p50 ms |   p99 ms |  mean ms |");
        Console.WriteLine("|---------------------------------------|---------:|---------:|---------:|");
        Row($"indexed SQL ({(provider == "sqlite" ? "R*Tree" : "GiST")}) + exact distance", indexed.Millis);
        Row("unindexed SQL box + exact distance", unindexed.Millis);
        Row("in-memory scan of every store", scan.Millis);
        Console.WriteLine($"results identical on all three paths: {(mismatches == 0 ? "yes" : $"NO, {mismatches} queries differ")}");
        Console.WriteLine();

        var p50 = Stats.Percentile(indexed.Millis, 50);
        var scanP50 = Stats.Percentile(scan.Millis, 50);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stores-nearby[{provider}]: indexed p50 {p50:F3} ms p99 {Stats.Percentile(indexed.Millis, 99):F3} ms, scan p50 {scanP50:F3} ms p99 {Stats.Percentile(scan.Millis, 99):F3} ms, speed-up {scanP50 / p50:F1}x (unindexed SQL p50 {Stats.Percentile(unindexed.Millis, 50):F3} ms, {Stats.Percentile(unindexed.Millis, 50) / p50:F1}x)"));
        return mismatches == 0 ? 0 : 1;
    }

    private static void Row(string name, List<double> millis) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name,-37} | {Stats.Percentile(millis, 50),8:F3} | {Stats.Percentile(millis, 99),8:F3} | {millis.Average(),8:F3} |"));

    private static async Task<(List<double> Millis, List<List<Guid>> Results)> MeasureAsync(
        List<(GeoPoint Centre, double RadiusKm)> queries, Func<(GeoPoint Centre, double RadiusKm), Task<List<Guid>>> run)
    {
        foreach (var q in queries.Take(50))
        {
            await run(q); // warm-up: query plans, JIT, caches
        }

        var millis = new List<double>(queries.Count);
        var results = new List<List<Guid>>(queries.Count);
        foreach (var q in queries)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await run(q);
            millis.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            results.Add(result);
        }

        return (millis, results);
    }

    /// <summary>The same bounding boxes without the spatial index: a full scan of the stores table.</summary>
    private static async Task<List<Guid>> UnindexedAsync(TandemDbContext db, GeoPoint centre, double radiusKm)
    {
        var found = new List<(double Distance, Guid Id)>();
        foreach (var box in SearchArea.Boxes(centre, radiusKm))
        {
            var rows = await db.Set<Store>().AsNoTracking()
                .Where(s => s.Lat >= box.MinLat && s.Lat <= box.MaxLat && s.Lng >= box.MinLng && s.Lng <= box.MaxLng)
                .Select(s => new { s.Id, s.Lat, s.Lng })
                .ToListAsync();
            found.AddRange(rows.Select(r => (centre.DistanceKmTo(new GeoPoint(r.Lat, r.Lng)), r.Id)).Where(r => r.Item1 <= radiusKm));
        }

        return found.OrderBy(f => f.Distance).ThenBy(f => f.Id).Select(f => f.Id).ToList();
    }

    private static List<Guid> Scan(List<(Guid Id, GeoPoint At)> stores, GeoPoint centre, double radiusKm)
    {
        var found = new List<(double Distance, Guid Id)>();
        foreach (var (id, at) in stores)
        {
            var d = centre.DistanceKmTo(at);
            if (d <= radiusKm)
            {
                found.Add((d, id));
            }
        }

        found.Sort();
        return found.Select(f => f.Id).ToList();
    }

    private static async Task<List<(Guid Id, GeoPoint At)>> SeedAsync(ServiceProvider services, int count, Random random)
    {
        var merchants = Enumerable.Range(0, 200).Select(_ => NewId.Next(TimeProvider.System)).ToArray();
        var stores = new List<(Guid, GeoPoint)>(count);
        var clock = TimeProvider.System;
        var now = clock.GetUtcNow().UtcDateTime;
        for (var batch = 0; batch < count; batch += 1000)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            for (var i = batch; i < Math.Min(count, batch + 1000); i++)
            {
                var at = RandomPointWithin(Hangzhou, 30, random);
                var store = new Store
                {
                    Id = NewId.Next(clock),
                    MerchantId = merchants[random.Next(merchants.Length)],
                    Name = $"门店 {i}",
                    Address = $"杭州市 {i} 号",
                    Lat = at.Lat,
                    Lng = at.Lng,
                    Pickup = true,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                db.Add(store);
                stores.Add((store.Id, at));
            }

            await db.SaveChangesAsync();
        }

        return stores;
    }

    /// <summary>A point uniformly distributed over the disc of <paramref name="radiusKm"/> around <paramref name="centre"/>.</summary>
    private static GeoPoint RandomPointWithin(GeoPoint centre, double radiusKm, Random random)
    {
        var d = radiusKm * Math.Sqrt(random.NextDouble()) / GeoPoint.EarthRadiusKm;
        var bearing = random.NextDouble() * 2 * Math.PI;
        var lat1 = centre.Lat * Math.PI / 180;
        var lng1 = centre.Lng * Math.PI / 180;
        var lat2 = Math.Asin(Math.Sin(lat1) * Math.Cos(d) + Math.Cos(lat1) * Math.Sin(d) * Math.Cos(bearing));
        var lng2 = lng1 + Math.Atan2(Math.Sin(bearing) * Math.Sin(d) * Math.Cos(lat1), Math.Cos(d) - Math.Sin(lat1) * Math.Sin(lat2));
        return new GeoPoint(lat2 * 180 / Math.PI, lng2 * 180 / Math.PI);
    }

    /// <summary>A throw-away database with the real migrations applied, and the modules' services over it.</summary>
    private sealed class Database(bool postgres, string connectionString, Func<Task> drop) : IAsyncDisposable
    {
        public static Database Sqlite()
        {
            var directory = Path.Combine(Path.GetTempPath(), "tandem-bench", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var cs = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "bench.db"), Pooling = true }.ToString();
            return new Database(false, cs, () =>
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(directory, recursive: true);
                return Task.CompletedTask;
            });
        }

        public static async Task<Database> PostgresAsync(string server)
        {
            if (string.IsNullOrWhiteSpace(server))
            {
                throw new InvalidOperationException("--provider postgres needs --connection \"Host=...;Username=...\" (or TANDEM_TEST_POSTGRES).");
            }

            var name = $"tandem_bench_{Guid.NewGuid():N}";
            var cs = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
            return new Database(true, cs, async () =>
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(server);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            });
        }

        public ServiceProvider Services()
        {
            var configuration = new ConfigurationBuilder().Build();
            var services = new ServiceCollection()
                .AddLogging()
                .AddTandemKernel()
                .AddIdentityModule(configuration)
                .AddMerchants()
                .AddCatalog()
                .AddInventory();
            services.AddDbContext<TandemDbContext>((sp, o) =>
            {
                ModuleModels.WithModules(o, sp.GetServices<IModuleModel>());

                // The migrations create the whole host's schema, and this scenario maps only the four modules it
                // queries; EF Core would take the unmapped tables for pending model changes and refuse to migrate.
                o.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
                if (postgres)
                {
                    o.UseNpgsql(connectionString, x => x.MigrationsAssembly("Tandem.Migrations.Postgres"));
                }
                else
                {
                    o.UseSqlite(connectionString, x => x.MigrationsAssembly("Tandem.Migrations.Sqlite"));
                }
            });
            var provider = services.BuildServiceProvider();
            using var scope = provider.CreateScope();
            scope.ServiceProvider.GetRequiredService<TandemDbContext>().Database.Migrate();
            return provider;
        }

        public async ValueTask DisposeAsync() => await drop();
    }
}
