using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Tandem.Kernel.Http;

/// <summary>
/// The address of the person behind a request. The web pages call the API over loopback inside the same process,
/// so to the API every page visitor would look like 127.0.0.1 and share one sign-in allowance. The pages' API client
/// therefore passes the visitor's address along with a key that exists only in this process's memory; the API trusts
/// that address only when the key matches, so nobody outside can choose the address they are counted under.
/// </summary>
public sealed class ClientAddress
{
    public const string AddressHeader = "X-Tandem-Client-Address";
    public const string KeyHeader = "X-Tandem-Forwarding-Key";

    /// <summary>A fresh random key per process.</summary>
    public string Key { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The forwarded visitor's address when the request carries this process's key, else the connection's.</summary>
    public IPAddress? Of(HttpContext http)
    {
        var headers = http.Request.Headers;
        if (headers.TryGetValue(KeyHeader, out var key)
            && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(key.ToString()), System.Text.Encoding.ASCII.GetBytes(Key))
            && IPAddress.TryParse(headers[AddressHeader].ToString(), out var forwarded))
        {
            return forwarded;
        }

        return http.Connection.RemoteIpAddress;
    }
}
