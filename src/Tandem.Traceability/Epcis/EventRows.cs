using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Tandem.Kernel.Persistence;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Epcis;

/// <summary>
/// Writes a capture's events, index keys and graph edges in the caller's transaction. Table and column names come from
/// the EF model, values are parameters bound with the provider's own type mappings (so GUIDs and times are stored exactly
/// as EF stores them). On PostgreSQL rows go in as multi-row <c>INSERT</c> statements (one round trip per few hundred
/// rows); on SQLite, in-process, as one prepared single-row statement per table executed row after row, each event's
/// row id read back with <c>RETURNING</c> — SQLite finds a named parameter by a linear scan, so binding a 900-parameter
/// statement costs far more than stepping a short one many times (docs/decisions/0012).
/// </summary>
internal sealed class EventRows(TandemDbContext db)
{
    /// <summary>Parameters per multi-row statement: well under SQLite's and PostgreSQL's limits.</summary>
    private const int MaxParameters = 900;

    private static readonly string[] EventColumns =
    [
        nameof(StoredEvent.MerchantId), nameof(StoredEvent.CaptureId), nameof(StoredEvent.EventId), nameof(StoredEvent.EventIdAssigned),
        nameof(StoredEvent.Type), nameof(StoredEvent.Action), nameof(StoredEvent.BizStep), nameof(StoredEvent.Disposition),
        nameof(StoredEvent.ReadPoint), nameof(StoredEvent.BizLocation), nameof(StoredEvent.EventTime), nameof(StoredEvent.RecordTime),
        nameof(StoredEvent.Json), nameof(StoredEvent.Context), nameof(StoredEvent.ChainSeq), nameof(StoredEvent.PrevHash), nameof(StoredEvent.Hash),
    ];

    private static readonly string[] KeyColumns = [nameof(EventKey.EventRowId), nameof(EventKey.MerchantId), nameof(EventKey.Role), nameof(EventKey.Key)];

    private static readonly string[] LinkColumns =
        [nameof(TraceLink.FromKey), nameof(TraceLink.ToKey), nameof(TraceLink.Kind), nameof(TraceLink.EventRowId), nameof(TraceLink.MerchantId)];

    private static object?[] EventValues(StoredEvent e) =>
        [e.MerchantId, e.CaptureId, e.EventId, e.EventIdAssigned, e.Type, e.Action, e.BizStep, e.Disposition, e.ReadPoint, e.BizLocation,
            e.EventTime, e.RecordTime, e.Json, e.Context, e.ChainSeq, e.PrevHash, e.Hash];

    private readonly Dictionary<Type, RelationalTypeMapping> _mappings = [];

    /// <summary>Inserts the events and sets each one's <see cref="StoredEvent.Id"/>.</summary>
    public async Task InsertEventsAsync(IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }

        if (!db.IsPostgres)
        {
            var ids = await InsertOneByOneAsync(events, EventColumns, EventValues, returnId: nameof(StoredEvent.Id), ct);
            for (var i = 0; i < events.Count; i++)
            {
                events[i].Id = ids[i];
            }

            return;
        }

        await InsertManyAsync(events, EventColumns, EventValues, ct);
        var captureId = events[0].CaptureId;
        var byEventId = await db.Set<StoredEvent>().AsNoTracking().Where(e => e.CaptureId == captureId)
            .Select(e => new { e.Id, e.EventId }).ToDictionaryAsync(e => e.EventId, e => e.Id, StringComparer.Ordinal, ct);
        foreach (var e in events)
        {
            e.Id = byEventId[e.EventId];
        }
    }

    public Task InsertKeysAsync(IReadOnlyList<EventKey> keys, CancellationToken ct) =>
        Insert(keys, KeyColumns, k => [k.EventRowId, k.MerchantId, k.Role, k.Key], ct);

    public Task InsertLinksAsync(IReadOnlyList<TraceLink> links, CancellationToken ct) =>
        Insert(links, LinkColumns, l => [l.FromKey, l.ToKey, l.Kind, l.EventRowId, l.MerchantId], ct);

    private Task Insert<T>(IReadOnlyList<T> rows, string[] properties, Func<T, object?[]> values, CancellationToken ct) =>
        rows.Count == 0 ? Task.CompletedTask
        : db.IsPostgres ? InsertManyAsync(rows, properties, values, ct)
        : InsertOneByOneAsync(rows, properties, values, returnId: null, ct);

    private (string Table, string[] Columns) Names<T>(string[] properties, ISqlGenerationHelper sql)
    {
        var entity = db.Model.FindEntityType(typeof(T))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return (sql.DelimitIdentifier(table.Name, table.Schema),
            properties.Select(p => sql.DelimitIdentifier(entity.FindProperty(p)!.GetColumnName(table)!)).ToArray());
    }

    /// <summary>SQLite: one prepared statement, its parameters rebound for each row; the row ids when asked.</summary>
    private async Task<long[]> InsertOneByOneAsync<T>(IReadOnlyList<T> rows, string[] properties, Func<T, object?[]> values, string? returnId, CancellationToken ct)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var (table, columns) = Names<T>(properties, sql);
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var text = new StringBuilder("INSERT INTO ").Append(table).Append(" (").AppendJoin(", ", columns).Append(") VALUES (");
        for (var c = 0; c < columns.Length; c++)
        {
            text.Append(c == 0 ? "" : ", ").Append("$p").Append(c);
        }

        text.Append(')');
        if (returnId is not null)
        {
            var entity = db.Model.FindEntityType(typeof(T))!;
            var id = entity.FindProperty(returnId)!.GetColumnName(StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema()))!;
            text.Append(" RETURNING ").Append(sql.DelimitIdentifier(id));
        }

        command.CommandText = text.ToString();
        var ids = returnId is null ? [] : new long[rows.Count];
        var names = Enumerable.Range(0, columns.Length).Select(c => "$p" + c).ToArray();
        var parameters = new DbParameter[columns.Length];
        for (var r = 0; r < rows.Count; r++)
        {
            var row = values(rows[r]);
            command.Parameters.Clear();
            for (var c = 0; c < row.Length; c++)
            {
                parameters[c] = Parameter(command, names[c], row[c]);
            }

            command.Parameters.AddRange(parameters);
            if (returnId is null)
            {
                await command.ExecuteNonQueryAsync(ct);
            }
            else
            {
                ids[r] = Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return ids;
    }

    /// <summary>PostgreSQL: multi-row <c>INSERT … VALUES</c> statements of up to <see cref="MaxParameters"/> parameters.</summary>
    private async Task InsertManyAsync<T>(IReadOnlyList<T> rows, string[] properties, Func<T, object?[]> values, CancellationToken ct)
    {
        var (table, columns) = Names<T>(properties, db.GetService<ISqlGenerationHelper>());
        var head = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ";
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

    /// <summary>A parameter as EF binds a value of this type in raw SQL (its provider type mapping), or NULL.</summary>
    private DbParameter Parameter(DbCommand command, string name, object? value)
    {
        if (value is null)
        {
            var nothing = command.CreateParameter();
            nothing.ParameterName = name;
            nothing.Value = DBNull.Value;
            return nothing;
        }

        var type = value.GetType();
        if (!_mappings.TryGetValue(type, out var mapping))
        {
            mapping = _mappings[type] = db.GetService<IRelationalTypeMappingSource>().GetMapping(type);
        }

        return mapping.CreateParameter(command, name, value, nullable: true);
    }
}
