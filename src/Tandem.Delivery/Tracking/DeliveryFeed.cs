using Microsoft.AspNetCore.SignalR;
using Tandem.Delivery.Contracts;
using Tandem.Delivery.Jobs;

namespace Tandem.Delivery.Tracking;

/// <summary>Pushes delivery changes to the hub's groups (on every host when the host wires the Redis backplane).</summary>
internal sealed class DeliveryFeed(IHubContext<DeliveryHub> hub)
{
    public async Task JobChangedAsync(DeliveryJob job)
    {
        var message = new JobChangedMessage(job.Id, job.OrderId, job.StoreId, JobStatuses.Name(job.Status), job.CourierId, job.Flag, job.PlannedDeliveryAt);
        List<string> groups = [DeliveryHub.StoreGroup(job.StoreId), DeliveryHub.OrderGroup(job.OrderId), DeliveryHub.DispatchGroup];
        if (job.CourierId is { } courierId)
        {
            groups.Add(DeliveryHub.CourierGroup(courierId));
        }

        if (job.CarrierId is { } companyId)
        {
            groups.Add(DeliveryHub.CompanyGroup(companyId));
        }

        await hub.Clients.Groups(groups).SendAsync(DeliveryHub.JobMessage, message);
    }

    public Task PositionAsync(IReadOnlyList<string> groups, CourierPositionMessage message) =>
        hub.Clients.Groups(groups).SendAsync(DeliveryHub.PositionMessage, message);
}
