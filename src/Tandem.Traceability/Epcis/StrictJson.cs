using System.Text;
using System.Text.Json;

namespace Tandem.Traceability.Epcis;

/// <summary>
/// Reads EPCIS bodies as I-JSON (RFC 7493): well-formed UTF-8, no repeated member names.
/// System.Text.Json keeps the last of two equal keys, which would silently drop data
/// (GS1's AssociationEvent-h repeats <c>eventID</c>), so a repeat is refused and named instead.
/// </summary>
internal static class StrictJson
{
    public const int MaxDepth = 64;

    /// <summary>Why the body is not acceptable JSON, with the JSON path of the offending member; or null.</summary>
    public sealed record Failure(string Detail, string? Path);

    public static Failure? Check(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        var frames = new Stack<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        MarkValue(frames);
                        frames.Push(new Frame(isObject: true));
                        break;
                    case JsonTokenType.StartArray:
                        MarkValue(frames);
                        frames.Push(new Frame(isObject: false));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var frame = frames.Peek();
                        var name = reader.GetString()!;
                        frame.CurrentName = name;
                        if (!frame.Names!.Add(name))
                        {
                            var path = PathOf(frames);
                            return new Failure($"The JSON repeats the member '{name}' at {path}; each name may appear once in an object (I-JSON, RFC 7493).", path);
                        }

                        break;
                    default:
                        MarkValue(frames);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            return new Failure($"The body is not valid JSON: {FirstSentence(e.Message)}", null);
        }

        return null;
    }

    private static void MarkValue(Stack<Frame> frames)
    {
        if (frames.TryPeek(out var parent) && !parent.IsObject)
        {
            parent.Index++;
        }
    }

    /// <summary><c>epcisBody.eventList[0].eventID</c>: the path of the current member.</summary>
    private static string PathOf(Stack<Frame> frames)
    {
        var sb = new StringBuilder();
        foreach (var frame in frames.Reverse())
        {
            if (frame.IsObject)
            {
                if (frame.CurrentName is { } n)
                {
                    if (sb.Length > 0)
                    {
                        sb.Append('.');
                    }

                    sb.Append(n);
                }
            }
            else
            {
                sb.Append('[').Append(frame.Index).Append(']');
            }
        }

        return sb.ToString();
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private sealed class Frame(bool isObject)
    {
        public bool IsObject { get; } = isObject;
        public HashSet<string>? Names { get; } = isObject ? new HashSet<string>(StringComparer.Ordinal) : null;
        public string? CurrentName { get; set; }
        public int Index { get; set; } = -1;
    }
}
