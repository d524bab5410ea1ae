using Microsoft.AspNetCore.Identity;

namespace Tandem.Identity.Users;

/// <summary>
/// A person with an account. Built on ASP.NET Core Identity's user so password hashing,
/// lockout and security stamps are Identity's own; the user name is the normalised phone.
/// </summary>
internal sealed class TandemUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>Comma-separated platform roles (courier, regulator, admin).</summary>
    public string PlatformRoles { get; set; } = "";
}
