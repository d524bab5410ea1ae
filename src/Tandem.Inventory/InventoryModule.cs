using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Inventory.Availability;
using Tandem.Inventory.Contracts;
using Tandem.Inventory.Data;
using Tandem.Inventory.Stock;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;

namespace Tandem.Inventory;

/// <summary>One stock per store and product, shared by the counter and online orders, with a movements ledger.</summary>
public static class InventoryModule
{
    public static IServiceCollection AddInventory(this IServiceCollection services)
    {
        services.AddSingleton<IModuleModel, InventoryModel>();
        services.AddScoped<StoreStock>();
        services.AddScoped<IStock>(sp => sp.GetRequiredService<StoreStock>());
        services.AddScoped<StockAccess>();
        return services;
    }

    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder app)
    {
        var stock = app.MapGroup("/api/v1/stores/{storeId:guid}/stock").WithTags("Stock");
        stock.MapGet("", ReadStock.List).ForMerchantStaff("staff")
            .WithName("ListStock").WithSummary("The store's stock, product by product (staff).");
        stock.MapGet("/{productId:guid}", ReadStock.One).ForMerchantStaff("staff")
            .WithName("GetStock").WithSummary("One product's stock at the store; a product never stocked reads as zeros (staff).");
        stock.MapPut("/{productId:guid}", CountStock.Handle).ForMerchantStaff("staff")
            .WithName("CountStock").WithSummary("Record a stock count: onHand becomes the counted number (staff).");
        stock.MapPost("/{productId:guid}/adjustments", AdjustStock.Handle).ForMerchantStaff("manager")
            .WithName("AdjustStock").WithSummary("Change onHand by a delta with a reason; never below zero (manager).");
        stock.MapGet("/{productId:guid}/movements", ReadStock.Movements).ForMerchantStaff("staff")
            .WithName("ListStockMovements").WithSummary("Every change of onHand, oldest first (staff).");

        app.MapPost("/api/v1/merchants/{merchantId:guid}/catalogue/import", Import.ImportCatalogue.Handle).ForMerchantStaff("manager")
            .WithTags("Stock").WithName("ImportCatalogue")
            .WithSummary("Upsert products by GTIN and count their stock per store from one checked file, all or nothing (manager).");

        app.MapGet("/api/v1/products/{productId:guid}/availability", ProductAvailability.Handle).ForPublic()
            .WithTags("Stock").WithName("GetProductAvailability")
            .WithSummary("Stores of the product's merchant near a point with some available, nearest first (public).");
        return app;
    }
}
