using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Acceptance;

/// <summary>API.md, "Orders": handing a pickup order over against its code.</summary>
public abstract class PickupTests(TandemApp app) : AcceptanceTest(app)
{
    [Fact]
    public async Task A_wrong_code_is_refused_and_after_five_the_handover_is_locked_even_for_the_right_code()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (0, 1));
        var code = await MakeReadyAsync(shop, consumer, Id(order));
        var wrong = code == "000000" ? "111111" : "000000";

        for (var i = 0; i < 5; i++)
        {
            await (await HandoverAsync(shop.Staff.Client, Id(order), wrong)).ShouldBeProblem(HttpStatusCode.Conflict, "wrong_pickup_code");
        }

        await (await HandoverAsync(shop.Staff.Client, Id(order), wrong)).ShouldBeProblem(HttpStatusCode.Conflict, "pickup_code_locked");
        await (await HandoverAsync(shop.Staff.Client, Id(order), code)).ShouldBeProblem(HttpStatusCode.Conflict, "pickup_code_locked");
        Status(await GetOrderAsync(consumer.Client, Id(order))).ShouldBe("ready_for_pickup");
        (await StockAsync(shop)).ShouldBe(new StockLevel(5, 1, 4));
    }

    [Fact]
    public async Task Fewer_than_five_wrong_codes_still_let_the_right_one_through()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (0, 1));
        var code = await MakeReadyAsync(shop, consumer, Id(order));
        var wrong = code == "000000" ? "111111" : "000000";
        for (var i = 0; i < 4; i++)
        {
            await (await HandoverAsync(shop.Staff.Client, Id(order), wrong)).ShouldBeProblem(HttpStatusCode.Conflict, "wrong_pickup_code");
        }

        Status(await (await HandoverAsync(shop.Staff.Client, Id(order), code)).ShouldHave(HttpStatusCode.OK)).ShouldBe("completed");
    }

    [Fact]
    public async Task The_counter_completes_a_pickup_from_the_code_alone()
    {
        var shop = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (0, 2));
        var code = await MakeReadyAsync(shop, consumer, Id(order));

        var completed = await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.Store.Id}/pickups", new { pickupCode = code }, Ct)).ShouldHave(HttpStatusCode.OK);
        Id(completed).ShouldBe(Id(order));
        Status(completed).ShouldBe("completed");
        (await StockAsync(shop)).ShouldBe(new StockLevel(3, 0, 3));

        // The code no longer matches an open order.
        await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.Store.Id}/pickups", new { pickupCode = code }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_code_that_matches_no_open_order_of_the_store_is_not_found()
    {
        var shop = await NewShopAsync((100, 5));
        var other = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (0, 1));
        var code = await MakeReadyAsync(shop, consumer, Id(order));

        // Another merchant's staff, at their own store or at this one, find nothing.
        await (await other.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{other.Store.Id}/pickups", new { pickupCode = code }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await other.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.Store.Id}/pickups", new { pickupCode = code }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await consumer.Client.PostAsJsonAsync($"/api/v1/stores/{shop.Store.Id}/pickups", new { pickupCode = code }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        var unknown = code == "999999" ? "888888" : "999999";
        await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.Store.Id}/pickups", new { pickupCode = unknown }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        Status(await GetOrderAsync(consumer.Client, Id(order))).ShouldBe("ready_for_pickup");
    }

    [Fact]
    public async Task Another_merchants_staff_cannot_hand_over_an_order()
    {
        var shop = await NewShopAsync((100, 5));
        var other = await NewShopAsync((100, 5));
        var consumer = await NewUserAsync();
        var order = await PaidOrderAsync(consumer, shop, (0, 1));
        var code = await MakeReadyAsync(shop, consumer, Id(order));
        await (await HandoverAsync(other.Staff.Client, Id(order), code)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        Status(await GetOrderAsync(consumer.Client, Id(order))).ShouldBe("ready_for_pickup");
    }

    [Fact]
    public async Task Open_orders_of_one_store_have_distinct_pickup_codes()
    {
        var shop = await NewShopAsync((100, 200));
        var consumer = await NewUserAsync();
        var codes = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            codes.Add((await PaidOrderAsync(consumer, shop, (0, 1))).GetProperty("pickupCode").GetString()!);
        }

        codes.Distinct().Count().ShouldBe(codes.Count);
    }
}

public sealed class PickupTests_Sqlite(SqliteApp app) : PickupTests(app);

public sealed class PickupTests_Postgres(PostgresApp app) : PickupTests(app);
