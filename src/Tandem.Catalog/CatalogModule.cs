using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Tandem.Catalog;

/// <summary>Products a merchant sells.</summary>
public static class CatalogModule
{
    public static IServiceCollection AddCatalog(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder app) => app;
}
