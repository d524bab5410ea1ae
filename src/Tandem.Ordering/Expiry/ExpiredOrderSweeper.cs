using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Ordering.Orders;
using Tandem.Payments.Contracts;

namespace Tandem.Ordering.Expiry;

/// <summary>
/// Cancels unpaid orders past their reservation (reason <c>payment_timeout</c>) and releases their stock. The state is
/// in the database, so nothing is lost across restarts; each order is expired in its own transaction guarded by the
/// order's concurrency token, so a payment that lands first wins and a paid order is never cancelled. Safe on several hosts.
/// </summary>
internal sealed partial class ExpiredOrderSweeper(
    IServiceScopeFactory scopes, IOptions<OrderOptions> options, TimeProvider clock, ILogger<ExpiredOrderSweeper> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    while (await SweepOnceAsync(stoppingToken) == BatchSize)
                    {
                        // a full batch: more may be due
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(e);
                }

                await Task.Delay(options.Value.SweepInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Expires what is due now; returns how many orders it looked at.</summary>
    internal async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var now = clock.GetUtcNow().UtcDateTime;
            due = await scope.ServiceProvider.GetRequiredService<TandemDbContext>().Set<Order>().AsNoTracking()
                .Where(o => o.Status == OrderStatus.AwaitingPayment && o.ReservationExpiresAt <= now
                            && !(o.PaymentStatus == PaymentStatus.Pending && o.PaymentHoldUntil > now))
                .OrderBy(o => o.ReservationExpiresAt)
                .Select(o => o.Id)
                .Take(BatchSize)
                .ToListAsync(ct);
        }

        foreach (var orderId in due)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
                var lifecycle = scope.ServiceProvider.GetRequiredService<OrderLifecycle>();
                var expired = await UnitOfWork.RetryOnConflictAsync(async () =>
                {
                    await using var work = await UnitOfWork.BeginAsync(db, ct);
                    var order = await db.Set<Order>().Include(o => o.Lines).SingleAsync(o => o.Id == orderId, ct);
                    if (!await lifecycle.ExpireAsync(order, ct))
                    {
                        return false; // paid (or cancelled) meanwhile
                    }

                    await work.CommitAsync(ct);
                    return true;
                });
                if (expired)
                {
                    LogExpired(orderId);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogOrderFailed(e, orderId);
            }
        }

        return due.Count;
    }

    [LoggerMessage(LogLevel.Information, "Order {OrderId} expired unpaid; its reservation was released")]
    private partial void LogExpired(Guid orderId);

    [LoggerMessage(LogLevel.Warning, "Expiring order {OrderId} failed; the next sweep tries again")]
    private partial void LogOrderFailed(Exception exception, Guid orderId);

    [LoggerMessage(LogLevel.Warning, "The expiry sweep failed; trying again later")]
    private partial void LogFailed(Exception exception);
}
