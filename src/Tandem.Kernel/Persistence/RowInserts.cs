using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tandem.Kernel.Persistence;

/// <summary>
/// Writes new rows for entities straight to the context's connection, in its current transaction, without tracking
/// them: one <c>INSERT … VALUES (…), (…)</c> per table, with the columns, value conversions and parameter types taken
/// from the model, and owned collections (an order's lines) written after their owner. The statement is built once per
/// shape (the tables and their row counts) as a <see cref="PreparedStatement"/>. It is for append-only rows on
/// the hottest path (a new order, its lines, its outbox messages), where change tracking was most of a
/// <c>SaveChanges</c>' cost and, on SQLite, of the time the transaction holds the one write lock
/// (docs/decisions/0019). Interceptors (the SQLite write gate) see the statement.
/// <para>The entities must not be tracked by the context as well, or <c>SaveChanges</c> would insert them again, and
/// every value must be set: no column is left to the database to generate.</para>
/// </summary>
public static class RowInserts
{
    // Well under SQLite's and PostgreSQL's limits on parameters per statement.
    private const int MaxParametersPerStatement = 900;

    // Statements kept per model, one per shape; shapes past this many (orders of many different line counts) are built
    // for each call instead.
    private const int MaxShapes = 256;

    // Per entity type of a built model, and gone with the model (tests build many).
    private static readonly ConditionalWeakTable<IEntityType, TablePlan> Plans = [];

    private static readonly ConditionalWeakTable<IModel, ConcurrentDictionary<string, PreparedStatement>> Statements = [];

    private static int _planIds;

    /// <summary>Inserts the entities (and their owned collections); returns the number of rows written.</summary>
    public static async Task<int> InsertAsync(this DbContext db, IEnumerable<object> entities, CancellationToken ct)
    {
        if (db is TandemDbContext deferred)
        {
            await deferred.BeginDeferredTransactionAsync(ct);
        }

        var helper = db.GetService<ISqlGenerationHelper>();
        var rows = new List<(TablePlan Plan, object Entity, object? Owner)>();
        foreach (var entity in entities)
        {
            var type = db.Model.FindEntityType(entity.GetType())
                ?? throw new InvalidOperationException($"{entity.GetType().Name} is not an entity of this model.");
            Collect(type, entity, owner: null, helper, rows);
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        // One statement per table (chunked under the parameter limit), built once per shape: which tables, how many rows.
        var groups = rows.GroupBy(r => r.Plan, ReferenceEqualityComparer.Instance).Select(g => g.ToList()).ToList();
        var shape = string.Join(",", groups.Select(g => $"{g[0].Plan.Id}x{g.Count}"));
        var statements = Statements.GetValue(db.Model, _ => new ConcurrentDictionary<string, PreparedStatement>(StringComparer.Ordinal));
        if (!statements.TryGetValue(shape, out var statement))
        {
            statement = Build(db, groups);
            if (statements.Count < MaxShapes)
            {
                statements.TryAdd(shape, statement);
            }
        }

        var values = new List<object?>();
        foreach (var (plan, entity, owner) in groups.SelectMany(g => g))
        {
            foreach (var column in plan.Columns)
            {
                values.Add(column.Value(entity, owner));
            }
        }

        try
        {
            await statement.ExecuteAsync(db, values, ct);
        }
        catch (DbException e)
        {
            // As SaveChanges reports a refused write (a unique key taken, say), so callers handle both alike.
            throw new DbUpdateException("An error occurred while inserting rows. See the inner exception for details.", e);
        }

        return rows.Count;
    }

    private static PreparedStatement Build(DbContext db, List<List<(TablePlan Plan, object Entity, object? Owner)>> groups)
    {
        var sql = new StringBuilder();
        var parameters = new List<PreparedStatement.Parameter>();
        foreach (var table in groups)
        {
            var plan = table[0].Plan;
            var perStatement = Math.Max(1, MaxParametersPerStatement / plan.Columns.Length);
            foreach (var statement in table.Chunk(perStatement))
            {
                sql.Append(plan.Prefix);
                for (var r = 0; r < statement.Length; r++)
                {
                    sql.Append(r == 0 ? "(" : ", (");
                    for (var c = 0; c < plan.Columns.Length; c++)
                    {
                        var column = plan.Columns[c];
                        var name = "r" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        parameters.Add(new PreparedStatement.Parameter(name, column.Mapping, column.Nullable));
                        sql.Append(c == 0 ? "@" : ", @").Append(name);
                    }

                    sql.Append(')');
                }

                sql.Append(";\n");
            }
        }

        return PreparedStatement.Build(db, sql.ToString(), parameters);
    }

    private static void Collect(IEntityType type, object entity, object? owner, ISqlGenerationHelper helper, List<(TablePlan, object, object?)> rows)
    {
        var plan = Plans.GetValue(type, t => TablePlan.For(t, helper));
        rows.Add((plan, entity, owner));
        foreach (var navigation in plan.OwnedCollections)
        {
            if (navigation.GetGetter().GetClrValue(entity) is System.Collections.IEnumerable children)
            {
                foreach (var child in children)
                {
                    Collect(navigation.TargetEntityType, child, entity, helper, rows);
                }
            }
        }
    }

    private sealed record Column(RelationalTypeMapping Mapping, bool Nullable, Func<object, object?, object?> Value);

    private sealed class TablePlan
    {
        public int Id { get; } = Interlocked.Increment(ref _planIds);

        public required string Prefix { get; init; }

        public required Column[] Columns { get; init; }

        public required INavigation[] OwnedCollections { get; init; }

        public static TablePlan For(IEntityType type, ISqlGenerationHelper sql)
        {
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var columns = new List<(string Name, Column Column)>();
            foreach (var property in type.GetProperties())
            {
                if (property.GetColumnName(table) is not { } name)
                {
                    continue;
                }

                if (property.ValueGenerated.HasFlag(ValueGenerated.OnAdd) && !property.IsKey() && !property.IsForeignKey())
                {
                    throw new NotSupportedException($"{type.DisplayName()}.{property.Name} is generated on insert; RowInserts writes only values it is given.");
                }

                columns.Add((name, new Column(property.GetRelationalTypeMapping(), property.IsNullable, Getter(type, property))));
            }

            return new TablePlan
            {
                Prefix = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name)))}) VALUES ",
                Columns = [.. columns.Select(c => c.Column)],
                OwnedCollections = [.. type.GetNavigations().Where(n => n.IsCollection && n.TargetEntityType.IsOwned())],
            };
        }

        // A shadow property of an owned type is its key's part from the owner (an order line's OrderId).
        private static Func<object, object?, object?> Getter(IEntityType type, IProperty property)
        {
            if (!property.IsShadowProperty())
            {
                var getter = property.GetGetter();
                return (entity, _) => getter.GetClrValue(entity);
            }

            var ownership = type.FindOwnership()
                ?? throw new NotSupportedException($"{type.DisplayName()}.{property.Name} is a shadow property RowInserts cannot fill.");
            var index = ownership.Properties.ToList().IndexOf(property);
            if (index < 0)
            {
                throw new NotSupportedException($"{type.DisplayName()}.{property.Name} is a shadow property RowInserts cannot fill.");
            }

            var principal = ownership.PrincipalKey.Properties[index].GetGetter();
            return (_, owner) => principal.GetClrValue(owner ?? throw new InvalidOperationException($"{type.DisplayName()} is written only with its owner."));
        }
    }
}
