using Npgsql;
using Tandem.Host.Hosting;

namespace Tandem.Tests.Host;

/// <summary>PostgreSQL connections prepare the statements they repeat, unless the operator's connection string says otherwise.</summary>
public sealed class DatabaseSettingsTests
{
    [Fact]
    public void A_connection_string_without_auto_prepare_gets_it()
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.WithAutoPrepare("Host=db;Username=tandem"));
        builder.MaxAutoPrepare.ShouldBe(64);
        builder.AutoPrepareMinUsages.ShouldBe(2);
        builder.Host.ShouldBe("db");
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=0", 0)]
    [InlineData("Host=db;max auto prepare=200", 200)]
    public void An_operators_own_setting_wins(string connectionString, int expected) =>
        new NpgsqlConnectionStringBuilder(Database.WithAutoPrepare(connectionString)).MaxAutoPrepare.ShouldBe(expected);
}
