using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tandem.Kernel.Persistence;

namespace Tandem.Host.Hosting;

/// <summary>OpenTelemetry traces and metrics (exported over OTLP when an endpoint is configured) and health checks.</summary>
internal static class Observability
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddTandemObservability(this IServiceCollection services, IConfiguration configuration)
    {
        // Spans and metrics are collected only for an exporter: recorded and then dropped they cost every request CPU
        // (four HTTP hops per checkout) for nothing.
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService("tandem"))
                .WithTracing(t => t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddSource("Tandem.*"))
                .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentationIfAvailable().AddMeter("Tandem.*"))
                .UseOtlpExporter();
        }

        services.AddSingleton<StartupState>();
        services.AddHealthChecks()
            .AddCheck<StartupState>("startup", tags: [ReadyTag])
            .AddDbContextCheck<TandemDbContext>("database", tags: [ReadyTag]);
        return services;
    }

    private static MeterProviderBuilder AddRuntimeInstrumentationIfAvailable(this MeterProviderBuilder builder) =>
        builder.AddMeter("System.Runtime");

    public static WebApplication MapTandemHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(ReadyTag) }).ExcludeFromDescription();
        return app;
    }
}

/// <summary>Ready once migrations ran and the demo (if any) is loaded.</summary>
internal sealed class StartupState : IHealthCheck
{
    private volatile bool _ready;

    public void MarkReady() => _ready = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Starting: migrations or demo seeding still running."));
}
