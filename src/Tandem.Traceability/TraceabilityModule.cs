using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Ordering.Contracts;
using Tandem.Traceability.Chain;
using Tandem.Traceability.Contracts;
using Tandem.Traceability.Data;
using Tandem.Traceability.Demo;
using Tandem.Traceability.DigitalLink;
using Tandem.Traceability.Epcis;
using Tandem.Traceability.Lots;
using Tandem.Traceability.LotStocks;
using Tandem.Traceability.Recalls;
using Tandem.Traceability.Tracing;

namespace Tandem.Traceability;

/// <summary>Full-process traceability: EPCIS 2.0 events, GS1 Digital Link, trace pages, recalls, tamper evidence.</summary>
public static class TraceabilityModule
{
    public static IServiceCollection AddTraceability(this IServiceCollection services)
    {
        services.AddSingleton<IModuleModel, TraceabilityModel>();
        services.AddScoped<MerchantScope>();
        services.AddScoped<EventLog>();
        services.AddScoped<TraceGraph>();
        services.AddScoped<TraceSummaries>();
        services.AddScoped<TraceViews>();
        services.AddScoped<LotAccess>();
        services.AddScoped<ChainSigner>();
        services.AddHostedService<ChainHeadPublisher>();
        services.AddScoped<ITraceDemo, TraceDemo>();
        services.AddScoped<RecallEffects>();
        services.AddIntegrationEventHandler<OrderCompleted, LotSales>();
        services.AddIntegrationEventHandler<CounterSaleRecorded, LotSales>();
        return services;
    }

