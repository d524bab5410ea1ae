namespace Tandem.Traceability.Epcis;

/// <summary>
/// A fixed number of remembered yes/no answers keyed by a string or a UTF-8 value, for checks whose answer depends on
/// the key alone. Direct-mapped: a key has one slot (by its hash), a new key overwrites whatever sat there, so the
/// memory is bounded without counting entries, and reading or writing is one array access with no lock. Answers for
/// values that repeat (member names, CBV terms, locations) stay; values seen once (identifiers, timestamps) pass
/// through and cost one hash. It replaced a capped <c>ConcurrentDictionary</c> whose <c>Count</c>, asked on every miss
/// once the cap was reached, took all its locks and became a tenth of capture's CPU at 200,000 events.
/// </summary>
internal sealed class RememberedAnswers(int slots)
{
    /// <summary>Longer keys are not remembered: long values rarely repeat, and comparing them costs.</summary>
    public const int MaxKeyLength = 256;

    private sealed record Entry(string? Text, byte[]? Utf8, bool Answer);

    private readonly Entry?[] _slots = new Entry?[int.IsPow2(slots) ? slots : throw new ArgumentOutOfRangeException(nameof(slots), "A power of two.")];

    /// <summary>The remembered answer for <paramref name="key"/>, else <paramref name="check"/>'s (remembered for next time).</summary>
    public bool Get<TState>(string key, TState state, Func<TState, bool> check)
    {
        if (key.Length > MaxKeyLength)
        {
            return check(state);
        }

        ref var slot = ref Slot(string.GetHashCode(key, StringComparison.Ordinal));
        if (Volatile.Read(ref slot) is { Text: { } text } entry && string.Equals(text, key, StringComparison.Ordinal))
        {
            return entry.Answer;
        }

        var answer = check(state);
        Volatile.Write(ref slot, new Entry(key, null, answer));
        return answer;
    }

    /// <summary>The same, keyed by the bytes of a UTF-8 value (a JSON value's raw text, without decoding it).</summary>
    public bool Get<TState>(ReadOnlySpan<byte> key, TState state, Func<TState, bool> check)
    {
        if (key.Length > MaxKeyLength)
        {
            return check(state);
        }

        var hash = new HashCode();
        hash.AddBytes(key);
        ref var slot = ref Slot(hash.ToHashCode());
        if (Volatile.Read(ref slot) is { Utf8: { } bytes } entry && key.SequenceEqual(bytes))
        {
            return entry.Answer;
        }

        var answer = check(state);
        Volatile.Write(ref slot, new Entry(null, key.ToArray(), answer));
        return answer;
    }

    private ref Entry? Slot(int hash) => ref _slots[(int)((uint)hash & (uint)(_slots.Length - 1))];
}
