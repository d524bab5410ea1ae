using System.Globalization;
using System.Threading.RateLimiting;
using Tandem.Identity;
using Tandem.Kernel.Http;

namespace Tandem.Host.Hosting;

/// <summary>
/// Per-address limits on registration and sign-in (the visitor's address for the web pages' own calls, see
/// <see cref="ClientAddress"/>), and a per-token ceiling on everything else.
/// Answers are 429 <c>rate_limited</c> with <c>Retry-After</c>. Tests and benchmarks that
/// generate load switch them off with <c>Tandem:RateLimits:Enabled=false</c>.
/// </summary>
internal static class RateLimits
{
    public static IServiceCollection AddTandemRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Tandem:RateLimits");
        var enabled = section.GetValue("Enabled", true);
        var authPerMinute = Math.Max(60, section.GetValue("AuthPerMinutePerAddress", 120));
        var perTokenPerSecond = Math.Max(1000, section.GetValue("RequestsPerSecondPerToken", 1000));

        services.AddRateLimiter(options =>
        {
            options.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ApiProblem.Create(StatusCodes.Status429TooManyRequests, "rate_limited",
                    $"Too many requests. Try again in {seconds} seconds.").ExecuteAsync(context.HttpContext);
            };

            options.AddPolicy(IdentityModule.AuthRateLimitPolicy, http => enabled
                ? RateLimitPartition.GetFixedWindowLimiter(
                    $"{http.Request.Path}|{http.RequestServices.GetRequiredService<ClientAddress>().Of(http)}",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = authPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("off"));

            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                string? authorization = http.Request.Headers.Authorization;
                if (!enabled || string.IsNullOrEmpty(authorization))
                {
                    return RateLimitPartition.GetNoLimiter("anonymous");
                }

                return RateLimitPartition.GetFixedWindowLimiter(authorization, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perTokenPerSecond,
                    Window = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
            });
        });
        return services;
    }
}
