using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Delivery.Companies;
using Tandem.Delivery.Contracts;
using Tandem.Delivery.Couriers;
using Tandem.Delivery.Data;
using Tandem.Delivery.Dispatch;
using Tandem.Delivery.Jobs;
using Tandem.Delivery.Routing;
using Tandem.Delivery.Routing.Zones;
using Tandem.Delivery.Statistics;
using Tandem.Delivery.Tracking;
using Tandem.Delivery.Zones;
using Tandem.Identity.Contracts;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;

namespace Tandem.Delivery;

/// <summary>Local delivery: store zones, fees and slots; couriers and their shifts; dispatch by route optimisation; live tracking.</summary>
public static class DeliveryModule
{
    /// <summary>Authorization policy for users with the platform's courier role.</summary>
    public const string CourierPolicy = "courier";

    /// <summary>Authorization policy for platform administrators (the same role the identity module's admin policy requires).</summary>
    public const string PlatformDispatchPolicy = "platform-dispatch";

    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IModuleModel, DeliveryModel>();
        services.Configure<DeliveryOptions>(configuration.GetSection("Tandem:Delivery"));
        services.AddScoped<DeliveryDesk>();
        services.AddScoped<IDeliveryDesk>(sp => sp.GetRequiredService<DeliveryDesk>());
        services.AddSingleton<IRouteOptimizer>(_ => new ZonedRouteOptimizer(new AlnsRouteOptimizer()));
        services.AddTravelTimes(configuration);
        services.AddScoped<DispatchPlanner>();
        services.AddSingleton<DispatchLease>();
        services.AddSingleton<DispatchRunner>();
        services.AddHostedService<DispatchLoop>();
        services.AddSingleton<PositionStream>();
        services.AddSingleton<DeliveryFeed>();
        services.AddHostedService<PositionWriter>();
        services.AddSingleton<TrackSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<TrackSweeper>());
        services.AddSignalR();
        services.AddAuthorizationBuilder()
            .AddPolicy(CourierPolicy, p => p.RequireAuthenticatedUser().RequireRole(PlatformRoles.Courier))
            .AddPolicy(PlatformDispatchPolicy, p => p.RequireAuthenticatedUser().RequireRole(PlatformRoles.Admin));
        return services;
    }

    public static IEndpointRouteBuilder MapDelivery(this IEndpointRouteBuilder app)
    {
        const string staff = "staff";
        const string manager = "manager";
        var stores = app.MapGroup("/api/v1/stores/{storeId:guid}").WithTags("Delivery");
        stores.MapGet("/delivery-settings", StoreDeliverySettings.Get).ForMerchantStaff(staff)
            .WithName("GetDeliverySettings").WithSummary("A store's delivery area, fees, preparation time and slots (staff).");
        stores.MapPut("/delivery-settings", StoreDeliverySettings.Put).ForMerchantStaff(manager)
            .WithName("PutDeliverySettings").WithSummary("Set a store's delivery area (radius or GeoJSON polygon), fees, minimum order, preparation time and slots (owner or manager).");
        stores.MapGet("/delivery-slots", StoreDeliverySettings.OpenSlots).ForPublic()
            .WithName("ListDeliverySlots").WithSummary("The store's delivery slots still open for ordering today and tomorrow (or on `date`), with places left.");
        stores.MapGet("/dispatch/jobs", DispatchBoard.OfStore).ForMerchantStaff(staff)
            .WithName("ListStoreDeliveryJobs").WithSummary("The store's active and failed delivery jobs and the couriers carrying them (staff).");
        stores.MapGet("/dispatch/couriers", DispatchBoard.CouriersForStore).ForMerchantStaff(staff)
            .WithName("ListStoreDispatchCouriers").WithSummary("Couriers on shift a dispatcher may hand the store's jobs to: vehicle, capacity, active jobs and distance from the store, never their position (staff).");
        stores.MapPost("/dispatch/pickups", DispatchBoard.StorePickup).ForMerchantStaff(staff)
            .WithName("ConfirmDeliveryPickup").WithSummary("The courier collects: staff scan the job code on the courier's screen; the order goes out for delivery.");
        stores.MapGet("/carriers", DeliveryCompanies.CarriersOfStore).ForMerchantStaff(staff)
            .WithName("ListStoreCarriers").WithSummary("The delivery companies that agreed to serve the store, to choose as its carrier (staff).");
        stores.MapGet("/delivery-stats", DeliveryStats.OfStore).ForMerchantStaff(staff)
            .WithName("GetStoreDeliveryStats").WithSummary("On-time rate, average delivery time and failures of the store's deliveries (staff).");

        app.MapPost("/api/v1/delivery/quotes", StoreDeliverySettings.Quote).ForConsumers()
            .WithTags("Delivery").WithName("QuoteDelivery").WithSummary("The fee and promised window for a delivery, as soon as possible or in a slot.");
        app.MapGet("/api/v1/orders/{orderId:guid}/delivery", Positions.OfOrder).ForConsumers()
            .WithTags("Delivery").WithName("GetOrderDelivery").WithSummary("The consumer's delivery: window, and the courier's position and ETA while on the way.");

        var jobs = app.MapGroup("/api/v1/delivery/jobs/{jobId:guid}").WithTags("Delivery");
        jobs.MapPost("/assign", DispatchBoard.Assign).ForMerchantStaff(staff)
            .WithName("AssignDeliveryJob").WithSummary("A dispatcher (the merchant's staff, or the carrying company's owner) gives the job to an on-shift courier of its carrier (or releases it with null); later batches keep it.");
        jobs.MapPost("/return", DispatchBoard.ConfirmReturn).ForMerchantStaff(staff)
            .WithName("ConfirmDeliveryReturn").WithSummary("Staff confirm the goods of a failed delivery are back: stock rises with movement `return`.");
        jobs.MapGet("/track", Positions.TrackOfJob).ForMerchantStaff(staff)
            .WithName("GetDeliveryJobTrack").WithSummary("The courier's recorded track during the job, for disputes (staff).");

        var courier = app.MapGroup("/api/v1/courier").WithTags("Courier");
        courier.MapGet("", Shifts.Me).ForPlatform(CourierPolicy)
            .WithName("GetCourier").WithSummary("The signed-in courier's shift, vehicle and capacity.");
        courier.MapPut("/shift", Shifts.Put).ForPlatform(CourierPolicy)
            .WithName("PutCourierShift").WithSummary("Go on or off shift, declaring vehicle (bicycle, scooter, car) and capacity.");
        courier.MapGet("/jobs", CourierJobs.Mine).ForPlatform(CourierPolicy)
            .WithName("ListCourierJobs").WithSummary("The courier's own active jobs in route order, with the consumer's address while the job is theirs.");
        courier.MapGet("/jobs/{jobId:guid}", CourierJobs.One).ForPlatform(CourierPolicy)
            .WithName("GetCourierJob").WithSummary("One of the courier's jobs.");
        courier.MapPost("/jobs/{jobId:guid}/pickup", CourierJobs.PickUp).ForPlatform(CourierPolicy)
            .WithName("PickUpDeliveryJob").WithSummary("The courier scans the order's label at the store; the order goes out for delivery.");
        courier.MapPost("/jobs/{jobId:guid}/deliver", CourierJobs.Deliver).ForPlatform(CourierPolicy)
            .WithName("DeliverDeliveryJob").WithSummary("Hand over against the consumer's six-digit delivery code; five wrong codes lock it for 15 minutes.");
        courier.MapPost("/jobs/{jobId:guid}/fail", CourierJobs.Fail).ForPlatform(CourierPolicy)
            .WithName("FailDeliveryJob").WithSummary("Report a failed delivery (not_home, refused, unreachable_address); the goods go back to the store.");
        courier.MapPost("/positions", Positions.Post).ForPlatform(CourierPolicy)
            .WithName("PostCourierPositions").WithSummary("A batch of 1-100 positions; bad points refuse the batch, impossible jumps are flagged.");
        courier.MapGet("/stats", DeliveryStats.OfCourier).ForPlatform(CourierPolicy)
            .WithName("GetCourierStats").WithSummary("The courier's own on-time rate, average delivery time and failures.");

        app.MapPost("/api/v1/delivery-companies", DeliveryCompanies.Register).ForConsumers().WithTags("Delivery companies")
            .WithName("RegisterDeliveryCompany").WithSummary("Register a delivery company (name, unified social credit code); the caller becomes its owner and dispatcher.");
        app.MapGet("/api/v1/delivery-companies", DeliveryCompanies.Mine).ForConsumers().WithTags("Delivery companies")
            .WithName("ListMyDeliveryCompanies").WithSummary("The delivery companies the caller owns.");
        var company = app.MapGroup("/api/v1/delivery-companies/{companyId:guid}").WithTags("Delivery companies");
        company.MapGet("", DeliveryCompanies.Get).ForConsumers()
            .WithName("GetDeliveryCompany").WithSummary("The company (its owner).");
        company.MapPost("/riders", DeliveryCompanies.AddRider).ForConsumers()
            .WithName("AddDeliveryCompanyRider").WithSummary("Add a registered user as a rider by phone: they become a courier carrying only the company's jobs.");
        company.MapGet("/riders", DeliveryCompanies.Riders).ForConsumers()
            .WithName("ListDeliveryCompanyRiders").WithSummary("The company's riders with shift status, vehicle, load and last position.");
        company.MapDelete("/riders/{courierId:guid}", DeliveryCompanies.RemoveRider).ForConsumers()
            .WithName("RemoveDeliveryCompanyRider").WithSummary("Remove a rider (refused while they carry goods); their planned jobs go back to planning.");
        company.MapPost("/stores", DeliveryCompanies.Serve).ForConsumers()
            .WithName("ServeStore").WithSummary("Agree to deliver for a store, which may then choose the company as its carrier.");
        company.MapGet("/stores", DeliveryCompanies.Stores).ForConsumers()
            .WithName("ListServedStores").WithSummary("The stores the company agreed to serve, and whether each has chosen it.");
        company.MapDelete("/stores/{storeId:guid}", DeliveryCompanies.StopServing).ForConsumers()
            .WithName("StopServingStore").WithSummary("Stop serving a store (refused while the store has the company as its carrier).");
        company.MapGet("/jobs", CompanyDispatch.Jobs).ForConsumers()
            .WithName("ListDeliveryCompanyJobs").WithSummary("Every active job the company carries, with drop-offs, and its couriers with live positions.");
        company.MapGet("/delivery-stats", CompanyDispatch.Stats).ForConsumers()
            .WithName("GetDeliveryCompanyStats").WithSummary("On-time rate, average delivery time and failures of the jobs the company carried.");

        var dispatch = app.MapGroup("/api/v1/dispatch").WithTags("Delivery");
        dispatch.MapGet("/jobs", DispatchBoard.All).ForPlatform(PlatformDispatchPolicy)
            .WithName("ListAllDeliveryJobs").WithSummary("Every active delivery job and on-shift courier (platform admin).");
        dispatch.MapPost("/batches", DispatchBoard.RunBatch).ForPlatform(PlatformDispatchPolicy)
            .WithName("RunDispatchBatch").WithSummary("Run a dispatch batch now instead of waiting for the next one (platform admin).");

        app.MapHub<DeliveryHub>(DeliveryHub.Path);
        return app;
    }
}
