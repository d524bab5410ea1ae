using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Delivery.Couriers;
using Tandem.Delivery.Data;
using Tandem.Kernel.Persistence;

namespace Tandem.Delivery.Tracking;

/// <summary>
/// Accepted positions on their way to the database, and each courier's last good point (for jump checks). Positions
/// are telemetry: a crash loses at most one write interval of them; job state changes never pass through here.
/// </summary>
internal sealed class PositionStream
{
    public const int Capacity = 200_000;

    private readonly Channel<CourierPosition> _queue = Channel.CreateBounded<CourierPosition>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly ConcurrentDictionary<Guid, CourierPosition> _last = new();

    public ChannelReader<CourierPosition> Reader => _queue.Reader;

    public bool TryLast(Guid courierId, out CourierPosition last) => _last.TryGetValue(courierId, out last!);

    public void Accept(CourierPosition position)
    {
        if (!position.Flagged)
        {
            _last.AddOrUpdate(position.CourierId, position, (_, old) => old.At <= position.At ? position : old);
        }

        _queue.Writer.TryWrite(position);
    }

    public void Complete() => _queue.Writer.TryComplete();
}

/// <summary>
/// Drains <see cref="PositionStream"/> every <see cref="DeliveryOptions.WriteInterval"/> (or at 1,000 points) with
/// multi-row INSERTs — one statement per few hundred points, not one tracked entity per update — and moves each
/// courier's last known position once per batch.
/// </summary>
internal sealed class PositionWriter(PositionStream stream, IServiceScopeFactory scopes, IOptions<DeliveryOptions> options, ILogger<PositionWriter> logger)
    : BackgroundService
{
    private const int BatchSize = 1000;
    private const int RowsPerStatement = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<CourierPosition>(BatchSize);
        while (true)
        {
            try
            {
                if (!await stream.Reader.WaitToReadAsync(stoppingToken))
                {
                    break;
                }

                using var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                window.CancelAfter(options.Value.WriteInterval);
                try
                {
                    while (batch.Count < BatchSize)
                    {
                        while (batch.Count < BatchSize && stream.Reader.TryRead(out var point))
                        {
                            batch.Add(point);
                        }

                        if (batch.Count >= BatchSize || !await stream.Reader.WaitToReadAsync(window.Token))
                        {
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The write interval is up: write what we have.
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await WriteAsync(batch, CancellationToken.None);
            batch.Clear();
        }

        // Shutting down: write what is still queued.
        while (stream.Reader.TryRead(out var rest))
        {
            batch.Add(rest);
        }

        await WriteAsync(batch, CancellationToken.None);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        stream.Complete();
        await base.StopAsync(cancellationToken);
    }

    private async Task WriteAsync(List<CourierPosition> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            var table = new ModuleTables(db.IsPostgres).For(new DeliveryModel().Schema).Qualified("positions");
            foreach (var chunk in batch.Chunk(RowsPerStatement))
            {
                var sql = new StringBuilder($"INSERT INTO {table} (\"Id\", \"CourierId\", \"Lat\", \"Lng\", \"At\", \"AccuracyM\", \"Flagged\", \"ReceivedAt\") VALUES ");
                var parameters = new List<object?>(chunk.Length * 8);
                for (var i = 0; i < chunk.Length; i++)
                {
                    var p = chunk[i];
                    var n = parameters.Count;
                    sql.Append(i == 0 ? "" : ", ").Append($"({{{n}}}, {{{n + 1}}}, {{{n + 2}}}, {{{n + 3}}}, {{{n + 4}}}, {{{n + 5}}}, {{{n + 6}}}, {{{n + 7}}})");
                    parameters.AddRange([p.Id, p.CourierId, p.Lat, p.Lng, p.At, p.AccuracyM, p.Flagged, p.ReceivedAt]);
                }

                var statement = sql.ToString();
                await db.Database.ExecuteSqlRawAsync(statement, parameters!, ct);
            }

            foreach (var last in batch.Where(p => !p.Flagged).GroupBy(p => p.CourierId).Select(g => g.MaxBy(p => p.At)!))
            {
                await db.Set<Courier>()
                    .Where(c => c.UserId == last.CourierId && (c.LastSeenAt == null || c.LastSeenAt < last.At))
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(c => c.LastLat, last.Lat)
                        .SetProperty(c => c.LastLng, last.Lng)
                        .SetProperty(c => c.LastSeenAt, last.At), ct);
            }
        }
        catch (Exception e)
        {
            // Telemetry: losing a batch must not stop the stream.
            logger.LogError(e, "Could not write {Count} courier positions", batch.Count);
        }
    }
}

/// <summary>Deletes track points older than <see cref="DeliveryOptions.TrackRetention"/>, every <see cref="DeliveryOptions.SweepInterval"/>.</summary>
internal sealed class TrackSweeper(IServiceScopeFactory scopes, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<TrackSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Sweeping old courier tracks failed; retrying next interval");
            }

            try
            {
                await Task.Delay(options.Value.SweepInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var before = clock.GetUtcNow().UtcDateTime - options.Value.TrackRetention;
        var deleted = await db.Set<CourierPosition>().Where(p => p.At < before).ExecuteDeleteAsync(ct);
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} courier track points older than {Before}", deleted, before);
        }

        return deleted;
    }
}
