using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Kernel.Persistence;

namespace Tandem.Kernel.Idempotency;

public static class IdempotencyServices
{
    /// <summary>The Idempotency-Key machinery: its table, the request buffering it needs, and the purge of old keys.</summary>
    public static IServiceCollection AddTandemIdempotency(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IdempotencyOptions>(configuration.GetSection("Tandem:Idempotency"));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModuleModel, IdempotencyModel>());
        services.TryAddScoped<IdempotencyKeys>();
        services.TryAddSingleton<RunningKeys>();
        services.TryAddSingleton<FinalAnswers>();
        services.TryAddScoped(sp => new IdempotentRequest(
            sp.GetRequiredService<TandemDbContext>(), sp.GetRequiredService<IdempotencyKeys>(), sp.GetRequiredService<IOptions<JsonOptions>>()));
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, BufferKeyedRequests>());
        services.AddHostedService<ExpiredKeyPurge>();
        return services;
    }

    /// <summary>Honours the <c>Idempotency-Key</c> header on this endpoint (see API.md Conventions).</summary>
    public static RouteHandlerBuilder WithIdempotencyKey(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<RouteHandlerBuilder, IdempotencyFilter>();
}

/// <summary>
/// A keyed request's body is compared with the first one's after binding has read it, so it is buffered
/// (small JSON bodies stay in memory). Requests without the header are untouched.
/// </summary>
internal sealed class BufferKeyedRequests : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (context.Request.Headers.ContainsKey(IdempotencyFilter.HeaderName))
            {
                context.Request.EnableBuffering();
            }

            await nextMiddleware(context);
        });
        next(app);
    };
}

/// <summary>Deletes keys past their retention, on every host (the delete is one idempotent statement).</summary>
internal sealed partial class ExpiredKeyPurge(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ExpiredKeyPurge> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), clock, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var purged = await scope.ServiceProvider.GetRequiredService<IdempotencyKeys>().PurgeExpiredAsync(stoppingToken);
                    if (purged > 0)
                    {
                        LogPurged(purged);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(e);
                }

                await Task.Delay(Interval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(LogLevel.Information, "Purged {Count} expired idempotency keys")]
    private partial void LogPurged(int count);

    [LoggerMessage(LogLevel.Warning, "Purging expired idempotency keys failed")]
    private partial void LogFailed(Exception exception);
}
