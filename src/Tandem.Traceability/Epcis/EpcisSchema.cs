using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Json.Schema;

namespace Tandem.Traceability.Epcis;

/// <summary>One schema violation: where (event index and field path) and why.</summary>
internal sealed record SchemaViolation(int? EventIndex, string Field, string Message);

/// <summary>
/// The official GS1 EPCIS 2.0 JSON Schema (draft-07), embedded, evaluated with JsonSchema.Net and
/// <see cref="EvaluationOptions.RequireFormatValidation"/>: without format checks, non-URI ILMD
/// member names, bad timestamps and the like pass.
/// </summary>
internal sealed partial class EpcisSchema
{
    private static readonly Lazy<EpcisSchema> Shared = new(() => new EpcisSchema());

    /// <summary>Documents with more events than this are checked event by event, on every core.</summary>
    public const int ParallelFrom = 64;

    private readonly JsonSchema _schema;
    private readonly JsonSchema _flagSchema;
    private readonly JsonSchema _event;
    private readonly EvaluationOptions _flag;
    private readonly EvaluationOptions _list = new() { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true };

    private EpcisSchema()
    {
        var text = ReadResource("Tandem.Traceability.EPCIS-JSON-Schema.json");
        // A private registry: the schema's $id must not collide with another copy loaded in the same process.
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        _schema = JsonSchema.FromText(text, options);

        // The yes/no pass uses its own copy of the schema, built with draft-07 where propertyNames remembers its answer
        // per member name and $ref per short value: the answer depends on the name or value alone, and events repeat the
        // same few names and values thousands of times.
        var draft07 = Dialect.Draft07.With([PropertyNamesRemembered, RefRemembered], Dialect.Draft07.Id, Dialect.Draft07.RefIgnoresSiblingKeywords, Dialect.Draft07.AllowUnknownKeywords);
        var dialects = new DialectRegistry();
        dialects.Register(draft07);
        var flagOptions = new BuildOptions { SchemaRegistry = new SchemaRegistry(), DialectRegistry = dialects, Dialect = draft07 };
        _flagSchema = JsonSchema.FromText(text, flagOptions);
        // What the document schema applies to each member of epcisBody.eventList (and nothing else does).
        _event = JsonSchema.FromText($$"""{"$ref": "{{_flagSchema.BaseUri}}#/definitions/EPCIS-Document-Event"}""", flagOptions);

        // The yes/no pass needs no annotations (draft-07 has no unevaluated* keywords), and the vocabulary the
        // events repeat (member names, CBV values, locations) is checked once per value by the library's own checks.
        _flag = new EvaluationOptions { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true, FormatRegistry = RememberingFormats() };
        _flag.IgnoreAllAnnotations();
    }

    public static EpcisSchema Instance => Shared.Value;

    /// <summary>The <c>propertyNames</c> of the yes/no pass, shared by its copies of the schema.</summary>
    internal static RememberedPropertyNames PropertyNamesRemembered { get; } = new();

    /// <summary>The <c>$ref</c> of the yes/no pass, shared by its copies of the schema.</summary>
    internal static RememberedRef RefRemembered { get; } = new();

    /// <summary>Time spent evaluating the schema in this process, for the benchmark's share-of-time report.</summary>
    public static long ElapsedTicks => Interlocked.Read(ref _elapsedTicks);

    private static long _elapsedTicks;

    /// <summary>The JSON-LD context the documents refer to, for serving at <c>/epcis/context</c> without a network.</summary>
    public static string Context => ContextText.Value;

    private static readonly Lazy<string> ContextText = new(() => ReadResource("Tandem.Traceability.epcis-context.jsonld"));

    /// <summary>The violations of <paramref name="document"/>, most specific first; empty when it is valid.</summary>
    public IReadOnlyList<SchemaViolation> Validate(JsonElement document)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (IsValid(document))
            {
                return [];
            }

