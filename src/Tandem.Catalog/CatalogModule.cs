using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Catalog.Contracts;
using Tandem.Catalog.Data;
using Tandem.Catalog.Products;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;

namespace Tandem.Catalog;

/// <summary>Products a merchant sells.</summary>
public static class CatalogModule
{
    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddSingleton<IModuleModel, CatalogModel>();
        services.AddScoped<IProductCatalog, ProductCatalog>();
        services.AddScoped<IProductUpserts, ProductUpserts>();
        return services;
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/merchants/{merchantId:guid}/products", CreateProduct.Handle).ForMerchantStaff("manager")
            .WithTags("Catalogue").WithName("CreateProduct")
            .WithSummary("Add a product (manager or owner); a GTIN is stored as 14 digits and unique per merchant.");
        app.MapGet("/api/v1/merchants/{merchantId:guid}/products", GetProduct.OfMerchant).ForMerchantStaff("staff")
            .WithTags("Catalogue").WithName("ListMerchantProducts").WithSummary("The merchant's products, oldest first, paged (its staff only).");

        var products = app.MapGroup("/api/v1/products").WithTags("Catalogue");
        products.MapGet("/{productId:guid}", GetProduct.Handle).ForPublic()
            .WithName("GetProduct").WithSummary("A product. Public.");
        products.MapPut("/{productId:guid}", UpdateProduct.Handle).ForMerchantStaff("manager")
            .WithName("UpdateProduct").WithSummary("Replace a product's fields (manager or owner).");
        return app;
    }
}
