using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Tandem.Kernel;

namespace Tandem.Traceability.DigitalLink;

/// <summary>
/// A GS1 Digital Link URI path for the identifiers Tandem traces: a trade item
/// (<c>/01/{gtin}</c>, optionally <c>/22/{cpv}</c>, <c>/10/{lot}</c>, <c>/21/{serial}</c>, in that order),
/// a logistic unit (<c>/00/{sscc}</c>) or a location (<c>/414/{gln}</c>, optionally <c>/254/{extension}</c>).
/// Parsing checks check digits, qualifier order, lengths and the GS1 character set 82; it never throws.
/// </summary>
internal sealed record DigitalLinkUri
{
    public const string CanonicalHost = "https://id.gs1.org";

    private DigitalLinkUri(string primaryAi, string primaryValue)
    {
        PrimaryAi = primaryAi;
        PrimaryValue = primaryValue;
    }

    /// <summary><c>01</c>, <c>00</c> or <c>414</c>.</summary>
    public string PrimaryAi { get; }

    /// <summary>The GTIN (14 digits), SSCC (18) or GLN (13).</summary>
    public string PrimaryValue { get; }

    public string? Cpv { get; private init; }

    public string? Lot { get; private init; }

    public string? Serial { get; private init; }

    public string? GlnExtension { get; private init; }

    public string? Gtin => PrimaryAi == "01" ? PrimaryValue : null;

    public static DigitalLinkUri ForLot(Gtin gtin, string lot)
    {
        if (!IsCset82(lot, 20))
        {
            throw new ArgumentException("A lot is 1-20 characters of the GS1 character set 82.", nameof(lot));
        }

        return new DigitalLinkUri("01", gtin.Value) { Lot = lot };
    }

    public static DigitalLinkUri ForItem(Gtin gtin, string? lot, string serial)
    {
        if (lot is not null && !IsCset82(lot, 20) || !IsCset82(serial, 20))
        {
            throw new ArgumentException("Lots and serials are 1-20 characters of the GS1 character set 82.");
        }

        return new DigitalLinkUri("01", gtin.Value) { Lot = lot, Serial = serial };
    }

    /// <summary>The path, percent-encoded, in the order GS1 requires: <c>/01/…/22/…/10/…/21/…</c>.</summary>
    public string Path
    {
        get
        {
            var sb = new StringBuilder();
            sb.Append('/').Append(PrimaryAi).Append('/').Append(PrimaryValue);
            Append(sb, "22", Cpv);
            Append(sb, "10", Lot);
            Append(sb, "21", Serial);
            Append(sb, "254", GlnExtension);
            return sb.ToString();
        }
    }

    /// <summary>The URI on a resolver host (e.g. Tandem's own), <c>https://host/01/…</c>.</summary>
    public string ToUri(string origin) => origin.TrimEnd('/') + Path;

    public override string ToString() => ToUri(CanonicalHost);

    private static void Append(StringBuilder sb, string ai, string? value)
    {
        if (value is not null)
        {
            sb.Append('/').Append(ai).Append('/').Append(Encode(value));
        }
    }

    /// <summary>Percent-encodes every character that is not unreserved in RFC 3986 (upper-case hex).</summary>
    public static string Encode(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>Parses an absolute URI (any host, any path prefix) or a path starting with the primary key.</summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out DigitalLinkUri? link) => TryParse(input, out link, out _);

    public static bool TryParse(string? input, [NotNullWhen(true)] out DigitalLinkUri? link, out string error)
    {
        link = null;
        error = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 2048)
        {
            error = "The link is empty or too long.";
            return false;
        }

