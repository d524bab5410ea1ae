using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Epcis;

/// <summary>
/// The EPCIS discovery endpoints: which event types, business steps, dispositions, read points, business
/// locations and EPCs the caller's events use. Each answers a JSON-LD <c>Collection</c> with <c>member</c>,
/// paged by value with <c>perPage</c> and <c>nextPageToken</c>.
/// </summary>
internal static class Discovery
{
    public static readonly string[] EventTypes = ["ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent"];

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Types(HttpContext http, MerchantScope scopes, CancellationToken ct)
    {
        var (_, denied) = await scopes.ForReadAsync(http, ct);
        return denied is not null ? denied : Collection(http, EventTypes, null);
    }

    public static Func<HttpContext, MerchantScope, TandemDbContext, CancellationToken, Task<Results<ContentHttpResult, ProblemHttpResult>>> Of(string what) =>
        async (http, scopes, db, ct) =>
        {
            var (scope, denied) = await scopes.ForReadAsync(http, ct);
            if (denied is not null)
            {
                return denied;
            }

            var perPage = 100;
            if (http.Request.Query["perPage"] is { Count: > 0 } p && (!int.TryParse(p.ToString(), out perPage) || perPage is < 1 or > QueryEvents.MaxPerPage))
            {
                return ApiProblem.BadRequest("validation_failed", $"perPage must be 1 to {QueryEvents.MaxPerPage}.", "perPage");
            }

            string? after = null;
            if (http.Request.Query["nextPageToken"] is { Count: > 0 } t)
            {
                try
                {
                    after = Encoding.UTF8.GetString(Convert.FromBase64String(t.ToString()));
                }
                catch (FormatException)
                {
                    return ApiProblem.BadRequest("validation_failed", "The token is malformed.", "nextPageToken");
                }
            }

            var events = db.Set<StoredEvent>().AsNoTracking();
            if (scope!.MerchantId is { } m)
            {
                events = events.Where(e => e.MerchantId == m);
            }

            IQueryable<string> values = what switch
            {
                "bizSteps" => events.Where(e => e.BizStep != null).Select(e => e.BizStep!),
                "dispositions" => events.Where(e => e.Disposition != null).Select(e => e.Disposition!),
                "readPoints" => events.Where(e => e.ReadPoint != null).Select(e => e.ReadPoint!),
                "bizLocations" => events.Where(e => e.BizLocation != null).Select(e => e.BizLocation!),
                _ => db.Set<EventKey>().Where(k => KeyRoles.AnyEpc.Contains(k.Role) && (scope.MerchantId == null || k.MerchantId == scope.MerchantId)).Select(k => k.Key),
            };
            values = values.Distinct();
            if (after is not null)
            {
                values = values.Where(v => v.CompareTo(after) > 0);
            }

            var page = await values.OrderBy(v => v).Take(perPage + 1).ToListAsync(ct);
            string? next = null;
            if (page.Count > perPage)
            {
                page.RemoveAt(perPage);
                next = Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1]));
            }

            return Collection(http, page, next);
        };

    private static ContentHttpResult Collection(HttpContext http, IEnumerable<string> members, string? next)
    {
        Capture.AddHeaders(http);
        var array = new JsonArray();
        foreach (var m in members)
        {
            array.Add(m);
        }

        if (next is not null)
        {
            http.Response.Headers.Link = $"<{http.Request.Path}?perPage={http.Request.Query["perPage"]}&nextPageToken={Uri.EscapeDataString(next)}>; rel=\"next\"";
        }

        var body = new JsonObject
        {
            ["@context"] = EpcisOutput.StandardContext,
            ["type"] = "Collection",
            ["member"] = array,
        };
        return TypedResults.Content(body.ToJsonString(), "application/ld+json", Encoding.UTF8);
    }
}
