namespace Tandem.Host.Hosting;

/// <summary>The demo district around West Lake, loaded through the modules' own handlers.</summary>
internal static class DemoDistrict
{
    public static Task SeedAsync(IServiceProvider services, ILogger logger, CancellationToken ct) => Task.CompletedTask;
}
