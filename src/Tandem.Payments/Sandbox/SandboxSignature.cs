using System.Security.Cryptography;
using System.Text;

namespace Tandem.Payments.Sandbox;

/// <summary><c>X-Tandem-Signature: sha256=&lt;hex&gt;</c>, an HMAC-SHA256 of the raw body.</summary>
internal static class SandboxSignature
{
    public const string Header = "X-Tandem-Signature";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header)
    {
        if (string.IsNullOrEmpty(header) || !header.StartsWith("sha256=", StringComparison.Ordinal))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, body));
        var given = Encoding.ASCII.GetBytes(header.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
