using Npgsql;
using Tandem.Host.Hosting;

namespace Tandem.Tests.Host;

/// <summary>
/// PostgreSQL connections prepare the statements they repeat and go back to the pool without a reset, and the sandbox
/// provider's commit without waiting for the disk, unless the operator's connection string says otherwise.
/// </summary>
public sealed class DatabaseSettingsTests
{
    [Fact]
    public void A_connection_string_without_the_settings_gets_them()
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.WithConnectionDefaults("Host=db;Username=tandem"));
        builder.MaxAutoPrepare.ShouldBe(64);
        builder.AutoPrepareMinUsages.ShouldBe(2);
        builder.NoResetOnClose.ShouldBeTrue();
        builder.Host.ShouldBe("db");
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=0", 0)]
    [InlineData("Host=db;max auto prepare=200", 200)]
    public void An_operators_own_auto_prepare_wins(string connectionString, int expected) =>
        new NpgsqlConnectionStringBuilder(Database.WithConnectionDefaults(connectionString)).MaxAutoPrepare.ShouldBe(expected);

    [Theory]
    [InlineData("Host=db;No Reset On Close=false")]
    [InlineData("Host=db;NoResetOnClose=false")]
    public void An_operators_own_reset_setting_wins(string connectionString) =>
        new NpgsqlConnectionStringBuilder(Database.WithConnectionDefaults(connectionString)).NoResetOnClose.ShouldBeFalse();

    [Theory]
    [InlineData("Host=db", "-c synchronous_commit=off")]
    [InlineData("Host=db;Options=-c search_path=shop", "-c search_path=shop -c synchronous_commit=off")]
    [InlineData("Host=db;Options=-c synchronous_commit=local", "-c synchronous_commit=local")]
    public void The_sandbox_commits_without_waiting_for_the_disk_unless_the_operator_says(string connectionString, string options) =>
        new NpgsqlConnectionStringBuilder(Database.WithoutWaitingForDisk(connectionString)).Options.ShouldBe(options);
}
