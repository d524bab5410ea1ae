using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Ordering.Orders;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Ordering;

/// <summary>
/// Placing draws its pickup code without asking the database first; the unique index on (store, open code) refuses a
/// code another open order holds, and the order is placed again with a checked code. These hosts draw what the test
/// tells them to, so the collision happens every time rather than once in a million.
/// </summary>
public abstract class PickupCodeCollisionTests(TandemApp app) : ShopTest(app)
{
    private readonly ScriptedPickupCodes codes = ((IScriptedPickupCodes)app).Codes;

    [Fact]
    public async Task A_drawn_code_another_open_order_holds_is_refused_and_the_order_placed_once_with_another()
    {
        var shop = await NewShopAsync(products: 1, onHand: 10);
        var first = await PaidOrderAsync(await NewUserAsync(), shop, (shop[0], 1));
        var taken = first.GetProperty("pickupCode").GetString()!;

        var consumer = await NewUserAsync();
        var drawnBefore = codes.Drawn;
        codes.Queue(taken);
        var placed = await PlaceOkAsync(consumer, shop, (shop[0], 2));
        (codes.Drawn - drawnBefore).ShouldBeGreaterThanOrEqualTo(2, "the refused code and the one placed");

        var paid = await (await PayAsync(consumer, IdOf(placed))).ShouldHave(HttpStatusCode.OK);
        paid.GetProperty("status").GetString().ShouldBe("succeeded");
        var second = await OrderAsync(consumer.Client, IdOf(placed));
        second.GetProperty("pickupCode").GetString().ShouldNotBe(taken);

        // The refused attempt rolled back: its reservation and its events are gone, the retry's are there once.
        var stock = await StockAsync(shop, shop[0].Id);
        stock.GetProperty("reserved").GetInt64().ShouldBe(3);
        stock.GetProperty("onHand").GetInt64().ShouldBe(10);
        (await MerchantOrdersAsync(shop)).Count.ShouldBe(2);
    }
}

/// <summary>Draws the codes a test queued, then random ones.</summary>
internal sealed class ScriptedPickupCodes : PickupCodeDraw
{
    private readonly ConcurrentQueue<string> _queued = new();
    private int _drawn;

    public int Drawn => Volatile.Read(ref _drawn);

    public void Queue(string code) => _queued.Enqueue(code);

    public override string Next()
    {
        Interlocked.Increment(ref _drawn);
        return _queued.TryDequeue(out var code) ? code : base.Next();
    }

    /// <summary>Makes the host being built draw from this script.</summary>
    public void DrawFor(IWebHostBuilder host) => host.ConfigureTestServices(s => s.AddSingleton<PickupCodeDraw>(this));
}

internal interface IScriptedPickupCodes
{
    ScriptedPickupCodes Codes { get; }
}

/// <summary>A host of its own that draws the pickup codes its test queues.</summary>
public sealed class ScriptedCodesSqliteApp : SqliteApp, IScriptedPickupCodes
{
    private readonly ScriptedPickupCodes _codes = new();

    ScriptedPickupCodes IScriptedPickupCodes.Codes => _codes;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        _codes.DrawFor(builder);
    }
}

/// <inheritdoc cref="ScriptedCodesSqliteApp"/>
public sealed class ScriptedCodesPostgresApp : PostgresApp, IScriptedPickupCodes
{
    private readonly ScriptedPickupCodes _codes = new();

    ScriptedPickupCodes IScriptedPickupCodes.Codes => _codes;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        _codes.DrawFor(builder);
    }
}

public sealed class PickupCodeCollisionTests_Sqlite(ScriptedCodesSqliteApp app) : PickupCodeCollisionTests(app), IClassFixture<ScriptedCodesSqliteApp>;

public sealed class PickupCodeCollisionTests_Postgres(ScriptedCodesPostgresApp app) : PickupCodeCollisionTests(app), IClassFixture<ScriptedCodesPostgresApp>;
