using System.Text.Json;
using Tandem.Host.Hosting;

namespace Tandem.Tests.Host;

/// <summary>
/// The in-memory queue of a SQLite file's writers (docs/decisions/0020): one holder at a time, first come first served,
/// the lock handed to the next writer on the thread that lets go, and a writer past its patience or cancelled leaves
/// the queue without ever holding the lock.
/// </summary>
public sealed class WriterQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Writers_get_the_lock_in_the_order_they_asked_for_it()
    {
        var queue = new WriterQueue();
        (await queue.WaitAsync(Patience, Ct)).ShouldBeTrue();
        queue.HandedOverAt.ShouldBe(0, "a free lock is taken, not handed over");

        var order = new List<int>();
        var writers = new List<Task>();
        for (var i = 0; i < 5; i++)
        {
            var n = i;
            writers.Add(Task.Run(async () =>
            {
                (await queue.WaitAsync(Patience, Ct)).ShouldBeTrue();
                order.Add(n);
                queue.Release();
            }, Ct));

            // Each writer queues before the next one starts.
            await WaitUntilAsync(() => queue.Waiting == n + 1);
        }

        queue.Release();
        await Task.WhenAll(writers).WaitAsync(Patience, Ct);
        order.ShouldBe([0, 1, 2, 3, 4]);
        queue.Waiting.ShouldBe(0);
        (await queue.WaitAsync(TimeSpan.Zero, Ct)).ShouldBeTrue("the last writer left the lock free");
    }

    [Fact]
    public async Task The_next_writer_runs_on_the_thread_that_lets_go_and_the_handover_time_is_kept()
    {
        var queue = new WriterQueue();
        (await queue.WaitAsync(Patience, Ct)).ShouldBeTrue();

        // By the time WaitAsync returns its unfinished task, the queued writer is suspended on its turn; what runs when
        // the turn comes is observed by a continuation that runs wherever the writer resumes.
        var waiting = queue.WaitAsync(Patience, Ct);
        waiting.IsCompleted.ShouldBeFalse();
        var resumedOn = waiting.ContinueWith(
            t => (Granted: t.Result, Thread: Environment.CurrentManagedThreadId, queue.HandedOverAt),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var releasedOn = 0;
        var before = System.Diagnostics.Stopwatch.GetTimestamp();
        await Task.Factory.StartNew(() =>
        {
            releasedOn = Environment.CurrentManagedThreadId;
            queue.Release();
        }, Ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var (granted, thread, handedOverAt) = await resumedOn.WaitAsync(Patience, Ct);
        granted.ShouldBeTrue();
        thread.ShouldBe(releasedOn);
        handedOverAt.ShouldBeGreaterThanOrEqualTo(before);
    }

    [Fact]
    public async Task A_writer_past_its_patience_leaves_the_queue_without_the_lock()
    {
        var queue = new WriterQueue();
        (await queue.WaitAsync(Patience, Ct)).ShouldBeTrue();

        (await queue.WaitAsync(TimeSpan.FromMilliseconds(50), Ct)).ShouldBeFalse();
        queue.Waiting.ShouldBe(0);
        queue.Wait(TimeSpan.FromMilliseconds(50)).ShouldBeFalse();
        queue.Waiting.ShouldBe(0);

        // Nobody was handed the lock: letting go leaves it free.
        queue.Release();
        queue.Wait(TimeSpan.Zero).ShouldBeTrue();
    }

    [Fact]
    public async Task A_cancelled_writer_leaves_the_queue_and_is_told_so()
    {
        var queue = new WriterQueue();
        (await queue.WaitAsync(Patience, Ct)).ShouldBeTrue();
        using var cancel = new CancellationTokenSource();
        var waiting = queue.WaitAsync(Patience, cancel.Token);
        await WaitUntilAsync(() => queue.Waiting == 1);

        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => waiting);
        queue.Waiting.ShouldBe(0);
        queue.Release();
        (await queue.WaitAsync(TimeSpan.Zero, Ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task Under_many_writers_some_impatient_or_blocking_only_one_holds_the_lock_at_a_time_and_every_grant_is_released()
    {
        var queue = new WriterQueue();
        var inside = 0;
        var granted = 0;
        var unguarded = 0; // incremented without atomics: only mutual exclusion keeps the count exact
        var refused = 0;

        async Task WriterAsync(int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < 300; i++)
            {
                var patience = random.Next(4) == 0 ? TimeSpan.FromTicks(random.Next(1, 20_000)) : Patience;
                var taken = random.Next(5) == 0 ? queue.Wait(patience) : await queue.WaitAsync(patience, Ct);
                if (!taken)
                {
                    Interlocked.Increment(ref refused);
                    continue;
                }

                Interlocked.Increment(ref inside).ShouldBe(1, "two writers held the lock at once");
                unguarded++;
                Interlocked.Increment(ref granted);
                if (random.Next(3) == 0)
                {
                    await Task.Yield(); // a holder that lets its thread go between statements
                }

                Interlocked.Decrement(ref inside);
                queue.Release();
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 32).Select(seed => Task.Run(() => WriterAsync(seed), Ct))).WaitAsync(TimeSpan.FromMinutes(2), Ct);

        (granted + refused).ShouldBe(32 * 300);
        unguarded.ShouldBe(granted);
        queue.Waiting.ShouldBe(0);
        (await queue.WaitAsync(TimeSpan.Zero, Ct)).ShouldBeTrue("every grant was released");
    }

    [Fact]
    public void The_host_keeps_one_worker_per_core_instead_of_hill_climbing()
    {
        // The host's own runtime settings (Tandem.Host.runtimeconfig.json, copied beside the tests).
        var path = Path.Combine(AppContext.BaseDirectory, "Tandem.Host.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties")
            .GetProperty("System.Threading.ThreadPool.HillClimbing.Disable").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public void The_host_runs_server_GC_without_dynamic_adaptation()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Tandem.Host.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        properties.GetProperty("System.GC.Server").GetBoolean().ShouldBeTrue();
        properties.GetProperty("System.GC.DynamicAdaptationMode").GetInt32().ShouldBe(0);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "timed out waiting");
            await Task.Delay(2, Ct);
        }
    }
}
