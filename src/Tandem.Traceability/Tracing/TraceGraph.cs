using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Persistence;
using Tandem.Traceability.Data;
using Tandem.Traceability.Epcis;

namespace Tandem.Traceability.Tracing;

internal enum TraceDirection
{
    Forward,
    Backward,
}

/// <summary>What a trace reached: identifiers (lots, items, containers) and the events that name them.</summary>
internal sealed record TraceResult(string Start, TraceDirection Direction, IReadOnlyCollection<string> Keys, int Depth, int Queries);

/// <summary>
/// Walks the trace graph in the database, one frontier at a time: each step is one indexed query on the
/// links table for the identifiers just reached, so a trace reads only the part of the graph it visits.
/// <para>Rules (docs/decisions/0010): forward follows input → output and child → the container carrying it;
/// backward follows output → input and child → container (the container's movements are the child's). A
/// container's contents are followed down only from where the walk started and from what a transformation
/// reached, never from a container the walk climbed into, so siblings sharing a pallet are not pulled in.</para>
/// </summary>
internal sealed class TraceGraph(TandemDbContext db)
{
    public const int MaxNodes = 20_000;
    public const int MaxDepth = 64;
    private const int Chunk = 400;

    public async Task<TraceResult> WalkAsync(string startKey, TraceDirection direction, CancellationToken ct)
    {
        // A node's mode: may it descend into its contents?
        var reached = new Dictionary<string, bool>(StringComparer.Ordinal) { [startKey] = true };
        var frontier = new List<(string Key, bool Descend)> { (startKey, true) };
        var depth = 0;
        var queries = 0;
        var links = db.Set<TraceLink>().AsNoTracking();
        while (frontier.Count > 0 && depth < MaxDepth && reached.Count < MaxNodes)
        {
            depth++;
            var next = new List<(string, bool)>();
            void Reach(string key, bool descend)
            {
                if (reached.TryGetValue(key, out var had))
                {
                    if (descend && !had)
                    {
                        reached[key] = true;
                        next.Add((key, true));
                    }

                    return;
                }

                reached[key] = descend;
                next.Add((key, descend));
            }

            foreach (var chunk in frontier.Chunk(Chunk))
            {
                var keys = chunk.Select(c => c.Key).ToArray();
                var descending = chunk.Where(c => c.Descend).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
                queries++;
                var outgoing = await links.Where(l => keys.Contains(l.FromKey)).Select(l => new { l.FromKey, l.ToKey, l.Kind }).ToListAsync(ct);
                foreach (var l in outgoing)
                {
                    if (l.Kind == LinkKinds.Contain)
                    {
                        // Up into the container: it carries this, so its movements count; never down from there.
                        Reach(l.ToKey, false);
                    }
                    else if (direction == TraceDirection.Forward)
                    {
                        Reach(l.ToKey, true);
                    }
                }

                queries++;
                var incoming = await links.Where(l => keys.Contains(l.ToKey)).Select(l => new { l.FromKey, l.ToKey, l.Kind }).ToListAsync(ct);
                foreach (var l in incoming)
                {
                    if (l.Kind == LinkKinds.Contain)
                    {
                        if (descending.Contains(l.ToKey))
                        {
                            Reach(l.FromKey, true);
                        }
                    }
                    else if (direction == TraceDirection.Backward)
                    {
                        Reach(l.FromKey, true);
                    }
                }
            }

            frontier = next;
        }

        return new TraceResult(startKey, direction, reached.Keys.Where(k => !k.StartsWith("xform:", StringComparison.Ordinal)).ToList(), depth, queries);
    }

    /// <summary>The events naming any of <paramref name="keys"/>, oldest first, through the key index.</summary>
    public async Task<List<StoredEvent>> EventsOfAsync(IReadOnlyCollection<string> keys, Guid? merchantId, int limit, CancellationToken ct)
    {
        var ids = new HashSet<long>();
        foreach (var chunk in keys.Chunk(Chunk))
        {
            var q = db.Set<EventKey>().AsNoTracking().Where(k => chunk.Contains(k.Key));
            if (merchantId is { } m)
            {
                q = q.Where(k => k.MerchantId == m);
            }

            ids.UnionWith(await q.Select(k => k.EventRowId).Distinct().ToListAsync(ct));
        }

        var events = new List<StoredEvent>();
        foreach (var chunk in ids.Chunk(Chunk))
        {
            events.AddRange(await db.Set<StoredEvent>().AsNoTracking().Where(e => chunk.Contains(e.Id)).ToListAsync(ct));
        }

        return events.OrderBy(e => e.EventTime).ThenBy(e => e.Id).Take(limit).ToList();
    }

    /// <summary>Stores where any of the events happened or were shipped to (<c>urn:tandem:store:{id}</c> locations).</summary>
    public async Task<HashSet<Guid>> StoresOfAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var stores = new HashSet<Guid>();
        foreach (var chunk in keys.Chunk(Chunk))
        {
            var locations = await db.Set<EventKey>().AsNoTracking().Where(k => chunk.Contains(k.Key))
                .Join(db.Set<StoredEvent>(), k => k.EventRowId, e => e.Id, (k, e) => new { e.BizLocation, e.ReadPoint })
                .Distinct().ToListAsync(ct);
            foreach (var l in locations)
            {
                AddStore(stores, l.BizLocation);
                AddStore(stores, l.ReadPoint);
            }
        }

        return stores;
    }

    public const string StorePrefix = "urn:tandem:store:";

    public static Guid? StoreOf(string? location) =>
        location is not null && location.StartsWith(StorePrefix, StringComparison.Ordinal) && Guid.TryParse(location.AsSpan(StorePrefix.Length), out var id) ? id : null;

    private static void AddStore(HashSet<Guid> stores, string? location)
    {
        if (StoreOf(location) is { } id)
        {
            stores.Add(id);
        }
    }
}
