using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Kernel;

/// <summary>
/// One <see cref="PreparedStatement"/> serves concurrent requests: each run reads its own rows. A first version shared
/// one EF Core command object between runs, and under load on PostgreSQL a request could take another's reader and
/// stall holding its row (docs/decisions/0025). On the host's own context, on SQLite and PostgreSQL.
/// </summary>
public abstract class PreparedStatementTests(TandemApp app) : ApiTest(app)
{
    private const int Rows = 24;
    private const int Rounds = 15;

    [Fact]
    public async Task Concurrent_runs_of_one_statement_each_read_their_own_row()
    {
        var ids = Enumerable.Range(0, Rows).Select(_ => Guid.CreateVersion7()).ToList();
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            // Parked, so the host's outbox dispatcher leaves them alone.
            await db.InsertAsync(ids.Select(id => new OutboxMessage
            {
                Id = id,
                Type = "test.prepared-statement",
                Payload = "{}",
                OccurredAt = DateTime.UtcNow,
                NextAttemptAt = DateTime.UtcNow,
                ParkedAt = DateTime.UtcNow,
            }), Ct);
            await transaction.CommitAsync(Ct);
        }

        PreparedStatement statement;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            var t = PreparedStatement.TableOf<OutboxMessage>(db);
            var attempts = t.Column(nameof(OutboxMessage.Attempts));
            statement = PreparedStatement.Build(db,
                $"UPDATE {t.Name} SET {attempts} = {attempts} + 1 WHERE {t.Column(nameof(OutboxMessage.Id))} = @id " +
                $"RETURNING {t.Column(nameof(OutboxMessage.Id))}, {attempts}",
                [t.Parameter("id", nameof(OutboxMessage.Id))]);
        }

        await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            for (var round = 1; round <= Rounds; round++)
            {
                await using var scope = App.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
                await using var transaction = await db.Database.BeginTransactionAsync(Ct);
                await using (var reader = await statement.ReadAsync(db, [id], Ct))
                {
                    (await reader.ReadAsync(Ct)).ShouldBeTrue();
                    reader.DbDataReader.GetFieldValue<Guid>(0).ShouldBe(id);
                    reader.DbDataReader.GetInt32(1).ShouldBe(round);
                    (await reader.ReadAsync(Ct)).ShouldBeFalse();
                }

                await transaction.CommitAsync(Ct);
            }
        }, Ct))).WaitAsync(TimeSpan.FromMinutes(2), Ct);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            var counts = await db.Set<OutboxMessage>().AsNoTracking().Where(m => ids.Contains(m.Id)).Select(m => m.Attempts).ToListAsync(Ct);
            counts.Count.ShouldBe(Rows);
            counts.ShouldAllBe(a => a == Rounds);
        }
    }

    [Fact]
    public async Task The_wrong_number_of_values_is_refused_before_anything_runs()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var t = PreparedStatement.TableOf<OutboxMessage>(db);
        var statement = PreparedStatement.Build(db,
            $"UPDATE {t.Name} SET {t.Column(nameof(OutboxMessage.Attempts))} = 99 WHERE {t.Column(nameof(OutboxMessage.Id))} = @id",
            [t.Parameter("id", nameof(OutboxMessage.Id))]);
        await Should.ThrowAsync<ArgumentException>(() => statement.ExecuteAsync(db, [], Ct));
        (await db.Set<OutboxMessage>().CountAsync(m => m.Attempts == 99, Ct)).ShouldBe(0);
    }
}

public sealed class PreparedStatementTests_Sqlite(SqliteApp app) : PreparedStatementTests(app);

public sealed class PreparedStatementTests_Postgres(PostgresApp app) : PreparedStatementTests(app);
