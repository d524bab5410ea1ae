using System.Diagnostics.Metrics;

namespace Tandem.Kernel.Outbox;

/// <summary>The dispatcher's instruments, on meter <c>Tandem.Outbox</c>.</summary>
internal sealed class OutboxMetrics
{
    public const string MeterName = "Tandem.Outbox";

    private readonly Counter<long> _claimed;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _parked;
    private readonly Counter<long> _replayed;
    private readonly Histogram<double> _lag;

    public OutboxMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _claimed = meter.CreateCounter<long>("tandem.outbox.claimed", "{message}", "Messages claimed for delivery by this host.");
        _delivered = meter.CreateCounter<long>("tandem.outbox.delivered", "{message}", "Messages delivered to every handler.");
        _failed = meter.CreateCounter<long>("tandem.outbox.failed_attempts", "{attempt}", "Delivery attempts that failed and will be retried or parked.");
        _parked = meter.CreateCounter<long>("tandem.outbox.parked", "{message}", "Messages parked after their last attempt.");
        _replayed = meter.CreateCounter<long>("tandem.outbox.replayed", "{message}", "Parked messages an operator sent back to the queue.");
        _lag = meter.CreateHistogram<double>("tandem.outbox.delivery_lag", "s", "Time from the event to its delivery.");
    }

    public void Claimed(int count) => _claimed.Add(count);

    public void Delivered(TimeSpan lag)
    {
        _delivered.Add(1);
        _lag.Record(Math.Max(0, lag.TotalSeconds));
    }

    public void Failed() => _failed.Add(1);

    public void Parked() => _parked.Add(1);

    public void Replayed() => _replayed.Add(1);
}
