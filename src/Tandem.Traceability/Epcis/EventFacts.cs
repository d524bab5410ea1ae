using System.Globalization;
using System.Text.Json;

namespace Tandem.Traceability.Epcis;

/// <summary>Roles an identifier plays in an event; the EPCIS MATCH_ parameters select by role.</summary>
internal static class KeyRoles
{
    /// <summary>epcList, childEPCs.</summary>
    public const string Epc = "epc";
    public const string Parent = "parent";
    public const string Input = "input";
    public const string Output = "output";
    /// <summary>quantityList and childQuantityList epcClass.</summary>
    public const string Class = "class";
    public const string InputClass = "inclass";
    public const string OutputClass = "outclass";
    /// <summary>A lot named inside a Digital Link item (<c>/10/…/21/…</c>); for tracing only.</summary>
    public const string Lot = "lot";

    public static readonly string[] AnyEpc = [Epc, Parent, Input, Output];
    public static readonly string[] AnyClass = [Class, InputClass, OutputClass];
}

/// <summary>How identifiers are connected by an event, for the trace graph.</summary>
internal static class LinkKinds
{
    /// <summary>Input to a transformation node, or a transformation node to an output.</summary>
    public const string Transform = "transform";
    /// <summary>Child to the parent that carries it (aggregation or association ADD).</summary>
    public const string Contain = "contain";
}

/// <summary>The indexed facts of one event, extracted from its JSON as received.</summary>
internal sealed record EventFacts(
    string Type,
    string? EventId,
    string? Action,
    string? BizStep,
    string? Disposition,
    string? ReadPoint,
    string? BizLocation,
    DateTime EventTime,
    IReadOnlyList<(string Role, string Key)> Keys,
    IReadOnlyList<string> Destinations,
    string? TransformationId,
    IReadOnlyList<(string Lot, string Item)> LotMembers)
{
    /// <summary>Reads an event the schema has already accepted; <paramref name="error"/> names what the schema cannot check.</summary>
    public static EventFacts? Read(JsonElement e, out string? errorField, out string? error)
    {
        errorField = null;
        error = null;
        var type = e.GetProperty("type").GetString()!;
        var eventTimeText = e.TryGetProperty("eventTime", out var et) ? et.GetString() : null;
        if (eventTimeText is null || !DateTimeOffset.TryParse(eventTimeText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var eventTime))
        {
            errorField = "eventTime";
            error = "eventTime is required and must be an ISO 8601 date-time with an offset.";
            return null;
        }

        var keys = new List<(string, string)>();
        AddList(e, "epcList", KeyRoles.Epc, keys);
        AddList(e, "childEPCs", KeyRoles.Epc, keys);
        AddList(e, "inputEPCList", KeyRoles.Input, keys);
        AddList(e, "outputEPCList", KeyRoles.Output, keys);
        if (e.TryGetProperty("parentID", out var parent) && parent.ValueKind == JsonValueKind.String)
        {
            keys.Add((KeyRoles.Parent, EpcKeys.Normalise(parent.GetString()!)));
        }

        AddQuantities(e, "quantityList", KeyRoles.Class, keys);
        AddQuantities(e, "childQuantityList", KeyRoles.Class, keys);
        AddQuantities(e, "inputQuantityList", KeyRoles.InputClass, keys);
        AddQuantities(e, "outputQuantityList", KeyRoles.OutputClass, keys);
        var members = new List<(string Lot, string Item)>();
        foreach (var list in (string[])["epcList", "childEPCs", "inputEPCList", "outputEPCList"])
        {
            if (e.TryGetProperty(list, out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && EpcKeys.LotOf(item.GetString()!) is { } lot)
                    {
                        keys.Add((KeyRoles.Lot, lot));
                        members.Add((lot, EpcKeys.Normalise(item.GetString()!)));
                    }
                }
            }
        }

        var destinations = new List<string>();
        if (e.TryGetProperty("destinationList", out var dl) && dl.ValueKind == JsonValueKind.Array)
        {
            foreach (var d in dl.EnumerateArray())
            {
                if (d.TryGetProperty("destination", out var dest) && dest.ValueKind == JsonValueKind.String)
                {
                    destinations.Add(EpcKeys.Normalise(dest.GetString()!));
                }
            }
        }

        return new EventFacts(
            type,
            Text(e, "eventID"),
            Text(e, "action"),
            Vocabulary.BizStep(Text(e, "bizStep")),
            Vocabulary.Disposition(Text(e, "disposition")),
            Location(e, "readPoint"),
            Location(e, "bizLocation"),
            eventTime.UtcDateTime,
            keys.Distinct().ToList(),
            destinations.Distinct(StringComparer.Ordinal).ToList(),
            Text(e, "transformationID"),
            members.Distinct().ToList());
    }

    /// <summary>The trace-graph edges this event adds (only for what it connects: transformations, aggregation/association ADD).</summary>
    public IEnumerable<(string From, string To, string Kind)> Links(long eventRowId)
    {
        if (Type == "TransformationEvent")
        {
            // Through one node per transformation, so n inputs and m outputs make n+m edges, not n*m;
            // events sharing a transformationID share the node.
            var node = TransformationId is { Length: > 0 } tid ? "xform:" + EpcKeys.Normalise(tid) : "xform:event:" + eventRowId.ToString(CultureInfo.InvariantCulture);
            foreach (var (role, key) in Keys)
            {
                if (role is KeyRoles.Input or KeyRoles.InputClass)
                {
                    yield return (key, node, LinkKinds.Transform);
                }
                else if (role is KeyRoles.Output or KeyRoles.OutputClass)
                {
                    yield return (node, key, LinkKinds.Transform);
                }
            }
        }
        else if (Type is "AggregationEvent" or "AssociationEvent" && Action == "ADD" && Keys.FirstOrDefault(k => k.Role == KeyRoles.Parent).Key is { } parent)
        {
            foreach (var (role, key) in Keys)
            {
                if (role is KeyRoles.Epc or KeyRoles.Class)
                {
                    yield return (key, parent, LinkKinds.Contain);
                }
            }
        }

        // An item whose Digital Link names its lot came out of that lot: lot -> item, traced like a transformation.
        foreach (var (lot, item) in LotMembers)
        {
            yield return (lot, item, LinkKinds.Transform);
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Location(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object && v.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? EpcKeys.Normalise(id.GetString()!)
            : null;

    private static void AddList(JsonElement e, string name, string role, List<(string, string)> keys)
    {
        if (e.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    keys.Add((role, EpcKeys.Normalise(item.GetString()!)));
                }
            }
        }
    }

    private static void AddQuantities(JsonElement e, string name, string role, List<(string, string)> keys)
    {
        if (e.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("epcClass", out var c) && c.ValueKind == JsonValueKind.String)
                {
                    keys.Add((role, EpcKeys.Normalise(c.GetString()!)));
                }
            }
        }
    }
}

/// <summary>CBV vocabulary: the bare name, the URN and the Web URI of a standard value are one value.</summary>
internal static class Vocabulary
{
    public static string? BizStep(string? v) => Strip(v, "urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-", "http://ref.gs1.org/cbv/BizStep-", "cbv:BizStep-");

    public static string? Disposition(string? v) => Strip(v, "urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-", "http://ref.gs1.org/cbv/Disp-", "cbv:Disp-");

    private static string? Strip(string? v, params string[] prefixes)
    {
        if (v is null)
        {
            return null;
        }

        foreach (var p in prefixes)
        {
            if (v.StartsWith(p, StringComparison.Ordinal))
            {
                return v[p.Length..];
            }
        }

        return v.Length <= 200 ? v : v[..200];
    }
}
