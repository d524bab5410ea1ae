using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Kernel.Http;
using Tandem.Kernel.Tenancy;

namespace Tandem.Identity.Tokens;

/// <summary>Authenticates <c>Authorization: Bearer</c> tokens and answers 401/403 as problem+json.</summary>
internal sealed class AccessTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccessTokens tokens,
    UserSessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) && Request.Path.StartsWithSegments("/hubs")
            && Request.Query["access_token"] is { Count: 1 } query && !string.IsNullOrEmpty(query[0]))
        {
            // Browsers cannot set headers on WebSockets: SignalR clients pass the token in the query string instead.
            header = "Bearer " + query[0];
        }

        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length > 4096)
        {
            return AuthenticateResult.Fail("Not a bearer token.");
        }

        var ticket = tokens.Read(header["Bearer ".Length..].Trim());
        if (ticket is null)
        {
            return AuthenticateResult.Fail("The token is invalid or expired.");
        }

        var userId = TandemClaims.UserId(ticket.Principal);
        var stamp = ticket.Principal.FindFirstValue(TandemClaims.SecurityStampClaim);
        if (userId is null || stamp is null)
        {
            return AuthenticateResult.Fail("The token is malformed.");
        }

        var (valid, roles) = await sessions.CheckAsync(userId.Value, stamp, Context.RequestAborted);
        if (!valid)
        {
            return AuthenticateResult.Fail("The user is locked, deleted or signed out everywhere.");
        }

        var identity = (ClaimsIdentity)ticket.Principal.Identity!;
        foreach (var role in roles)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, role));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(ticket.Principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var detail = Request.Headers.Authorization.Count == 0
            ? "Sign in and send 'Authorization: Bearer <accessToken>'."
            : "The access token is invalid, expired or no longer valid for this user.";
        Response.Headers.WWWAuthenticate = "Bearer";
        await ApiProblem.Unauthenticated(detail).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblem.Forbidden().ExecuteAsync(Context);
}
