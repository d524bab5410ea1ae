using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Delivery.Routing;

namespace Tandem.Delivery.Dispatch;

/// <summary>
/// Runs dispatch batches one at a time: on a timer, when asked (<see cref="Trigger"/>), or at once over HTTP. Within a
/// host a semaphore serialises them; across hosts on one database the <see cref="DispatchLease"/> does: a host that
/// does not get the lease skips the batch (the holder is planning the same jobs).
/// </summary>
internal sealed class DispatchRunner(IServiceScopeFactory scopes, DispatchLease lease, TimeProvider clock, ILogger<DispatchRunner> logger) : IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public ChannelReader<bool> Wakeups => _wake.Reader;

    /// <summary>Asks the background loop for a batch soon (e.g. an order just became ready).</summary>
    public void Trigger() => _wake.Writer.TryWrite(true);

    public async Task<DispatchResult> RunOnceAsync(CancellationToken ct, SolveOptions? solve = null)
    {
        var (plan, skipped) = await RunAsync(solve, ct);
        if (skipped)
        {
            return DispatchResult.Nothing with { Skipped = true };
        }

        return plan?.Result ?? DispatchResult.Nothing;
    }

    public void Dispose() => _one.Dispose();

    public async Task<DispatchPlan?> PlanOnceAsync(CancellationToken ct, SolveOptions? solve = null) => (await RunAsync(solve, ct)).Plan;

    private async Task<(DispatchPlan? Plan, bool Skipped)> RunAsync(SolveOptions? solve, CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            if (!await lease.TryAcquireAsync(ct))
            {
                logger.LogDebug("Dispatch batch skipped: another host holds the dispatch lease");
                return (null, true);
            }

            using var lost = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var done = new CancellationTokenSource();
            var renewing = RenewWhilePlanningAsync(lost, done.Token);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                return (await scope.ServiceProvider.GetRequiredService<DispatchPlanner>().PlanAsync(solve, lost.Token), false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested && lost.IsCancellationRequested)
            {
                // The lease expired under us and another host took it: it plans now; whatever we had not saved is dropped.
                logger.LogWarning("Dispatch batch abandoned: this host lost the dispatch lease while planning");
                return (null, true);
            }
            finally
            {
                await done.CancelAsync();
                await renewing;
                await lease.ReleaseAsync(CancellationToken.None);
            }
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task RenewWhilePlanningAsync(CancellationTokenSource lost, CancellationToken done)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease.Duration / 3, clock, done);
                if (!await lease.RenewAsync(done))
                {
                    await lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
            // Planning finished.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database cannot confirm we still hold it: stop planning rather than risk two planners.
            logger.LogWarning(e, "Could not renew the dispatch lease; abandoning this batch");
            await lost.CancelAsync();
        }
    }
}

/// <summary>The background dispatcher: a short batch every <see cref="DeliveryOptions.DispatchInterval"/>, or sooner when triggered.</summary>
internal sealed class DispatchLoop(DispatchRunner runner, IOptions<DeliveryOptions> options, ILogger<DispatchLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(options.Value.DispatchInterval);
            try
            {
                await runner.Wakeups.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The interval passed without a trigger: a regular batch.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var result = await runner.RunOnceAsync(stoppingToken);
                if (result.Jobs > 0)
                {
                    logger.LogInformation("Dispatch batch: {Jobs} jobs, {Couriers} couriers, {Assigned} assigned, {Flagged} flagged in {Elapsed} ms; {Estimated} travel times estimated",
                        result.Jobs, result.Couriers, result.Assigned, result.Flagged, result.Elapsed.TotalMilliseconds, result.EstimatedTravel);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Dispatch batch failed; the next one retries");
            }
        }
    }
}