        var path = input.Trim();
        if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(path, UriKind.Absolute, out var uri))
            {
                error = "The link is not a valid URI.";
                return false;
            }

            path = uri.AbsolutePath == "/" ? "" : GetRawPath(path);
        }

        var cut = path.IndexOfAny(['?', '#']);
        if (cut >= 0)
        {
            path = path[..cut];
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // A resolver may put its own path before the primary key: find the first primary AI.
        for (var start = 0; start < segments.Length; start++)
        {
            if (segments[start] is "01" or "00" or "414")
            {
                return TryParseSegments(segments.AsSpan(start), out link, out error);
            }
        }

        error = "The link has no GS1 primary key (/01/{gtin}, /00/{sscc} or /414/{gln}).";
        return false;
    }

    private static string GetRawPath(string absolute)
    {
        var schemeEnd = absolute.IndexOf("://", StringComparison.Ordinal) + 3;
        var slash = absolute.IndexOf('/', schemeEnd);
        return slash < 0 ? "" : absolute[slash..];
    }

    private static bool TryParseSegments(ReadOnlySpan<string> segments, out DigitalLinkUri? link, out string error)
    {
        link = null;
        error = "";
        if (segments.Length % 2 != 0)
        {
            error = "Every application identifier in the path needs a value.";
            return false;
        }

        var values = new List<(string Ai, string Value)>();
        for (var i = 0; i < segments.Length; i += 2)
        {
            if (!TryDecode(segments[i + 1], out var value))
            {
                error = $"The value of AI ({segments[i]}) is not correctly percent-encoded UTF-8.";
                return false;
            }

            values.Add((segments[i], value));
        }

        var (ai, primary) = values[0];
        switch (ai)
        {
            case "01":
                if (!Kernel.Gtin.TryParse(primary, out var gtin) || primary.Length is not (8 or 12 or 13 or 14))
                {
                    error = "The GTIN (AI 01) must be 8, 12, 13 or 14 digits with a correct check digit.";
                    return false;
                }

                string? cpv = null, lot = null, serial = null;
                var order = 0;
                foreach (var (q, v) in values.Skip(1))
                {
                    var rank = q switch { "22" => 1, "10" => 2, "21" => 3, _ => 0 };
                    if (rank == 0)
                    {
                        error = $"AI ({q}) is not a key qualifier of a GTIN; use 22, 10 and 21 in that order.";
                        return false;
                    }

                    if (rank <= order)
                    {
                        error = "Key qualifiers of a GTIN must appear once each, in the order 22, 10, 21.";
                        return false;
                    }

                    order = rank;
                    if (!IsCset82(v, 20))
                    {
                        error = $"AI ({q}) must be 1 to 20 characters of the GS1 character set 82.";
                        return false;
                    }

                    switch (q)
                    {
                        case "22": cpv = v; break;
                        case "10": lot = v; break;
                        default: serial = v; break;
                    }
                }

                link = new DigitalLinkUri("01", gtin.Value.Value) { Cpv = cpv, Lot = lot, Serial = serial };
                return true;

            case "00":
                if (values.Count != 1 || primary.Length != 18 || !primary.All(char.IsAsciiDigit) || !CheckDigitOk(primary))
                {
                    error = "The SSCC (AI 00) must be 18 digits with a correct check digit and no qualifiers.";
                    return false;
                }

                link = new DigitalLinkUri("00", primary);
                return true;

            default:
                if (primary.Length != 13 || !primary.All(char.IsAsciiDigit) || !CheckDigitOk(primary))
                {
                    error = "The GLN (AI 414) must be 13 digits with a correct check digit.";
                    return false;
                }

                string? extension = null;
                if (values.Count == 2 && values[1].Ai == "254" && IsCset82(values[1].Value, 20))
                {
                    extension = values[1].Value;
                }
                else if (values.Count != 1)
                {
                    error = "A GLN (AI 414) may only be qualified by AI (254), 1 to 20 characters.";
                    return false;
                }

                link = new DigitalLinkUri("414", primary) { GlnExtension = extension };
                return true;
        }
    }

    internal static bool CheckDigitOk(string digits) =>
        Kernel.Gtin.CheckDigit(digits.AsSpan(0, digits.Length - 1)) == digits[^1] - '0';

    /// <summary>GS1 AI encodable character set 82, 1 to <paramref name="max"/> characters.</summary>
    public static bool IsCset82(string? value, int max)
    {
        if (string.IsNullOrEmpty(value) || value.Length > max)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!\"%&'()*+,-./:;<=>?_".Contains(c)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryDecode(string segment, out string value)
    {
        value = "";
        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c == '%')
            {
                if (i + 2 >= segment.Length || !byte.TryParse(segment.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
                {
                    return false;
                }

                bytes.Add(b);
                i += 2;
            }
            else if (c > 127)
            {
                return false;
            }
            else
            {
                bytes.Add((byte)c);
            }
        }

        try
        {
            value = new UTF8Encoding(false, true).GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
