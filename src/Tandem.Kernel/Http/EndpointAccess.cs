using Microsoft.AspNetCore.Builder;

namespace Tandem.Kernel.Http;

/// <summary>Who an endpoint is for. Every API endpoint declares one; a test fails on any that does not.</summary>
public enum Audience
{
    /// <summary>Anyone, signed in or not (store pages, product pages, trace pages).</summary>
    Public,

    /// <summary>Any signed-in user acting for themselves (their account, their orders).</summary>
    Consumer,

    /// <summary>Staff of the merchant that owns the resource, with at least <see cref="EndpointAccess.MinimumRole"/>.</summary>
    MerchantStaff,

    /// <summary>Platform roles: admin, courier, regulator.</summary>
    Platform,

    /// <summary>Machine callers proving themselves another way (a payment provider's signature).</summary>
    Machine,
}

/// <summary>Endpoint metadata naming its audience; merchant endpoints also name the least role that may call them.</summary>
public sealed record EndpointAccess(Audience Audience, string? MinimumRole = null);

public static class EndpointAccessExtensions
{
    public static TBuilder ForPublic<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(Audience.Public)).AllowAnonymous();

    public static TBuilder ForConsumers<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(Audience.Consumer)).RequireAuthorization();

    /// <summary>Merchant-owned: the handler checks the caller's role in the owning merchant (404 outside it, 403 below <paramref name="minimumRole"/>).</summary>
    public static TBuilder ForMerchantStaff<TBuilder>(this TBuilder builder, string minimumRole) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(Audience.MerchantStaff, minimumRole)).RequireAuthorization();

    public static TBuilder ForPlatform<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(Audience.Platform)).RequireAuthorization(policy);

    public static TBuilder ForMachines<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(Audience.Machine)).AllowAnonymous();
}
