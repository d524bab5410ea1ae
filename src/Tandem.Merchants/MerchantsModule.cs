using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Identity.Contracts;

namespace Tandem.Merchants;

/// <summary>Merchants, their staff and their stores.</summary>
public static class MerchantsModule
{
    public static IServiceCollection AddMerchants(this IServiceCollection services) =>
        services.AddScoped<IMembershipSource, NoMemberships>();

    public static IEndpointRouteBuilder MapMerchants(this IEndpointRouteBuilder app) => app;

    // Placeholder until merchants and staff exist.
    private sealed class NoMemberships : IMembershipSource
    {
        public Task<IReadOnlyList<MerchantMembership>> MembershipsOfAsync(Guid userId, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<MerchantMembership>>([]);
    }
}
