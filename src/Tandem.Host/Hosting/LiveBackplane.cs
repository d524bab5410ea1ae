using StackExchange.Redis;

namespace Tandem.Host.Hosting;

/// <summary>
/// Live pushes (courier positions, job and order changes on <c>/hubs/delivery</c> and <c>/hubs/orders</c>) reach the
/// clients of every host when <c>ConnectionStrings:Redis</c> names a Redis server: SignalR publishes each group message
/// there and every host delivers it to its own connections. Without it, a host pushes to the clients connected to it.
/// <c>Tandem:Live:ChannelPrefix</c> (default <c>tandem</c>) keeps several Tandem installations on one Redis apart.
/// </summary>
internal static class LiveBackplane
{
    public static IServiceCollection AddTandemLiveBackplane(this IServiceCollection services, IConfiguration configuration)
    {
        var redis = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            return services;
        }

        var prefix = configuration["Tandem:Live:ChannelPrefix"] is { Length: > 0 } p ? p : "tandem";
        services.AddSignalR().AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix));
        return services;
    }
}
