using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tandem.Kernel.Persistence;

/// <summary>
/// A statement whose SQL text and parameter list are built once (per model, so per provider) and then run many times
/// with new values, as EF Core's own compiled queries are: through EF Core's relational command on the context's
/// connection, in its current transaction, so interceptors (the SQLite write gate) and logging see it as any other
/// statement. <c>ExecuteSqlRaw</c> instead formats the text and builds EF Core's parameter objects again on every
/// call, and <c>SqlQueryRaw</c> runs the LINQ pipeline again; on the checkout's hot writes, which on SQLite run inside
/// the one write lock, that was host work inside the lock (docs/decisions/0025).
/// </summary>
public sealed class PreparedStatement
{
    // The text and parameters, shared. Each execution runs on a command object of its own populated from them, as EF Core
    // does with its cached queries: a RelationalCommand keeps per-execution state (it reuses its data reader wrapper), so
    // one instance shared by concurrent requests let them read each other's results. That stalled a PostgreSQL checkout.
    private readonly IRelationalCommandTemplate _template;
    private readonly string[] _names;

    private PreparedStatement(IRelationalCommandTemplate template, string[] names)
    {
        _template = template;
        _names = names;
    }

    /// <summary>A parameter of the statement: <paramref name="Name"/> appears in the text as the provider's placeholder (<c>@name</c>).</summary>
    public readonly record struct Parameter(string Name, RelationalTypeMapping Mapping, bool Nullable);

    /// <summary>Builds the statement for the context's model; each parameter's placeholder in <paramref name="sql"/> is <c>@</c> and its name.</summary>
    public static PreparedStatement Build(DbContext db, string sql, IReadOnlyList<Parameter> parameters)
    {
        var builder = db.GetService<IRelationalCommandBuilderFactory>().Create().Append(sql);
        foreach (var parameter in parameters)
        {
            builder.AddParameter(parameter.Name, "@" + parameter.Name, parameter.Mapping, parameter.Nullable);
        }

        return new PreparedStatement(builder.Build(), [.. parameters.Select(p => p.Name)]);
    }

    /// <summary>A statement built on first use for each model (so each provider), and gone with the model (tests build many).</summary>
    public sealed class PerModel(Func<DbContext, PreparedStatement> build)
    {
        private readonly ConditionalWeakTable<IModel, PreparedStatement> _statements = [];

        public PreparedStatement For(DbContext db) => _statements.GetValue(db.Model, _ => build(db));
    }

    /// <summary>The quoted names of an entity's table and columns, and its properties as parameters, for building a statement.</summary>
    public static EntityTable TableOf<TEntity>(DbContext db) => new(db, db.Model.FindEntityType(typeof(TEntity))
        ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not an entity of this model."));

    public sealed class EntityTable
    {
        private readonly IEntityType _type;
        private readonly StoreObjectIdentifier _table;
        private readonly ISqlGenerationHelper _sql;

        public EntityTable(DbContext db, IEntityType type)
        {
            _type = type;
            _table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            _sql = db.GetService<ISqlGenerationHelper>();
            Name = _sql.DelimitIdentifier(_table.Name, _table.Schema);
        }

        /// <summary>The table, quoted and with its schema.</summary>
        public string Name { get; }

        /// <summary>The quoted column of <paramref name="property"/>.</summary>
        public string Column(string property) => _sql.DelimitIdentifier(Property(property).GetColumnName(_table)
            ?? throw new InvalidOperationException($"{_type.DisplayName()}.{property} has no column."));

        /// <summary>A parameter <paramref name="name"/> typed as <paramref name="property"/> is (its mapping and value conversion).</summary>
        public Parameter Parameter(string name, string property)
        {
            var p = Property(property);
            return new Parameter(name, p.GetRelationalTypeMapping(), p.IsNullable);
        }

        private IProperty Property(string property) => _type.FindProperty(property)
            ?? throw new InvalidOperationException($"{_type.DisplayName()} has no property {property}.");
    }

    /// <summary>Runs the statement with <paramref name="values"/>, one per parameter in order; returns the rows it changed.</summary>
    public Task<int> ExecuteAsync(DbContext db, IReadOnlyList<object?> values, CancellationToken ct) =>
        Command(db).ExecuteNonQueryAsync(Arguments(db, values), ct);

    /// <summary>Runs a statement that returns rows (<c>RETURNING</c>); dispose the reader to finish it.</summary>
    public Task<RelationalDataReader> ReadAsync(DbContext db, IReadOnlyList<object?> values, CancellationToken ct) =>
        Command(db).ExecuteReaderAsync(Arguments(db, values), ct);

    private IRelationalCommand Command(DbContext db)
    {
        var command = db.GetService<IRelationalCommandBuilderFactory>().Create().Build();
        command.PopulateFrom(_template);
        return command;
    }

    private RelationalCommandParameterObject Arguments(DbContext db, IReadOnlyList<object?> values)
    {
        if (values.Count != _names.Length)
        {
            throw new ArgumentException($"The statement takes {_names.Length} values, not {values.Count}.", nameof(values));
        }

        var byName = new Dictionary<string, object?>(_names.Length, StringComparer.Ordinal);
        for (var i = 0; i < _names.Length; i++)
        {
            byName[_names[i]] = values[i];
        }

        return new RelationalCommandParameterObject(
            db.GetService<IRelationalConnection>(), byName, readerColumns: null, db,
            db.GetService<IRelationalCommandDiagnosticsLogger>(), CommandSource.ExecuteSqlRaw);
    }
}
