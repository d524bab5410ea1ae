namespace Tandem.Delivery.Tracking;

/// <summary>
/// One accepted point of a courier's track, kept for disputes until the retention period ends. Written in batches by
/// <see cref="PositionWriter"/>, never one row per request through the change tracker.
/// </summary>
internal sealed class CourierPosition
{
    public Guid Id { get; init; }
    public Guid CourierId { get; init; }
    public double Lat { get; init; }
    public double Lng { get; init; }
    public DateTime At { get; init; }
    public double? AccuracyM { get; init; }

    /// <summary>Implausibly far from the previous point (faster than the configured speed): kept, not shown live.</summary>
    public bool Flagged { get; init; }
    public DateTime ReceivedAt { get; init; }
}
