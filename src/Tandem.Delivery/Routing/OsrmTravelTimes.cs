using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Kernel;

namespace Tandem.Delivery.Routing;

/// <summary>Settings under <c>Tandem:Delivery:Osrm</c>: the road-network service, if any.</summary>
internal sealed class OsrmOptions
{
    /// <summary>The default OSRM server (e.g. <c>http://osrm:5000</c>); vehicles may have their own.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Per vehicle type (<c>bicycle</c>, <c>scooter</c>, <c>car</c>): the profile name and, optionally, its own server.</summary>
    public Dictionary<string, OsrmVehicle> Vehicles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long one Table request may take before its cells are estimated instead.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The server's <c>--max-table-size</c> (sources × destinations ≤ its square); larger tables are asked in blocks.</summary>
    public int MaxTableSize { get; set; } = 100;

    /// <summary>After a failed request, how long a server is not asked again (its cells are estimated meanwhile). Zero: always ask.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Table requests in flight at once for one table.</summary>
    public int Parallelism { get; set; } = 4;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl) || Vehicles.Values.Any(v => !string.IsNullOrWhiteSpace(v.BaseUrl));

    /// <summary>The server and profile for a vehicle type, or null when it has none (straight line for it).</summary>
    public (string BaseUrl, string Profile)? EndpointFor(string vehicle)
    {
        Vehicles.TryGetValue(vehicle, out var own);
        var baseUrl = !string.IsNullOrWhiteSpace(own?.BaseUrl) ? own.BaseUrl : BaseUrl;
        if (string.IsNullOrWhiteSpace(baseUrl))
        {
            return null;
        }

        var profile = !string.IsNullOrWhiteSpace(own?.Profile) ? own.Profile : DefaultProfile(vehicle);
        return (baseUrl.TrimEnd('/'), profile);
    }

    /// <summary>OSRM's stock profiles: <c>bike</c> for two wheels, <c>car</c> otherwise.</summary>
    private static string DefaultProfile(string vehicle) =>
        vehicle.ToLowerInvariant() is TravelProfiles.Bicycle or TravelProfiles.Scooter ? "bike" : "car";
}

internal sealed class OsrmVehicle
{
    public string? Profile { get; set; }

    public string? BaseUrl { get; set; }
}

/// <summary>
/// Travel times from an OSRM server's Table service (<c>GET /table/v1/{profile}/{lng,lat;…}?annotations=duration,distance</c>),
/// asked in blocks of at most <see cref="OsrmOptions.MaxTableSize"/> sources × destinations and stitched together.
/// A block that times out, fails, or answers anything but <c>code: "Ok"</c>, and every <c>null</c> cell (no route), is
/// estimated in a straight line instead, with a warning and the <c>tandem.delivery.travel.estimated_cells</c> counter:
/// dispatch, quotes and ETAs never stop because the road network is down.
/// </summary>
internal sealed class OsrmTravelTimes : ITravelTimeSource
{
    public const string ClientName = "tandem-osrm";
    public const string MeterName = "Tandem.Delivery";

    private readonly IHttpClientFactory _http;
    private readonly IOptions<DeliveryOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<OsrmTravelTimes> _logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _downUntil = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _durationOnly = new(StringComparer.Ordinal);
    private readonly Counter<long> _estimatedCounter;
    private readonly Counter<long> _failedCounter;
    private long _estimated;
    private long _failed;

    public OsrmTravelTimes(IHttpClientFactory http, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<OsrmTravelTimes> logger, IMeterFactory meters)
    {
        _http = http;
        _options = options;
        _clock = clock;
        _logger = logger;
        var meter = meters.Create(MeterName);
        _estimatedCounter = meter.CreateCounter<long>("tandem.delivery.travel.estimated_cells", "{cell}",
            "Travel-time cells the road network did not answer and a straight-line estimate replaced.");
        _failedCounter = meter.CreateCounter<long>("tandem.delivery.travel.failed_requests", "{request}",
            "OSRM Table requests that failed, timed out or were refused.");
    }

    /// <summary>Cells estimated since start (for health pages and tests).</summary>
    public long EstimatedCells => Interlocked.Read(ref _estimated);

    /// <summary>Failed Table requests since start.</summary>
    public long FailedRequests => Interlocked.Read(ref _failed);

