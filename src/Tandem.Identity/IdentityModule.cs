using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Identity.Contracts;
using Tandem.Identity.Data;
using Tandem.Identity.Tokens;
using Tandem.Identity.Users;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;

namespace Tandem.Identity;

/// <summary>Accounts: registration, sign-in with lockout, bearer tokens and platform roles.</summary>
public static class IdentityModule
{
    /// <summary>Rate-limit policy applied to registration and sign-in (per client address).</summary>
    public const string AuthRateLimitPolicy = "auth";

    /// <summary>Authorization policy for platform administrators.</summary>
    public const string PlatformAdminPolicy = "platform-admin";

    public static IServiceCollection AddIdentityModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IModuleModel, IdentityModel>();
        services.Configure<AccessTokenOptions>(configuration.GetSection("Tandem:Auth"));

        services.AddIdentityCore<TandemUser>(o =>
            {
                // API.md: 8-128 characters, no composition rules.
                o.Password.RequiredLength = Register.MinPasswordLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                o.User.AllowedUserNameCharacters = "+0123456789";
            })
            .AddUserStore<UserOnlyStore<TandemUser, TandemDbContext, Guid>>();

        services.AddMemoryCache();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<UserSessions>();
        services.AddScoped<IUserDirectory, UserDirectory>();
        services.AddScoped<IPlatformRoleGrants, ModuleRoleGrants>();

        services.AddAuthentication(AccessTokens.Scheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AccessTokenHandler>(AccessTokens.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(PlatformAdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(PlatformRoles.Admin));
        return services;
    }

    public static IEndpointRouteBuilder MapIdentityModule(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Accounts").RequireRateLimiting(AuthRateLimitPolicy);
        auth.MapPost("/register", Register.Handle).ForPublic()
            .WithName("Register").WithSummary("Create an account with a mainland China mobile number and a password.");
        auth.MapPost("/login", Login.Handle).ForPublic()
            .WithName("Login").WithSummary("Sign in; five failures in a row lock the account for five minutes.");

        app.MapGet("/api/v1/me", Me.Handle).ForConsumers()
            .WithTags("Accounts").WithName("GetMe").WithSummary("The signed-in user and the merchants they work for.");

        app.MapPost("/api/v1/platform/users/{userId:guid}/roles", PlatformRoleGrants.Grant)
            .ForPlatform(PlatformAdminPolicy)
            .WithTags("Platform").WithName("GrantPlatformRole").WithSummary("Grant a platform role (admin, courier, regulator).");
        return app;
    }

    /// <summary>Grants platform admin to the phones in <c>Tandem:Platform:AdminPhones</c> (the first admins).</summary>
    public static Task BootstrapAdminsAsync(IServiceProvider services, IConfiguration configuration, Microsoft.Extensions.Logging.ILogger logger, CancellationToken ct) =>
        PlatformRoleGrants.BootstrapAdminsAsync(services.GetRequiredService<TandemDbContext>(), configuration, logger, ct);
}
