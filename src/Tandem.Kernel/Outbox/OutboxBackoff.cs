namespace Tandem.Kernel.Outbox;

/// <summary>Exponential backoff with jitter, so many failing messages do not retry in lockstep.</summary>
public static class OutboxBackoff
{
    /// <summary>
    /// The wait after the <paramref name="failedAttempts"/>-th failure: half of
    /// <c>min(base * 2^(n-1), max)</c> plus a random part of the other half ("equal jitter"), so the
    /// n-th wait is never shorter than the (n-1)-th could have been.
    /// </summary>
    public static TimeSpan Delay(int failedAttempts, TimeSpan baseDelay, TimeSpan maxDelay, double random01)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var exponent = Math.Min(failedAttempts - 1, 30);
        var ceiling = Math.Min(baseDelay.Ticks * Math.Pow(2, exponent), maxDelay.Ticks);
        var jitter = Math.Clamp(random01, 0, 1);
        return TimeSpan.FromTicks((long)(ceiling / 2 + ceiling / 2 * jitter));
    }
}