    private OsrmOptions Osrm => _options.Value.Osrm;

    public async Task<TravelTable> TableAsync(IReadOnlyList<GeoPoint> places, IReadOnlyCollection<string> vehicles, CancellationToken ct)
    {
        var points = TravelTable.Distinct(places);
        var straight = new HaversineTravelTimes(_options.Value.RoadFactor);
        if (points.Count < 2 || vehicles.Count == 0)
        {
            return new TravelTable(points, straight);
        }

        var road = new Dictionary<string, RoadMatrix>(StringComparer.OrdinalIgnoreCase);
        var byEndpoint = new Dictionary<(string, string), RoadMatrix>();
        var estimated = 0;
        foreach (var vehicle in vehicles.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (Osrm.EndpointFor(vehicle) is not { } endpoint)
            {
                continue;
            }

            if (!byEndpoint.TryGetValue(endpoint, out var matrix))
            {
                matrix = await FetchAsync(endpoint.BaseUrl, endpoint.Profile, points, ct);
                byEndpoint[endpoint] = matrix;
            }

            road[vehicle] = matrix;
            estimated += Unanswered(matrix);
        }

        if (estimated > 0)
        {
            Interlocked.Add(ref _estimated, estimated);
            _estimatedCounter.Add(estimated);
        }

        return new TravelTable(points, straight, road, estimated);
    }

    private static int Unanswered(RoadMatrix m)
    {
        var count = 0;
        for (var i = 0; i < m.Size; i++)
        {
            for (var j = 0; j < m.Size; j++)
            {
                if (i != j && double.IsNaN(m.Seconds[i * m.Size + j]))
                {
                    count++;
                }
            }
        }

        return count;
    }

