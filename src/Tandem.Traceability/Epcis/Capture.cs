using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;
using Tandem.Traceability.Chain;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Epcis;

public sealed record CaptureJobResponse(
    string CaptureID, DateTime CreatedAt, DateTime? FinishedAt, bool Running, bool Success,
    string CaptureErrorBehaviour, int EventCount, IReadOnlyList<string> Errors);

/// <summary>
/// EPCIS 2.0 capture over the REST binding. A document is checked in full (I-JSON, then the official
/// schema, then Tandem's own rules) before anything is written, and then stored in one transaction:
/// the capture job it answers with has already succeeded or nothing happened at all.
/// </summary>
internal static class Capture
{
    public const int CaptureLimit = 10_000;

    public static async Task<Results<Accepted<CaptureJobResponse>, ProblemHttpResult>> Document(
        HttpContext http, MerchantScope scopes, EventLog log, TimeProvider clock, CancellationToken ct)
    {
        var (scope, denied) = await scopes.ForWriteAsync(http, MerchantRole.Staff, ct);
        if (denied is not null)
        {
            return denied;
        }

        AddHeaders(http);
        var (document, unreadable) = await EpcisRequestBody.ReadAsync(http.Request, ct);
        if (unreadable is not null)
        {
            return unreadable;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                || type.GetString() != "EPCISDocument")
            {
                return ApiProblem.BadRequest("validation_failed", "POST /epcis/capture takes an EPCISDocument (\"type\": \"EPCISDocument\"); send single events to POST /epcis/events.", "type");
            }

            var violations = EpcisSchema.Instance.Validate(root);
            if (violations.Count > 0)
            {
                return EpcisRequestBody.Invalid(violations);
            }

            var eventList = root.GetProperty("epcisBody").GetProperty("eventList");
            if (eventList.GetArrayLength() > CaptureLimit)
            {
                return ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, "capture_limit_exceeded",
                    $"A capture may hold at most {CaptureLimit} events (GS1-EPCIS-Capture-Limit).");
            }

            var context = root.TryGetProperty("@context", out var c) ? c.GetRawText() : null;
            var incoming = eventList.EnumerateArray().Select(e => new IncomingEvent(e, e.GetRawText(), context)).ToList();
            var (appended, problem) = await log.AppendAsync(scope!.MerchantId!.Value, scope.UserId, incoming, "epcisBody.eventList", ct);
            if (problem is not null)
            {
                return problem;
            }

            var job = Job(appended!.CaptureId, appended.Events.Count > 0 ? appended.Events[0].RecordTime : clock.GetUtcNow().UtcDateTime, appended.Events.Count);
            return TypedResults.Accepted($"/epcis/capture/{appended.CaptureId}", job);
        }
    }

    public static async Task<Results<Created<JsonElement>, ProblemHttpResult>> SingleEvent(
        HttpContext http, MerchantScope scopes, EventLog log, CancellationToken ct)
    {
        var (scope, denied) = await scopes.ForWriteAsync(http, MerchantRole.Staff, ct);
        if (denied is not null)
        {
            return denied;
        }

        AddHeaders(http);
        var (document, unreadable) = await EpcisRequestBody.ReadAsync(http.Request, ct);
        if (unreadable is not null)
        {
            return unreadable;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                || type.GetString() is "EPCISDocument" or "EPCISQueryDocument")
            {
                return ApiProblem.BadRequest("validation_failed", "POST /epcis/events takes one EPCIS event; send documents to POST /epcis/capture.", "type");
            }

            var violations = EpcisSchema.Instance.Validate(root);
            if (violations.Count > 0)
            {
                return EpcisRequestBody.Invalid(violations);
            }

            var (appended, problem) = await log.AppendAsync(scope!.MerchantId!.Value, scope.UserId, [new IncomingEvent(root, root.GetRawText(), null)], "event", ct);
            if (problem is not null)
            {
                return problem;
            }

            var stored = appended!.Events[0];
            var body = JsonSerializer.SerializeToElement(EpcisOutput.Standalone(stored));
            return TypedResults.Created($"/epcis/events/{Uri.EscapeDataString(stored.EventId)}", body);
        }
    }

    public static async Task<Results<Ok<CaptureJobResponse>, ProblemHttpResult>> GetJob(
        string captureId, HttpContext http, MerchantScope scopes, TandemDbContext db, CancellationToken ct)
    {
        var (scope, denied) = await scopes.ForReadAsync(http, ct);
        if (denied is not null)
        {
            return denied;
        }

        if (!Guid.TryParse(captureId, out var id))
        {
            return ApiProblem.NotFound("No capture job has this id.");
        }

        var job = await db.Set<CaptureJob>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        if (job is null || scope!.MerchantId is { } m && job.MerchantId != m)
        {
            return ApiProblem.NotFound("No capture job has this id.");
        }

        return TypedResults.Ok(Job(job.Id, job.CreatedAt, job.EventCount));
    }

    private static CaptureJobResponse Job(Guid id, DateTime at, int count) =>
        new(id.ToString(), at, at, Running: false, Success: true, "rollback", count, []);

    /// <summary>The EPCIS REST binding's version and limit headers.</summary>
    public static void AddHeaders(HttpContext http)
    {
        http.Response.Headers["GS1-EPCIS-Version"] = "2.0.0";
        http.Response.Headers["GS1-CBV-Version"] = "2.0.0";
        http.Response.Headers["GS1-EPCIS-Capture-Limit"] = CaptureLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["GS1-EPCIS-Capture-File-Size-Limit"] = EpcisRequestBody.MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static string FormatTime(DateTime t) => HashChain.FormatTime(t);
}
