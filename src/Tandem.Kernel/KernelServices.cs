using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;

namespace Tandem.Kernel;

public static class KernelServices
{
    /// <summary>The kernel's services: clock, current user and its own tables (outbox, processed events, keys).</summary>
    public static IServiceCollection AddTandemKernel(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddSingleton<Http.ClientAddress>();
        services.AddScoped<ICurrentUser, HttpCurrentUser>();
        services.AddSingleton<IModuleModel, KernelModel>();
        services.AddScoped<Outbox.Outbox>();
        return services;
    }
}
