using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tandem.Traceability.Chain;

/// <summary>Signs and publishes moved chain heads every <c>Tandem:Traceability:ChainHeadInterval</c> (default 10 minutes).</summary>
internal sealed partial class ChainHeadPublisher(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<ChainHeadPublisher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Tandem:Traceability:ChainHeadInterval", TimeSpan.FromMinutes(10));
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var signed = await scope.ServiceProvider.GetRequiredService<ChainSigner>().PublishAsync(stoppingToken);
                if (signed > 0)
                {
                    Published(logger, signed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may not be migrated yet, or be briefly unavailable: try at the next tick.
                Failed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed {Count} EPCIS chain heads")]
    private static partial void Published(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing EPCIS chain heads failed; retrying at the next interval")]
    private static partial void Failed(ILogger logger, Exception e);
}
