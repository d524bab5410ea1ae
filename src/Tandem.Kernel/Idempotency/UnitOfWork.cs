using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Tandem.Kernel.Persistence;

namespace Tandem.Kernel.Idempotency;

/// <summary>
/// One all-or-nothing piece of work on the shared DbContext. When a transaction is already open
/// (the idempotency filter owns one for the whole request, begun at the request's first unit of work), it joins it
/// through a savepoint; otherwise it begins and owns its own transaction. Either way <see cref="RollbackAsync"/> undoes
/// exactly this piece of work and forgets its tracked changes, and <see cref="CommitAsync"/> saves it.
/// </summary>
public sealed class UnitOfWork : IAsyncDisposable
{
    private static int _savepointCounter;

    private readonly DbContext _db;
    private readonly IDbContextTransaction? _owned;
    private readonly string? _savepoint;
    private readonly TandemDbContext? _beganDeferred;
    private readonly bool _autoSavepoints;
    private bool _finished;

    private UnitOfWork(DbContext db, IDbContextTransaction? owned, string? savepoint, TandemDbContext? beganDeferred = null)
    {
        _db = db;
        _owned = owned;
        _savepoint = savepoint;
        _beganDeferred = beganDeferred;

        // Every failure inside a unit rolls the whole unit back, so EF Core's own savepoint around each SaveChanges
        // would only add two statements per save inside the transaction (on SQLite, inside the one write lock).
        _autoSavepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
    }

    /// <summary>True when this unit joined a transaction someone else will commit.</summary>
    public bool Joined => _owned is null;

    public static async Task<UnitOfWork> BeginAsync(DbContext db, CancellationToken ct)
    {
        if (db is TandemDbContext deferred && await deferred.BeginDeferredTransactionAsync(ct))
        {
            // The request's transaction begins with this unit and holds nothing else yet: undoing the unit is rolling the
            // transaction back and deferring it again, so the unit needs no savepoint (two statements fewer).
            return new UnitOfWork(db, owned: null, savepoint: null, beganDeferred: deferred);
        }

        var ambient = db.Database.CurrentTransaction;
        if (ambient is null)
        {
            return new UnitOfWork(db, await db.Database.BeginTransactionAsync(ct), null);
        }

        var name = $"uow_{Interlocked.Increment(ref _savepointCounter)}";
        await ambient.CreateSavepointAsync(name, ct);
        return new UnitOfWork(db, null, name);
    }

    /// <summary>Saves tracked changes and commits (or releases the savepoint into the ambient transaction).</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        await _db.SaveChangesAsync(ct);
        if (_owned is not null)
        {
            await _owned.CommitAsync(ct);
            await _owned.DisposeAsync();
        }
        else if (_savepoint is not null && _db.Database.CurrentTransaction is { } ambient && ambient.SupportsSavepoints)
        {
            await ambient.ReleaseSavepointAsync(_savepoint, ct);
        }

        _finished = true;
        _db.Database.AutoSavepointsEnabled = _autoSavepoints;
    }

    /// <summary>Undoes this unit's statements and forgets every tracked change.</summary>
    public async Task RollbackAsync(CancellationToken ct)
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        try
        {
            if (_owned is not null)
            {
                await _owned.RollbackAsync(ct);
                await _owned.DisposeAsync();
            }
            else if (_beganDeferred is not null)
            {
                await _beganDeferred.DeferAgainAsync();
            }
            else if (_db.Database.CurrentTransaction is { } ambient)
            {
                await ambient.RollbackToSavepointAsync(_savepoint!, ct);
            }
        }
        finally
        {
            _db.ChangeTracker.Clear();
            _db.Database.AutoSavepointsEnabled = _autoSavepoints;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            await RollbackAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> again (up to <paramref name="maxAttempts"/> times) when it lost a race:
    /// an optimistic-concurrency conflict, or a deadlock / serialization failure reported by the database.
    /// Each attempt must open its own <see cref="UnitOfWork"/> so a lost attempt leaves nothing behind.
    /// </summary>
    public static async Task<T> RetryOnConflictAsync<T>(Func<Task<T>> attempt, int maxAttempts = 8)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (i < maxAttempts && IsRaceLost(e))
            {
                await Task.Delay(Random.Shared.Next(1, 10 * i));
            }
        }
    }

    /// <summary>True for the failures a retry can fix: someone else changed the row first, or the database chose this transaction as a deadlock victim.</summary>
    public static bool IsRaceLost(Exception e) => e switch
    {
        DbUpdateConcurrencyException => true,
        DbException { SqlState: "40P01" or "40001" } => true,
        _ when e.InnerException is not null => IsRaceLost(e.InnerException),
        _ => false,
    };
}
