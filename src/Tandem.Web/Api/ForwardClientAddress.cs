using Microsoft.AspNetCore.Http;
using Tandem.Kernel.Http;

namespace Tandem.Web.Api;

/// <summary>Passes the page visitor's address to the API (see <see cref="ClientAddress"/>), so limits count people, not the loopback.</summary>
internal sealed class ForwardClientAddress(IHttpContextAccessor accessor, ClientAddress clientAddress) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Inside an interactive circuit there is no HTTP request; the API then sees the loopback, as before.
        if (accessor.HttpContext?.Connection.RemoteIpAddress is { } visitor)
        {
            request.Headers.Remove(ClientAddress.AddressHeader);
            request.Headers.Remove(ClientAddress.KeyHeader);
            request.Headers.Add(ClientAddress.AddressHeader, visitor.ToString());
            request.Headers.Add(ClientAddress.KeyHeader, clientAddress.Key);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
