using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tandem.Kernel.Persistence;

/// <summary>
/// One conditional <c>UPDATE … SET a = @s0, … WHERE b = @w0 AND …</c> on an entity's table, its text built once per
/// entity type and column list from the model (names, value conversions, parameter types), then run straight on the
/// context's connection in its current transaction. For a hot path where LINQ's <c>ExecuteUpdate</c> cost more to
/// build and look up than to run: its expression tree is made again on every call, and EF Core 10 cannot compile it
/// ahead (dotnet/efcore#36741). The command runs through EF Core's pipeline, so interceptors (the SQLite write gate)
/// see it. Returns the number of rows changed. The conditions are equalities, so their values must not be null.
/// </summary>
public static class RowUpdates
{
    private static readonly ConditionalWeakTable<IEntityType, ConcurrentDictionary<string, Plan>> Plans = [];

    public static async Task<int> UpdateAsync<TEntity>(
        this DbContext db, (string Property, object? Value)[] set, (string Property, object? Value)[] where, CancellationToken ct)
        where TEntity : class
    {
        // Refused before anything happens, a deferred transaction included.
        if (where.Length == 0 || where.Any(w => w.Value is null))
        {
            throw new ArgumentException("An update needs conditions, and = never matches NULL.", nameof(where));
        }

        if (db is TandemDbContext deferred)
        {
            await deferred.BeginDeferredTransactionAsync(ct);
        }

        var type = db.Model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not an entity of this model.");
        var signature = string.Join(",", set.Select(s => s.Property)) + "|" + string.Join(",", where.Select(w => w.Property));
        var plan = Plans.GetValue(type, _ => new ConcurrentDictionary<string, Plan>(StringComparer.Ordinal))
            .GetOrAdd(signature, _ => Plan.For(type, db.GetService<ISqlGenerationHelper>(), set, where));

        using var factory = db.Database.GetDbConnection().CreateCommand();
        var parameters = new DbParameter[set.Length + where.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var (mapping, nullable, name) = plan.Parameters[i];
            var value = i < set.Length ? set[i].Value : where[i - set.Length].Value;
            parameters[i] = mapping.CreateParameter(factory, name, value, nullable);
        }

        return await db.Database.ExecuteSqlRawAsync(plan.Sql, parameters, ct);
    }

    private sealed record Plan(string Sql, (RelationalTypeMapping Mapping, bool Nullable, string Name)[] Parameters)
    {
        public static Plan For(IEntityType type, ISqlGenerationHelper sql, (string Property, object? Value)[] set, (string Property, object? Value)[] where)
        {
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var parameters = new List<(RelationalTypeMapping, bool, string)>();
            string Assign(string property, string prefix)
            {
                var p = type.FindProperty(property) ?? throw new InvalidOperationException($"{type.DisplayName()} has no property {property}.");
                var name = prefix + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                parameters.Add((p.GetRelationalTypeMapping(), p.IsNullable, name));
                return $"{sql.DelimitIdentifier(p.GetColumnName(table) ?? throw new InvalidOperationException($"{property} has no column."))} = {name}";
            }

            var assignments = string.Join(", ", set.Select(s => Assign(s.Property, "@s")));
            var conditions = string.Join(" AND ", where.Select(w => Assign(w.Property, "@w")));
            return new Plan($"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET {assignments} WHERE {conditions}", [.. parameters]);
        }
    }
}
