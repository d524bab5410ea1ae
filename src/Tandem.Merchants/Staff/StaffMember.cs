using Tandem.Merchants.Contracts;

namespace Tandem.Merchants.Staff;

/// <summary>A user working for a merchant in one role. The creator of a merchant is its owner.</summary>
internal sealed class StaffMember
{
    public Guid MerchantId { get; init; }

    public Guid UserId { get; init; }

    public MerchantRole Role { get; set; }

    public DateTime AddedAt { get; init; }

    public static string RoleName(MerchantRole role) => role.ToString().ToLowerInvariant();
}
