using Microsoft.AspNetCore.SignalR;
using Tandem.Inventory.Contracts;
using Tandem.Kernel.Outbox;
using Tandem.Ordering.Contracts;
using Tandem.Web.Api;
using Tandem.Web.Session;

namespace Tandem.Web.Live;

/// <summary>What <c>/hubs/orders</c> sends: <c>orderChanged</c> with this payload.</summary>
public sealed record OrderChangedMessage(Guid OrderId, Guid StoreId, string? Status, string Kind);

/// <summary>
/// Live order updates for browsers and apps at <c>/hubs/orders</c>. A client joins the board of a store it works
/// for (<c>JoinStore(storeId)</c>) or one of its orders (<c>JoinOrder(orderId)</c>) and then receives
/// <c>orderChanged</c>. Who may join is decided by the public API with the caller's own token (web session
/// cookie, <c>Authorization: Bearer</c>, or <c>?access_token=</c> for WebSocket clients), so the hub grants
/// nothing the API would not.
/// </summary>
public sealed class OrdersHub(TandemApi api) : Hub
{
    public const string Path = "/hubs/orders";
    public const string Message = "orderChanged";

    public static string StoreGroup(Guid storeId) => $"store:{storeId}";

    public static string OrderGroup(Guid orderId) => $"order:{orderId}";

    public async Task<bool> JoinStore(Guid storeId)
    {
        if (!UseCallerToken())
        {
            return false;
        }

        try
        {
            var store = await api.GetStoreAsync(storeId, Context.ConnectionAborted);
            await api.GetMerchantAsync(store.MerchantId, Context.ConnectionAborted);
        }
        catch (ApiException)
        {
            return false;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, StoreGroup(storeId), Context.ConnectionAborted);
        return true;
    }

    public async Task<bool> JoinOrder(Guid orderId)
    {
        if (!UseCallerToken())
        {
            return false;
        }

        try
        {
            await api.GetOrderAsync(orderId, Context.ConnectionAborted);
        }
        catch (ApiException)
        {
            return false;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, OrderGroup(orderId), Context.ConnectionAborted);
        return true;
    }

    private bool UseCallerToken()
    {
        var http = Context.GetHttpContext();
        var token = (Context.User is { } user ? WebSession.FromPrincipal(user)?.AccessToken : null)
            ?? Bearer(http?.Request.Headers.Authorization.ToString())
            ?? http?.Request.Query["access_token"].ToString();
        if (string.IsNullOrWhiteSpace(token))
        {
            return false;
        }

        api.UseToken(token);
        return true;
    }

    private static string? Bearer(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
}

/// <summary>
/// Turns ordering's outbox events into live updates: the in-process feed (Blazor pages) and the hub's groups. It changes
/// no data, so the dispatcher calls it outside a transaction; a repeated push only makes a page read again.
/// </summary>
[ChangesNoData]
internal sealed class OrderEventsToLive(OrderFeed feed, IHubContext<OrdersHub> hub) :
    IIntegrationEventHandler<OrderPlaced>, IIntegrationEventHandler<OrderPaid>, IIntegrationEventHandler<OrderAccepted>,
    IIntegrationEventHandler<OrderReady>, IIntegrationEventHandler<OrderCompleted>, IIntegrationEventHandler<OrderCancelled>,
    IIntegrationEventHandler<StockChanged>
{
    public Task HandleAsync(OrderPlaced e, CancellationToken ct) => SendAsync(e.OrderId, e.StoreId, "awaiting_payment", "placed", ct);

    public Task HandleAsync(OrderPaid e, CancellationToken ct) => SendAsync(e.OrderId, e.StoreId, "paid", "paid", ct);

    public Task HandleAsync(OrderAccepted e, CancellationToken ct) => SendAsync(e.OrderId, e.StoreId, "accepted", "accepted", ct);

    public Task HandleAsync(OrderReady e, CancellationToken ct) =>
        SendAsync(e.OrderId, e.StoreId, e.Fulfillment == "delivery" ? "ready_for_dispatch" : "ready_for_pickup", "ready", ct);

    public Task HandleAsync(OrderCompleted e, CancellationToken ct) => SendAsync(e.OrderId, e.StoreId, "completed", "completed", ct);

    public Task HandleAsync(OrderCancelled e, CancellationToken ct) => SendAsync(e.OrderId, e.StoreId, "cancelled", "cancelled", ct);

    // Stock changes can flag or clear at-risk orders: the store's board re-reads.
    public Task HandleAsync(StockChanged e, CancellationToken ct) => SendAsync(Guid.Empty, e.StoreId, null, "stock", ct);

    private async Task SendAsync(Guid orderId, Guid storeId, string? status, string kind, CancellationToken ct)
    {
        var message = new OrderChangedMessage(orderId, storeId, status, kind);
        await feed.PublishAsync(new OrderSignal(orderId, storeId, status, kind));
        await hub.Clients.Group(OrdersHub.StoreGroup(storeId)).SendAsync(OrdersHub.Message, message, ct);
        if (orderId != Guid.Empty)
        {
            await hub.Clients.Group(OrdersHub.OrderGroup(orderId)).SendAsync(OrdersHub.Message, message, ct);
        }
    }
}
