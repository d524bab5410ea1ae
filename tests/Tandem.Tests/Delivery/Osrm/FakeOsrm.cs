using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tandem.Kernel;

namespace Tandem.Tests.Delivery.Osrm;

/// <summary>How the fake server misbehaves.</summary>
public enum FakeOsrmMode
{
    /// <summary>Answers like a healthy osrm-routed.</summary>
    Ok,

    /// <summary>A proxy in front of a dead server: HTTP 502 with an HTML page.</summary>
    BadGateway,

    /// <summary>Never answers (until the client gives up).</summary>
    Hang,

    /// <summary>Refuses with OSRM's own error shape (HTTP 400, <c>code: "NoSegment"</c>).</summary>
    NoSegment,

    /// <summary>An MLD server: distances are not implemented (HTTP 400, <c>code: "NotImplemented"</c>) but durations are.</summary>
    Mld,
}

/// <summary>
/// An honest OSRM stand-in at the edge of the world: a Kestrel app on a loopback port answering the real Table API
/// (<c>GET /table/v1/{profile}/{lng,lat;…}?sources=…&amp;destinations=…&amp;annotations=duration,distance</c>) from a
/// deterministic road model: Manhattan distance on a local flat projection, at a fixed slow speed per profile, rounded
/// to a tenth like osrm-routed. It enforces <c>--max-table-size</c> as the real server does (sources × destinations
/// above its square → 400 <c>TooBig</c>), answers <c>null</c> for pairs touching an "island" (no route), and can be told
/// to fail, hang or refuse.
/// </summary>
public sealed class FakeOsrm : IAsyncDisposable
{
    /// <summary>Slow roads: 1 m/s on the bike profile (3.6 km/h), 2 m/s by car.</summary>
    public static readonly IReadOnlyDictionary<string, double> MetresPerSecond = new Dictionary<string, double> { ["bike"] = 1, ["car"] = 2, ["foot"] = 0.5 };

    private readonly WebApplication _app;
    private int _requests;
    private int _tooBig;
    private int _largest;

    private FakeOsrm(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public int MaxTableSize { get; set; } = 100;

    public FakeOsrmMode Mode { get; set; } = FakeOsrmMode.Ok;

    /// <summary>Places no road reaches: every pair with one of them (and not both the same) is <c>null</c>.</summary>
    public HashSet<(double Lat, double Lng)> Islands { get; } = [];

    public int Requests => Volatile.Read(ref _requests);

    public int TooBigAnswers => Volatile.Read(ref _tooBig);

    /// <summary>The largest sources × destinations asked in one request.</summary>
    public int LargestTable => Volatile.Read(ref _largest);

    public static async Task<FakeOsrm> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeOsrm(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First().TrimEnd('/');
        return fake;
    }

    public void Reset()
    {
        Mode = FakeOsrmMode.Ok;
        MaxTableSize = 100;
        Islands.Clear();
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _tooBig, 0);
        Interlocked.Exchange(ref _largest, 0);
    }

    /// <summary>The model's road distance in metres: east-west plus north-south legs.</summary>
    public static double Metres(GeoPoint a, GeoPoint b)
    {
        var midLat = (a.Lat + b.Lat) / 2 * Math.PI / 180;
        var dx = Math.Abs(a.Lng - b.Lng) * 111_320 * Math.Cos(midLat);
        var dy = Math.Abs(a.Lat - b.Lat) * 110_574;
        return Math.Round(dx + dy, 1);
    }

    public static double Seconds(GeoPoint a, GeoPoint b, string profile) => Math.Round(Metres(a, b) / MetresPerSecond[profile], 1);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var parts = (context.Request.Path.Value ?? "").Trim('/').Split('/');
        if (parts.Length != 4 || parts[0] != "table" || parts[1] != "v1")
        {
            await ErrorAsync(context, "InvalidUrl", "URL string malformed close to position 1: \"/\"");
            return;
        }

        switch (Mode)
        {
            case FakeOsrmMode.BadGateway:
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body><h1>502 Bad Gateway</h1></body></html>");
                return;
            case FakeOsrmMode.Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            case FakeOsrmMode.NoSegment:
                await ErrorAsync(context, "NoSegment", "Could not find a matching segment for coordinate 0");
                return;
        }

        var profile = parts[2];
        if (!MetresPerSecond.ContainsKey(profile))
        {
            // osrm-routed serves one dataset whatever the URL says; the fake knows its speeds by name.
            await ErrorAsync(context, "InvalidOptions", $"no such profile {profile} in the fake");
            return;
        }

        var coordinates = new List<GeoPoint>();
        foreach (var pair in Uri.UnescapeDataString(parts[3]).Split(';'))
        {
            var lngLat = pair.Split(',');
            if (lngLat.Length != 2 || !double.TryParse(lngLat[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lng)
                                   || !double.TryParse(lngLat[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat))
            {
                await ErrorAsync(context, "InvalidQuery", "Query string malformed close to position 0");
                return;
            }

            coordinates.Add(new GeoPoint(lat, lng));
        }

        var sources = Indices(context.Request.Query["sources"], coordinates.Count);
        var destinations = Indices(context.Request.Query["destinations"], coordinates.Count);
        if (sources is null || destinations is null)
        {
            await ErrorAsync(context, "InvalidOptions", "Index out of bound");
            return;
        }

        var cells = sources.Count * destinations.Count;
        InterlockedMax(ref _largest, cells);
        if (MaxTableSize > 0 && cells > MaxTableSize * MaxTableSize)
        {
            Interlocked.Increment(ref _tooBig);
            await ErrorAsync(context, "TooBig", "Too many table coordinates");
            return;
        }

        var annotations = ((string?)context.Request.Query["annotations"] ?? "duration").Split(',');
        var wantDistance = annotations.Contains("distance");
        if (wantDistance && Mode == FakeOsrmMode.Mld)
        {
            await ErrorAsync(context, "NotImplemented", "Distance Table is not implemented for MLD");
            return;
        }

        var body = new Dictionary<string, object?>
        {
            ["code"] = "Ok",
            ["durations"] = Table(coordinates, sources, destinations, (a, b) => Seconds(a, b, profile)),
            ["sources"] = sources.Select(i => Waypoint(coordinates[i])).ToList(),
            ["destinations"] = destinations.Select(i => Waypoint(coordinates[i])).ToList(),
        };
        if (wantDistance)
        {
            body["distances"] = Table(coordinates, sources, destinations, Metres);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private List<List<double?>> Table(List<GeoPoint> coordinates, List<int> sources, List<int> destinations, Func<GeoPoint, GeoPoint, double> value) =>
        sources.Select(i => destinations.Select(j =>
        {
            var (a, b) = (coordinates[i], coordinates[j]);
            if (a == b)
            {
                return 0;
            }

            return Islands.Contains((a.Lat, a.Lng)) || Islands.Contains((b.Lat, b.Lng)) ? (double?)null : value(a, b);
        }).ToList()).ToList();

    private static object Waypoint(GeoPoint p) => new { hint = "", distance = 0.0, name = "", location = new[] { p.Lng, p.Lat } };

    private static List<int>? Indices(string? value, int count)
    {
        if (string.IsNullOrEmpty(value) || value == "all")
        {
            return Enumerable.Range(0, count).ToList();
        }

        var list = new List<int>();
        foreach (var part in value.Split(';'))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) || i >= count)
            {
                return null;
            }

            list.Add(i);
        }

        return list;
    }

    private static async Task ErrorAsync(HttpContext context, string code, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { code, message }));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
