using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Kernel.Persistence;

/// <summary>
/// Refuses a write that would run outside a request's deferred transaction (<see cref="TandemDbContext.DeferTransaction"/>):
/// an <c>ExecuteUpdate</c>, <c>ExecuteDelete</c> or raw SQL statement issued before the request's first unit of work.
/// It would commit on its own, apart from the request's Idempotency-Key, so a retry could repeat it. Such code begins a
/// <see cref="Idempotency.UnitOfWork"/> first.
/// </summary>
public sealed class DeferredTransactionGuard : DbCommandInterceptor
{
    public static readonly DeferredTransactionGuard Instance = new();

    private DeferredTransactionGuard()
    {
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        Checked(command, eventData, result);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Checked(command, eventData, result));

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Checked(command, eventData, result);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Checked(command, eventData, result));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        Checked(command, eventData, result);

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Checked(command, eventData, result));

    private static T Checked<T>(DbCommand command, CommandEventData eventData, T result)
    {
        Check(command, eventData);
        return result;
    }

    private static void Check(DbCommand command, CommandEventData eventData)
    {
        if (eventData.Context is TandemDbContext { TransactionDeferred: true } && command.Transaction is null && SqlStatements.IsWrite(command))
        {
            throw new InvalidOperationException(
                "A write ran before this request's transaction began, so it would commit apart from the request's Idempotency-Key. " +
                "Begin a UnitOfWork before writing.");
        }
    }
}

/// <summary>What a SQL statement does, from its text.</summary>
public static class SqlStatements
{
    /// <summary>True for <c>INSERT</c>, <c>UPDATE</c> and <c>DELETE</c> (the statements EF Core and Tandem's own SQL write with).</summary>
    public static bool IsWrite(DbCommand command)
    {
        var text = command.CommandText.AsSpan().TrimStart();
        return text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase);
    }
}
