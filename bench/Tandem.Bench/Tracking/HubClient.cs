using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Tandem.Bench.Tracking;

/// <summary>
/// A minimal SignalR client speaking the JSON hub protocol over a raw WebSocket (what a partner app without the .NET
/// client would do): handshake, invoke a method, and collect pushed messages.
/// </summary>
internal sealed class HubClient : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly List<JsonElement> _received = [];
    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> _pending = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private int _invocation;

    /// <summary>Called on the reader thread for every pushed message (target, first argument); nothing is kept when set.</summary>
    public Action<string, JsonElement>? OnMessage { get; set; }

    public static async Task<HubClient> ConnectAsync(Uri baseAddress, string path, string token, CancellationToken ct)
    {
        var client = new HubClient();
        var uri = new UriBuilder(baseAddress) { Scheme = "ws", Path = path, Query = $"access_token={Uri.EscapeDataString(token)}" }.Uri;
        await client._socket.ConnectAsync(uri, ct);
        await client.SendAsync("{\"protocol\":\"json\",\"version\":1}", ct);
        client._reader = Task.Run(() => client.ReadAsync(client._stop.Token), CancellationToken.None);
        return client;
    }

    public async Task<JsonElement> InvokeAsync(string target, object argument, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _invocation).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending)
        {
            _pending[id] = done;
        }

        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments = new[] { argument } }), ct);
        var completion = await done.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        return completion.GetProperty("result");
    }

    /// <summary>The arguments of every message named <paramref name="target"/> received so far.</summary>
    public IReadOnlyList<JsonElement> Messages(string target)
    {
        lock (_received)
        {
            return _received.Where(m => m.GetProperty("target").GetString() == target).Select(m => m.GetProperty("arguments")[0]).ToList();
        }
    }

    public async Task<JsonElement> WaitForAsync(string target, Func<JsonElement, bool> match, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (Messages(target).FirstOrDefault(match) is { ValueKind: not JsonValueKind.Undefined } found)
            {
                return found;
            }

            await Task.Delay(50, ct);
        }

        throw new TimeoutException($"No {target} message arrived.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }

        if (_reader is not null)
        {
            await _reader.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private Task SendAsync(string json, CancellationToken ct) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json + Separator), WebSocketMessageType.Text, true, ct);

    private async Task ReadAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        while (!ct.IsCancellationRequested && _socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, ct);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                return;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            var all = text.ToString();
            var end = all.LastIndexOf(Separator);
            if (end < 0)
            {
                continue;
            }

            text.Clear().Append(all[(end + 1)..]);
            foreach (var frame in all[..end].Split(Separator, StringSplitOptions.RemoveEmptyEntries))
            {
                using var document = JsonDocument.Parse(frame);
                var message = document.RootElement.Clone();
                if (!message.TryGetProperty("type", out var type))
                {
                    continue; // the handshake answer
                }

                if (type.GetInt32() == 3 && message.GetProperty("invocationId").GetString() is { } id)
                {
                    lock (_pending)
                    {
                        if (_pending.Remove(id, out var done))
                        {
                            done.TrySetResult(message);
                        }
                    }
                }
                else if (type.GetInt32() == 1 && OnMessage is { } callback)
                {
                    callback(message.GetProperty("target").GetString()!, message.GetProperty("arguments")[0]);
                }
                else if (type.GetInt32() == 1)
                {
                    lock (_received)
                    {
                        _received.Add(message);
                    }
                }
            }
        }
    }
}
