using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Traceability.Data;
using Tandem.Traceability.Epcis;

namespace Tandem.Traceability;

/// <summary>Full-process traceability: EPCIS 2.0 events, GS1 Digital Link, trace pages, recalls, tamper evidence.</summary>
public static class TraceabilityModule
{
    public static IServiceCollection AddTraceability(this IServiceCollection services)
    {
        services.AddSingleton<IModuleModel, TraceabilityModel>();
        services.AddScoped<MerchantScope>();
        services.AddScoped<EventLog>();
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
        return app;
    }
}
