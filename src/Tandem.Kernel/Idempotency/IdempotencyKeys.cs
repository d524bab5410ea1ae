using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Kernel.Persistence;

namespace Tandem.Kernel.Idempotency;

/// <summary>Settings under <c>Tandem:Idempotency</c>.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>How long a key and its answer are kept (API.md: at least 24 hours).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a running request holds its key before a retry may take over (its host may have died).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
}

internal enum ClaimOutcome
{
    Claimed,
    Replay,
    Reused,
    InUse,
}

internal sealed record Claim(ClaimOutcome Outcome, Guid Token, IdempotencyRecord? Record = null);

/// <summary>The table of keys: claims, takeovers and completions, each one conditional statement.</summary>
internal sealed class IdempotencyKeys(TandemDbContext db, TimeProvider clock, IOptions<IdempotencyOptions> options)
{
    private DbSet<IdempotencyRecord> Records => db.Set<IdempotencyRecord>();

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// What an earlier request with this key means for a new one: null when there is none (or it expired and was
    /// removed), so the caller may run and record the key in its own transaction (<see cref="AddAsync"/>).
    /// The filter asks only after the key's primary key refused a new record.
    /// </summary>
    public async Task<Claim?> LookUpAsync(string scope, string key, string hash, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await Records.AsNoTracking().SingleOrDefaultAsync(r => r.Scope == scope && r.Key == key, ct);
            if (existing is null)
            {
                return null;
            }

            if (await DecideAsync(existing, scope, key, hash, Guid.NewGuid(), Now, ct) is { } decided)
            {
                return decided;
            }
        }