            var results = _schema.Evaluate(document, _list);
            return Explain(results, document);
        }
        finally
        {
            Interlocked.Add(ref _elapsedTicks, Stopwatch.GetTimestamp() - started);
        }
    }

    /// <summary>
    /// The whole document in one evaluation with the library's default format checks and annotations: how capture
    /// validated before, kept as the benchmark's same-run baseline.
    /// </summary>
    internal bool IsValidPlain(JsonElement document) =>
        _schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true }).IsValid;

    /// <summary>
    /// The document schema applied whole, or — for a large EPCISDocument — its header with an empty event list and
    /// then each event against the definition the schema's <c>eventList</c> applies to its members, in parallel.
    /// The two are the same test: the root's other branches are for bare events and query documents.
    /// </summary>
    private bool IsValid(JsonElement document)
    {
        if (document.ValueKind != JsonValueKind.Object
            || !document.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "EPCISDocument"
            || !document.TryGetProperty("epcisBody", out var body) || body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty("eventList", out var events) || events.ValueKind != JsonValueKind.Array
            || events.GetArrayLength() < ParallelFrom)
        {
            return _flagSchema.Evaluate(document, _flag).IsValid;
        }

        using (var header = JsonDocument.Parse(WithoutEvents(document)))
        {
            if (!_flagSchema.Evaluate(header.RootElement, _flag).IsValid)
            {
                return false;
            }
        }

        var list = events.EnumerateArray().ToArray();
        var invalid = 0;
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, list.Length, 32), (range, state) =>
        {
            for (var i = range.Item1; i < range.Item2 && Volatile.Read(ref invalid) == 0; i++)
            {
                if (!_event.Evaluate(list[i], _flag).IsValid)
                {
                    Interlocked.Exchange(ref invalid, 1);
                    state.Stop();
                }
            }
        });
        return invalid == 0;
    }

    /// <summary>The document with <c>epcisBody.eventList</c> emptied and everything else as sent.</summary>
    private static byte[] WithoutEvents(JsonElement document)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var member in document.EnumerateObject())
            {
                if (member.NameEquals("epcisBody"))
                {
                    writer.WritePropertyName(member.Name);
                    writer.WriteStartObject();
                    foreach (var inner in member.Value.EnumerateObject())
                    {
                        if (inner.NameEquals("eventList"))
                        {
                            writer.WritePropertyName(inner.Name);
                            writer.WriteStartArray();
                            writer.WriteEndArray();
                        }
                        else
                        {
                            inner.WriteTo(writer);
                        }
                    }

                    writer.WriteEndObject();
                }
                else
                {
                    member.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The library's own <c>uri</c> and <c>date-time</c> checks, each answer remembered for short values: EPCIS
    /// documents repeat the same member names (every extension-name check tries the <c>uri</c> format), CBV values
    /// and locations in every event, while identifiers are mostly new and go to the library each time.
    /// </summary>
    private static FormatRegistry RememberingFormats()
    {
        var registry = new FormatRegistry();
        foreach (var format in new[] { Formats.Uri, Formats.DateTime })
        {
            var answers = new RememberedAnswers(8192);
            registry.Register(new PredicateFormat(format.Key, element => element.ValueKind == JsonValueKind.String
                ? answers.Get(element.GetString()!, element, e => format.Validate(e, out _))
                : format.Validate(element, out _)));
        }

        return registry;
    }

    /// <summary>
    /// The schema branches through if/then and anyOf, so one bad field yields many failing nodes.
    /// The deepest instance locations are the useful ones: they name the field itself.
    /// </summary>
    private static List<SchemaViolation> Explain(EvaluationResults results, JsonElement document)
    {
        var failures = new List<(string Pointer, string Message)>();
        // A missing member is reported on its parent; name the member itself.
        Collect(results, failures);
        if (failures.Count == 0)
        {
            failures.Add(("", "The document does not match the EPCIS 2.0 schema."));
        }

        var deepest = failures.Max(f => Depth(f.Pointer));
        var chosen = failures.Where(f => Depth(f.Pointer) == deepest)
            .GroupBy(f => f.Pointer, StringComparer.Ordinal)
            .Select(g => Violation(g.Key, string.Join(" ", g.Select(f => f.Message).Distinct(StringComparer.Ordinal)), document))
            .ToList();
        return chosen;
    }

    private static void Collect(EvaluationResults node, List<(string, string)> into)
    {
        if (!node.IsValid && node.Errors is { Count: > 0 } errors)
        {
            var pointer = node.InstanceLocation.ToString();
            foreach (var (keyword, message) in errors)
            {
                if (keyword == "required" && RequiredNames().Matches(message) is { Count: > 0 } names)
                {
                    foreach (System.Text.RegularExpressions.Match name in names)
                    {
                        var member = name.Groups[1].Value.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
                        into.Add(($"{pointer}/{member}", $"is required ({keyword})"));
                    }

                    continue;
                }

                into.Add((pointer, $"{message} ({keyword})"));
            }
        }

        // Only inside failing nodes: a failing branch of an anyOf that passed is no error.
        if (!node.IsValid && node.Details is { } details)
        {
            foreach (var child in details)
            {
                Collect(child, into);
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"([^\"]+)\"")]
    private static partial System.Text.RegularExpressions.Regex RequiredNames();

    private static int Depth(string pointer) => pointer.Count(c => c == '/');

    /// <summary><c>/epcisBody/eventList/2/bizStep</c> becomes event 2, field <c>epcisBody.eventList[2].bizStep</c>.</summary>
    internal static SchemaViolation Violation(string pointer, string message, JsonElement document)
    {
        var segments = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        var field = new StringBuilder();
        int? eventIndex = null;
        var current = document;
        var currentValid = true;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var isIndex = currentValid && current.ValueKind == JsonValueKind.Array && int.TryParse(segment, out _);
            if (isIndex)
            {
                field.Append('[').Append(segment).Append(']');
                if (i > 0 && segments[i - 1] == "eventList")
                {
                    eventIndex = int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture);
                }

                var index = int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture);
                currentValid = index < current.GetArrayLength();
                current = currentValid ? current[index] : default;
            }
            else
            {
                if (field.Length > 0)
                {
                    field.Append('.');
                }

                field.Append(segment);
                currentValid = currentValid && current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out current);
            }
        }

        return new SchemaViolation(eventIndex, field.Length == 0 ? "$" : field.ToString(), message);
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(EpcisSchema).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
