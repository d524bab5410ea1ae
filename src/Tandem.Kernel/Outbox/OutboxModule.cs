using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tandem.Kernel.Http;

namespace Tandem.Kernel.Outbox;

/// <summary>The outbox dispatcher and its operator endpoints, for the host to wire in.</summary>
public static class OutboxModule
{
    /// <summary>
    /// Runs the dispatcher in this host (settings <c>Tandem:Outbox</c>). Handlers are found among the
    /// registered <see cref="IIntegrationEventHandler{TEvent}"/> services, whenever they were added.
    /// </summary>
    public static IServiceCollection AddTandemOutbox(this IServiceCollection services)
    {
        services.AddOptions<OutboxOptions>()
            .BindConfiguration(OutboxOptions.Section)
            .Validate(o => o.BatchSize > 0 && o.Concurrency > 0 && o.MaxAttempts > 0, "Tandem:Outbox: BatchSize, Concurrency and MaxAttempts must be positive.")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.LeaseDuration > TimeSpan.Zero, "Tandem:Outbox: PollInterval and LeaseDuration must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(new IntegrationEventTypes(services));
        services.TryAddSingleton<OutboxMetrics>();
        services.TryAddSingleton<OutboxDelivery>();
        services.AddHostedService<OutboxDispatcher>();
        return services;
    }

    /// <summary>Subscribes <typeparamref name="THandler"/> to <typeparamref name="TEvent"/> (a scoped service).</summary>
    public static IServiceCollection AddIntegrationEventHandler<TEvent, THandler>(this IServiceCollection services)
        where TEvent : IIntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IIntegrationEventHandler<TEvent>, THandler>());
        return services;
    }

    /// <summary>Parked messages for operators: list and replay, behind <paramref name="adminPolicy"/> (the platform admin policy).</summary>
    public static IEndpointRouteBuilder MapTandemOutbox(this IEndpointRouteBuilder app, string adminPolicy)
    {
        var group = app.MapGroup("/api/v1/platform/outbox").ForPlatform(adminPolicy).WithTags("Platform");
        group.MapGet("/parked", ParkedMessages.List)
            .WithName("ListParkedOutboxMessages")
            .WithSummary("Integration events whose delivery failed every attempt, newest parked first.");
        group.MapPost("/{messageId}/replay", ParkedMessages.Replay)
            .WithName("ReplayOutboxMessage")
            .WithSummary("Send a parked event back to the dispatcher; handlers that already processed it skip it.")
            .Produces(StatusCodes.Status202Accepted);
        return app;
    }
}
