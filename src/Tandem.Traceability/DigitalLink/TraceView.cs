using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;
using Tandem.Traceability.Data;
using Tandem.Traceability.Epcis;
using Tandem.Traceability.Recalls;
using Tandem.Traceability.Tracing;

namespace Tandem.Traceability.DigitalLink;

public sealed record TraceView(
    string DigitalLink, string Gtin, string? Lot, string? Serial, string ProductName, string? Origin,
    TraceRecallView? Recall, IReadOnlyList<TraceStepView> Steps, IReadOnlyList<TracePlaceView> Places);

public sealed record TraceRecallView(string Gtin, string Lot, DateTime RecalledAt, string Reason, bool ByRegulator);

public sealed record TraceStepView(
    DateTime EventTime, string Type, string? Action, string? BizStep, string? Disposition, string? PlaceId, IReadOnlyList<string> Certificates);

public sealed record TracePlaceView(string PlaceId, string? Name, string? Address, LocationDto? Location);

/// <summary>
/// What a consumer sees when they scan a lot's code: the product, where it came from and each step on the
/// way (time, place, certificates), and whether it, or anything it was made from, is under recall.
/// Built from the backward trace, across every merchant on the chain.
/// </summary>
internal sealed class TraceViews(TandemDbContext db, TraceGraph graph, IStoreDirectory stores)
{
    public const int MaxSteps = 200;

    public async Task<TraceView?> BuildAsync(DigitalLinkUri link, string origin, CancellationToken ct)
    {
        if (link.Gtin is null)
        {
            return null;
        }

        var starts = new List<string>();
        string? lotKey = link.Lot is null ? null : EpcKeys.LotKey(link.Gtin, link.Lot);
        if (link.Serial is not null)
        {
            starts.Add(EpcKeys.Normalise(link.ToString()));
        }

        if (lotKey is not null)
        {
            starts.Add(lotKey);
        }

        if (starts.Count == 0)
        {
            return null;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in starts)
        {
            keys.UnionWith((await graph.WalkAsync(start, TraceDirection.Backward, ct)).Keys);
        }

        var events = await graph.EventsOfAsync(keys, null, MaxSteps, ct);
        var lot = lotKey is null ? null : await db.Set<Lot>().AsNoTracking().FirstOrDefaultAsync(l => l.Key == lotKey, ct);
        if (events.Count == 0 && lot is null)
        {
            return null;
        }

        var keyList = keys.ToList();
        var recall = await db.Set<Recall>().AsNoTracking().Active().Where(r => keyList.Contains(r.LotKey)).OrderBy(r => r.RecalledAt).FirstOrDefaultAsync(ct);

        var places = new Dictionary<string, TracePlaceView>(StringComparer.Ordinal);
        var steps = new List<TraceStepView>();
        foreach (var e in events)
        {
            var place = e.BizLocation ?? e.ReadPoint;
            if (place is not null && !places.ContainsKey(place))
            {
                places[place] = await PlaceAsync(place, ct);
            }

            steps.Add(new TraceStepView(e.EventTime, e.Type, e.Action, e.BizStep, e.Disposition, place, Certificates(e.Json)));
        }

        return new TraceView(
            link.ToUri(origin), link.Gtin, link.Lot, link.Serial,
            lot?.ProductName ?? "GTIN " + link.Gtin, lot?.Origin,
            recall is null ? null : new TraceRecallView(recall.Gtin, recall.LotNumber, recall.RecalledAt, recall.Reason, recall.ByRegulator),
            steps, places.Values.ToList());
    }

    private async Task<TracePlaceView> PlaceAsync(string place, CancellationToken ct)
    {
        if (TraceGraph.StoreOf(place) is { } storeId && await stores.FindAsync(storeId, ct) is { } store)
        {
            return new TracePlaceView(place, store.Name, store.Address, new LocationDto(store.Location.Lat, store.Location.Lng));
        }

        return new TracePlaceView(place, null, null, null);
    }

    private static List<string> Certificates(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var list = new List<string>();
        if (doc.RootElement.TryGetProperty("certificationInfo", out var c))
        {
            if (c.ValueKind == JsonValueKind.String)
            {
                list.Add(c.GetString()!);
            }
            else if (c.ValueKind == JsonValueKind.Array)
            {
                list.AddRange(c.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
            }
        }

        return list;
    }
}
