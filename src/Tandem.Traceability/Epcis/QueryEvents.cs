using System.Globalization;
using System.Linq.Expressions;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Epcis;

/// <summary>
/// <c>GET /epcis/events</c>: the EPCIS 2.0 SimpleEventQuery parameters over the caller's merchant's events,
/// answered as an EPCISQueryDocument, paged with <c>perPage</c> and an opaque <c>nextPageToken</c>
/// (keyset, bound to the query) and a <c>Link: rel="next"</c> header.
/// </summary>
internal static class QueryEvents
{
    public const int DefaultPerPage = 30;
    public const int MaxPerPage = 1000;

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "eventType", "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "EQ_action", "EQ_bizStep",
        "EQ_disposition", "EQ_readPoint", "EQ_bizLocation", "MATCH_epc", "MATCH_anyEPC", "MATCH_epcClass",
        "MATCH_anyEPCClass", "MATCH_parentID", "MATCH_inputEPC", "MATCH_outputEPC", "MATCH_inputEPCClass",
        "MATCH_outputEPCClass", "EQ_eventID", "orderBy", "orderDirection", "eventCountLimit", "maxEventCount",
        "perPage", "nextPageToken",
    };

    private static readonly string[] Actions = ["ADD", "OBSERVE", "DELETE"];

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Handle(
        HttpContext http, MerchantScope scopes, TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (scope, denied) = await scopes.ForReadAsync(http, ct);
        if (denied is not null)
        {
            return denied;
        }

        Capture.AddHeaders(http);
        var query = http.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var name in query.Keys.Where(k => !Known.Contains(k)))
        {
            errors[name] = [$"'{name}' is not a query parameter Tandem supports (see docs/traceability.md)."];
        }

        var events = db.Set<StoredEvent>().AsNoTracking();
        if (scope!.MerchantId is { } merchantId)
        {
            events = events.Where(e => e.MerchantId == merchantId);
        }

        events = Times(events, query, errors);
        if (Values(query, "eventType") is { } types)
        {
            events = events.Where(e => types.Contains(e.Type));
        }

        if (Values(query, "EQ_action") is { } actions)
        {
            if (actions.FirstOrDefault(a => !Actions.Contains(a)) is { } bad)
            {
                errors["EQ_action"] = [$"'{bad}' is not ADD, OBSERVE or DELETE."];
            }

            events = events.Where(e => actions.Contains(e.Action!));
        }

        if (Values(query, "EQ_bizStep") is { } steps)
        {
            var normalised = steps.Select(s => Vocabulary.BizStep(s)!).ToArray();
            events = events.Where(e => normalised.Contains(e.BizStep!));
        }

        if (Values(query, "EQ_disposition") is { } dispositions)
        {
            var normalised = dispositions.Select(s => Vocabulary.Disposition(s)!).ToArray();
            events = events.Where(e => normalised.Contains(e.Disposition!));
        }

        if (Values(query, "EQ_readPoint") is { } readPoints)
        {
            var keys = readPoints.Select(EpcKeys.Normalise).ToArray();
            events = events.Where(e => keys.Contains(e.ReadPoint!));
        }

        if (Values(query, "EQ_bizLocation") is { } locations)
        {
            var keys = locations.Select(EpcKeys.Normalise).ToArray();
            events = events.Where(e => keys.Contains(e.BizLocation!));
        }

        if (Values(query, "EQ_eventID") is { } eventIds)
        {
            events = events.Where(e => eventIds.Contains(e.EventId));
        }

        var keySet = db.Set<EventKey>();
        events = Match(events, keySet, query, "MATCH_epc", [KeyRoles.Epc]);
        events = Match(events, keySet, query, "MATCH_parentID", [KeyRoles.Parent]);
        events = Match(events, keySet, query, "MATCH_inputEPC", [KeyRoles.Input]);
        events = Match(events, keySet, query, "MATCH_outputEPC", [KeyRoles.Output]);
        events = Match(events, keySet, query, "MATCH_anyEPC", KeyRoles.AnyEpc);
        events = Match(events, keySet, query, "MATCH_epcClass", [KeyRoles.Class]);
        events = Match(events, keySet, query, "MATCH_inputEPCClass", [KeyRoles.InputClass]);
        events = Match(events, keySet, query, "MATCH_outputEPCClass", [KeyRoles.OutputClass]);
        events = Match(events, keySet, query, "MATCH_anyEPCClass", KeyRoles.AnyClass);

        var byRecordTime = false;
        if (query["orderBy"] is { Count: > 0 } orderBy)
        {
            switch (orderBy.ToString())
            {
                case "eventTime": break;
                case "recordTime": byRecordTime = true; break;
                default: errors["orderBy"] = ["orderBy is eventTime or recordTime."]; break;
            }
        }

        var descending = false;
        if (query["orderDirection"] is { Count: > 0 } direction)
        {
            switch (direction.ToString())
            {
                case "ASC": break;
                case "DESC": descending = true; break;
                default: errors["orderDirection"] = ["orderDirection is ASC or DESC."]; break;
            }
        }

        var perPage = PositiveInt(query, "perPage", DefaultPerPage, errors);
        if (perPage > MaxPerPage)
        {
            errors["perPage"] = [$"perPage may be at most {MaxPerPage}."];
        }

        var countLimit = query.ContainsKey("eventCountLimit") ? PositiveInt(query, "eventCountLimit", 0, errors) : (int?)null;
        var maxEventCount = query.ContainsKey("maxEventCount") ? PositiveInt(query, "maxEventCount", 0, errors) : (int?)null;
        if (countLimit is not null && maxEventCount is not null)
        {
            errors["maxEventCount"] = ["eventCountLimit and maxEventCount may not be used together."];
        }

        var fingerprint = Fingerprint(query, scope.MerchantId);
        Token? token = null;
        if (query["nextPageToken"] is { Count: > 0 } tokenText)
        {
            token = Token.Read(tokenText.ToString());
            if (token is null || token.Query != fingerprint)
            {
                errors["nextPageToken"] = ["The token is malformed or belongs to another query; repeat the query's parameters unchanged."];
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Create(400, "validation_failed", "The query has invalid parameters: " + string.Join(", ", errors.Keys) + ".",
                new Dictionary<string, object?> { ["errors"] = errors });
        }

        if (maxEventCount is { } max && await events.CountAsync(ct) > max)
        {
            return ApiProblem.Create(413, "query_too_large", $"The query matches more than maxEventCount={max} events; narrow it.");
        }

        var served = token?.Served ?? 0;
        var take = perPage;
        if (countLimit is { } limit)
        {
            take = Math.Min(take, limit - served);
        }

        if (token is not null)
        {
            var at = new DateTime(token.Ticks, DateTimeKind.Utc);
            var id = token.Id;
            events = (byRecordTime, descending) switch
            {
                (false, false) => events.Where(e => e.EventTime > at || e.EventTime == at && e.Id > id),
                (false, true) => events.Where(e => e.EventTime < at || e.EventTime == at && e.Id < id),
                (true, false) => events.Where(e => e.RecordTime > at || e.RecordTime == at && e.Id > id),
                (true, true) => events.Where(e => e.RecordTime < at || e.RecordTime == at && e.Id < id),
            };
        }

        events = (byRecordTime, descending) switch
        {
            (false, false) => events.OrderBy(e => e.EventTime).ThenBy(e => e.Id),
            (false, true) => events.OrderByDescending(e => e.EventTime).ThenByDescending(e => e.Id),
            (true, false) => events.OrderBy(e => e.RecordTime).ThenBy(e => e.Id),
            (true, true) => events.OrderByDescending(e => e.RecordTime).ThenByDescending(e => e.Id),
        };

        var page = take <= 0 ? [] : await events.Take(take + 1).ToListAsync(ct);
        var more = page.Count > take;
        if (more)
        {
            page.RemoveAt(page.Count - 1);
        }

        if (more && countLimit is { } l && served + page.Count >= l)
        {
            more = false;
        }

        if (more)
        {
            var last = page[^1];
            var next = new Token(fingerprint, (byRecordTime ? last.RecordTime : last.EventTime).Ticks, last.Id, served + page.Count).Write();
            var url = NextUrl(http.Request, next);
            http.Response.Headers.Link = $"<{url}>; rel=\"next\"";
            http.Response.Headers["GS1-Next-Page-Token-Expires"] = "never";
        }

        var body = EpcisOutput.QueryDocument(page, clock.GetUtcNow().UtcDateTime);
        return TypedResults.Content(body.ToJsonString(), "application/ld+json", Encoding.UTF8);
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> One(
        string eventId, HttpContext http, MerchantScope scopes, TandemDbContext db, CancellationToken ct)
    {
        var (scope, denied) = await scopes.ForReadAsync(http, ct);
        if (denied is not null)
        {
            return denied;
        }

        Capture.AddHeaders(http);
        // Route values keep %2F encoded; eventIDs are URIs and often contain slashes.
        var id = Uri.UnescapeDataString(eventId);
        var events = db.Set<StoredEvent>().AsNoTracking().Where(e => e.EventId == id);
        if (scope!.MerchantId is { } m)
        {
            events = events.Where(e => e.MerchantId == m);
        }

        var found = await events.OrderBy(e => e.Id).FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return ApiProblem.NotFound("No event with this eventID is visible to you.");
        }

        return TypedResults.Content(EpcisOutput.Standalone(found).ToJsonString(), "application/ld+json", Encoding.UTF8);
    }

    private static IQueryable<StoredEvent> Times(IQueryable<StoredEvent> events, IQueryCollection query, Dictionary<string, string[]> errors)
    {
        DateTime? Time(string name)
        {
            if (query[name] is not { Count: > 0 } v)
            {
                return null;
            }

            if (DateTimeOffset.TryParse(v.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) && v.ToString().Contains('T', StringComparison.Ordinal))
            {
                return t.UtcDateTime;
            }

            errors[name] = ["must be an ISO 8601 date-time with an offset, e.g. 2026-11-26T08:00:00Z."];
            return null;
        }

        if (Time("GE_eventTime") is { } geE)
        {
            events = events.Where(e => e.EventTime >= geE);
        }

        if (Time("LT_eventTime") is { } ltE)
        {
            events = events.Where(e => e.EventTime < ltE);
        }

        if (Time("GE_recordTime") is { } geR)
        {
            events = events.Where(e => e.RecordTime >= geR);
        }

        if (Time("LT_recordTime") is { } ltR)
        {
            events = events.Where(e => e.RecordTime < ltR);
        }

        return events;
    }

    /// <summary>Values of a parameter: repeated, or separated by <c>|</c> as the REST binding allows.</summary>
    internal static string[]? Values(IQueryCollection query, string name)
    {
        if (query[name] is not { Count: > 0 } raw)
        {
            return null;
        }

        return raw.SelectMany(v => (v ?? "").Split('|')).Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    private static IQueryable<StoredEvent> Match(IQueryable<StoredEvent> events, IQueryable<EventKey> keys, IQueryCollection query, string name, string[] roles)
    {
        if (Values(query, name) is not { } values)
        {
            return events;
        }

        var parsed = values.Select(EpcKeys.ForQuery).ToList();
        var exact = parsed.Where(p => !p.IsPrefix).Select(p => p.Key).ToArray();
        var prefixes = parsed.Where(p => p.IsPrefix).Select(p => p.Key).ToArray();

        // k => roles.Contains(k.Role) && (exact.Contains(k.Key) || k.Key.StartsWith(p1) || ...)
        var k = Expression.Parameter(typeof(EventKey), "k");
        var key = Expression.Property(k, nameof(EventKey.Key));
        Expression? anyKey = exact.Length > 0
            ? Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], Expression.Constant(exact), key)
            : null;
        foreach (var prefix in prefixes)
        {
            var starts = Expression.Call(key, typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!, Expression.Constant(prefix));
            anyKey = anyKey is null ? starts : Expression.OrElse(anyKey, starts);
        }

        var role = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], Expression.Constant(roles), Expression.Property(k, nameof(EventKey.Role)));
        var predicate = Expression.Lambda<Func<EventKey, bool>>(Expression.AndAlso(role, anyKey!), k);
        var matching = keys.Where(predicate).Select(x => x.EventRowId);
        return events.Where(e => matching.Contains(e.Id));
    }

    private static int PositiveInt(IQueryCollection query, string name, int fallback, Dictionary<string, string[]> errors)
    {
        if (query[name] is not { Count: > 0 } v)
        {
            return fallback;
        }

        if (int.TryParse(v.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            return n;
        }

        errors[name] = [$"{name} must be a positive whole number."];
        return fallback;
    }

    /// <summary>A digest of the query (every parameter but the token) and the scope, so a token only continues its own query.</summary>
    private static string Fingerprint(IQueryCollection query, Guid? merchantId)
    {
        var text = string.Join('&', query.Where(p => p.Key != "nextPageToken").OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + string.Join('|', p.Value.ToArray())));
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{merchantId}|{text}"));
        return Convert.ToHexStringLower(digest, 0, 8);
    }

    private static string NextUrl(HttpRequest request, string token)
    {
        var parameters = request.Query.Where(p => p.Key != "nextPageToken")
            .SelectMany(p => p.Value.Select(v => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(v ?? "")))
            .Append("nextPageToken=" + Uri.EscapeDataString(token));
        return $"{request.PathBase}{request.Path}?{string.Join('&', parameters)}";
    }

    private sealed record Token(string Query, long Ticks, long Id, int Served)
    {
        public string Write() =>
            Base64Url(JsonSerializer.SerializeToUtf8Bytes(new[] { Query, Ticks.ToString(CultureInfo.InvariantCulture), Id.ToString(CultureInfo.InvariantCulture), Served.ToString(CultureInfo.InvariantCulture) }));

        public static Token? Read(string text)
        {
            try
            {
                var padded = text.Replace('-', '+').Replace('_', '/');
                padded += new string('=', (4 - padded.Length % 4) % 4);
                var parts = JsonSerializer.Deserialize<string[]>(Convert.FromBase64String(padded));
                if (parts is not { Length: 4 })
                {
                    return null;
                }

                return new Token(parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is FormatException or JsonException or OverflowException or ArgumentException)
            {
                return null;
            }
        }

        private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
