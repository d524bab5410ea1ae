using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Tandem.Identity;
using Tandem.Kernel.Persistence;
using Tandem.Payments.Sandbox;

namespace Tandem.Host.Hosting;

/// <summary>What runs once before the host serves: migrations, configured admins, the demo district.</summary>
internal static class StartupTasks
{
    public static async Task PrepareAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tandem.Startup");
        var info = app.Services.GetRequiredService<DatabaseInfo>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            if (info.Provider == DatabaseProvider.Sqlite)
            {
                // WAL lets readers run beside the single writer; the setting is stored in the file.
                foreach (var file in new[] { info.ConnectionString, info.SandboxConnectionString })
                {
                    await using var connection = new SqliteConnection(file);
                    await connection.OpenAsync();
                    await using var pragma = connection.CreateCommand();
                    pragma.CommandText = "PRAGMA journal_mode=WAL;";
                    await pragma.ExecuteNonQueryAsync();
                }
            }

            await db.Database.MigrateAsync();
            await scope.ServiceProvider.GetRequiredService<SandboxDbContext>().Database.MigrateAsync();
            logger.LogInformation("Database ready ({Provider})", info.Provider);
            await IdentityModule.BootstrapAdminsAsync(scope.ServiceProvider, app.Configuration, logger, CancellationToken.None);
        }

        if (app.Configuration.GetValue("Tandem:SeedDemo", app.Environment.IsDevelopment()))
        {
            await DemoDistrict.SeedAsync(app.Services, logger, CancellationToken.None);
        }

        app.Services.GetRequiredService<StartupState>().MarkReady();
    }
}
