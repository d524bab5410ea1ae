using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;

namespace Tandem.Web.Api;

/// <summary>
/// Where the web app reaches the API: <c>Tandem:Web:ApiBaseAddress</c> when set, otherwise the host's own
/// loopback address as Kestrel reports it (so <c>--urls</c> and port 0 in tests just work).
/// </summary>
public sealed class ApiAddress(IServer server, IConfiguration configuration)
{
    private Uri? _value;

    public Uri Value => _value ??= Resolve();

    private Uri Resolve()
    {
        var configured = configuration["Tandem:Web:ApiBaseAddress"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new Uri(configured);
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? addresses.FirstOrDefault()
            ?? "http://127.0.0.1:5080";
        return new Uri(Loopback(chosen));
    }

    /// <summary>Wildcard hosts (<c>0.0.0.0</c>, <c>[::]</c>, <c>+</c>, <c>*</c>) become the IPv4 loopback.</summary>
    internal static string Loopback(string address)
    {
        foreach (var wildcard in new[] { "://0.0.0.0", "://[::]", "://+", "://*" })
        {
            address = address.Replace(wildcard, "://127.0.0.1", StringComparison.Ordinal);
        }

        return address;
    }
}
