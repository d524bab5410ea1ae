namespace Tandem.Kernel.Outbox;

/// <summary>How the outbox dispatcher polls, retries and parks (section <c>Tandem:Outbox</c>).</summary>
public sealed class OutboxOptions
{
    public const string Section = "Tandem:Outbox";

    /// <summary>False stops this host from dispatching (another host still may).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long the dispatcher sleeps when nothing is due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Messages claimed per round trip.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Messages of one batch delivered side by side.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How long a claim keeps other dispatchers away; a crashed host's messages are redelivered after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The first retry waits about this long; each further one about twice as long.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Failed attempts after which a message is parked for an operator.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Delivered messages (and their processed-event records) are deleted after this.</summary>
    public TimeSpan RetainDelivered { get; set; } = TimeSpan.FromDays(7);
}
