using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Tandem.Delivery.Companies;
using Tandem.Delivery.Jobs;
using Tandem.Identity.Contracts;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Merchants.Contracts;

namespace Tandem.Delivery.Tracking;

/// <summary>
/// Live delivery at <c>/hubs/delivery</c> (bearer token in the header, or <c>?access_token=</c> for WebSockets).
/// <c>JoinOrder(orderId)</c>: the order's consumer; courier positions reach them only while the order is on its way.
/// <c>JoinStore(storeId)</c>: staff of the store's merchant; every courier carrying the store's jobs.
/// <c>JoinCompany(companyId)</c>: the delivery company's owner; its couriers and the jobs it carries.
/// <c>JoinDispatch()</c>: platform admins; every courier. Messages: <c>courierPosition</c> and <c>jobChanged</c>.
/// </summary>
[Authorize]
internal sealed class DeliveryHub(TandemDbContext db, IMerchantAccess merchants, IStoreDirectory stores) : Hub
{
    public const string Path = "/hubs/delivery";
    public const string PositionMessage = "courierPosition";
    public const string JobMessage = "jobChanged";
    public const string DispatchGroup = "dispatch";

    public static string OrderGroup(Guid orderId) => $"order:{orderId}";

    public static string StoreGroup(Guid storeId) => $"store:{storeId}";

    public static string CourierGroup(Guid courierId) => $"courier:{courierId}";

    public static string CompanyGroup(Guid companyId) => $"company:{companyId}";

    public override async Task OnConnectedAsync()
    {
        if (TandemClaims.UserId(Context.User) is { } userId && Context.User!.IsInRole(PlatformRoles.Courier))
        {
            // A courier hears about their own jobs being assigned or taken away.
            await Groups.AddToGroupAsync(Context.ConnectionId, CourierGroup(userId));
        }

        await base.OnConnectedAsync();
    }

    public async Task<bool> JoinOrder(Guid orderId)
    {
        var userId = TandemClaims.UserId(Context.User);
        if (userId is null || !await db.Set<DeliveryJob>().AnyAsync(j => j.OrderId == orderId && j.ConsumerId == userId, Context.ConnectionAborted))
        {
            return false;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, OrderGroup(orderId), Context.ConnectionAborted);
        return true;
    }

    public async Task<bool> JoinStore(Guid storeId)
    {
        var userId = TandemClaims.UserId(Context.User);
        var store = await stores.FindAsync(storeId, Context.ConnectionAborted);
        if (userId is null || store is null || await merchants.RoleOfAsync(userId.Value, store.MerchantId, Context.ConnectionAborted) is null)
        {
            return false;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, StoreGroup(storeId), Context.ConnectionAborted);
        return true;
    }

    public async Task<bool> JoinCompany(Guid companyId)
    {
        var userId = TandemClaims.UserId(Context.User);
        if (userId is null
            || !await db.Set<DeliveryCompany>().AnyAsync(c => c.Id == companyId && c.OwnerId == userId, Context.ConnectionAborted))
        {
            return false;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, CompanyGroup(companyId), Context.ConnectionAborted);
        return true;
    }

    public async Task<bool> JoinDispatch()
    {
        if (Context.User?.IsInRole(PlatformRoles.Admin) != true)
        {
            return false;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, DispatchGroup, Context.ConnectionAborted);
        return true;
    }
}
