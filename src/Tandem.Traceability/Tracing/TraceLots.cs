using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;
using Tandem.Traceability.Data;
using Tandem.Traceability.DigitalLink;
using Tandem.Traceability.Epcis;
using Tandem.Traceability.Recalls;

namespace Tandem.Traceability.Tracing;

public sealed record TracedLotDto(string Gtin, string Lot, string? ProductName, bool Recalled);

public sealed record TracedStoreDto(Guid StoreId, Guid MerchantId, string Name, string Address);

public sealed record TraceResponse(
    string Gtin, string Lot, string Direction, IReadOnlyList<TracedLotDto> Lots, IReadOnlyList<string> Items,
    IReadOnlyList<string> Containers, IReadOnlyList<TracedStoreDto> Stores, int Depth, int Queries);

/// <summary><c>GET /api/v1/trace/lots/{gtin}/{lot}/forward|backward</c>: where a lot went, or where it came from.</summary>
internal static class TraceLots
{
    public static Func<string, string, ClaimsPrincipal, LotAccess, TraceGraph, TraceSummaries, CancellationToken, Task<Results<Ok<TraceResponse>, ProblemHttpResult>>> For(TraceDirection direction) =>
        async (gtin, lot, principal, access, graph, summaries, ct) =>
        {
            if (ParseLot(gtin, lot) is not { } key)
            {
                return ApiProblem.BadRequest("invalid_digital_link", "The GTIN needs a correct check digit and the lot 1 to 20 characters of the GS1 character set 82.", "lot");
            }

            if (await access.ToTraceAsync(principal, key.Key, ct) is null)
            {
                return ApiProblem.NotFound("No lot with this GTIN and number is visible to you.");
            }

            var result = await graph.WalkAsync(key.Key, direction, ct);
            return TypedResults.Ok(await summaries.SummariseAsync(key.Gtin, lot, result, ct));
        };

    public static (string Gtin, string Key)? ParseLot(string gtin, string lot)
    {
        if (!Gtin.TryParse(gtin, out var g) || !DigitalLinkUri.IsCset82(lot, 20))
        {
            return null;
        }

        return (g.Value.Value, EpcKeys.LotKey(g.Value.Value, lot));
    }
}

/// <summary>Turns the keys a walk reached into lots (with product names and recall state), items, containers and stores.</summary>
internal sealed class TraceSummaries(TandemDbContext db, TraceGraph graph, IStoreDirectory stores)
{
    public async Task<TraceResponse> SummariseAsync(string gtin, string lot, TraceResult result, CancellationToken ct)
    {
        var lots = new List<(string Gtin, string Lot, string Key)>();
        var items = new List<string>();
        var containers = new List<string>();
        foreach (var key in result.Keys.Order(StringComparer.Ordinal))
        {
            if (DigitalLinkUri.TryParse(key, out var link) && key.StartsWith(DigitalLinkUri.CanonicalHost, StringComparison.Ordinal))
            {
                if (link is { Gtin: not null, Lot: not null, Serial: null })
                {
                    lots.Add((link.Gtin, link.Lot, key));
                    continue;
                }

                if (link.Serial is not null)
                {
                    items.Add(key);
                    continue;
                }
            }

            containers.Add(key);
        }

        var lotKeys = lots.Select(l => l.Key).ToList();
        var names = await db.Set<Lot>().AsNoTracking().Where(l => lotKeys.Contains(l.Key)).ToDictionaryAsync(l => l.Key, l => l.ProductName, ct);
        var recalled = await db.RecalledKeysAsync(lotKeys, ct);

        var storeIds = await graph.StoresOfAsync(result.Keys, ct);
        var storeList = new List<TracedStoreDto>();
        foreach (var id in storeIds)
        {
            if (await stores.FindAsync(id, ct) is { } s)
            {
                storeList.Add(new TracedStoreDto(s.StoreId, s.MerchantId, s.Name, s.Address));
            }
        }

        return new TraceResponse(
            gtin, lot, result.Direction == TraceDirection.Forward ? "forward" : "backward",
            lots.Select(l => new TracedLotDto(l.Gtin, l.Lot, names.GetValueOrDefault(l.Key), recalled.Contains(l.Key))).ToList(),
            items, containers, storeList.OrderBy(s => s.Name, StringComparer.Ordinal).ToList(), result.Depth, result.Queries);
    }
}
