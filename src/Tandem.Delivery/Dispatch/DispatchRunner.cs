using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Delivery.Routing;

namespace Tandem.Delivery.Dispatch;

/// <summary>Runs dispatch batches one at a time in this host: on a timer, when asked (<see cref="Trigger"/>), or at once over HTTP.</summary>
internal sealed class DispatchRunner(IServiceScopeFactory scopes) : IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public ChannelReader<bool> Wakeups => _wake.Reader;

    /// <summary>Asks the background loop for a batch soon (e.g. an order just became ready).</summary>
    public void Trigger() => _wake.Writer.TryWrite(true);

    public async Task<DispatchResult> RunOnceAsync(CancellationToken ct, SolveOptions? solve = null) =>
        (await PlanOnceAsync(ct, solve))?.Result ?? DispatchResult.Nothing;

    public void Dispose() => _one.Dispose();

    public async Task<DispatchPlan?> PlanOnceAsync(CancellationToken ct, SolveOptions? solve = null)
    {
        await _one.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<DispatchPlanner>().PlanAsync(solve, ct);
        }
        finally
        {
            _one.Release();
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
                    logger.LogInformation("Dispatch batch: {Jobs} jobs, {Couriers} couriers, {Assigned} assigned, {Flagged} flagged in {Elapsed} ms",
                        result.Jobs, result.Couriers, result.Assigned, result.Flagged, result.Elapsed.TotalMilliseconds);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Dispatch batch failed; the next one retries");
            }
        }
    }
}
