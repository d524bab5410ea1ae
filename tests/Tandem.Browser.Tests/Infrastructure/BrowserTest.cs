using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tandem.Browser.Tests.Infrastructure;

/// <summary>A user registered through the API; <see cref="Token"/> is their bearer token.</summary>
public sealed record SeededUser(Guid Id, string Phone, string Password, string Token, string DisplayName);

/// <summary>Base of browser tests: pages in headless Chromium against the real host, data seeded through the API.</summary>
public abstract partial class BrowserTest(BrowserApp app) : IAsyncLifetime
{
    private static int _phoneCounter = Random.Shared.Next(0, 10_000_000);
    private static int _codeCounter = Random.Shared.Next(0, 100_000_000);
    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>Phone (360 × 740) and laptop (1280 × 800) viewports.</summary>
    protected static readonly ViewportSize Phone = new() { Width = 360, Height = 740 };
    protected static readonly ViewportSize Laptop = new() { Width = 1280, Height = 860 };

    protected BrowserApp App
    {
        get
        {
            if (app.Unavailable is not null)
            {
                if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException(app.Unavailable);
                }

                Assert.Skip(app.Unavailable);
            }

            return app;
        }
    }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            await DescribePagesAsync();
        }

        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// After a failure, says what each open window showed (its address and visible text) on standard error, and keeps a
    /// screenshot of it, so a failure seen once in CI can be understood without running it again.
    /// </summary>
    private async Task DescribePagesAsync()
    {
        var test = TestContext.Current.Test?.TestDisplayName ?? GetType().Name;
        var window = 0;
        foreach (var page in _contexts.SelectMany(c => c.Pages))
        {
            window++;
            try
            {
                var text = await page.InnerTextAsync("body", new PageInnerTextOptions { Timeout = 5_000 });
                await Console.Error.WriteLineAsync(
                    $"[browser] {test}, window {window}: {page.Url}\n{(text.Length > 3000 ? text[..3000] + " …" : text)}");
                var shot = await ScreenshotAsync(page, $"failed-{GetType().Name}-{window}");
                await Console.Error.WriteLineAsync($"[browser] screenshot: {shot}");
            }
            catch (PlaywrightException e)
            {
                await Console.Error.WriteLineAsync($"[browser] {test}, window {window}: {page.Url} could not be described: {e.Message}");
            }
        }
    }

    /// <summary>A fresh browser window (its own cookies), in a language and viewport.</summary>
    protected async Task<IPage> NewPageAsync(string locale = "zh-CN", ViewportSize? viewport = null)
    {
        var context = await App.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseAddress.ToString().TrimEnd('/'),
            Locale = locale,
            ViewportSize = viewport ?? Laptop,
            TimezoneId = "Asia/Shanghai",
        });
        // Generous: CI runs on two shared cores; a real regression still fails, only later.
        context.SetDefaultTimeout(30_000);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the sign-in page, as a person would.</summary>
    protected static async Task SignInAsync(IPage page, SeededUser user, string? returnUrl = null)
    {
        await page.GotoAsync(returnUrl is null ? "/signin" : $"/signin?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.FillAsync("#phone", user.Phone);
        await page.FillAsync("#password", user.Password);
        await page.ClickAsync("main form button[type=submit]");
        await page.WaitForURLAsync(u => !u.Contains("/signin", StringComparison.Ordinal));
    }

    /// <summary>Saves a full-page screenshot under the test output's <c>screenshots/</c>.</summary>
    protected static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        var copyTo = Environment.GetEnvironmentVariable("TANDEM_SCREENSHOTS");
        if (!string.IsNullOrEmpty(copyTo))
        {
            Directory.CreateDirectory(copyTo);
            File.Copy(path, Path.Combine(copyTo, name + ".png"), overwrite: true);
        }

        return path;
    }

    // --- Seeding through the public API

    protected static string NewPhone()
    {
        var n = Interlocked.Increment(ref _phoneCounter) % 100_000_000;
        return $"136{n:00000000}";
    }

    protected async Task<SeededUser> NewUserAsync(string displayName = "测试用户")
    {
        var phone = NewPhone();
        const string password = "correct horse 12";
        var body = await PostAsync(null, "/api/v1/auth/register", new { phone, password, displayName }, HttpStatusCode.Created);
        return new SeededUser(body.GetProperty("userId").GetGuid(), phone, password, body.GetProperty("accessToken").GetString()!, displayName);
    }

    protected async Task<JsonElement> PostAsync(string? token, string path, object body, HttpStatusCode expected = HttpStatusCode.OK, string? idempotencyKey = null)
    {
        using var client = App.Api(token);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(expected, $"POST {path}: {text}");
        return JsonDocument.Parse(text.Length == 0 ? "null" : text).RootElement.Clone();
    }

    protected async Task<JsonElement> PutAsync(string token, string path, object body)
    {
        using var client = App.Api(token);
        using var response = await client.PutAsJsonAsync(path, body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"PUT {path}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    protected async Task<JsonElement> GetAsync(string token, string path)
    {
        using var client = App.Api(token);
        using var response = await client.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"GET {path}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A valid unified social credit code (GB 32100-2015 check character), different each call.</summary>
    protected static string NewCreditCode()
    {
        const string chars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        var n = Interlocked.Increment(ref _codeCounter) % 1_000_000_000;
        var body = $"91330106{n:000000000}";
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += chars.IndexOf(body[i], StringComparison.Ordinal) * weights[i];
        }

        var check = (31 - sum % 31) % 31;
        return body + chars[check];
    }

    /// <summary>A valid GTIN-13 (check digit computed), different each call.</summary>
    protected static string NewGtin13()
    {
        var n = Interlocked.Increment(ref _codeCounter) % 1_000_000_000;
        var body = $"692{n:000000000}";
        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (body[i] - '0') * (i % 2 == 0 ? 1 : 3);
        }

        return body + (char)('0' + (10 - sum % 10) % 10);
    }
}
