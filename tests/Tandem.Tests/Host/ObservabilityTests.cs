using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Host;

/// <summary>A host that exports over OTLP: the endpoint is a closed local port, so nothing leaves the machine.</summary>
public sealed class OtlpSqliteApp : SqliteApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [new("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")];
}

/// <summary>Traces and metrics are collected when there is an exporter to send them to, and not otherwise.</summary>
public sealed class ObservabilityTests(OtlpSqliteApp exporting) : IClassFixture<OtlpSqliteApp>
{
    [Fact]
    public async Task With_an_OTLP_endpoint_the_host_collects_traces_and_metrics_and_still_answers()
    {
        Assert.NotNull(exporting.Services.GetService<TracerProvider>());
        Assert.NotNull(exporting.Services.GetService<MeterProvider>());
        using var client = exporting.Anonymous();
        using var health = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Without_an_exporter_nothing_is_collected()
    {
        await using var quiet = new SqliteApp();
        await quiet.InitializeAsync();
        Assert.Null(quiet.Services.GetService<TracerProvider>());
        Assert.Null(quiet.Services.GetService<MeterProvider>());
    }
}
