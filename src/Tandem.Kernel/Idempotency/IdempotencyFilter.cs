using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;

namespace Tandem.Kernel.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> contract of API.md as an endpoint filter. The filter owns the request's
/// transaction: it runs the handler, whose first write begins the transaction (<see cref="TandemDbContext.DeferTransaction"/>:
/// the reads before it run outside) and whose later units of work join it through savepoints; then it executes the
/// answer into a buffer, records key and answer in the transaction, commits key and effect together, and only then
/// sends the answer. When the key's primary key refuses the record, an earlier request used the key: the effect rolls
/// back, the earlier request is looked up, and its answer replayed.
/// A retry while the first request runs is told <c>idempotency_key_in_use</c> at once when it reaches the same host;
/// on another host the key's primary key makes it wait for the first to end and then get its answer. Recording the
/// key in the effect's own transaction (rather than as a lease committed first) saves a commit per request, which on
/// SQLite, with one writer and a disk sync per commit, is most of a request's cost.
/// </summary>
internal sealed class IdempotencyFilter : IEndpointFilter
{
    public const string HeaderName = "Idempotency-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!http.Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return await next(context);
        }

        var key = values.Count == 1 ? values[0] ?? "" : "";
        var invalid = Validate(key, values.Count);
        if (invalid is not null)
        {
            return ApiProblem.Validation(new Dictionary<string, string[]> { [HeaderName] = [invalid] });
        }

        var services = http.RequestServices;
        var keys = services.GetRequiredService<IdempotencyKeys>();
        var running = services.GetRequiredService<RunningKeys>();
        var db = services.GetRequiredService<TandemDbContext>();
        var scope = ScopeOf(http);
        var hash = await FingerprintAsync(http, context.Arguments, services);

        for (var attempt = 0; ; attempt++)
        {
            // Nearly every key is new, so the first attempt records it without reading first; only when the primary
            // key refuses it (an earlier request with this key) is the earlier one read and decided on.
            var earlier = attempt == 0 ? null : await keys.LookUpAsync(scope, key, hash, CancellationToken.None);
            switch (earlier?.Outcome)
            {
                case ClaimOutcome.Reused:
                    return ApiProblem.Conflict("idempotency_key_reused",
                        "This Idempotency-Key was used with a different request body.");
                case ClaimOutcome.InUse:
                    return InUse();
                case ClaimOutcome.Replay:
                    await ReplayAsync(http, earlier.Record!);
                    return Results.Empty;
            }

            // A request with this key still running in this host; on another host the primary key decides below.
            if (attempt >= 6 || !running.TryEnter(scope, key))
            {
                return InUse();
            }

            try
            {
                // Claimed means an earlier request's lease ran out before it committed anything: its row is ours now.
                var token = earlier?.Token ?? Guid.NewGuid();
                if (await RunAsync(context, next, http, keys, db, scope, key, hash, token, addKey: earlier is null) is { } answer)
                {
                    return answer;
                }
            }
            finally
            {
                running.Exit(scope, key);
            }

            // Another request saved this key first: look again (its answer, or its body differs, or it is still running).
        }
    }

    /// <summary>Runs the request in a transaction that records the key; null when another request recorded it first.</summary>
    private static async Task<object?> RunAsync(
        EndpointFilterInvocationContext context, EndpointFilterDelegate next, HttpContext http, IdempotencyKeys keys, TandemDbContext db,
        string scope, string key, string hash, Guid token, bool addKey)
    {
        var request = http.RequestServices.GetRequiredService<IdempotentRequest>();
        var active = new ActiveKey(scope, key, hash, token) { Recorded = !addKey };
        CapturedResponse captured;
        try
        {
            // The transaction begins at the handler's first write. What the handler reads before that (the store, the
            // products, the order to pay) it reads outside the transaction, as it does without a key: on SQLite those
            // reads then do not hold the one write lock.
            db.DeferTransaction();
            request.Active = active;
            var result = await next(context);
            captured = await ExecuteIntoBufferAsync(http, result);
            if (captured.Status >= 500)
            {
                db.CancelDeferredTransaction();
                await RollbackAsync(db);
                await ReleaseTakenOverAsync(keys, scope, key, token, addKey);
                await WriteAsync(http, captured, replayed: false);
                return Results.Empty;
            }

            // A handler that wrote nothing (a refusal, say) has its answer recorded by the key alone. One that committed
            // its effect early (IdempotentRequest.CheckpointAsync) has nothing left to write but its final answer, which
            // goes into a transaction shared with other such answers (FinalAnswers).
            var begun = await db.BeginDeferredTransactionAsync(CancellationToken.None);
            var onlyTheAnswerLeft = !begun && db.Database.CurrentTransaction is null && active.Recorded;
            var recorded = onlyTheAnswerLeft
                ? await http.RequestServices.GetRequiredService<FinalAnswers>().StoreAsync(active, captured)
                : await RecordInTransactionAsync(db, keys, active, captured);
            if (!recorded)
            {
                await RollbackAsync(db);
                http.Response.Clear();
                return InUse();
            }
        }
        catch (IdempotencyKeyTakenException)
        {
            // Another request saved this key first.
            await RollbackAsync(db);
            http.Response.Clear();
            return null;
        }
        catch (IdempotencyLeaseLostException)
        {
            await RollbackAsync(db);
            http.Response.Clear();
            return InUse();
        }
        catch
        {
            await RollbackAsync(db);
            await ReleaseTakenOverAsync(keys, scope, key, token, addKey);
            throw;
        }
        finally
        {
            request.Active = null;
            db.CancelDeferredTransaction();
        }

        await WriteAsync(http, captured, replayed: false);
        return Results.Empty;
    }

    /// <summary>Records the key and answer in the request's transaction (begun here if the handler wrote nothing) and commits; false when the lease was lost.</summary>
    private static async Task<bool> RecordInTransactionAsync(TandemDbContext db, IdempotencyKeys keys, ActiveKey active, CapturedResponse captured)
    {
        if (db.Database.CurrentTransaction is null)
        {
            await db.Database.BeginTransactionAsync(CancellationToken.None);
        }

        if (!await keys.RecordAsync(active, IdempotencyState.Completed, captured, CancellationToken.None))
        {
            return false;
        }

        await db.Database.CommitTransactionAsync(CancellationToken.None);
        return true;
    }

    /// <summary>
    /// A failed request gives its key back. A key this request added rolled back with it; one it took over from a
    /// request that died was committed before, so it is deleted (unless a checkpoint committed an answer meanwhile).
    /// </summary>
    private static async Task ReleaseTakenOverAsync(IdempotencyKeys keys, string scope, string key, Guid token, bool added)
    {
        if (!added)
        {
            await keys.ReleaseAsync(scope, key, token, CancellationToken.None);
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult InUse() => ApiProblem.Conflict("idempotency_key_in_use",
        "A request with this Idempotency-Key is still running; retry when it has finished.");

    internal static string? Validate(string key, int count)
    {
        if (count != 1)
        {
            return "must be sent once";
        }

        if (key.Length is 0 or > 255)
        {
            return "must be 1 to 255 characters";
        }

        return key.All(c => c is >= (char)0x20 and <= (char)0x7E) ? null : "must be printable ASCII";
    }

    /// <summary>The caller and the route: the same key on another route or from another caller is another key.</summary>
    private static string ScopeOf(HttpContext http)
    {
        var caller = TandemClaims.UserId(http.User)?.ToString() ?? "anonymous";
        return $"{caller} {http.Request.Method} {http.Request.Path.Value?.TrimEnd('/').ToLowerInvariant()}";
    }

    /// <summary>SHA-256 of the canonical JSON body (keys sorted, insignificant whitespace dropped), so equal JSON compares equal.</summary>
    private static async Task<string> FingerprintAsync(HttpContext http, IList<object?> arguments, IServiceProvider services)
    {
        byte[] canonical;
        var body = http.Request.Body;
        if (body.CanSeek)
        {
            body.Position = 0;
            using var buffer = new MemoryStream();
            await body.CopyToAsync(buffer);
            body.Position = 0;
            canonical = Canonicalise(buffer.ToArray());
        }
        else
        {
            // Without a buffered body, the bound request objects stand for it.
            var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var requests = arguments.Where(a => a is not null && a.GetType().Namespace?.StartsWith("Tandem", StringComparison.Ordinal) == true);
            canonical = Canonicalise(JsonSerializer.SerializeToUtf8Bytes(requests.ToArray(), json));
        }

        return Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    internal static byte[] Canonicalise(byte[] raw)
    {
        if (raw.Length == 0)
        {
            return raw;
        }

        try
        {
            using var document = JsonDocument.Parse(raw);
            var output = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(output))
            {
                Write(writer, document.RootElement);
            }

            return output.WrittenSpan.ToArray();
        }
        catch (JsonException)
        {
            return raw; // the binder refuses such bodies before this runs; hash them as they are
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number when element.TryGetDecimal(out var number):
                // 1, 1.0 and 1.00 are one number; dividing by 1.000... drops trailing zeros of the scale.
                writer.WriteNumberValue(number / 1.000000000000000000000000000000000m);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>Runs the handler's answer against a buffer, so it can be stored before the client sees it.</summary>
    private static async Task<CapturedResponse> ExecuteIntoBufferAsync(HttpContext http, object? result)
    {
        var original = http.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        try
        {
            switch (result)
            {
                case IResult r:
                    await r.ExecuteAsync(http);
                    break;
                case null:
                    break;
                default:
                    await http.Response.WriteAsJsonAsync(result, result.GetType());
                    break;
            }
        }
        finally
        {
            http.Features.Set(original);
        }

        var location = http.Response.Headers.Location.ToString();
        return new CapturedResponse(http.Response.StatusCode, http.Response.ContentType,
            string.IsNullOrEmpty(location) ? null : location, buffer.ToArray());
    }

    private static async Task ReplayAsync(HttpContext http, IdempotencyRecord record)
    {
        http.Response.Clear();
        await WriteAsync(http, new CapturedResponse(record.ResponseStatus ?? 200, record.ResponseContentType, record.ResponseLocation,
            record.ResponseBody ?? []), replayed: true);
    }

    private static async Task WriteAsync(HttpContext http, CapturedResponse response, bool replayed)
    {
        http.Response.StatusCode = response.Status;
        if (response.ContentType is not null)
        {
            http.Response.ContentType = response.ContentType;
        }

        if (response.Location is not null)
        {
            http.Response.Headers.Location = response.Location;
        }

        if (replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }

        http.Response.ContentLength = response.Body.Length;
        await http.Response.Body.WriteAsync(response.Body);
    }

    private static async Task RollbackAsync(TandemDbContext db)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            await db.Database.RollbackTransactionAsync(CancellationToken.None);
        }

        db.ChangeTracker.Clear();
    }
}

/// <summary>The running request's key; <see cref="Recorded"/> once its row is in the database (its own, or taken over).</summary>
internal sealed record ActiveKey(string Scope, string Key, string Hash, Guid Token)
{
    public bool Recorded { get; set; }
}

/// <summary>The keys of requests running in this host, so a retry that arrives meanwhile is told at once.</summary>
internal sealed class RunningKeys
{
    private readonly ConcurrentDictionary<(string Scope, string Key), byte> _running = new();

    public bool TryEnter(string scope, string key) => _running.TryAdd((scope, key), 0);

    public void Exit(string scope, string key) => _running.TryRemove((scope, key), out _);
}

internal sealed class IdempotencyLeaseLostException() : Exception("Another request took over this Idempotency-Key.");

/// <summary>The key's primary key refused it: an earlier request used the key, and this one's effect is rolled back.</summary>
internal sealed class IdempotencyKeyTakenException() : Exception("Another request recorded this Idempotency-Key first.");

/// <summary>
/// The running request's key, for handlers that must commit their effect before they can answer
/// (paying awaits the provider's callback, which needs the committed payment).
/// </summary>
public sealed class IdempotentRequest
{
    private readonly TandemDbContext _db;
    private readonly IdempotencyKeys _keys;
    private readonly IOptions<JsonOptions> _json;

    internal IdempotentRequest(TandemDbContext db, IdempotencyKeys keys, IOptions<JsonOptions> json)
    {
        _db = db;
        _keys = keys;
        _json = json;
    }

    internal ActiveKey? Active { get; set; }

    /// <summary>
    /// Commits the request's transaction now, storing <paramref name="body"/> as the answer a retry gets if this
    /// request never finishes. Retries meanwhile get <c>idempotency_key_in_use</c>. Does nothing without a key.
    /// </summary>
    public async Task CheckpointAsync(int status, object body, CancellationToken ct)
    {
        if (Active is not { } active)
        {
            return;
        }

        await _db.BeginDeferredTransactionAsync(ct);
        if (_db.Database.CurrentTransaction is null)
        {
            return;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), _json.Value.SerializerOptions);
        var provisional = new CapturedResponse(status, "application/json; charset=utf-8", null, bytes);
        if (!await _keys.RecordAsync(active, IdempotencyState.Committed, provisional, ct))
        {
            throw new IdempotencyLeaseLostException();
        }

        await _db.Database.CommitTransactionAsync(ct);
    }
}
