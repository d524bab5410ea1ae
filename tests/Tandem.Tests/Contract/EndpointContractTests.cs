using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Http;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Contract;

/// <summary>
/// Walks every API endpoint the host maps (its EndpointDataSource) and checks the contract that
/// holds for all of them: each declares its audience, and no malformed request — broken JSON,
/// wrong content type, wrong types, huge numbers, control characters, missing fields — yields
/// anything but problem+json, or writes a single row.
/// </summary>
public abstract class EndpointContractTests(TandemApp app) : ApiTest(app)
{
    private IReadOnlyList<RouteEndpoint> ApiEndpoints() => ApiSurface.Endpoints(App.Services);

    [Fact]
    public void Every_api_endpoint_declares_who_it_is_for()
    {
        var endpoints = ApiEndpoints();
        endpoints.Count.ShouldBeGreaterThan(3);
        var unclassified = endpoints
            .Where(e => e.Metadata.GetMetadata<EndpointAccess>() is null)
            .Select(Describe)
            .ToList();
        unclassified.ShouldBeEmpty("every endpoint needs .ForPublic(), .ForConsumers(), .ForMerchantStaff(role), .ForPlatform(policy) or .ForMachines()");
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint_with_its_errors_and_auth()
    {
        var document = await (await Anonymous().GetAsync("/openapi/v1.json", Ct)).ShouldHave(HttpStatusCode.OK);
        var paths = document.GetProperty("paths");
        foreach (var endpoint in ApiEndpoints())
        {
            var path = System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText!, ":[a-z]+}", "}").TrimEnd('/');
            paths.TryGetProperty(path, out var item).ShouldBeTrue($"{path} is missing from the OpenAPI document");
            var method = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.First().ToLowerInvariant();
            var operation = item.GetProperty(method);
            operation.GetProperty("responses").TryGetProperty("404", out _).ShouldBeTrue($"{method} {path} does not document its problems");
            var access = endpoint.Metadata.GetMetadata<EndpointAccess>();
            if (access is { Audience: not (Audience.Public or Audience.Machine) })
            {
                operation.TryGetProperty("security", out _).ShouldBeTrue($"{method} {path} does not say it needs a bearer token");
            }
        }

        var docs = await Anonymous().GetAsync("/docs/", Ct);
        docs.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await docs.Content.ReadAsStringAsync(Ct)).ShouldContain("openapi/v1.json");
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_are_problems()
    {
        await (await Anonymous().GetAsync("/api/v1/no-such-thing", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await Anonymous().DeleteAsync("/api/v1/auth/login", Ct)).ShouldBeProblem(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        await (await Anonymous().GetAsync("/api/v1/stores/not-a-guid", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Malformed_requests_to_every_endpoint_are_problems_that_change_nothing()
    {
        var admin = await AdminAsync();
        var before = await RowCountsAsync();
        var failures = new List<string>();

        foreach (var endpoint in ApiEndpoints())
        {
            var method = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.First();
            var url = Url(endpoint);
            var body = endpoint.Metadata.OfType<IAcceptsMetadata>().FirstOrDefault(a => a.RequestType is not null && a.ContentTypes.Contains("application/json"));
            if (body is null)
            {
                continue;
            }

            foreach (var (name, content, expectedStatus, field) in MalformedBodies(body.RequestType!))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = content };
                var response = await admin.SendAsync(request, Ct);
                var text = await response.Content.ReadAsStringAsync(Ct);
                var where = $"{method} {url} [{name}] → {(int)response.StatusCode} {text}";
                if ((int)response.StatusCode >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add(where);
                    continue;
                }

                using var problem = JsonDocument.Parse(text);
                if (!problem.RootElement.TryGetProperty("code", out _))
                {
                    failures.Add(where + " (no code)");
                }

                if (expectedStatus is { } status && (int)response.StatusCode != status)
                {
                    failures.Add(where + $" (expected {status})");
                }

                if (field is not null && !(problem.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _)))
                {
                    failures.Add(where + $" (field '{field}' not named)");
                }
            }
        }

        failures.ShouldBeEmpty();
        (await RowCountsAsync()).ShouldBe(before, "a malformed request wrote something");
    }

    /// <summary>Each kind of bad body, with the status it must get and the field it must name (when the field is knowable).</summary>
    private static IEnumerable<(string Name, HttpContent Content, int? Status, string? Field)> MalformedBodies(Type requestType)
    {
        yield return ("broken json", Json("{\"a\": "), 400, null);
        yield return ("not json at all", Json("<xml/>"), 400, null);
        yield return ("wrong content type", new StringContent("{}", Encoding.UTF8, "text/plain"), 415, null);
        yield return ("array instead of object", Json("[]"), 400, null);
        yield return ("empty object", Json("{}"), null, null);
        var first = requestType.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault();
        if (first is not null)
        {
            var key = JsonNamingPolicy.CamelCase.ConvertName(first.Name);
            yield return ("duplicate property", Json($"{{\"{key}\":null,\"{key}\":null}}"), 400, null);
        }

        foreach (var property in requestType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type == typeof(string))
            {
                yield return ($"{name}: object for a string", Json($"{{\"{name}\": {{\"x\": 1}}}}"), 400, name);
                yield return ($"{name}: control characters", Json($"{{\"{name}\": \"bad\\u0007value\\u0000\"}}"), null, null);
            }
            else if (type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(decimal))
            {
                yield return ($"{name}: string for a number", Json($"{{\"{name}\": \"12\"}}"), 400, name);
                yield return ($"{name}: huge number", Json($"{{\"{name}\": 123456789012345678901234567890}}"), 400, name);
                yield return ($"{name}: 1e999", Json($"{{\"{name}\": 1e999}}"), 400, name);
            }
            else if (type == typeof(bool))
            {
                yield return ($"{name}: string for a boolean", Json($"{{\"{name}\": \"yes\"}}"), 400, name);
            }
            else if (type != typeof(JsonElement))
            {
                // A JsonElement takes any JSON; its handler validates it after finding the resource.
                yield return ($"{name}: number for an object", Json($"{{\"{name}\": 12}}"), 400, name);
            }
        }
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    /// <summary>Fills route parameters with ids that exist nowhere; malformed bodies must fail before they matter.</summary>
    private static string Url(RouteEndpoint endpoint) =>
        ApiSurface.Url(endpoint, p => p.ParameterPolicies.Any(policy => policy.Content is "int" or "long") ? "1" : Guid.NewGuid().ToString());

    private async Task<HttpClient> AdminAsync()
    {
        var register = await Anonymous().PostAsJsonAsync("/api/v1/auth/register",
            new { phone = IsolatedSettings.AdminPhone, password = "admin password", displayName = "Admin" }, Ct);
        if (register.StatusCode == HttpStatusCode.Conflict)
        {
            register = await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone = IsolatedSettings.AdminPhone, password = "admin password" }, Ct);
        }

        var body = await register.Json();
        var admin = ClientWithToken(body.GetProperty("accessToken").GetString()!);

        // The admin also holds the courier role, so courier endpoints reach their body validation instead of answering 403.
        await admin.PostAsJsonAsync($"/api/v1/platform/users/{body.GetProperty("userId").GetGuid()}/roles", new { role = "courier" }, Ct);
        var login = await (await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone = IsolatedSettings.AdminPhone, password = "admin password" }, Ct)).Json();
        return ClientWithToken(login.GetProperty("accessToken").GetString()!);
    }

    private Task<Dictionary<string, long>> RowCountsAsync() => ApiSurface.RowCountsAsync(App.Services, Ct);

    private static string Describe(RouteEndpoint e) => ApiSurface.Describe(e);
}

public sealed class EndpointContractTests_Sqlite(IsolatedSqliteApp app) : EndpointContractTests(app), IClassFixture<IsolatedSqliteApp>;

public sealed class EndpointContractTests_Postgres(IsolatedPostgresApp app) : EndpointContractTests(app), IClassFixture<IsolatedPostgresApp>;
