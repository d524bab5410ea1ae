using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Tandem.Kernel.Persistence;

/// <summary>
/// One conditional <c>UPDATE … SET a = @s0, … WHERE b = @w0 AND …</c> on an entity's table, built once per entity type
/// and column list from the model (names, value conversions, parameter types) as a <see cref="PreparedStatement"/>, then
/// run on the context's connection in its current transaction. For a hot path where LINQ's <c>ExecuteUpdate</c> cost
/// more to build and look up than to run: its expression tree is made again on every call, and EF Core 10 cannot
/// compile it ahead (dotnet/efcore#36741). Interceptors (the SQLite write gate) see the statement. Returns the number
/// of rows changed. The conditions are equalities, so their values must not be null.
/// </summary>
public static class RowUpdates
{
    private static readonly ConditionalWeakTable<IEntityType, ConcurrentDictionary<string, PreparedStatement>> Statements = [];

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
        var statement = Statements.GetValue(type, _ => new ConcurrentDictionary<string, PreparedStatement>(StringComparer.Ordinal))
            .GetOrAdd(signature, _ => Build(db, type, set, where));

        var values = new object?[set.Length + where.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i < set.Length ? set[i].Value : where[i - set.Length].Value;
        }

        return await statement.ExecuteAsync(db, values, ct);
    }

    private static PreparedStatement Build(DbContext db, IEntityType type, (string Property, object? Value)[] set, (string Property, object? Value)[] where)
    {
        var table = new PreparedStatement.EntityTable(db, type);
        var parameters = new List<PreparedStatement.Parameter>();
        string Assign(string property, string prefix)
        {
            var name = prefix + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameters.Add(table.Parameter(name, property));
            return $"{table.Column(property)} = @{name}";
        }

        var assignments = string.Join(", ", set.Select(s => Assign(s.Property, "s")));
        var conditions = string.Join(" AND ", where.Select(w => Assign(w.Property, "w")));
        return PreparedStatement.Build(db, $"UPDATE {table.Name} SET {assignments} WHERE {conditions}", parameters);
    }
}
