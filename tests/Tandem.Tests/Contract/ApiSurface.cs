using System.Globalization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel.Persistence;

namespace Tandem.Tests.Contract;

/// <summary>The host's API as its EndpointDataSource lists it, and the database as a table of row counts.</summary>
internal static class ApiSurface
{
    /// <summary>Every API endpoint the host maps (the public API and EPCIS), with an HTTP method.</summary>
    public static IReadOnlyList<RouteEndpoint> Endpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.Ordinal) || raw.StartsWith("/epcis", StringComparison.Ordinal)))
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .ToList();

    public static string Method(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.First();

    /// <summary>The endpoint's path with each route parameter filled by <paramref name="value"/>.</summary>
    public static string Url(RouteEndpoint endpoint, Func<RoutePatternParameterPart, string> value)
    {
        var segments = endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => Uri.EscapeDataString(value(parameter)),
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        })));
        return "/" + string.Join('/', segments);
    }

    public static string Describe(RouteEndpoint e) =>
        $"{string.Join(',', e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])} {e.RoutePattern.RawText}";

    /// <summary>Rows per table across every module (Data Protection keys left out: they appear on first use, not by request).</summary>
    public static async Task<Dictionary<string, long>> RowCountsAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        foreach (var (schema, table) in db.Model.GetEntityTypes().Select(e => (e.GetSchema(), e.GetTableName())).Where(t => t.Item2 is not null).Distinct())
        {
            if (table!.Contains("data_protection", StringComparison.Ordinal))
            {
                continue;
            }

            await using var command = connection.CreateCommand();
            command.CommandText = schema is null ? $"SELECT COUNT(*) FROM \"{table}\"" : $"SELECT COUNT(*) FROM \"{schema}\".\"{table}\"";
            counts[$"{schema}.{table}"] = Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        return counts;
    }
}
