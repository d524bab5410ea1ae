using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;
using Tandem.Traceability.Contracts;
using Tandem.Traceability.Data;
using Tandem.Traceability.Epcis;
using Tandem.Traceability.Tracing;

namespace Tandem.Traceability.Recalls;

public sealed record RecallRequest(string? Reason);

public sealed record RecallResponse(
    Guid RecallId, string Gtin, string Lot, string Reason, bool ByRegulator, DateTime RecalledAt, TraceResponse Affected,
    long BlockedQuantity, IReadOnlyList<Guid> AffectedOrderIds, int NotifiedConsumers, int NotifiedMerchants);

public sealed record RecallSummaryDto(
    Guid RecallId, string Gtin, string Lot, string Reason, bool ByRegulator, DateTime RecalledAt, int AffectedLots, int AffectedStores,
    DateTime? WithdrawnAt = null, string? WithdrawalReason = null);

public sealed record RecallWithdrawalRequest(string? Reason);

public sealed record RecallWithdrawalResponse(
    Guid RecallId, string Gtin, string Lot, string Reason, DateTime WithdrawnAt, long UnblockedQuantity, int NotifiedConsumers, int NotifiedMerchants);

public sealed record RecallListResponse(IReadOnlyList<RecallSummaryDto> Items);

/// <summary>
/// A regulator, or a manager of the producing merchant, recalls a lot. The forward trace finds every lot,
/// item and store it reached; the recall is stored (trace pages show it at once) and <see cref="LotRecalled"/>
/// goes out through the outbox in the same transaction, for inventory and ordering to block stock and notify buyers.
/// </summary>
internal static class RecallLot
{
    public static async Task<Results<Created<RecallResponse>, ProblemHttpResult>> Handle(
        string gtin, string lot, RecallRequest request, ClaimsPrincipal principal, LotAccess access, TraceGraph graph,
        TraceSummaries summaries, RecallEffects effects, TandemDbContext db, Outbox outbox, TimeProvider clock, CancellationToken ct)
    {
        var checks = new Checks();
        var reason = checks.Line("reason", request.Reason, 500);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        if (TraceLots.ParseLot(gtin, lot) is not { } key)
        {
            return ApiProblem.BadRequest("invalid_digital_link", "The GTIN needs a correct check digit and the lot 1 to 20 characters of the GS1 character set 82.", "lot");
        }

        var (grant, forbidden) = await access.ToRecallAsync(principal, key.Key, ct);
        if (forbidden)
        {
            return ApiProblem.Forbidden("Recalling a lot needs the manager role or higher.");
        }

        if (grant is null)
        {
            return ApiProblem.NotFound("No lot with this GTIN and number is visible to you.");
        }

        if (await db.Set<Recall>().Active().AnyAsync(r => r.LotKey == key.Key, ct))
        {
            return ApiProblem.Conflict("already_recalled", "This lot is already recalled.");
        }

        var trace = await graph.WalkAsync(key.Key, TraceDirection.Forward, ct);
        var affected = await summaries.SummariseAsync(key.Gtin, lot, trace, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var recall = new Recall
        {
            Id = NewId.Next(clock),
            LotKey = key.Key,
            Gtin = key.Gtin,
            LotNumber = lot,
            MerchantId = grant.MerchantId,
            RecalledBy = principal.RequiredUserId(),
            ByRegulator = grant.Regulator,
            Reason = reason,
            RecalledAt = now,
            AffectedLots = affected.Lots.Count,
            AffectedStores = affected.Stores.Count,
        };
        RecallOutcome outcome;
        try
        {
            // The recall, the blocked stock and the notices commit together or not at all.
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            db.Add(recall);
            var lotKeys = affected.Lots.Select(l => EpcKeys.LotKey(l.Gtin, l.Lot)).Append(key.Key).Distinct().ToList();
            outcome = await effects.ApplyAsync(recall, lotKeys, affected.Stores.Select(s => s.StoreId).ToList(), ct);
            outbox.Publish(new LotRecalled(
                NewId.Next(clock), now, recall.Id, new LotRef(key.Gtin, lot), reason, grant.Regulator, grant.MerchantId,
                affected.Lots.Select(l => new LotRef(l.Gtin, l.Lot)).ToList(),
                affected.Stores.Select(s => s.StoreId).ToList()));
            outbox.Publish(new RecallNoticesIssued(
                NewId.Next(clock), now, recall.Id, new LotRef(key.Gtin, lot), reason, outcome.BlockedQuantity,
                outcome.ConsumerIds, outcome.OrderIds, outcome.MerchantIds));
            await db.SaveChangesAsync(ct);
            await work.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return ApiProblem.Conflict("already_recalled", "This lot is already recalled.");
        }

        var recalledLots = affected.Lots.Select(l => l.Gtin == key.Gtin && l.Lot == lot ? l with { Recalled = true } : l).ToList();
        return TypedResults.Created($"/api/v1/trace/recalls/{recall.Id}",
            new RecallResponse(recall.Id, key.Gtin, lot, reason, grant.Regulator, now, affected with { Lots = recalledLots },
                outcome.BlockedQuantity, outcome.OrderIds, outcome.ConsumerIds.Count, outcome.MerchantIds.Count));
    }

    /// <summary>
    /// <c>POST /api/v1/trace/recalls/{recallId}/withdraw</c>: whoever could make the recall (a regulator, or a manager of
    /// the producing merchant) withdraws it with a reason. What it still blocks goes back on sale, the row stays (marked
    /// withdrawn), everyone it notified is told, and the lot may be recalled again.
    /// </summary>
    public static async Task<Results<Ok<RecallWithdrawalResponse>, ProblemHttpResult>> Withdraw(
        Guid recallId, RecallWithdrawalRequest request, ClaimsPrincipal principal, LotAccess access, RecallEffects effects,
        TandemDbContext db, Outbox outbox, TimeProvider clock, CancellationToken ct)
    {
        var checks = new Checks();
        var reason = checks.Line("reason", request.Reason, 500);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var found = await db.Set<Recall>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == recallId, ct);
        var (grant, forbidden) = found is null ? (null, false) : await access.ToRecallAsync(principal, found.LotKey, ct);
        if (forbidden)
        {
            return ApiProblem.Forbidden("Withdrawing a recall needs the manager role or higher at the producing merchant, or a regulator.");
        }

        if (found is null || grant is null)
        {
            return ApiProblem.NotFound("No recall with this id is yours to withdraw.");
        }

        var userId = principal.RequiredUserId();
        var (outcome, now) = await UnitOfWork.RetryOnConflictAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var now = clock.GetUtcNow().UtcDateTime;
            // One conditional update: of two racing withdrawals, one finds the recall already withdrawn.
            if (await db.Set<Recall>().Active().Where(r => r.Id == recallId).ExecuteUpdateAsync(u => u
                    .SetProperty(r => r.WithdrawnAt, now).SetProperty(r => r.WithdrawnBy, userId).SetProperty(r => r.WithdrawalReason, reason), ct) == 0)
            {
                return ((RecallOutcome?)null, now);
            }

            var outcome = await effects.WithdrawAsync(found, reason, ct);
            outbox.Publish(new RecallWithdrawn(
                NewId.Next(clock), now, found.Id, new LotRef(found.Gtin, found.LotNumber), reason, outcome.BlockedQuantity,
                outcome.ConsumerIds, outcome.MerchantIds));
            await work.CommitAsync(ct);
            return (outcome, now);
        });
        if (outcome is null)
        {
            return ApiProblem.Conflict("already_withdrawn", "This recall is already withdrawn.");
        }

        return TypedResults.Ok(new RecallWithdrawalResponse(found.Id, found.Gtin, found.LotNumber, reason, now, outcome.BlockedQuantity,
            outcome.ConsumerIds.Count, outcome.MerchantIds.Count));
    }

    /// <summary>Every recall, newest first: public, so anyone can check.</summary>
    public static async Task<Ok<RecallListResponse>> List(TandemDbContext db, CancellationToken ct)
    {
        var recalls = await db.Set<Recall>().AsNoTracking().OrderByDescending(r => r.RecalledAt).Take(200).ToListAsync(ct);
        return TypedResults.Ok(new RecallListResponse(recalls.Select(r =>
            new RecallSummaryDto(r.Id, r.Gtin, r.LotNumber, r.Reason, r.ByRegulator, r.RecalledAt, r.AffectedLots, r.AffectedStores,
                r.WithdrawnAt, r.WithdrawalReason)).ToList()));
    }
}