        return new Claim(ClaimOutcome.InUse, Guid.Empty);
    }

    /// <summary>
    /// Records the key with its answer in the request's transaction, as its last statement before the commit: the key
    /// commits with the effect or not at all, so a request that dies leaves nothing behind and no lease to wait out. A
    /// concurrent request with the same key (on another host) meets the primary key here, waits for the first to end,
    /// fails, rolls back its own effect and looks again. <paramref name="state"/> is
    /// <see cref="IdempotencyState.Completed"/> for a final answer, or <see cref="IdempotencyState.Committed"/> for a
    /// provisional one that the request replaces when it finishes (<see cref="StoreAnswerAsync"/>).
    /// </summary>
    private async Task AddAsync(string scope, string key, string hash, Guid token, IdempotencyState state, CapturedResponse response, CancellationToken ct)
    {
        var now = Now;
        var record = new IdempotencyRecord
        {
            Scope = scope,
            Key = key,
            RequestHash = hash,
            State = state,
            LeaseToken = token,
            LeaseExpiresAt = now + options.Value.Lease,
            CreatedAt = now,
            ExpiresAt = now + options.Value.Retention,
            ResponseStatus = response.Status,
            ResponseContentType = response.ContentType,
            ResponseLocation = response.Location,
            ResponseBody = response.Body,
        };

        // Written directly, untracked: anything else the context tracks is the handler's to save, not the key's.
        await db.InsertAsync([record], ct);
    }

    /// <summary>
    /// Records the running request's answer under its key, in the caller's transaction: adds the key when this request
    /// has not recorded it yet, else replaces the answer under its lease. False when the lease was lost; throws
    /// <see cref="IdempotencyKeyTakenException"/> when another request recorded the key first.
    /// </summary>
    public async Task<bool> RecordAsync(ActiveKey active, IdempotencyState state, CapturedResponse response, CancellationToken ct)
    {
        if (active.Recorded)
        {
            return await StoreAnswerAsync(active.Scope, active.Key, active.Token, state, response, ct);
        }

        try
        {
            await AddAsync(active.Scope, active.Key, active.Hash, active.Token, state, response, ct);
        }
        catch (DbUpdateException e) when (!UnitOfWork.IsRaceLost(e))
        {
            throw new IdempotencyKeyTakenException();
        }

        active.Recorded = true;
        return true;
    }

    /// <summary>What an existing key means for a new request; null when it was removed and the claim should be tried again.</summary>
    private async Task<Claim?> DecideAsync(IdempotencyRecord existing, string scope, string key, string hash, Guid token, DateTime now, CancellationToken ct)
    {
        if (existing.ExpiresAt <= now)
        {
            await Records.Where(r => r.Scope == scope && r.Key == key && r.LeaseToken == existing.LeaseToken).ExecuteDeleteAsync(ct);
            return null;
        }

        if (!string.Equals(existing.RequestHash, hash, StringComparison.Ordinal))
        {
            return new Claim(ClaimOutcome.Reused, Guid.Empty);
        }

        switch (existing.State)
        {
            case IdempotencyState.Completed:
                return new Claim(ClaimOutcome.Replay, Guid.Empty, existing);
            case IdempotencyState.Committed when existing.LeaseExpiresAt <= now:
                // The first request committed its effect and died before it could answer: its provisional answer stands.
                await Records.Where(r => r.Scope == scope && r.Key == key && r.LeaseToken == existing.LeaseToken)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, IdempotencyState.Completed), ct);
                return new Claim(ClaimOutcome.Replay, Guid.Empty, existing);
            case IdempotencyState.Running when existing.LeaseExpiresAt <= now:
                // The first request died before committing anything (its transaction rolled back): run it again.
                var takenOver = await Records
                    .Where(r => r.Scope == scope && r.Key == key && r.LeaseToken == existing.LeaseToken)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(r => r.LeaseToken, token)
                        .SetProperty(r => r.LeaseExpiresAt, now + options.Value.Lease), ct);
                return takenOver == 1 ? new Claim(ClaimOutcome.Claimed, token) : new Claim(ClaimOutcome.InUse, Guid.Empty);
            default:
                return new Claim(ClaimOutcome.InUse, Guid.Empty);
        }
    }

    /// <summary>Stores an answer under the caller's lease, in the caller's transaction. False when the lease was lost.</summary>
    /// <remarks>
    /// Every payment stores its final answer this way. As a LINQ <c>ExecuteUpdate</c>, building the expression tree
    /// and looking it up in EF Core's query cache were more than half of the statement's CPU in the host, so the
    /// statement is built once from the model (<see cref="RowUpdates"/>, docs/decisions/0024).
    /// </remarks>
    public async Task<bool> StoreAnswerAsync(string scope, string key, Guid token, IdempotencyState state, CapturedResponse response, CancellationToken ct) =>
        await db.UpdateAsync<IdempotencyRecord>(
            set:
            [
                (nameof(IdempotencyRecord.State), state),
                (nameof(IdempotencyRecord.LeaseExpiresAt), Now + options.Value.Lease),
                (nameof(IdempotencyRecord.ResponseStatus), response.Status),
                (nameof(IdempotencyRecord.ResponseContentType), response.ContentType),
                (nameof(IdempotencyRecord.ResponseLocation), response.Location),
                (nameof(IdempotencyRecord.ResponseBody), response.Body),
            ],
            where:
            [
                (nameof(IdempotencyRecord.Scope), scope),
                (nameof(IdempotencyRecord.Key), key),
                (nameof(IdempotencyRecord.LeaseToken), token),
            ],
            ct) == 1;

    /// <summary>Gives the key back when the request failed without an answer worth replaying (an exception or a 5xx).</summary>
    public async Task ReleaseAsync(string scope, string key, Guid token, CancellationToken ct) =>
        await Records.Where(r => r.Scope == scope && r.Key == key && r.LeaseToken == token && r.State == IdempotencyState.Running)
            .ExecuteDeleteAsync(ct);

    public async Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        var now = Now;
        return await Records.Where(r => r.ExpiresAt <= now).ExecuteDeleteAsync(ct);
    }
}

/// <summary>An answer as it went out: status, the headers a client relies on, and the body bytes.</summary>
internal sealed record CapturedResponse(int Status, string? ContentType, string? Location, byte[] Body);
