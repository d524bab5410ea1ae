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

    public string[] Roles => PlatformRoles.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Adds a platform role; false when the user already had it.</summary>
    public bool AddRole(string role) => SetRoles(Roles.Contains(role) ? null : Roles.Append(role));

    /// <summary>Takes a platform role away; false when the user did not have it.</summary>
    public bool RemoveRole(string role) => SetRoles(Roles.Contains(role) ? Roles.Where(r => r != role) : null);

    private bool SetRoles(IEnumerable<string>? roles)
    {
        if (roles is null)
        {
            return false;
        }

        PlatformRoles = string.Join(',', roles.Distinct().Order());
        return true;
    }
}
