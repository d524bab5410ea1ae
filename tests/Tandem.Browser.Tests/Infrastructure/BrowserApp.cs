using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(Tandem.Browser.Tests.Infrastructure.BrowserApp))]

namespace Tandem.Browser.Tests.Infrastructure;

/// <summary>
/// The real host on a loopback port (SQLite, real migrations, no demo) and one headless Chromium from Debian,
/// shared by the whole run. Tests keep apart by creating their own users, merchants and stores through the API.
/// </summary>
public sealed class BrowserApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string SandboxSecret = "browser-test-sandbox-secret";

    /// <summary>The platform admin (grants the courier role, runs a dispatch batch); register it with any password.</summary>
    public const string AdminPhone = "13500000009";
    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tandem-browser-tests", Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;

    /// <summary>Why browser tests cannot run here, or null.</summary>
    public string? Unavailable { get; private set; }

    public IBrowser Browser { get; private set; } = default!;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the host serves only published assets; tests run from the build output.
        builder.UseStaticWebAssets();
        builder.UseSetting("Tandem:Database:Provider", "Sqlite");
        builder.UseSetting("Tandem:DataDirectory", _directory);
        builder.UseSetting("Tandem:SeedDemo", "false");
        builder.UseSetting("Tandem:RateLimits:Enabled", "false");
        builder.UseSetting("Tandem:Payments:Sandbox:Secret", SandboxSecret);
        // Live pages must update from the outbox push, not from their slow safety-net poll.
        builder.UseSetting("Tandem:Web:PollSeconds", "60");
        builder.UseSetting("Tandem:Platform:AdminPhones:0", "+86" + AdminPhone);
        // The courier's phone reports every 2 s, so a moving courier shows on the consumer's map within a few seconds.
        builder.UseSetting("Tandem:Web:Delivery:GpsSeconds", "2");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // A page that shows an API refusal says which, so a failing test's log explains what the page showed.
        builder.UseSetting("Logging:LogLevel:Tandem.Web", "Information");
    }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            Unavailable = $"{ChromiumPath} is missing: run ./test.sh as root (it installs chromium), or apt-get install chromium.";
            return;
        }

        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        BaseAddress = new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"],
        });
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>A client for seeding data through the public API.</summary>
    public HttpClient Api(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
