using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Kernel;

namespace Tandem.Payments.Sandbox;

/// <summary>The JSON body of a sandbox callback.</summary>
internal sealed record SandboxNotificationBody(string NotificationId, Guid PaymentId, Guid OrderId, string Status, MoneyDto Amount, DateTime OccurredAt);

/// <summary>
/// Posts the sandbox's notifications to the real callback endpoint over HTTP, signed, like a provider would.
/// A notification that could not be delivered is retried in the background (the sandbox's books are in the database).
/// </summary>
internal sealed partial class SandboxNotifier(
    IHttpClientFactory httpClients, IOptions<SandboxOptions> options, IServer server, IServiceScopeFactory scopes,
    TimeProvider clock, ILogger<SandboxNotifier> logger) : IDisposable
{
    public const string HttpClientName = "tandem-sandbox-callbacks";
    public const string CallbackPath = "/api/v1/payments/callbacks/sandbox";
    public const int MaxAttempts = 12;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SandboxNotification Create(SandboxPayment payment, int sequence, string status, DateTime at)
    {
        var id = $"ntf_{Guid.CreateVersion7(at):N}";
        var body = new SandboxNotificationBody(id, payment.PaymentId, payment.OrderId, status,
            new MoneyDto(payment.Amount, payment.Currency), at);
        return new SandboxNotification
        {
            Id = id,
            SandboxPaymentId = payment.Id,
            PaymentId = payment.PaymentId,
            Sequence = sequence,
            Status = status,
            Payload = JsonSerializer.Serialize(body, Json),
            CreatedAt = at,
            // The caller delivers at once; the background retry waits its turn.
            NextAttemptAt = at.AddSeconds(30),
        };
    }

    /// <summary>Sends each notification <paramref name="repeat"/> times at once, in order or (<paramref name="reorder"/>) newest first.</summary>
    public async Task DeliverAsync(IReadOnlyList<SandboxNotification> notifications, int repeat, bool reorder, CancellationToken ct)
    {
        var sequence = reorder ? notifications.OrderByDescending(n => n.Sequence) : notifications.OrderBy(n => n.Sequence);
        foreach (var notification in sequence)
        {
            var sent = await Task.WhenAll(Enumerable.Range(0, Math.Max(1, repeat)).Select(_ => SendAsync(notification, ct)));
            await RecordAttemptAsync(notification.Id, sent.Any(ok => ok), ct);
        }
    }

    /// <summary>Retries what is due; run by the background loop on every host (a double delivery is a repeat the receiver ignores).</summary>
    public async Task RedeliverDueAsync(CancellationToken ct)
    {
        await FlushMarksAsync(ct);
        List<SandboxNotification> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SandboxDbContext>();
            var now = clock.GetUtcNow().UtcDateTime;
            due = await db.Set<SandboxNotification>().AsNoTracking()
                .Where(n => n.DeliveredAt == null && n.NextAttemptAt <= now && n.Attempts < MaxAttempts)
                .OrderBy(n => n.CreatedAt).ThenBy(n => n.Sequence)
                .Take(50)
                .ToListAsync(ct);
        }

        foreach (var notification in due)
        {
            await RecordAttemptAsync(notification.Id, await SendAsync(notification, ct), ct);
        }
    }

    private async Task<bool> SendAsync(SandboxNotification notification, CancellationToken ct)
    {
        var secret = options.Value.Secret ?? throw new InvalidOperationException("Tandem:Payments:Sandbox:Secret is not set.");
        var body = Encoding.UTF8.GetBytes(notification.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, CallbackUrl());
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(SandboxSignature.Header, SandboxSignature.Sign(secret, body));
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                LogRefused(notification.Id, (int)response.StatusCode);
            }

            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            LogUnreachable(e, notification.Id);
            return false;
        }
    }

    private async Task RecordAttemptAsync(string id, bool delivered, CancellationToken ct)
    {
        if (delivered)
        {
            MarkDelivered(id);
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SandboxDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var notifications = db.Set<SandboxNotification>().Where(n => n.Id == id);
        var row = await notifications.AsNoTracking().SingleAsync(ct);
        var next = now + TimeSpan.FromSeconds(Math.Min(600, 2 << Math.Min(row.Attempts, 9)));
        await notifications.Where(n => n.DeliveredAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.Attempts, n => n.Attempts + 1).SetProperty(n => n.NextAttemptAt, next), ct);
    }

    // Deliveries are marked in the sandbox's books a moment later, many in one statement, as a provider's own
    // bookkeeping would be: a mark lost in a crash only means the notification is sent again after its retry
    // delay, and the receiver ignores a notification it has already applied.
    private static readonly TimeSpan MarkDelay = TimeSpan.FromMilliseconds(200);
    private readonly ConcurrentQueue<string> _deliveredMarks = new();
    private int _flushScheduled;

    private void MarkDelivered(string id)
    {
        _deliveredMarks.Enqueue(id);
        if (Interlocked.Exchange(ref _flushScheduled, 1) == 0)
        {
            _ = FlushSoonAsync();
        }
    }

    private async Task FlushSoonAsync()
    {
        await Task.Delay(MarkDelay);
        Interlocked.Exchange(ref _flushScheduled, 0);
        try
        {
            await FlushMarksAsync(CancellationToken.None);
        }
        catch (ObjectDisposedException)
        {
            // The host is stopping: the marks are lost like a crash would lose them.
        }
        catch (Exception e)
        {
            LogMarksFailed(e);
        }
    }

    private readonly SemaphoreSlim _flushing = new(1, 1);

    public void Dispose() => _flushing.Dispose();

    /// <summary>Writes the delivery marks waiting in memory (up to 500 per statement); a flush under way is waited for.</summary>
    internal async Task FlushMarksAsync(CancellationToken ct)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            await WriteMarksAsync(ct);
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task WriteMarksAsync(CancellationToken ct)
    {
        while (!_deliveredMarks.IsEmpty)
        {
            var ids = new List<string>();
            while (ids.Count < 500 && _deliveredMarks.TryDequeue(out var id))
            {
                ids.Add(id);
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SandboxDbContext>();
            var now = clock.GetUtcNow().UtcDateTime;
            await db.Set<SandboxNotification>().Where(n => ids.Contains(n.Id) && n.DeliveredAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(n => n.DeliveredAt, now).SetProperty(n => n.Attempts, n => n.Attempts + 1), ct);
        }
    }

    /// <summary>The configured base URL, else the host's own first address (a wildcard host becomes loopback).</summary>
    internal string CallbackUrl()
    {
        var configured = options.Value.CallbackBaseUrl;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.TrimEnd('/') + CallbackPath;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? addresses.FirstOrDefault()
            ?? "http://127.0.0.1:5080";
        foreach (var wildcard in new[] { "://+:", "://*:", "://[::]:", "://0.0.0.0:" })
        {
            address = address.Replace(wildcard, "://127.0.0.1:", StringComparison.Ordinal);
        }

        return address.TrimEnd('/') + CallbackPath;
    }

    [LoggerMessage(LogLevel.Warning, "Recording sandbox deliveries failed; those notifications will be sent again")]
    private partial void LogMarksFailed(Exception exception);

    [LoggerMessage(LogLevel.Warning, "Sandbox callback {NotificationId} was answered {Status}")]
    private partial void LogRefused(string notificationId, int status);

    [LoggerMessage(LogLevel.Warning, "Sandbox callback {NotificationId} could not be delivered; it will be retried")]
    private partial void LogUnreachable(Exception exception, string notificationId);
}
