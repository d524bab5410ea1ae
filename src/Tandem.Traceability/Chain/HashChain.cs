using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tandem.Traceability.Chain;

/// <summary>
/// Each merchant's events form a hash chain. The canonical form of link <c>n</c> is the UTF-8 text
/// <code>
/// tandem-epcis-chain/1\n
/// {merchantId, lower-case "D" format}\n
/// {sequence, decimal}\n
/// {eventID}\n
/// {recordTime, yyyy-MM-ddTHH:mm:ss.ffffffZ}\n
/// {SHA-256 of the event JSON as stored, lower-case hex}\n
/// {SHA-256 of the document @context as stored, or empty}\n
/// {hash of link n-1, lower-case hex; 64 zeros for the first}
/// </code>
/// and its hash is the lower-case hex SHA-256 of that text. docs/traceability.md repeats this.
/// </summary>
internal static class HashChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Link(Guid merchantId, long sequence, string eventId, DateTime recordTime, string json, string? context, string previousHash) =>
        LinkWithContextHash(merchantId, sequence, eventId, recordTime, json, context is null ? "" : Sha256(context), previousHash);

    /// <summary>The same link, given the context's hash (or empty): a document's events share one context, hashed once.</summary>
    public static string LinkWithContextHash(Guid merchantId, long sequence, string eventId, DateTime recordTime, string json, string contextHash, string previousHash)
    {
        var canonical = string.Join('\n',
            "tandem-epcis-chain/1",
            merchantId.ToString("D"),
            sequence.ToString(CultureInfo.InvariantCulture),
            eventId,
            FormatTime(recordTime),
            Sha256(json),
            contextHash,
            previousHash);
        return Sha256(canonical);
    }

    /// <summary>Record times are kept to the microsecond: what both SQLite and PostgreSQL store exactly.</summary>
    public static DateTime Truncate(DateTime utc) => new(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);

    public static string FormatTime(DateTime utc) =>
        Truncate(utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
