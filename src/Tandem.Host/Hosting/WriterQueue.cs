using System.Diagnostics;

namespace Tandem.Host.Hosting;

/// <summary>
/// One lock for a SQLite file's writers, taken first come first served. A writer that lets go hands the lock straight to
/// the next one in the queue: the next writer's code runs on at once, on the thread that let go. With a
/// <see cref="SemaphoreSlim"/> the next writer was queued behind the thread pool's other work instead, and on a busy
/// two-core machine the lock lay free for about 0.4 ms at every handover, a fifth of its time
/// (docs/decisions/0020). The thread that let go carries on with its own work afterwards; the runtime itself stops
/// such nesting from running a stack out, by queueing a continuation instead of running it when the stack is deep.
/// So never let go while holding a <c>lock</c> (a monitor): the next writer would run inside it, and monitors are
/// re-entrant on one thread.
/// </summary>
internal sealed class WriterQueue
{
    private static readonly Task<bool> Taken = Task.FromResult(true);

    private readonly Lock _sync = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiting = [];
    private bool _held;

    /// <summary>When the lock was last handed to a queued writer (a <see cref="Stopwatch"/> timestamp); 0 if it was free when last taken.</summary>
    public long HandedOverAt { get; private set; }

    /// <summary>Writers queued now (not counting the holder).</summary>
    public int Waiting
    {
        get
        {
            lock (_sync)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Takes the lock, waiting at most <paramref name="patience"/>; false if it was not taken in time.</summary>
    public bool Wait(TimeSpan patience)
    {
        if (Enqueue() is not { } node)
        {
            return true;
        }

        // Past its patience the writer leaves the queue, unless the lock reached it meanwhile.
        return node.Value.Task.Wait(patience) || !Abandon(node);
    }

    /// <summary>
    /// Takes the lock, waiting at most <paramref name="patience"/>: true when taken, false when the patience ran out.
    /// Cancelling leaves the queue and throws.
    /// </summary>
    public Task<bool> WaitAsync(TimeSpan patience, CancellationToken ct) =>
        Enqueue() is { } node ? WaitQueuedAsync(node, patience, ct) : Taken;

    /// <summary>Lets go: the longest-waiting writer has the lock now and runs on, on this thread.</summary>
    public void Release()
    {
        TaskCompletionSource<bool> next;
        lock (_sync)
        {
            if (_waiting.First is not { } first)
            {
                _held = false;
                HandedOverAt = 0;
                return;
            }

            _waiting.RemoveFirst();
            next = first.Value;
            HandedOverAt = Stopwatch.GetTimestamp();
        }

        next.TrySetResult(true);
    }

    private async Task<bool> WaitQueuedAsync(LinkedListNode<TaskCompletionSource<bool>> node, TimeSpan patience, CancellationToken ct)
    {
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(ct);
        expiry.CancelAfter(patience);
        await using (expiry.Token.UnsafeRegister(static state =>
        {
            var (queue, waiter) = ((WriterQueue, LinkedListNode<TaskCompletionSource<bool>>))state!;
            if (queue.Abandon(waiter))
            {
                // The writer goes on without the lock, but not on the timer's or the canceller's thread.
                ThreadPool.UnsafeQueueUserWorkItem(static w => w.TrySetResult(false), waiter.Value, preferLocal: false);
            }
        }, (this, node)))
        {
            if (await node.Value.Task)
            {
                return true;
            }
        }

        ct.ThrowIfCancellationRequested();
        return false;
    }

    /// <summary>Takes the lock if it is free (null), else queues the writer.</summary>
    private LinkedListNode<TaskCompletionSource<bool>>? Enqueue()
    {
        lock (_sync)
        {
            if (!_held)
            {
                _held = true;
                HandedOverAt = 0;
                return null;
            }

            // Without RunContinuationsAsynchronously: granting the lock runs the writer on the granting thread.
            return _waiting.AddLast(new TaskCompletionSource<bool>());
        }
    }

    /// <summary>Takes a queued writer out of the queue; false when the lock was handed to it already.</summary>
    private bool Abandon(LinkedListNode<TaskCompletionSource<bool>> node)
    {
        lock (_sync)
        {
            if (node.List is null)
            {
                return false;
            }

            _waiting.Remove(node);
            return true;
        }
    }
}