    public static IEndpointRouteBuilder MapTraceability(this IEndpointRouteBuilder app)
    {
        // The EPCIS 2.0 REST binding, at the paths the standard names, under /epcis.
        var epcis = app.MapGroup("/epcis").WithTags("EPCIS").ForMerchantStaff("staff");
        epcis.MapPost("/capture", Capture.Document)
            .WithName("EpcisCapture").WithSummary("Capture an EPCISDocument: all events or none; 202 with the capture job's Location.");
        epcis.MapGet("/capture/{captureId}", Capture.GetJob)
            .WithName("EpcisCaptureJob").WithSummary("A capture job's status.");
        epcis.MapPost("/events", Capture.SingleEvent)
            .WithName("EpcisCaptureEvent").WithSummary("Capture one EPCIS event.");
        epcis.MapGet("/events", QueryEvents.Handle)
            .WithName("EpcisQueryEvents").WithSummary("Query events with the SimpleEventQuery parameters; paged with perPage and nextPageToken.");
        epcis.MapGet("/events/{eventId}", QueryEvents.One)
            .WithName("EpcisEvent").WithSummary("One event by its eventID (URL-encoded).");
        epcis.MapGet("/eventTypes", Discovery.Types).WithName("EpcisEventTypes").WithSummary("The event types.");
        foreach (var what in (string[])["bizSteps", "dispositions", "readPoints", "bizLocations", "epcs"])
        {
            epcis.MapGet("/" + what, Discovery.Of(what)).WithName("Epcis_" + what).WithSummary($"The {what} your events use.");
        }

        app.MapGet("/epcis/context", () => Results.Text(EpcisSchema.Context, "application/ld+json")).ForPublic()
            .WithTags("EPCIS").WithName("EpcisContext").WithSummary("The EPCIS 2.0 JSON-LD context (a local copy of GS1's).");

        // Lots, their codes and pages.
        app.MapPost("/api/v1/merchants/{merchantId:guid}/lots", RegisterLot.Handle).ForMerchantStaff("manager").WithTags("Traceability")
            .WithName("RegisterLot").WithSummary("Register a lot of a product: its GS1 Digital Link, QR codes and public trace page.");
        app.MapGet("/api/v1/merchants/{merchantId:guid}/lots", RegisterLot.List).ForMerchantStaff("staff").WithTags("Traceability")
            .WithName("ListLots").WithSummary("The merchant's lots, newest first.");
        app.MapGet("/api/v1/trace/lots/{gtin}/{lot}/qr.{format}", Resolver.LotQr).ForPublic().WithTags("Traceability")
            .WithName("LotQrCode").WithSummary("A lot's Digital Link as a QR code (.png or .svg) for labels.");
        app.MapGet("/api/v1/trace/qr.{format}", Resolver.LinkQr).ForPublic().WithTags("Traceability")
            .WithName("DigitalLinkQrCode").WithSummary("Any GS1 Digital Link (?link=) as a QR code (.png or .svg).");
        // Tandem's own Digital Link resolver: the public trace page (HTML, or JSON with Accept: application/json).
        app.MapGet("/01/{**rest}", Resolver.Handle).ForPublic().WithTags("Traceability")
            .WithName("ResolveDigitalLink").WithSummary("GS1 Digital Link resolver: /01/{gtin}/10/{lot}[/21/{serial}] opens the trace page.");

        // Tracing and recalls.
        app.MapGet("/api/v1/trace/lots/{gtin}/{lot}/forward", TraceLots.For(TraceDirection.Forward)).ForMerchantStaff("staff").WithTags("Traceability")
            .WithName("TraceForward").WithSummary("Where a lot went: lots made from it, containers, stores (regulators: any lot; merchants: their own).");
        app.MapGet("/api/v1/trace/lots/{gtin}/{lot}/backward", TraceLots.For(TraceDirection.Backward)).ForMerchantStaff("staff").WithTags("Traceability")
            .WithName("TraceBackward").WithSummary("Where a lot came from: its inputs, their lots and places.");
        app.MapPost("/api/v1/trace/lots/{gtin}/{lot}/recall", RecallLot.Handle).ForMerchantStaff("manager").WithTags("Traceability")
            .WithName("RecallLot").WithSummary("Recall a lot (a regulator, or a manager of its producer): traces forward and publishes LotRecalled.");
        app.MapPost("/api/v1/trace/recalls/{recallId:guid}/withdraw", RecallLot.Withdraw).ForMerchantStaff("manager").WithIdempotencyKey().WithTags("Traceability")
            .WithName("WithdrawRecall").WithSummary("Withdraw a recall (whoever could make it): lifts what it still blocks and tells everyone it notified.");
        app.MapGet("/api/v1/trace/recalls", RecallLot.List).ForPublic().WithTags("Traceability")
            .WithName("ListRecalls").WithSummary("Every recall, newest first.");

        // Lots in stores' stock, what orders drew from them, and what recalls told people.
        app.MapPost("/api/v1/stores/{storeId:guid}/lot-receipts", ReceiveLot.Handle).ForMerchantStaff("staff").WithTags("Traceability")
            .WithName("ReceiveLot").WithSummary("Receive goods of a lot into the store's stock (sales then draw from lots first in, first out).");
        app.MapGet("/api/v1/stores/{storeId:guid}/lots", ReceiveLot.List).ForMerchantStaff("staff").WithTags("Traceability")
            .WithName("ListStoreLots").WithSummary("The lots in the store's stock: received, remaining, blocked by a recall.");
        app.MapPost("/api/v1/stores/{storeId:guid}/lots/{gtin}/{lot}/disposals", DisposeLot.Handle).ForMerchantStaff("manager").WithIdempotencyKey()
            .WithTags("Traceability").WithName("DisposeLot")
            .WithSummary("Recalled units of a lot leave the store (destroyed or returned): onHand, blocked and the lot's remaining fall.");
        app.MapGet("/api/v1/me/orders/{orderId:guid}/lots", RecallNotices.OrderLots).ForConsumers().WithTags("Traceability")
            .WithName("OrderLots").WithSummary("The lots your order drew from, and whether any is recalled.");
        app.MapGet("/api/v1/me/recall-notices", RecallNotices.Mine).ForConsumers().WithTags("Traceability")
            .WithName("MyRecallNotices").WithSummary("Recalls of lots in your orders, newest first.");
        app.MapGet("/api/v1/merchants/{merchantId:guid}/recall-notices", RecallNotices.OfMerchant).ForMerchantStaff("staff").WithTags("Traceability")
            .WithName("MerchantRecallNotices").WithSummary("Recalls touching your stores, with the stock they blocked.");

        // Tamper evidence.
        app.MapGet("/api/v1/trace/chain-heads", ChainEndpoints.Heads).ForPublic().WithTags("Traceability")
            .WithName("ChainHeads").WithSummary("The signed heads of every merchant's EPCIS hash chain, and the platform's public key.");
        app.MapPost("/api/v1/platform/trace/chain-heads", ChainEndpoints.Publish).ForPlatform("platform-admin").WithTags("Platform")
            .WithName("PublishChainHeads").WithSummary("Sign and publish moved chain heads now (they are also published on a timer).");
        app.MapGet("/api/v1/trace/chains/{merchantId:guid}/verify", ChainEndpoints.Verify).ForMerchantStaff("staff").WithTags("Traceability")
            .WithName("VerifyChain").WithSummary("Recompute a merchant's chain and report the first break (its staff, or a regulator).");
        return app;
    }
}
