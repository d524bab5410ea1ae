using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Tandem.Inventory;

/// <summary>One stock per store and product, shared by the counter and online orders, with a movements ledger.</summary>
public static class InventoryModule
{
    public static IServiceCollection AddInventory(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder app) => app;
}
