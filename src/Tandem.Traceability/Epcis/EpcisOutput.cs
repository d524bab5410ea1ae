using System.Text.Json;
using System.Text.Json.Nodes;
using Tandem.Traceability.Chain;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Epcis;

/// <summary>Serves stored events back as EPCIS 2.0 JSON-LD: the JSON as received, plus what the repository adds.</summary>
internal static class EpcisOutput
{
    public const string StandardContext = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld";

    /// <summary>The event as received, with <c>recordTime</c> (always the repository's) and an <c>eventID</c> if it had none.</summary>
    public static JsonObject Event(StoredEvent stored)
    {
        var node = JsonNode.Parse(stored.Json)!.AsObject();
        if (stored.EventIdAssigned)
        {
            node["eventID"] = stored.EventId;
        }

        node["recordTime"] = HashChain.FormatTime(stored.RecordTime);
        return node;
    }

    /// <summary>
    /// The namespace prefixes the events' documents declared, merged into one <c>@context</c>. An event whose
    /// prefixes clash with another's carries its own document context instead.
    /// </summary>
    public static (JsonArray Context, List<JsonObject> Events) WithContexts(IEnumerable<StoredEvent> stored)
    {
        var merged = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var urls = new List<string> { StandardContext };
        var events = new List<JsonObject>();
        foreach (var e in stored)
        {
            var node = Event(e);
            if (e.Context is not null && !node.ContainsKey("@context"))
            {
                var (eventUrls, prefixes) = Split(JsonNode.Parse(e.Context));
                var clash = prefixes.Any(p => merged.TryGetValue(p.Key, out var v) && !JsonNode.DeepEquals(v, p.Value));
                if (clash)
                {
                    node["@context"] = JsonNode.Parse(e.Context);
                }
                else
                {
                    foreach (var (k, v) in prefixes)
                    {
                        merged[k] = v;
                    }

                    foreach (var url in eventUrls.Where(u => !IsStandard(u) && !urls.Contains(u)))
                    {
                        urls.Add(url);
                    }
                }
            }

            events.Add(node);
        }

        var context = new JsonArray();
        foreach (var url in urls)
        {
            context.Add(url);
        }

        if (merged.Count > 0)
        {
            var obj = new JsonObject();
            foreach (var (k, v) in merged)
            {
                obj[k] = v?.DeepClone();
            }

            context.Add(obj);
        }

        return (context, events);
    }

    /// <summary>One event served alone: it carries the context of the document it came in.</summary>
    public static JsonObject Standalone(StoredEvent stored)
    {
        var (context, events) = WithContexts([stored]);
        var node = events[0];
        if (!node.ContainsKey("@context"))
        {
            var ordered = new JsonObject { ["@context"] = context };
            foreach (var (k, v) in node.ToList())
            {
                node.Remove(k);
                ordered[k] = v;
            }

            return ordered;
        }

        return node;
    }

    public static JsonObject QueryDocument(IEnumerable<StoredEvent> stored, DateTime now, string queryName = "SimpleEventQuery")
    {
        var (context, events) = WithContexts(stored);
        var list = new JsonArray();
        foreach (var e in events)
        {
            list.Add(e);
        }

        return new JsonObject
        {
            ["@context"] = context,
            ["type"] = "EPCISQueryDocument",
            ["schemaVersion"] = "2.0",
            ["creationDate"] = HashChain.FormatTime(now),
            ["epcisBody"] = new JsonObject
            {
                ["queryResults"] = new JsonObject
                {
                    ["queryName"] = queryName,
                    ["resultsBody"] = new JsonObject { ["eventList"] = list },
                },
            },
        };
    }

    private static bool IsStandard(string url) =>
        url.StartsWith("https://ref.gs1.org/standards/epcis/", StringComparison.Ordinal) && url.EndsWith("epcis-context.jsonld", StringComparison.Ordinal);

    private static (List<string> Urls, List<KeyValuePair<string, JsonNode?>> Prefixes) Split(JsonNode? context)
    {
        var urls = new List<string>();
        var prefixes = new List<KeyValuePair<string, JsonNode?>>();
        void Visit(JsonNode? n)
        {
            switch (n)
            {
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    urls.Add(v.GetValue<string>());
                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        Visit(item);
                    }

                    break;
                case JsonObject o:
                    foreach (var (k, v) in o)
                    {
                        prefixes.Add(new(k, v));
                    }

                    break;
            }
        }

        Visit(context);
        return (urls, prefixes);
    }
}
