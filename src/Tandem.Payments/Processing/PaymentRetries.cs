using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Kernel.Persistence;
using Tandem.Payments.Contracts;
using Tandem.Payments.Sandbox;

namespace Tandem.Payments.Processing;

/// <summary>Settings under <c>Tandem:Payments</c>.</summary>
internal sealed class PaymentsOptions
{
    /// <summary>How often undelivered notifications and unfinished refunds are retried.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Finishes what a request could not: refunds decided but not confirmed by the provider, and sandbox notifications
/// not delivered. State is in the database, so this survives restarts; every step is safe to repeat on several hosts.
/// </summary>
internal sealed partial class PaymentRetries(
    IServiceScopeFactory scopes, SandboxNotifier notifier, IOptions<PaymentsOptions> options, TimeProvider clock,
    ILogger<PaymentRetries> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RetryInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, clock, stoppingToken);
                try
                {
                    await CompleteRefundsAsync(interval, stoppingToken);
                    await notifier.RedeliverDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task CompleteRefundsAsync(TimeSpan age, CancellationToken ct)
    {
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var before = clock.GetUtcNow().UtcDateTime - age;
            due = await scope.ServiceProvider.GetRequiredService<TandemDbContext>().Set<Payment>().AsNoTracking()
                .Where(p => p.Status == PaymentStatus.RefundPending && p.RefundRequestedAt < before)
                .OrderBy(p => p.RefundRequestedAt).Select(p => p.Id).Take(50).ToListAsync(ct);
        }

        foreach (var paymentId in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PaymentService>().CompleteRefundAsync(paymentId, ct);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Retrying payments work failed; trying again later")]
    private partial void LogFailed(Exception exception);
}
