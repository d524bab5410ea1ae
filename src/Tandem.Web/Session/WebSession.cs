using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Tandem.Web.Api;

namespace Tandem.Web.Session;

/// <summary>The signed-in user as the web app knows them: the API's bearer token and a name to greet.</summary>
public sealed record SignedInUser(Guid UserId, string DisplayName, string AccessToken, DateTime ExpiresAt);

/// <summary>
/// The web session lives in one HttpOnly, SameSite=Lax cookie protected by Data Protection (the cookie
/// authentication handler). It holds the API token; pages and circuits read it server-side through
/// the authentication state, never from JavaScript.
/// </summary>
public sealed class WebSession(AuthenticationStateProvider authentication)
{
    public const string Scheme = "tandem.web";
    public const string CookieName = "tandem_session";
    private const string TokenClaim = "tandem:token";
    private const string ExpiresClaim = "tandem:expires";

    private SignedInUser? _current;
    private bool _read;

    public async Task<SignedInUser?> CurrentAsync()
    {
        if (_read)
        {
            return _current;
        }

        var state = await authentication.GetAuthenticationStateAsync();
        _current = FromPrincipal(state.User);
        _read = true;
        return _current;
    }

    internal static SignedInUser? FromPrincipal(ClaimsPrincipal principal)
    {
        if (principal.Identity?.AuthenticationType != Scheme)
        {
            return null;
        }

        var token = principal.FindFirstValue(TokenClaim);
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var expires = principal.FindFirstValue(ExpiresClaim);
        if (token is null || !Guid.TryParse(id, out var userId)
            || !DateTime.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var expiresAt))
        {
            return null;
        }

        return new SignedInUser(userId, principal.FindFirstValue(ClaimTypes.Name) ?? "", token, expiresAt);
    }

    /// <summary>Writes the session cookie for a token the API just issued.</summary>
    public static Task SignInAsync(HttpContext http, TokenResult token, string displayName)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, token.UserId.ToString()),
            new Claim(ClaimTypes.Name, displayName),
            new Claim(TokenClaim, token.AccessToken),
            new Claim(ExpiresClaim, token.ExpiresAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
        ], Scheme);
        return http.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties
        {
            IsPersistent = true,
            ExpiresUtc = new DateTimeOffset(token.ExpiresAt.ToUniversalTime(), TimeSpan.Zero),
            AllowRefresh = false,
        });
    }

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);
}
