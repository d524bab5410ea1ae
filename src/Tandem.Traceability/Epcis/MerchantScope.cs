using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Identity.Contracts;
using Tandem.Kernel.Http;
using Tandem.Kernel.Tenancy;
using Tandem.Merchants.Contracts;

namespace Tandem.Traceability.Epcis;

/// <summary>
/// Which merchant an EPCIS call acts for: the one named in the <c>Tandem-Merchant</c> header, or the
/// caller's only merchant. Capture needs staff of it; reading also lets a platform regulator see every
/// merchant (no header) or one (header).
/// </summary>
internal sealed class MerchantScope(IMerchantAccess access, IMembershipSource memberships)
{
    public const string Header = "Tandem-Merchant";

    /// <summary>The merchant whose events a call reads or writes; null for a regulator reading every merchant.</summary>
    public sealed record Scope(Guid? MerchantId, Guid UserId, bool Regulator);

    public async Task<(Scope? Scope, ProblemHttpResult? Problem)> ForWriteAsync(HttpContext http, MerchantRole atLeast, CancellationToken ct)
    {
        var (merchantId, problem) = await MerchantOfAsync(http, ct);
        if (problem is not null)
        {
            return (null, problem);
        }

        var denied = await access.CheckAsync(http.User, merchantId!.Value, atLeast, ct);
        return denied is not null ? (null, denied) : (new Scope(merchantId, http.User.RequiredUserId(), false), null);
    }

    public async Task<(Scope? Scope, ProblemHttpResult? Problem)> ForReadAsync(HttpContext http, CancellationToken ct)
    {
        var userId = TandemClaims.UserId(http.User);
        if (userId is null)
        {
            return (null, ApiProblem.Unauthenticated());
        }

        var regulator = http.User.IsInRole(PlatformRoles.Regulator);
        if (regulator)
        {
            if (!http.Request.Headers.TryGetValue(Header, out var named))
            {
                return (new Scope(null, userId.Value, true), null);
            }

            return Guid.TryParse(named.ToString(), out var id)
                ? (new Scope(id, userId.Value, true), null)
                : (null, BadHeader());
        }

        return await ForWriteAsync(http, MerchantRole.Staff, ct);
    }

    private async Task<(Guid? MerchantId, ProblemHttpResult? Problem)> MerchantOfAsync(HttpContext http, CancellationToken ct)
    {
        var userId = TandemClaims.UserId(http.User);
        if (userId is null)
        {
            return (null, ApiProblem.Unauthenticated());
        }

        if (http.Request.Headers.TryGetValue(Header, out var named))
        {
            return Guid.TryParse(named.ToString(), out var id) ? (id, null) : (null, BadHeader());
        }

        var mine = await memberships.MembershipsOfAsync(userId.Value, ct);
        return mine.Count switch
        {
            1 => (mine[0].MerchantId, null),
            0 => (null, ApiProblem.Forbidden("EPCIS events belong to a merchant; you work for none.")),
            _ => (null, ApiProblem.BadRequest("merchant_required",
                $"You work for several merchants: name one in the {Header} header.", Header)),
        };
    }

    private static ProblemHttpResult BadHeader() =>
        ApiProblem.BadRequest("validation_failed", $"The {Header} header must be a merchant id.", Header);
}
