using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Traceability.Chain;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Epcis;

/// <summary>An event the schema accepted, waiting to be stored: its JSON exactly as received, and the document's context.</summary>
internal sealed record IncomingEvent(JsonElement Element, string Json, string? Context);

/// <summary>
/// Appends events to a merchant's log: all of a capture or none, each with its index rows, its trace-graph
/// edges and its link in the merchant's hash chain. The chain head's sequence is a concurrency token, so two
/// captures racing for one merchant cannot fork the chain: the loser retries on the new head.
/// </summary>
internal sealed class EventLog(TandemDbContext db, TimeProvider clock)
{
    public const int MaxEventIdLength = 500;

    /// <summary>Time spent storing events (facts, duplicate check, transaction) in this process, for the benchmark's breakdown.</summary>
    public static long ElapsedTicks => Interlocked.Read(ref _elapsedTicks);

    private static long _elapsedTicks;

    public sealed record Appended(Guid CaptureId, IReadOnlyList<StoredEvent> Events);

    public async Task<(Appended? Result, ProblemHttpResult? Problem)> AppendAsync(
        Guid merchantId, Guid userId, IReadOnlyList<IncomingEvent> incoming, string pathPrefix, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await AppendTimedAsync(merchantId, userId, incoming, pathPrefix, ct);
        }
        finally
        {
            Interlocked.Add(ref _elapsedTicks, System.Diagnostics.Stopwatch.GetTimestamp() - started);
        }
    }

    private async Task<(Appended? Result, ProblemHttpResult? Problem)> AppendTimedAsync(
        Guid merchantId, Guid userId, IReadOnlyList<IncomingEvent> incoming, string pathPrefix, CancellationToken ct)
    {
        // What the schema cannot say: facts Tandem needs and eventIDs that must be unique per merchant.
        var facts = new List<EventFacts>(incoming.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < incoming.Count; i++)
        {
            var f = EventFacts.Read(incoming[i].Element, out var field, out var error);
            if (f is null)
            {
                return (null, Problem(i, pathPrefix, field!, error!));
            }

            if (f.EventId is { } id)
            {
                if (id.Length > MaxEventIdLength)
                {
                    return (null, Problem(i, pathPrefix, "eventID", $"eventID may be at most {MaxEventIdLength} characters."));
                }

                if (seen.TryGetValue(id, out var earlier))
                {
                    return (null, Problem(i, pathPrefix, "eventID", $"eventID repeats the eventID of event {earlier} in this document."));
                }

                seen[id] = i;
            }

            facts.Add(f);
        }

        var ids = seen.Keys.ToList();
        foreach (var chunk in ids.Chunk(500))
        {
            var existing = await db.Set<StoredEvent>().AsNoTracking()
                .Where(e => e.MerchantId == merchantId && chunk.Contains(e.EventId))
                .Select(e => e.EventId).FirstOrDefaultAsync(ct);
            if (existing is not null)
            {
                var index = seen[existing];
                return (null, ApiProblem.Conflict("duplicate_event_id",
                    $"Event {index}: eventID {existing} was already captured; nothing was stored.",
                    new Dictionary<string, object?>
                    {
                        ["eventIndex"] = index,
                        ["errors"] = new Dictionary<string, string[]> { [$"{pathPrefix}[{index}].eventID"] = ["was already captured"] },
                    }));
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await TryAppendAsync(merchantId, userId, incoming, facts, ct), null);
            }
            catch (Exception e) when (attempt < 20 && e is DbUpdateException or System.Data.Common.DbException)
            {
                // Another capture for this merchant moved the chain head (or inserted the first one): start again on the new head.
                db.ChangeTracker.Clear();
                await Task.Delay(Random.Shared.Next(1, 10 + attempt * 5), ct);
            }
        }
    }

    private async Task<Appended> TryAppendAsync(Guid merchantId, Guid userId, IReadOnlyList<IncomingEvent> incoming, List<EventFacts> facts, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres)
        {
            // Appends for one merchant queue on its chain row instead of racing and retrying (SQLite's writer lock does this already).
            var chains = db.Model.FindEntityType(typeof(MerchantChain))!;
            var lockHead = "SELECT 1 FROM \"" + chains.GetSchema() + "\".\"" + chains.GetTableName() + "\" WHERE \"MerchantId\" = {0} FOR UPDATE";
            await db.Database.ExecuteSqlRawAsync(lockHead, [merchantId], ct);
        }

        var now = HashChain.Truncate(clock.GetUtcNow().UtcDateTime);
        var chain = await db.Set<MerchantChain>().FirstOrDefaultAsync(c => c.MerchantId == merchantId, ct);
        if (chain is null)
        {
            chain = new MerchantChain { MerchantId = merchantId, LastSeq = 0, LastHash = HashChain.Genesis, UpdatedAt = now };
            db.Add(chain);
        }

        var captureId = NewId.Next(clock);
        var events = new List<StoredEvent>(incoming.Count);
        var seq = chain.LastSeq;
        var previous = chain.LastHash;
        string? context = null;
        var contextHash = "";
        for (var i = 0; i < incoming.Count; i++)
        {
            var f = facts[i];
            var eventId = f.EventId ?? "urn:uuid:" + NewId.Next(clock).ToString("D");
            seq++;
            if (!ReferenceEquals(incoming[i].Context, context))
            {
                context = incoming[i].Context;
                contextHash = context is null ? "" : HashChain.Sha256(context);
            }

            var hash = HashChain.LinkWithContextHash(merchantId, seq, eventId, now, incoming[i].Json, contextHash, previous);
            events.Add(new StoredEvent
            {
                MerchantId = merchantId,
                CaptureId = captureId,
                EventId = eventId,
                EventIdAssigned = f.EventId is null,
                Type = f.Type,
                Action = f.Action,
                BizStep = f.BizStep,
                Disposition = f.Disposition,
                ReadPoint = f.ReadPoint,
                BizLocation = f.BizLocation,
                EventTime = f.EventTime,
                RecordTime = now,
                Json = incoming[i].Json,
                Context = incoming[i].Context,
                ChainSeq = seq,
                PrevHash = previous,
                Hash = hash,
            });
            previous = hash;
        }

        chain.LastSeq = seq;
        chain.LastHash = previous;
        chain.UpdatedAt = now;
        db.Add(new CaptureJob
        {
            Id = captureId,
            MerchantId = merchantId,
            CapturedBy = userId,
            CreatedAt = now,
            FinishedAt = now,
            Success = true,
            EventCount = events.Count,
        });
        // The chain head first: its conditional update takes the write lock (and loses a race early, before the bulk work).
        await db.SaveChangesAsync(ct);

        // Then the rows themselves as multi-row INSERTs, in this transaction: change tracking thousands of rows cost more
        // than the database's work (docs/decisions/0012). Parameters go through the provider's own type mappings.
        var rows = new EventRows(db);
        await rows.InsertEventsAsync(events, ct);
        var keys = new List<EventKey>();
        var links = new List<TraceLink>();
        for (var i = 0; i < events.Count; i++)
        {
            var rowId = events[i].Id;
            foreach (var (role, key) in facts[i].Keys.Distinct())
            {
                keys.Add(new EventKey { EventRowId = rowId, MerchantId = merchantId, Role = role, Key = key });
            }

            foreach (var (from, to, kind) in facts[i].Links(rowId).Distinct())
            {
                links.Add(new TraceLink { FromKey = from, ToKey = to, Kind = kind, EventRowId = rowId, MerchantId = merchantId });
            }
        }

        await rows.InsertKeysAsync(keys, ct);
        await rows.InsertLinksAsync(links, ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return new Appended(captureId, events);
    }

    private static ProblemHttpResult Problem(int index, string pathPrefix, string field, string message) =>
        ApiProblem.Create(400, "validation_failed", $"Event {index.ToString(CultureInfo.InvariantCulture)}: {field} — {message}", new Dictionary<string, object?>
        {
            ["eventIndex"] = index,
            ["errors"] = new Dictionary<string, string[]> { [$"{pathPrefix}[{index}].{field}"] = [message] },
        });
}
