using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Identity;

/// <summary>A host with rate limits on, at their floor of 60 a minute.</summary>
public sealed class RateLimitedSqliteApp : SqliteApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new("Tandem:RateLimits:Enabled", "true"),
        new("Tandem:RateLimits:AuthPerMinutePerAddress", "60"),
    ];
}

/// <summary>A host whose tokens live two seconds.</summary>
public sealed class ShortTokenSqliteApp : SqliteApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => [new("Tandem:Auth:Lifetime", "00:00:02")];
}

public sealed class RateLimitTests(RateLimitedSqliteApp app) : ApiTest(app), IClassFixture<RateLimitedSqliteApp>
{
    [Fact]
    public async Task Sixty_registrations_a_minute_pass_and_the_next_is_rate_limited()
    {
        var client = Anonymous();
        for (var i = 0; i < 60; i++)
        {
            // Invalid phones are cheap to refuse and still count against the limit.
            var refused = await client.PostAsJsonAsync("/api/v1/auth/register", new { phone = "1", password = "longenough", displayName = "A" }, Ct);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        var limited = await client.PostAsJsonAsync("/api/v1/auth/register", new { phone = NewPhone(), password = "longenough", displayName = "A" }, Ct);
        await limited.ShouldBeProblem(HttpStatusCode.TooManyRequests, "rate_limited");
        limited.Headers.Contains("Retry-After").ShouldBeTrue();

        // Sign-in has its own allowance.
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { phone = NewPhone(), password = "longenough" }, Ct);
        login.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

}

public sealed class TokenExpiryTests(ShortTokenSqliteApp app) : ApiTest(app), IClassFixture<ShortTokenSqliteApp>
{
    [Fact]
    public async Task Tokens_expire()
    {
        var phone = NewPhone();
        var body = await (await Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { phone, password = "longenough", displayName = "A" }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        var client = ClientWithToken(body.GetProperty("accessToken").GetString()!);
        (await client.GetAsync("/api/v1/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
        await (await client.GetAsync("/api/v1/me", Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }
}

/// <summary>The web pages' loopback calls are counted per visitor; nobody else can choose the address they are counted under.</summary>
public sealed class ForwardedAddressLimitTests(RateLimitedSqliteApp app) : ApiTest(app), IClassFixture<RateLimitedSqliteApp>
{
    private async Task<HttpStatusCode> LoginAsync(string? address, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { phone = NewPhone(), password = "longenough" }),
        };
        if (address is not null)
        {
            request.Headers.Add(Tandem.Kernel.Http.ClientAddress.AddressHeader, address);
        }

        if (key is not null)
        {
            request.Headers.Add(Tandem.Kernel.Http.ClientAddress.KeyHeader, key);
        }

        return (await Anonymous().SendAsync(request, Ct)).StatusCode;
    }

    [Fact]
    public async Task Each_forwarded_visitor_has_an_allowance_and_a_forged_address_counts_against_the_sender()
    {
        var key = App.Services.GetRequiredService<Tandem.Kernel.Http.ClientAddress>().Key;

        // One visitor of the web pages uses up their allowance...
        for (var i = 0; i < 60; i++)
        {
            (await LoginAsync("203.0.113.7", key)).ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await LoginAsync("203.0.113.7", key)).ShouldBe(HttpStatusCode.TooManyRequests);

        // ...another visitor behind the same loopback is not affected.
        (await LoginAsync("198.51.100.20", key)).ShouldBe(HttpStatusCode.Unauthorized);

        // Without the process's key the header means nothing: the sender is counted under its own address.
        for (var i = 0; i < 60; i++)
        {
            (await LoginAsync($"192.0.2.{i}", "forged")).ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await LoginAsync("192.0.2.200", null)).ShouldBe(HttpStatusCode.TooManyRequests);
    }
}
