namespace Tandem.Identity.Contracts;

/// <summary>A registered user as other modules may see them.</summary>
public sealed record UserSummary(Guid UserId, string DisplayName, string Phone);

/// <summary>Finds users for other modules (e.g. adding staff by phone).</summary>
public interface IUserDirectory
{
    /// <summary>The user with this normalised phone (+86 and 11 digits), if any.</summary>
    Task<UserSummary?> FindByPhoneAsync(string normalisedPhone, CancellationToken ct);

    Task<UserSummary?> FindAsync(Guid userId, CancellationToken ct);

    /// <summary>The users among these ids, by id, in one query (for lists of staff or riders).</summary>
    Task<IReadOnlyDictionary<Guid, UserSummary>> FindManyAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct);
}

/// <summary>A user's role in one merchant, shown on <c>GET /me</c>.</summary>
public sealed record MerchantMembership(Guid MerchantId, string Role);

/// <summary>
/// Supplied by the merchants module: which merchants a user works for.
/// Declared here so identity does not depend on merchants.
/// </summary>
public interface IMembershipSource
{
    Task<IReadOnlyList<MerchantMembership>> MembershipsOfAsync(Guid userId, CancellationToken ct);
}

/// <summary>Platform-wide roles granted by a platform admin (courier, regulator, admin).</summary>
public static class PlatformRoles
{
    public const string Admin = "admin";
    public const string Courier = "courier";
    public const string Regulator = "regulator";
}

/// <summary>
/// Platform roles granted on another module's behalf (a delivery company making a rider a courier). Each call saves on
/// the shared DbContext, inside the caller's transaction when there is one, and the change applies to the user's next request.
/// </summary>
public interface IPlatformRoleGrants
{
    /// <summary>Gives <paramref name="role"/> to the user; false when they already had it (nothing changes).</summary>
    Task<bool> GrantAsync(Guid userId, string role, CancellationToken ct);

    /// <summary>Takes <paramref name="role"/> away; false when they did not have it.</summary>
    Task<bool> RevokeAsync(Guid userId, string role, CancellationToken ct);
}
