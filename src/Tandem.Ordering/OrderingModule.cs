using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Delivery.Contracts;
using Tandem.Inventory.Contracts;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Ordering.AtRisk;
using Tandem.Ordering.Cancelling;
using Tandem.Ordering.Counter;
using Tandem.Ordering.Data;
using Tandem.Ordering.Delivering;
using Tandem.Ordering.Expiry;
using Tandem.Ordering.Fulfilment;
using Tandem.Ordering.Orders;
using Tandem.Ordering.Paying;
using Tandem.Ordering.Pickup;
using Tandem.Ordering.Placing;
using Tandem.Ordering.Reading;
using Tandem.Payments.Contracts;

namespace Tandem.Ordering;

/// <summary>Online orders (place, pay, accept, ready, hand over, cancel, expire) and counter sales, on the one shared stock.</summary>
public static class OrderingModule
{
    public static IServiceCollection AddOrdering(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IModuleModel, OrderingModel>();
        services.Configure<OrderOptions>(configuration.GetSection("Tandem:Orders"));
        services.AddSingleton<PickupCodeDraw>();
        services.AddScoped<OrderAccess>();
        services.AddScoped<OrderLifecycle>();
        services.AddScoped<ClosingOrders>();
        services.AddScoped<IStockChangeObserver, AtRiskOrders>();
        services.AddScoped<IPaymentOutcomeHandler, PaymentOutcomes>();
        services.AddScoped<IDeliveryOrders, DeliveryOrders>();
        services.AddHostedService<ExpiredOrderSweeper>();
        return services;
    }

    public static IEndpointRouteBuilder MapOrdering(this IEndpointRouteBuilder app)
    {
        const string staff = "staff";
        var orders = app.MapGroup("/api/v1/orders").WithTags("Orders");
        orders.MapPost("", PlaceOrder.Handle).ForConsumers().WithIdempotencyKey()
            .WithName("PlaceOrder").WithSummary("Place an order at one store; every line is reserved or none (Idempotency-Key honoured).");
        orders.MapGet("/{orderId:guid}", ReadOrders.One).ForConsumers()
            .WithName("GetOrder").WithSummary("An order, for its consumer or staff of its merchant.");
        orders.MapPost("/{orderId:guid}/pay", PayOrder.Handle).ForConsumers().WithIdempotencyKey()
            .WithName("PayOrder").WithSummary("Pay an order awaiting payment (sandbox; Idempotency-Key honoured).")
            .WithDescription("Body `{method: \"sandbox\", sandbox?: {outcome, repeat, reorder, latencyMs}}`. Sandbox test controls: " +
                "`outcome` approve | decline | delay (delay: pending until `POST /api/v1/payments/sandbox/{paymentId}/settle`); " +
                "`repeat` 1-10 sends each signed notification that many times at once; `reorder` sends them newest first; " +
                "`latencyMs` 0-10000 delays the provider. With auto-approve the order is paid when this returns.");
        orders.MapPost("/{orderId:guid}/cancel", CancelOrder.Handle).ForConsumers()
            .WithName("CancelOrder").WithSummary("Cancel: the consumer before acceptance, staff before completion; stock released, payment refunded.");
        orders.MapGet("/{orderId:guid}/pickup-qr.svg", PickupQr.Svg).ForConsumers()
            .WithName("GetPickupQrSvg").WithSummary("The consumer's pickup QR code as SVG, once paid.");
        orders.MapGet("/{orderId:guid}/pickup-qr.png", PickupQr.Png).ForConsumers()
            .WithName("GetPickupQrPng").WithSummary("The consumer's pickup QR code as PNG, once paid.");
        orders.MapPost("/{orderId:guid}/accept", StoreActions.Accept).ForMerchantStaff(staff)
            .WithName("AcceptOrder").WithSummary("Accept a paid order (staff).");
        orders.MapPost("/{orderId:guid}/ready", StoreActions.MarkReady).ForMerchantStaff(staff)
            .WithName("MarkOrderReady").WithSummary("Mark an accepted order ready for pickup or dispatch (staff).");
        orders.MapPost("/{orderId:guid}/handover", Handover.ByOrder).ForMerchantStaff(staff)
            .WithName("HandOverOrder").WithSummary("Hand over against the consumer's pickup code; five wrong codes lock it for 15 minutes (staff).");

        app.MapGet("/api/v1/me/orders", ReadOrders.Mine).ForConsumers()
            .WithTags("Orders").WithName("ListMyOrders").WithSummary("The caller's orders, newest first.");
        app.MapGet("/api/v1/merchants/{merchantId:guid}/orders", ReadOrders.OfMerchant).ForMerchantStaff(staff)
            .WithTags("Orders").WithName("ListMerchantOrders").WithSummary("The merchant's orders, newest first, by status and store (staff).");
        app.MapPost("/api/v1/stores/{storeId:guid}/pickups", Handover.ByCode).ForMerchantStaff(staff)
            .WithTags("Orders").WithName("PickUpByCode").WithSummary("Hand over the store's open order with this pickup code (staff).");

        var pos = app.MapGroup("/api/v1/stores/{storeId:guid}/pos/sales").WithTags("Counter sales");
        pos.MapPost("", CounterSales.Record).ForMerchantStaff(staff).WithIdempotencyKey()
            .WithName("RecordCounterSale").WithSummary("Record a counter sale; never refused for stock (Idempotency-Key honoured).");
        pos.MapGet("/{saleId:guid}", CounterSales.One).ForMerchantStaff(staff)
            .WithName("GetCounterSale").WithSummary("A counter sale, for the receipt (staff).");
        return app;
    }
}
