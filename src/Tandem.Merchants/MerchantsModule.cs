using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Identity.Contracts;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;
using Tandem.Merchants.Data;
using Tandem.Merchants.Merchants;
using Tandem.Merchants.Staff;
using Tandem.Merchants.Stores;

namespace Tandem.Merchants;

/// <summary>Merchants, their staff and their stores.</summary>
public static class MerchantsModule
{
    public static IServiceCollection AddMerchants(this IServiceCollection services)
    {
        services.AddSingleton<IModuleModel, MerchantsModel>();
        services.AddScoped<MerchantAccess>();
        services.AddScoped<IMerchantAccess>(sp => sp.GetRequiredService<MerchantAccess>());
        services.AddScoped<IMembershipSource>(sp => sp.GetRequiredService<MerchantAccess>());
        services.AddScoped<StoreSearch>();
        services.AddScoped<IStoreDirectory, StoreDirectory>();
        return services;
    }

    public static IEndpointRouteBuilder MapMerchants(this IEndpointRouteBuilder app)
    {
        var merchants = app.MapGroup("/api/v1/merchants").WithTags("Merchants").RequireAuthorization();
        merchants.MapPost("", CreateMerchant.Handle).ForConsumers()
            .WithName("CreateMerchant").WithSummary("Register a business by its unified social credit code; the caller becomes its owner.");
        merchants.MapGet("/{merchantId:guid}", GetMerchant.Handle).ForMerchantStaff("staff")
            .WithName("GetMerchant").WithSummary("A merchant and the caller's role in it (its staff only).");
        merchants.MapGet("/{merchantId:guid}/staff", ListStaff.Handle).ForMerchantStaff("staff")
            .WithName("ListStaff").WithSummary("Who works for the merchant; phones are shown to the owner and managers.");
        merchants.MapPost("/{merchantId:guid}/staff", AddStaff.Handle).ForMerchantStaff("owner")
            .WithName("AddStaff").WithSummary("The owner adds a registered user, by phone, as manager or staff.");
        merchants.MapPost("/{merchantId:guid}/stores", CreateStore.Handle).ForMerchantStaff("manager")
            .WithName("CreateStore").WithSummary("Open a store (manager or owner).");
        merchants.MapGet("/{merchantId:guid}/stores", GetStore.OfMerchant).ForMerchantStaff("staff")
            .WithName("ListMerchantStores").WithSummary("The merchant's stores (its staff only).");

        var stores = app.MapGroup("/api/v1/stores").WithTags("Stores");
        stores.MapGet("", NearbyStores.Handle).ForPublic()
            .WithName("FindStoresNearby").WithSummary("Stores within radiusKm (default 5, at most 50) of near=LAT,LNG, nearest first. Public.");
        stores.MapGet("/{storeId:guid}", GetStore.Handle).ForPublic()
            .WithName("GetStore").WithSummary("A store. Public.");
        stores.MapPatch("/{storeId:guid}", UpdateStore.Handle).ForMerchantStaff("manager")
            .WithName("UpdateStore").WithSummary("Change a store's name, address, location, pickup, delivery or opening hours (manager or owner).");
        return app;
    }
}
