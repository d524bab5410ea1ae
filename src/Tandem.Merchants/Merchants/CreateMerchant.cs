using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;
using Tandem.Merchants.Staff;

namespace Tandem.Merchants.Merchants;

public sealed record CreateMerchantRequest(string? Name, string? CreditCode);

/// <summary>A merchant; <see cref="Role"/> is the caller's role in it when they read it.</summary>
public sealed record MerchantResponse(Guid MerchantId, string Name, string CreditCode, DateTime CreatedAt, string? Role = null);

/// <summary>Signs up a business: the caller becomes its owner.</summary>
internal static class CreateMerchant
{
    public static async Task<Results<Created<MerchantResponse>, ProblemHttpResult>> Handle(
        CreateMerchantRequest request, ClaimsPrincipal principal, TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var checks = new Checks();
        var name = checks.Name("name", request.Name);
        checks.Required("creditCode", request.CreditCode);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        if (!Contracts.CreditCode.TryParse(request.CreditCode, out var code))
        {
            return ApiProblem.BadRequest("invalid_credit_code",
                "The credit code must be 18 characters (digits and capitals without I, O, S, V, Z) with a valid GB 32100-2015 check character.",
                "creditCode");
        }

        var creditCode = code.Value.Value;
        if (await db.Set<Merchant>().AnyAsync(m => m.CreditCode == creditCode, ct))
        {
            return CreditCodeTaken();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var merchant = new Merchant { Id = NewId.Next(clock), Name = name, CreditCode = creditCode, CreatedAt = now };
        db.Add(merchant);
        db.Add(new StaffMember { MerchantId = merchant.Id, UserId = principal.RequiredUserId(), Role = MerchantRole.Owner, AddedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent sign-up with the same code may have won the unique index.
            db.ChangeTracker.Clear();
            if (await db.Set<Merchant>().AnyAsync(m => m.CreditCode == creditCode, ct))
            {
                return CreditCodeTaken();
            }

            throw;
        }

        return TypedResults.Created($"/api/v1/merchants/{merchant.Id}",
            new MerchantResponse(merchant.Id, merchant.Name, merchant.CreditCode, merchant.CreatedAt));
    }

    private static ProblemHttpResult CreditCodeTaken() =>
        ApiProblem.Conflict("credit_code_taken", "A merchant with this credit code is already registered.");
}
