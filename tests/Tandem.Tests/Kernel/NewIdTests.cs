using Tandem.Kernel;

namespace Tandem.Tests.Kernel;

/// <summary>Ids are UUIDv7 and, within the process, strictly increasing: "oldest first" lists are "by id".</summary>
public sealed class NewIdTests
{
    // The real clock, shifted: other tests draw ids at the same time, and the guarantee is for one timeline.
    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public TimeSpan Shift { get; set; } = shift;

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Shift;
    }

    [Fact]
    public void Ids_drawn_in_one_millisecond_or_after_a_small_clock_step_back_keep_increasing_and_stay_version_7()
    {
        var clock = new ShiftedClock(TimeSpan.Zero);
        var ids = new List<Guid>();
        for (var i = 0; i < 20_000; i++)
        {
            if (i == 10_000)
            {
                clock.Shift = TimeSpan.FromMilliseconds(-300); // NTP stepped the clock back a little
            }

            ids.Add(NewId.Next(clock));
        }

        ids.ShouldAllBe(id => id.Version == 7 && (id.Variant & 0b1100) == 0b1000);
        for (var i = 1; i < ids.Count; i++)
        {
            Compare(ids[i - 1], ids[i]).ShouldBeLessThan(0, $"id {i} did not follow id {i - 1}");
        }
    }

    [Fact]
    public void A_clock_far_in_the_past_gets_ids_of_its_own_time()
    {
        var past = new FixedClock(TimeProvider.System.GetUtcNow().AddHours(-1));
        NewId.Next(TimeProvider.System);
        var id = NewId.Next(past);
        Millis(id).ShouldBe((ulong)past.Now.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Ids_drawn_on_many_threads_at_once_are_all_distinct()
    {
        var clock = TimeProvider.System;
        var drawn = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 5_000).Select(_ => NewId.Next(clock)).ToList())));
        drawn.SelectMany(d => d).Distinct().Count().ShouldBe(40_000);
        foreach (var thread in drawn)
        {
            thread.Zip(thread.Skip(1), Compare).ShouldAllBe(c => c < 0);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    // The order SQLite (text) and PostgreSQL (uuid) sort ids in: big-endian bytes.
    private static int Compare(Guid a, Guid b) =>
        a.ToByteArray(bigEndian: true).AsSpan().SequenceCompareTo(b.ToByteArray(bigEndian: true));

    private static ulong Millis(Guid id) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(id.ToByteArray(bigEndian: true)) >> 16;
}
