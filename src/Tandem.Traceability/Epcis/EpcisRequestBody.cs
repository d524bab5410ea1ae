using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Kernel.Http;

namespace Tandem.Traceability.Epcis;

/// <summary>Reads an EPCIS JSON or JSON-LD body strictly: content type, size, I-JSON, then the official schema.</summary>
internal static class EpcisRequestBody
{
    public const int MaxBytes = 32 * 1024 * 1024;

    public static async Task<(JsonDocument? Document, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not ("application/json" or "application/ld+json"))
        {
            return (null, ApiProblem.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                "Send EPCIS documents as application/json or application/ld+json."));
        }

        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return (null, TooLarge());
            }

            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Length == 0)
        {
            return (null, ApiProblem.Create(400, "invalid_json", "A JSON body is required."));
        }

        if (StrictJson.Check(bytes.Span) is { } failure)
        {
            var extensions = new Dictionary<string, object?>();
            if (failure.Path is not null)
            {
                extensions["errors"] = new Dictionary<string, string[]> { [failure.Path] = [failure.Detail] };
                if (EventIndexOf(failure.Path) is { } index)
                {
                    extensions["eventIndex"] = index;
                }
            }

            return (null, ApiProblem.Create(400, "invalid_json", failure.Detail, extensions));
        }

        var document = JsonDocument.Parse(bytes.ToArray(), new JsonDocumentOptions { MaxDepth = StrictJson.MaxDepth });
        return (document, null);
    }

    /// <summary>The problem for schema violations: every field named, and the index of the first failing event.</summary>
    public static ProblemHttpResult Invalid(IReadOnlyList<SchemaViolation> violations, string? pathPrefix = null)
    {
        var errors = violations
            .GroupBy(v => pathPrefix is null || v.Field == "$" ? v.Field : pathPrefix + v.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(v => v.Message).ToArray(), StringComparer.Ordinal);
        var first = violations[0];
        var eventIndex = violations.Select(v => v.EventIndex).FirstOrDefault(i => i is not null);
        var where = eventIndex is null ? "" : $"Event {eventIndex} (epcisBody.eventList[{eventIndex}]): ";
        var extensions = new Dictionary<string, object?> { ["errors"] = errors };
        if (eventIndex is not null)
        {
            extensions["eventIndex"] = eventIndex;
        }

        return ApiProblem.Create(400, "validation_failed", $"{where}{first.Field} — {first.Message}", extensions);
    }

    private static int? EventIndexOf(string path)
    {
        const string marker = "eventList[";
        var at = path.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var end = path.IndexOf(']', at);
        return int.TryParse(path.AsSpan(at + marker.Length, end - at - marker.Length), out var i) ? i : null;
    }

    private static ProblemHttpResult TooLarge() =>
        ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"An EPCIS document may be at most {MaxBytes / (1024 * 1024)} MB.");
}
