using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;

namespace Tandem.Kernel.Outbox;

/// <summary>A parked integration event as an operator sees it.</summary>
public sealed record ParkedMessageDto(
    Guid MessageId, string Type, DateTime OccurredAt, int Attempts, DateTime ParkedAt, string? LastError, JsonElement Payload);

public sealed record ParkedMessagePage(IReadOnlyList<ParkedMessageDto> Items, string? NextCursor);

/// <summary>A replayed message: due again now, its attempts counted afresh.</summary>
public sealed record ReplayedMessageDto(Guid MessageId, string Type, int Attempts, DateTime NextAttemptAt);

/// <summary>Operator endpoints over parked outbox messages.</summary>
internal static class ParkedMessages
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;

    public static async Task<Results<Ok<ParkedMessagePage>, ProblemHttpResult>> List(
        TandemDbContext db, int? limit, string? cursor, CancellationToken ct)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            return ApiProblem.BadRequest("validation_failed", $"limit must be between 1 and {MaxLimit}.", "limit");
        }

        // Parked messages are few and an operator pages through them by hand: an offset cursor is enough.
        var skip = 0;
        if (cursor is not null && (!int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out skip) || skip < 0))
        {
            return ApiProblem.BadRequest("validation_failed", "cursor is not one this endpoint returned.", "cursor");
        }

        var rows = await db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.ParkedAt != null && m.DispatchedAt == null)
            .OrderByDescending(m => m.ParkedAt).ThenBy(m => m.Id)
            .Skip(skip).Take(take + 1)
            .ToListAsync(ct);
        var items = rows.Take(take)
            .Select(m => new ParkedMessageDto(m.Id, m.Type, m.OccurredAt, m.Attempts, m.ParkedAt!.Value, m.LastError, ReadPayload(m.Payload)))
            .ToList();
        var next = rows.Count > take ? (skip + take).ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new ParkedMessagePage(items, next));
    }

    public static async Task<Results<Accepted<ReplayedMessageDto>, ProblemHttpResult>> Replay(
        string messageId, TandemDbContext db, TimeProvider clock, OutboxMetrics metrics, CancellationToken ct)
    {
        if (!NewId.TryParse(messageId, out var id))
        {
            return ApiProblem.NotFound("No outbox message has this id.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var replayed = await db.Set<OutboxMessage>()
            .Where(m => m.Id == id && m.ParkedAt != null && m.DispatchedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.ParkedAt, (DateTime?)null)
                .SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.NextAttemptAt, now)
                .SetProperty(m => m.LockedUntil, (DateTime?)null)
                .SetProperty(m => m.LockedBy, (string?)null), ct);
        var message = await db.Set<OutboxMessage>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (message is null)
        {
            return ApiProblem.NotFound("No outbox message has this id.");
        }

        if (replayed == 0)
        {
            return ApiProblem.Conflict("not_parked", "Only a parked message can be replayed; this one is queued or delivered.");
        }

        metrics.Replayed();
        return TypedResults.Accepted((string?)null, new ReplayedMessageDto(message.Id, message.Type, message.Attempts, message.NextAttemptAt));
    }

    private static JsonElement ReadPayload(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(payload);
        }
    }
}
