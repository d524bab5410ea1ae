using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Payments.Contracts;
using Tandem.Payments.Providers;
using Tandem.Payments.Sandbox;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Ordering;

namespace Tandem.Tests.Payments;

/// <summary>
/// The sandbox provider stands for another company's system: its books are not in Tandem's model, and on SQLite they
/// are in a file of their own with its own write lock.
/// </summary>
public abstract class SandboxBooksTests(TandemApp app) : ShopTest(app)
{
    [Fact]
    public async Task Only_the_sandbox_books_commit_without_waiting_for_the_disk()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var tandem = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var sandbox = scope.ServiceProvider.GetRequiredService<SandboxDbContext>();
        if (App.Provider == "sqlite")
        {
            // 2 is FULL (a commit waits for the WAL to reach the disk), 1 is NORMAL.
            (await SettingAsync(tandem, "PRAGMA synchronous")).ShouldBe("2");
            (await SettingAsync(sandbox, "PRAGMA synchronous")).ShouldBe("1");
        }
        else
        {
            // The sandbox's connections ask for it themselves; Tandem's keep whatever the server is configured with
            // (the test server runs with it off for speed, so the value alone would prove nothing).
            const string Sql = "SELECT setting || ' from ' || source FROM pg_settings WHERE name = 'synchronous_commit'";
            (await SettingAsync(sandbox, Sql)).ShouldBe("off from client");
            (await SettingAsync(tandem, Sql)).ShouldNotEndWith(" from client");
        }
    }

    [Fact]
    public async Task A_payment_submitted_twice_is_booked_once_and_settles_through_its_first_booking()
    {
        var shop = await NewShopAsync();
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 1));
        var pending = await (await PayAsync(consumer, IdOf(order), new { outcome = "delay" })).ShouldHave(HttpStatusCode.OK);
        var paymentId = pending.GetProperty("paymentId").GetGuid();
        var amount = order.GetProperty("total").GetProperty("amount").GetInt64();

        // The provider books a payment without looking first; a second submission meets the first booking.
        var provider = App.Services.GetRequiredService<SandboxProvider>();
        await provider.SubmitAsync(new PaymentSubmission(paymentId, IdOf(order), consumer.Id, new Money(amount, "CNY"),
            new SandboxControls("approve", null, null, null)), Ct);

        await using var scope = App.Services.CreateAsyncScope();
        var sandbox = scope.ServiceProvider.GetRequiredService<SandboxDbContext>();
        var booked = await sandbox.Set<SandboxPayment>().AsNoTracking().Where(p => p.PaymentId == paymentId).ToListAsync(Ct);
        booked.Count.ShouldBe(1);
        booked[0].State.ShouldBe(SandboxPaymentState.Approved);
        var told = await sandbox.Set<SandboxNotification>().AsNoTracking().Where(n => n.PaymentId == paymentId)
            .OrderBy(n => n.Sequence).Select(n => n.Sequence).ToListAsync(Ct);
        told.ShouldBe([1, 2]); // "pending" from the first submission, the outcome from the second: none twice
        (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("paid");
    }

    private async Task<string?> SettingAsync(DbContext db, string sql)
    {
        await db.Database.OpenConnectionAsync(Ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            return Convert.ToString(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [Fact]
    public async Task The_sandbox_books_a_payment_in_its_own_store_and_Tandem_has_no_sandbox_tables()
    {
        var shop = await NewShopAsync();
        var consumer = await NewUserAsync();
        var order = await PlaceOkAsync(consumer, shop, (shop[0], 1));
        var paid = await (await PayAsync(consumer, IdOf(order))).ShouldHave(HttpStatusCode.OK);
        var paymentId = paid.GetProperty("paymentId").GetGuid();

        await using var scope = App.Services.CreateAsyncScope();
        var sandbox = scope.ServiceProvider.GetRequiredService<SandboxDbContext>();
        var booked = await sandbox.Set<SandboxPayment>().AsNoTracking().SingleAsync(p => p.PaymentId == paymentId, Ct);
        booked.State.ShouldBe(SandboxPaymentState.Approved);
        (await sandbox.Set<SandboxNotification>().CountAsync(n => n.PaymentId == paymentId, Ct)).ShouldBe(1);

        var tandem = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        tandem.Model.FindEntityType(typeof(SandboxPayment)).ShouldBeNull();
        tandem.Model.FindEntityType(typeof(SandboxNotification)).ShouldBeNull();
        tandem.Model.FindEntityType(typeof(SandboxRefund)).ShouldBeNull();
        if (App.Provider == "sqlite")
        {
            var tandemFile = new SqliteConnectionStringBuilder(tandem.Database.GetConnectionString()).DataSource;
            var sandboxFile = new SqliteConnectionStringBuilder(sandbox.Database.GetConnectionString()).DataSource;
            Path.GetFileName(sandboxFile).ShouldBe("sandbox.db");
            Path.GetDirectoryName(sandboxFile).ShouldBe(Path.GetDirectoryName(tandemFile));
            // The upgrade moved the books out: Tandem's file keeps none of the sandbox's tables.
            var tables = await tandem.Database.SqlQueryRaw<string>(
                "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name LIKE '%sandbox%'").ToListAsync(Ct);
            tables.ShouldBeEmpty();
        }
        else
        {
            var schemas = await sandbox.Database.SqlQueryRaw<string>(
                "SELECT table_schema AS \"Value\" FROM information_schema.tables WHERE table_name = 'payments' AND table_schema = 'sandbox'").ToListAsync(Ct);
            schemas.ShouldBe(["sandbox"]);
        }
    }
}

public sealed class SandboxBooksTests_Sqlite(SqliteApp app) : SandboxBooksTests(app)
{
    [Fact]
    public async Task Each_SQLite_file_reports_how_long_writers_waited_for_and_held_its_write_lock_and_on_what()
    {
        var measured = new ConcurrentDictionary<(string Instrument, string Database), int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Tandem.Database")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            value.ShouldBeGreaterThanOrEqualTo(0);
            string? database = null, part = null;
            foreach (var tag in tags)
            {
                (database, part) = tag.Key switch
                {
                    "tandem.database" => ((string)tag.Value!, part),
                    "tandem.sqlite.part" => (database, (string)tag.Value!),
                    _ => (database, part),
                };
            }

            if (database is not null)
            {
                measured.AddOrUpdate((part is null ? instrument.Name : $"{instrument.Name}:{part}", database), 1, (_, n) => n + 1);
            }
        });
        listener.Start();

        var shop = await NewShopAsync();
        var consumer = await NewUserAsync();
        await PaidOrderAsync(consumer, shop, (shop[0], 1));

        foreach (var database in new[] { "tandem", "sandbox" })
        {
            measured.ShouldContainKey(("tandem.sqlite.write_lock.wait", database));
            measured.ShouldContainKey(("tandem.sqlite.write_lock.hold", database));

            // The busy time split by what the holder was doing: SQLite running statements, the commit, the host's own work.
            foreach (var part in new[] { "statements", "commit", "host" })
            {
                measured.ShouldContainKey(($"tandem.sqlite.write_lock.busy:{part}", database));
            }
        }
    }
}

public sealed class SandboxBooksTests_Postgres(PostgresApp app) : SandboxBooksTests(app);
