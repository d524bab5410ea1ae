using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Tenancy;

namespace Tandem.Merchants.Contracts;

/// <summary>A user's role in a merchant; a higher role may do everything a lower one may.</summary>
public enum MerchantRole
{
    Staff = 1,
    Manager = 2,
    Owner = 3,
}

/// <summary>Who works for which merchant, for the authorization checks of every merchant-owned endpoint.</summary>
public interface IMerchantAccess
{
    /// <summary>The user's role in the merchant, or null if they do not work for it.</summary>
    Task<MerchantRole?> RoleOfAsync(Guid userId, Guid merchantId, CancellationToken ct);
}

/// <summary>Delivery offered by a store: within <see cref="RadiusKm"/> for <see cref="Fee"/>.</summary>
public sealed record DeliveryTerms(double RadiusKm, Money Fee);

/// <summary>A store as other modules see it.</summary>
public sealed record StoreInfo(Guid StoreId, Guid MerchantId, string Name, string Address, GeoPoint Location, bool Pickup, DeliveryTerms? Delivery);

public sealed record NearbyStore(StoreInfo Store, double DistanceKm);

/// <summary>Finds stores, by id or near a point (spatially indexed).</summary>
public interface IStoreDirectory
{
    Task<StoreInfo?> FindAsync(Guid storeId, CancellationToken ct);

    /// <summary>Stores within <paramref name="radiusKm"/> of <paramref name="point"/>, nearest first; optionally of one merchant.</summary>
    Task<IReadOnlyList<NearbyStore>> NearbyAsync(GeoPoint point, double radiusKm, Guid? merchantId, int limit, CancellationToken ct);
}

public static class MerchantAccessExtensions
{
    /// <summary>
    /// The one authorization check of a merchant-owned endpoint: null when the caller may act,
    /// 404 when they do not work for the merchant (existence never leaks), 403 when their role is too low.
    /// </summary>
    public static async Task<ProblemHttpResult?> CheckAsync(
        this IMerchantAccess access, ClaimsPrincipal user, Guid merchantId, MerchantRole atLeast, CancellationToken ct)
    {
        var userId = TandemClaims.UserId(user);
        if (userId is null)
        {
            return ApiProblem.Unauthenticated();
        }

        var role = await access.RoleOfAsync(userId.Value, merchantId, ct);
        if (role is null)
        {
            return ApiProblem.NotFound();
        }

        return role.Value >= atLeast ? null : ApiProblem.Forbidden($"This needs the {atLeast.ToString().ToLowerInvariant()} role or higher.");
    }
}
