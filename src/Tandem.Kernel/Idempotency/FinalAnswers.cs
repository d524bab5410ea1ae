using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel.Persistence;

namespace Tandem.Kernel.Idempotency;

/// <summary>
/// Stores the final answers of requests that committed their effect early (<see cref="IdempotentRequest.CheckpointAsync"/>:
/// paying), several to a transaction. Such an answer is a write of its own, one small update under the request's
/// lease, and it must be durable before the client sees it; alone, each would cost a commit, which on SQLite is a disk
/// sync under the one write lock. Answers that arrive while a transaction is writing wait for the next one, which
/// takes all of them (group commit): under load one commit serves many requests, and a lone request waits for nothing
/// but its own. Each answer is still its own guarded statement, so one request's lost lease changes nothing for the
/// others (docs/decisions/0026).
/// </summary>
internal sealed class FinalAnswers(IServiceScopeFactory scopes)
{
    /// <summary>At most this many answers to a transaction, so one commit's wait stays short.</summary>
    private const int MaxBatch = 128;

    private readonly Lock _gate = new();
    private readonly Queue<Pending> _queue = new();
    private bool _writing;

    /// <summary>Stores the request's answer under its lease and completes once that is committed; false when the lease was lost.</summary>
    public Task<bool> StoreAsync(ActiveKey key, CapturedResponse answer)
    {
        var pending = new Pending(key, answer, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _queue.Enqueue(pending);
            start = !_writing;
            _writing = true;
        }

        if (start)
        {
            _ = Task.Run(WriteAllAsync);
        }

        return pending.Stored.Task;
    }

    private async Task WriteAllAsync()
    {
        while (true)
        {
            var batch = new List<Pending>();
            lock (_gate)
            {
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    _writing = false;
                    return;
                }
            }

            await WriteAsync(batch);
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        bool[] stored;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            var keys = scope.ServiceProvider.GetRequiredService<IdempotencyKeys>();
            stored = new bool[batch.Count];
            await using (var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None))
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var (key, answer, _) = batch[i];
                    stored[i] = await keys.StoreAnswerAsync(key.Scope, key.Key, key.Token, IdempotencyState.Completed, answer, CancellationToken.None);
                }

                await transaction.CommitAsync(CancellationToken.None);
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Whatever failed (the database, one odd answer), it must not fail the others: each is tried alone. A
            // second write of an answer that did commit changes nothing, since it is the same update under the same lease.
            foreach (var pending in batch)
            {
                await WriteAsync([pending]);
            }

            return;
        }
        catch (Exception e)
        {
            batch[0].Stored.TrySetException(e);
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Stored.TrySetResult(stored[i]);
        }
    }

    private sealed record Pending(ActiveKey Key, CapturedResponse Answer, TaskCompletionSource<bool> Stored);
}
