using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Kernel.Persistence;

/// <summary>
/// Refuses a write statement sent outside a transaction while the request's transaction is still deferred
/// (<see cref="TandemDbContext.DeferredBegin"/>): such a write would commit on its own, without the request's
/// Idempotency-Key, and a retry would do it again. Writes begin the transaction through a unit of work or
/// <c>SaveChangesAsync</c>; this catches a handler that writes any other way (say, a bare <c>ExecuteUpdateAsync</c>).
/// </summary>
public sealed class DeferredTransactionGuard : DbCommandInterceptor
{
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Check(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Check(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Check(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Check(command, eventData);
        return ValueTask.FromResult(result);
    }

    private static void Check(DbCommand command, CommandEventData eventData)
    {
        if (command.Transaction is null && eventData.Context is TandemDbContext { DeferredBegin: not null } && !IsRead(command.CommandText))
        {
            throw new InvalidOperationException(
                "A write was sent outside the request's transaction while it was deferred; write through a UnitOfWork or SaveChangesAsync.");
        }
    }

    private static bool IsRead(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        return text.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) && !text.Contains(" FOR UPDATE", StringComparison.OrdinalIgnoreCase);
    }
}
