using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Tandem.Kernel.Tenancy;

namespace Tandem.Identity.Tokens;

internal sealed class AccessTokenOptions
{
    /// <summary>How long an access token stays valid. Default 24 hours.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>
/// Opaque bearer tokens: an authentication ticket (user id, security stamp, expiry) protected
/// by ASP.NET Core Data Protection, whose keys live in the database so every host can read them.
/// See docs/decisions/0003-access-tokens.md.
/// </summary>
internal sealed class AccessTokens(IDataProtectionProvider protection, TimeProvider clock, IOptions<AccessTokenOptions> options)
{
    public const string Scheme = "Bearer";

    private readonly TicketDataFormat _format = new(protection.CreateProtector("Tandem.AccessToken.v1"));

    public (string Token, DateTime ExpiresAt) Issue(Guid userId, string securityStamp)
    {
        var now = clock.GetUtcNow();
        var expires = now + options.Value.Lifetime;
        var identity = new ClaimsIdentity(
            [new Claim(TandemClaims.UserIdClaim, userId.ToString()), new Claim(TandemClaims.SecurityStampClaim, securityStamp)],
            Scheme, TandemClaims.UserIdClaim, ClaimTypes.Role);
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = expires };
        var token = _format.Protect(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, Scheme));
        // Truncate to whole seconds so the JSON answer matches what the ticket enforces to the second.
        return (token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()).UtcDateTime);
    }

    /// <summary>The ticket inside a token, or null if it is forged, damaged or expired.</summary>
    public AuthenticationTicket? Read(string token)
    {
        var ticket = _format.Unprotect(token);
        if (ticket?.Properties.ExpiresUtc is not { } expires || expires <= clock.GetUtcNow())
        {
            return null;
        }

        return ticket;
    }
}
