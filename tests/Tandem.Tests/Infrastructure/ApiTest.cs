using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tandem.Tests.Infrastructure;

/// <summary>A user signed in through the real API, with a client that carries their token.</summary>
public sealed record TestUser(Guid Id, string Phone, string Password, string Token, HttpClient Client);

/// <summary>Base of HTTP tests: each test class runs once per provider (see the _Sqlite / _Postgres subclasses).</summary>
public abstract class ApiTest(TandemApp app)
{
    private static int _phoneCounter = Random.Shared.Next(0, 1_000_000);

    protected TandemApp App
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

    protected CancellationToken Ct => TestContext.Current.CancellationToken;

    protected HttpClient Anonymous() => App.Anonymous();

    /// <summary>A fresh, never-registered mainland mobile number.</summary>
    protected static string NewPhone()
    {
        var n = Interlocked.Increment(ref _phoneCounter) % 100_000_000;
        return $"+86137{n:00000000}";
    }

    protected async Task<TestUser> NewUserAsync(string displayName = "测试用户")
    {
        var phone = NewPhone();
        const string password = "correct horse 12";
        var response = await Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { phone, password, displayName }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        var body = await response.Json();
        var token = body.GetProperty("accessToken").GetString()!;
        return new TestUser(body.GetProperty("userId").GetGuid(), phone, password, token, ClientWithToken(token));
    }

    protected HttpClient ClientWithToken(string token)
    {
        var client = App.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

public static class HttpAssertions
{
    public static async Task<JsonElement> Json(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts a 2xx/3xx status (showing the body on failure) and returns the JSON body.</summary>
    public static async Task<JsonElement> ShouldHave(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem with the stable code API.md names; returns it.</summary>
    public static async Task<JsonElement> ShouldBeProblem(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", text);
        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement.Clone();
        problem.GetProperty("code").GetString().ShouldBe(code, text);
        problem.GetProperty("status").GetInt32().ShouldBe((int)status);
        problem.TryGetProperty("title", out _).ShouldBeTrue();
        problem.TryGetProperty("detail", out _).ShouldBeTrue();
        return problem;
    }

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string body, string contentType = "application/json") =>
        client.PostAsync(url, new StringContent(body, Encoding.UTF8, contentType));

    public static Task<HttpResponseMessage> PutRawAsync(this HttpClient client, string url, string body, string contentType = "application/json") =>
        client.PutAsync(url, new StringContent(body, Encoding.UTF8, contentType));
}
