using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tandem.Traceability.DigitalLink;

namespace Tandem.Traceability.Epcis;

/// <summary>
/// One key per identifier, so an EPC URN and the equivalent GS1 Digital Link on any host match:
/// <c>urn:epc:id:sgtin:0614141.107346.2017</c> and <c>https://example.com/01/00614141073467/21/2017</c>
/// both become <c>https://id.gs1.org/01/00614141073467/21/2017</c>. Identifiers Tandem does not know
/// (other URIs, other EPC schemes) are their own key, trimmed. Keys longer than <see cref="MaxKeyLength"/>
/// are stored as a SHA-256 digest so they still index.
/// </summary>
internal static class EpcKeys
{
    public const int MaxKeyLength = 400;
    private const string Host = DigitalLinkUri.CanonicalHost;

    public static string Normalise(string id)
    {
        var key = NormaliseUnbounded(id.Trim());
        return key.Length <= MaxKeyLength ? key : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>
    /// A query value: an exact key, or for an EPC pattern (<c>urn:epc:idpat:sgtin:0614141.107346.*</c>) the
    /// key prefix every matching identifier starts with.
    /// </summary>
    public static (string Key, bool IsPrefix) ForQuery(string value)
    {
        var v = value.Trim();
        if (v.StartsWith("urn:epc:idpat:", StringComparison.Ordinal) && v.EndsWith(".*", StringComparison.Ordinal))
        {
            var parts = v["urn:epc:idpat:".Length..].Split(':', 2);
            if (parts.Length == 2)
            {
                var fields = parts[1].Split('.');
                if (parts[0] == "sgtin" && fields.Length == 3 && fields[2] == "*" && Gtin(fields[0], fields[1]) is { } gtin)
                {
                    return ($"{Host}/01/{gtin}/21/", true);
                }

                if (parts[0] == "lgtin" && fields.Length == 3 && fields[2] == "*" && Gtin(fields[0], fields[1]) is { } lgtin)
                {
                    return ($"{Host}/01/{lgtin}/10/", true);
                }
            }
        }

        return (Normalise(v), false);
    }

    private static string NormaliseUnbounded(string id)
    {
        if (id.StartsWith("urn:epc:", StringComparison.Ordinal))
        {
            return FromEpcUrn(id) ?? id;
        }

        if (id.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || id.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (DigitalLinkUri.TryParse(id, out var link))
            {
                // An instance is its GTIN and serial (as in the SGTIN); a lot qualifier does not change which item it is.
                return link.Serial is not null
                    ? $"{Host}/01/{link.PrimaryValue}/21/{DigitalLinkUri.Encode(link.Serial)}"
                    : link.Cpv is not null && link.Lot is null
                        ? $"{Host}/01/{link.PrimaryValue}/22/{DigitalLinkUri.Encode(link.Cpv)}"
                        : link.ToString();
            }
        }

        return id;
    }

    /// <summary>The lot-level key implied by a Digital Link item that names its lot (<c>/01/g/10/l/21/s</c>), if any.</summary>
    public static string? LotOf(string id)
    {
        var v = id.Trim();
        if ((v.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || v.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            && DigitalLinkUri.TryParse(v, out var link) && link is { Lot: not null, Serial: not null, Gtin: not null })
        {
            return $"{Host}/01/{link.Gtin}/10/{DigitalLinkUri.Encode(link.Lot)}";
        }

        return null;
    }

    public static string LotKey(string gtin14, string lot) => $"{Host}/01/{gtin14}/10/{DigitalLinkUri.Encode(lot)}";

    private static string? FromEpcUrn(string urn)
    {
        // urn:epc:id:sgtin:0614141.107346.2017, urn:epc:class:lgtin:4012345.012345.998877, ...
        var parts = urn.Split(':');
        if (parts.Length != 5)
        {
            return null;
        }

        var scheme = parts[3];
        var fields = parts[4].Split('.');
        switch (parts[2], scheme)
        {
            case ("id", "sgtin") when fields.Length == 3 && Gtin(fields[0], fields[1]) is { } gtin && Unescape(fields[2]) is { } serial:
                return $"{Host}/01/{gtin}/21/{DigitalLinkUri.Encode(serial)}";
            case ("class", "lgtin") when fields.Length == 3 && Gtin(fields[0], fields[1]) is { } gtin && Unescape(fields[2]) is { } lot:
                return $"{Host}/01/{gtin}/10/{DigitalLinkUri.Encode(lot)}";
            case ("idpat", "sgtin") when fields.Length == 3 && fields[2] == "*" && Gtin(fields[0], fields[1]) is { } gtin:
                return $"{Host}/01/{gtin}";
            case ("id", "sscc") when fields.Length == 2 && Digits(fields[0]) && Digits(fields[1]) && fields[0].Length + fields[1].Length == 17:
                {
                    var body = fields[1][0] + fields[0] + fields[1][1..];
                    return $"{Host}/00/{WithCheckDigit(body)}";
                }

            case ("id", "sgln") when fields.Length == 3 && Digits(fields[0]) && Digits(fields[1]) && fields[0].Length + fields[1].Length == 12 && Unescape(fields[2]) is { } ext:
                {
                    var gln = WithCheckDigit(fields[0] + fields[1]);
                    return ext == "0" ? $"{Host}/414/{gln}" : $"{Host}/414/{gln}/254/{DigitalLinkUri.Encode(ext)}";
                }

            case ("id", "pgln") when fields.Length == 2 && Digits(fields[0]) && Digits(fields[1]) && fields[0].Length + fields[1].Length == 12:
                return $"{Host}/417/{WithCheckDigit(fields[0] + fields[1])}";
            case ("id", "grai") when fields.Length == 3 && Digits(fields[0]) && Digits(fields[1]) && fields[0].Length + fields[1].Length == 12 && Unescape(fields[2]) is { } s:
                return $"{Host}/8003/0{WithCheckDigit(fields[0] + fields[1])}{DigitalLinkUri.Encode(s)}";
            case ("id", "giai") when fields.Length == 2 && Digits(fields[0]) && Unescape(fields[1]) is { } asset:
                return $"{Host}/8004/{fields[0]}{DigitalLinkUri.Encode(asset)}";
            default:
                return null;
        }
    }

    /// <summary>GTIN-14 from an EPC company prefix and indicator+item reference (13 digits together).</summary>
    private static string? Gtin(string companyPrefix, string itemReference)
    {
        if (!Digits(companyPrefix) || !Digits(itemReference) || companyPrefix.Length + itemReference.Length != 13 || companyPrefix.Length < 6)
        {
            return null;
        }

        return WithCheckDigit(itemReference[0] + companyPrefix + itemReference[1..]);
    }

    private static string WithCheckDigit(string body) =>
        body + Kernel.Gtin.CheckDigit(body).ToString(CultureInfo.InvariantCulture);

    private static bool Digits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    /// <summary>EPC URNs escape some characters as %XX (TDS 2.0 §6); undo it.</summary>
    private static string? Unescape(string s)
    {
        if (s.Length == 0)
        {
            return null;
        }

        try
        {
            return Uri.UnescapeDataString(s);
        }
        catch (UriFormatException)
        {
            return null;
        }
    }
}
