using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Tandem.Kernel.Persistence;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Epcis;

/// <summary>
/// Writes a capture's events, index keys and graph edges as multi-row <c>INSERT</c> statements in the caller's
/// transaction. Table and column names come from the EF model, values are parameters that EF binds with the
/// provider's own type mappings (so GUIDs and times are stored exactly as EF stores them).
/// </summary>
internal sealed class EventRows(TandemDbContext db)
{
    /// <summary>Parameters per statement: well under SQLite's and PostgreSQL's limits.</summary>
    private const int MaxParameters = 900;

    public Task InsertEventsAsync(IReadOnlyList<StoredEvent> events, CancellationToken ct) =>
        InsertAsync(events,
            [
                nameof(StoredEvent.MerchantId), nameof(StoredEvent.CaptureId), nameof(StoredEvent.EventId), nameof(StoredEvent.EventIdAssigned),
                nameof(StoredEvent.Type), nameof(StoredEvent.Action), nameof(StoredEvent.BizStep), nameof(StoredEvent.Disposition),
                nameof(StoredEvent.ReadPoint), nameof(StoredEvent.BizLocation), nameof(StoredEvent.EventTime), nameof(StoredEvent.RecordTime),
                nameof(StoredEvent.Json), nameof(StoredEvent.Context), nameof(StoredEvent.ChainSeq), nameof(StoredEvent.PrevHash), nameof(StoredEvent.Hash),
            ],
            e => [e.MerchantId, e.CaptureId, e.EventId, e.EventIdAssigned, e.Type, e.Action, e.BizStep, e.Disposition, e.ReadPoint, e.BizLocation,
                e.EventTime, e.RecordTime, e.Json, e.Context, e.ChainSeq, e.PrevHash, e.Hash],
            ct);

    public Task InsertKeysAsync(IReadOnlyList<EventKey> keys, CancellationToken ct) =>
        InsertAsync(keys,
            [nameof(EventKey.EventRowId), nameof(EventKey.MerchantId), nameof(EventKey.Role), nameof(EventKey.Key)],
            k => [k.EventRowId, k.MerchantId, k.Role, k.Key],
            ct);

    public Task InsertLinksAsync(IReadOnlyList<TraceLink> links, CancellationToken ct) =>
        InsertAsync(links,
            [nameof(TraceLink.FromKey), nameof(TraceLink.ToKey), nameof(TraceLink.Kind), nameof(TraceLink.EventRowId), nameof(TraceLink.MerchantId)],
            l => [l.FromKey, l.ToKey, l.Kind, l.EventRowId, l.MerchantId],
            ct);

    private async Task InsertAsync<T>(IReadOnlyList<T> rows, string[] properties, Func<T, object?[]> values, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var entity = db.Model.FindEntityType(typeof(T))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var head = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ("
            + string.Join(", ", properties.Select(p => sql.DelimitIdentifier(entity.FindProperty(p)!.GetColumnName(table)!))) + ") VALUES ";
        var perStatement = Math.Max(1, MaxParameters / properties.Length);
        foreach (var chunk in rows.Chunk(perStatement))
        {
            var text = new StringBuilder(head);
            var parameters = new List<object>(chunk.Length * properties.Length);
            for (var r = 0; r < chunk.Length; r++)
            {
                text.Append(r == 0 ? "(" : ", (");
                var row = values(chunk[r]);
                for (var c = 0; c < row.Length; c++)
                {
                    if (c > 0)
                    {
                        text.Append(", ");
                    }

                    if (row[c] is null)
                    {
                        text.Append("NULL");
                    }
                    else
                    {
                        text.Append('{').Append(parameters.Count).Append('}');
                        parameters.Add(row[c]!);
                    }
                }

                text.Append(')');
            }

            await db.Database.ExecuteSqlRawAsync(text.ToString(), parameters, ct);
        }
    }
}