    private async Task<RoadMatrix> FetchAsync(string baseUrl, string profile, List<GeoPoint> points, CancellationToken ct)
    {
        var n = points.Count;
        var metres = new double[n * n];
        var seconds = new double[n * n];
        Array.Fill(metres, double.NaN);
        Array.Fill(seconds, double.NaN);
        for (var i = 0; i < n; i++)
        {
            metres[i * n + i] = 0;
            seconds[i * n + i] = 0;
        }

        var matrix = new RoadMatrix(n, metres, seconds);
        if (_downUntil.TryGetValue(baseUrl, out var until) && _clock.GetUtcNow() < until)
        {
            return matrix;
        }

        var size = Math.Max(1, Osrm.MaxTableSize);
        var blocks = new List<(int From, int FromCount, int To, int ToCount)>();
        for (var s = 0; s < n; s += size)
        {
            for (var d = 0; d < n; d += size)
            {
                blocks.Add((s, Math.Min(size, n - s), d, Math.Min(size, n - d)));
            }
        }

        var failures = 0;
        string? firstProblem = null;
        await Parallel.ForEachAsync(blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Osrm.Parallelism), CancellationToken = ct },
            async (block, token) =>
            {
                if (_downUntil.TryGetValue(baseUrl, out var down) && _clock.GetUtcNow() < down)
                {
                    return;
                }

                var problem = await FetchBlockAsync(baseUrl, profile, points, block, matrix, token);
                if (problem is not null)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstProblem, problem, null);
                    if (Osrm.RetryAfter > TimeSpan.Zero)
                    {
                        _downUntil[baseUrl] = _clock.GetUtcNow() + Osrm.RetryAfter;
                    }
                }
            });

        if (failures > 0)
        {
            Interlocked.Add(ref _failed, failures);
            _failedCounter.Add(failures);
            _logger.LogWarning("OSRM at {BaseUrl} ({Profile}) failed {Failures} of {Blocks} table requests ({Problem}); their travel times are straight-line estimates",
                baseUrl, profile, failures, blocks.Count, firstProblem);
        }

        return matrix;
    }

    /// <summary>Fills one block of the matrix; returns why it failed, or null.</summary>
    private async Task<string?> FetchBlockAsync(string baseUrl, string profile, List<GeoPoint> points,
        (int From, int FromCount, int To, int ToCount) block, RoadMatrix matrix, CancellationToken ct)
    {
        // Same block both ways: its places once, all to all. Otherwise the sources, then the destinations.
        var same = block.From == block.To;
        var coordinates = new StringBuilder();
        var count = same ? block.FromCount : block.FromCount + block.ToCount;
        for (var k = 0; k < count; k++)
        {
            var p = points[k < block.FromCount ? block.From + k : block.To + k - block.FromCount];
            coordinates.Append(k == 0 ? "" : ";")
                .Append(p.Lng.ToString("0.#######", CultureInfo.InvariantCulture)).Append(',')
                .Append(p.Lat.ToString("0.#######", CultureInfo.InvariantCulture));
        }

        var query = same ? "" : "&sources=" + string.Join(';', Enumerable.Range(0, block.FromCount))
                                + "&destinations=" + string.Join(';', Enumerable.Range(block.FromCount, block.ToCount));
        var durationOnly = _durationOnly.ContainsKey(baseUrl);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var url = $"{baseUrl}/table/v1/{Uri.EscapeDataString(profile)}/{coordinates}?annotations={(durationOnly ? "duration" : "duration,distance")}{query}";
            string? code;
            JsonElement root;
            try
            {
                using var response = await _http.CreateClient(ClientName).GetAsync(url, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                try
                {
                    using var document = JsonDocument.Parse(body);
                    root = document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    return $"HTTP {(int)response.StatusCode}, not JSON";
                }

                code = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("code", out var c) ? c.GetString() : null;
                if (code != "Ok" || !response.IsSuccessStatusCode)
                {
                    if (code == "NotImplemented" && !durationOnly)
                    {
                        // An MLD server computes no distances: ask for durations only from now on.
                        _durationOnly[baseUrl] = true;
                        durationOnly = true;
                        continue;
                    }

                    var message = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var m) ? m.GetString() : null;
                    return $"HTTP {(int)response.StatusCode}, code {code ?? "none"}{(message is null ? "" : ": " + message)}";
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return $"no answer within {Osrm.Timeout.TotalSeconds:0.###} s";
            }
            catch (HttpRequestException e)
            {
                return e.Message;
            }

            if (!root.TryGetProperty("durations", out var durations) || durations.ValueKind != JsonValueKind.Array
                                                                     || durations.GetArrayLength() != block.FromCount)
            {
                return "answer without a durations table of the right size";
            }

            root.TryGetProperty("distances", out var distances);
            var hasDistances = distances.ValueKind == JsonValueKind.Array && distances.GetArrayLength() == block.FromCount;
            var n = matrix.Size;
            var i = 0;
            foreach (var row in durations.EnumerateArray())
            {
                var distanceRow = hasDistances ? distances[i] : default;
                var j = 0;
                foreach (var cell in row.EnumerateArray())
                {
                    if (j >= block.ToCount)
                    {
                        break;
                    }

                    var at = (block.From + i) * n + block.To + j;
                    if (cell.ValueKind == JsonValueKind.Number && block.From + i != block.To + j)
                    {
                        matrix.Seconds[at] = cell.GetDouble();
                        if (distanceRow.ValueKind == JsonValueKind.Array && j < distanceRow.GetArrayLength() && distanceRow[j].ValueKind == JsonValueKind.Number)
                        {
                            matrix.Metres[at] = distanceRow[j].GetDouble();
                        }
                    }

                    j++;
                }

                i++;
            }

            return null;
        }

        return "no table";
    }
}

internal static class TravelTimeRegistration
{
    /// <summary>One <see cref="ITravelTimeSource"/>: OSRM when <c>Tandem:Delivery:Osrm</c> names a server, straight lines otherwise.</summary>
    public static IServiceCollection AddTravelTimes(this IServiceCollection services, IConfiguration configuration)
    {
        var osrm = configuration.GetSection("Tandem:Delivery:Osrm").Get<OsrmOptions>() ?? new OsrmOptions();
        if (!osrm.IsConfigured)
        {
            services.AddSingleton<ITravelTimeSource, StraightLineTravelTimes>();
            return services;
        }

        services.AddHttpClient(OsrmTravelTimes.ClientName, (sp, client) =>
            client.Timeout = sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.Osrm.Timeout);
        services.AddSingleton<OsrmTravelTimes>();
        services.AddSingleton<ITravelTimeSource>(sp => sp.GetRequiredService<OsrmTravelTimes>());
        return services;
    }
}
