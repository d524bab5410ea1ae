using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Delivery.Dispatch;
using Tandem.Delivery.Routing;
using Tandem.Delivery.Routing.Checking;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Delivery.Lifecycle;

/// <summary>Delivery end to end through the API: quote, order, dispatch, pickup, live position, delivery code, failures and returns.</summary>
public abstract class DeliveryLifecycleTests(TandemApp app) : DeliveryTest(app)
{
    private static readonly double[][][] Triangle = [[[120.15, 30.26], [120.20, 30.26], [120.20, 30.30], [120.15, 30.26]]];

    private static readonly double[][][] NotARing = [[[1.0, 1.0]]];

    [Fact]
    public async Task A_delivery_order_is_quoted_dispatched_picked_up_tracked_and_delivered_with_the_consumers_code()
    {
        var shop = await NewDeliveringShopAsync();
        var consumer = await NewUserAsync();
        var quote = await (await consumer.Client.PostAsJsonAsync("/api/v1/delivery/quotes", new
        {
            storeId = shop.StoreId,
            location = new { lat = HomeLat, lng = HomeLng },
            subtotal = new { amount = 1299, currency = "CNY" },
        }, Ct)).ShouldHave(HttpStatusCode.OK);
        var distance = quote.GetProperty("distanceKm").GetDouble();
        distance.ShouldBeInRange(1.8, 2.0);
        quote.GetProperty("fee").GetProperty("amount").GetInt64().ShouldBe(500 + (long)Math.Ceiling(100 * distance));
        quote.GetProperty("asap").GetBoolean().ShouldBeTrue();

        var courier = await NewCourierAsync(lat: Lat, lng: Lng);
        var other = await NewCourierAsync(onShift: false);
        try
        {
            var placed = await (await PlaceDeliveryAsync(consumer, shop)).ShouldHave(HttpStatusCode.Created);
            placed.GetProperty("deliveryFee").GetProperty("amount").GetInt64().ShouldBe(quote.GetProperty("fee").GetProperty("amount").GetInt64());
            placed.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(1299 + placed.GetProperty("deliveryFee").GetProperty("amount").GetInt64());
            placed.GetProperty("fulfillment").GetProperty("window").GetProperty("end").GetDateTime()
                .ShouldBeGreaterThan(placed.GetProperty("fulfillment").GetProperty("window").GetProperty("start").GetDateTime());

            var orderId = IdOf(placed);
            await (await PayAsync(consumer, orderId)).ShouldHave(HttpStatusCode.OK);
            (await StoreJobAsync(shop, orderId)).GetProperty("status").GetString().ShouldBe("waiting");
            await StaffActionAsync(shop, orderId, "accept");
            var ready = await StaffActionAsync(shop, orderId, "ready");
            ready.GetProperty("status").GetString().ShouldBe("ready_for_dispatch");

            var batch = await (await (await AdminAsync()).PostAsync("/api/v1/dispatch/batches", null, Ct)).ShouldHave(HttpStatusCode.OK);
            batch.GetProperty("assigned").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
            var job = (await CourierJobsAsync(courier)).Single(j => j.GetProperty("orderId").GetGuid() == orderId);
            job.GetProperty("status").GetString().ShouldBe("ready");
            job.GetProperty("dropoff").GetProperty("address").GetString().ShouldBe("杭州市上城区解放路 100 号 3 单元 502");
            job.GetProperty("plannedDeliveryAt").GetDateTime().ShouldBeLessThanOrEqualTo(job.GetProperty("window").GetProperty("end").GetDateTime());
            (await CourierJobsAsync(other)).ShouldBeEmpty();
            await (await other.Client.GetAsync($"/api/v1/courier/jobs/{JobIdOf(job)}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");

            // Before the courier has the goods the consumer sees no courier.
            var waiting = await (await consumer.Client.GetAsync($"/api/v1/orders/{orderId}/delivery", Ct)).ShouldHave(HttpStatusCode.OK);
            waiting.TryGetProperty("courier", out _).ShouldBeFalse();

            await (await courier.Client.PostAsJsonAsync($"/api/v1/courier/jobs/{JobIdOf(job)}/pickup", new { orderCode = $"tandem:order:{Guid.NewGuid()}" }, Ct))
                .ShouldBeProblem(HttpStatusCode.Conflict, "wrong_order_code");
            var picked = await (await courier.Client.PostAsJsonAsync($"/api/v1/courier/jobs/{JobIdOf(job)}/pickup", new { orderCode = $"tandem:order:{orderId}" }, Ct))
                .ShouldHave(HttpStatusCode.OK);
            picked.GetProperty("status").GetString().ShouldBe("picked_up");
            var onTheWay = await OrderAsync(consumer.Client, orderId);
            onTheWay.GetProperty("status").GetString().ShouldBe("out_for_delivery");
            var code = onTheWay.GetProperty("deliveryCode").GetString()!;
            (await OrderAsync(shop.Staff.Client, orderId)).TryGetProperty("deliveryCode", out _).ShouldBeFalse();
            var stock = await StockAsync(shop, shop[0].Id);
            stock.GetProperty("onHand").GetInt64().ShouldBe(19);
            stock.GetProperty("reserved").GetInt64().ShouldBe(0);
            (await MovementsAsync(shop, shop[0].Id)).Last().GetProperty("reason").GetString().ShouldBe("sale");

            // Forty metres on from the store (further within seconds would be flagged as a jump).
            await (await PositionsAsync(courier, (30.2741, 120.1555, DateTime.UtcNow))).ShouldHave(HttpStatusCode.Accepted);
            var tracking = await (await consumer.Client.GetAsync($"/api/v1/orders/{orderId}/delivery", Ct)).ShouldHave(HttpStatusCode.OK);
            tracking.GetProperty("courier").GetProperty("location").GetProperty("lng").GetDouble().ShouldBe(120.1555, 1e-9);
            tracking.GetProperty("etaSeconds").GetInt32().ShouldBeGreaterThan(0);
            await (await (await NewUserAsync()).Client.GetAsync($"/api/v1/orders/{orderId}/delivery", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");

            var wrong = code == "000000" ? "111111" : "000000";
            var refused = await (await courier.Client.PostAsJsonAsync($"/api/v1/courier/jobs/{JobIdOf(job)}/deliver", new { deliveryCode = wrong }, Ct))
                .ShouldBeProblem(HttpStatusCode.Conflict, "wrong_delivery_code");
            refused.GetProperty("attemptsLeft").GetInt32().ShouldBe(4);
            var delivered = await (await courier.Client.PostAsJsonAsync($"/api/v1/courier/jobs/{JobIdOf(job)}/deliver", new { deliveryCode = code }, Ct))
                .ShouldHave(HttpStatusCode.OK);
            delivered.GetProperty("status").GetString().ShouldBe("delivered");
            delivered.TryGetProperty("dropoff", out _).ShouldBeFalse();
            var done = await OrderAsync(consumer.Client, orderId);
            done.GetProperty("status").GetString().ShouldBe("delivered");
            done.TryGetProperty("deliveryCode", out _).ShouldBeFalse();

            // Once delivered the address is no longer the courier's to see.
            var after = await (await courier.Client.GetAsync($"/api/v1/courier/jobs/{JobIdOf(job)}", Ct)).ShouldHave(HttpStatusCode.OK);
            after.TryGetProperty("dropoff", out _).ShouldBeFalse();
            (await CourierJobsAsync(courier)).ShouldNotContain(j => j.GetProperty("orderId").GetGuid() == orderId);

            var stats = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/delivery-stats", Ct)).ShouldHave(HttpStatusCode.OK);
            stats.GetProperty("delivered").GetInt32().ShouldBe(1);
            stats.GetProperty("onTime").GetInt32().ShouldBe(1);
            stats.GetProperty("failed").GetInt32().ShouldBe(0);
        }
        finally
        {
            await ShiftAsync(courier, false);
        }
    }

    [Fact]
    public async Task A_failed_delivery_puts_the_goods_back_into_stock_when_staff_confirm_the_return()
    {
        var shop = await NewDeliveringShopAsync();
        var consumer = await NewUserAsync();
        var courier = await NewCourierAsync(lat: Lat, lng: Lng);
        try
        {
            var order = await ReadyDeliveryAsync(consumer, shop, quantity: 2);
            var job = await StoreJobAsync(shop, IdOf(order));

            // The dispatcher assigns by hand; the next batch keeps it.
            await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{JobIdOf(job)}/assign", new { courierId = Guid.NewGuid() }, Ct))
                .ShouldBeProblem(HttpStatusCode.BadRequest, "unknown_courier");
            var assigned = await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{JobIdOf(job)}/assign", new { courierId = courier.Id }, Ct))
                .ShouldHave(HttpStatusCode.OK);
            assigned.GetProperty("manualAssignment").GetBoolean().ShouldBeTrue();
            await (await (await AdminAsync()).PostAsync("/api/v1/dispatch/batches", null, Ct)).ShouldHave(HttpStatusCode.OK);
            var mine = (await CourierJobsAsync(courier)).Single(j => j.GetProperty("orderId").GetGuid() == IdOf(order));
            mine.GetProperty("courierId").GetGuid().ShouldBe(courier.Id);

            // The store scans the job code on the courier's screen.
            await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/stores/{shop.StoreId}/dispatch/pickups", new { jobCode = mine.GetProperty("jobCode").GetString() }, Ct))
                .ShouldHave(HttpStatusCode.OK);
            (await StockAsync(shop, shop[0].Id)).GetProperty("onHand").GetInt64().ShouldBe(18);

            await (await courier.Client.PostAsJsonAsync($"/api/v1/courier/jobs/{JobIdOf(mine)}/fail", new { reason = "lost" }, Ct))
                .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
            var failed = await (await courier.Client.PostAsJsonAsync($"/api/v1/courier/jobs/{JobIdOf(mine)}/fail", new { reason = "not_home" }, Ct))
                .ShouldHave(HttpStatusCode.OK);
            failed.GetProperty("status").GetString().ShouldBe("failed");
            (await OrderAsync(consumer.Client, IdOf(order))).GetProperty("status").GetString().ShouldBe("delivery_failed");
            (await StockAsync(shop, shop[0].Id)).GetProperty("onHand").GetInt64().ShouldBe(18);

            await (await courier.Client.PostAsync($"/api/v1/delivery/jobs/{JobIdOf(mine)}/return", null, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await shop.Staff.Client.PostAsync($"/api/v1/delivery/jobs/{JobIdOf(mine)}/return", null, Ct)).ShouldHave(HttpStatusCode.OK);
            var returned = await OrderAsync(consumer.Client, IdOf(order));
            returned.GetProperty("status").GetString().ShouldBe("returned");
            (await StockAsync(shop, shop[0].Id)).GetProperty("onHand").GetInt64().ShouldBe(20);

            // The consumer never got the goods: the payment is refunded in full (decided at once, confirmed by the provider).
            returned.GetProperty("payment").GetProperty("status").GetString().ShouldBeOneOf("refund_pending", "refunded");
            for (var i = 0; i < 120 && returned.GetProperty("payment").GetProperty("status").GetString() == "refund_pending"; i++)
            {
                await Task.Delay(500, Ct);
                returned = await OrderAsync(consumer.Client, IdOf(order));
            }

            returned.GetProperty("payment").GetProperty("status").GetString().ShouldBe("refunded");
            var last = (await MovementsAsync(shop, shop[0].Id)).Last();
            last.GetProperty("reason").GetString().ShouldBe("return");
            last.GetProperty("delta").GetInt64().ShouldBe(2);
            await (await shop.Staff.Client.PostAsync($"/api/v1/delivery/jobs/{JobIdOf(mine)}/return", null, Ct))
                .ShouldBeProblem(HttpStatusCode.Conflict, "invalid_transition");

            var stats = await (await courier.Client.GetAsync("/api/v1/courier/stats", Ct)).ShouldHave(HttpStatusCode.OK);
            stats.GetProperty("failed").GetInt32().ShouldBe(1);
            stats.GetProperty("failuresByReason").GetProperty("not_home").GetInt32().ShouldBe(1);
        }
        finally
        {
            await ShiftAsync(courier, false);
        }
    }

    [Fact]
    public async Task The_hub_shows_the_courier_to_the_consumer_only_while_the_order_is_on_its_way()
    {
        var shop = await NewDeliveringShopAsync();
        var consumer = await NewUserAsync();
        var courier = await NewCourierAsync(lat: Lat, lng: Lng);
        try
        {
            var order = await ReadyDeliveryAsync(consumer, shop);
            var job = await StoreJobAsync(shop, IdOf(order));
            await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{JobIdOf(job)}/assign", new { courierId = courier.Id }, Ct))
                .ShouldHave(HttpStatusCode.OK);

            await using var consumerHub = await HubClient.ConnectAsync(App.BaseAddress, "/hubs/delivery", consumer.Token, Ct);
            (await consumerHub.InvokeAsync("JoinOrder", IdOf(order), Ct)).GetBoolean().ShouldBeTrue();
            await using var staffHub = await HubClient.ConnectAsync(App.BaseAddress, "/hubs/delivery", shop.Staff.Token, Ct);
            (await staffHub.InvokeAsync("JoinStore", shop.StoreId, Ct)).GetBoolean().ShouldBeTrue();
            await using var strangerHub = await HubClient.ConnectAsync(App.BaseAddress, "/hubs/delivery", (await NewUserAsync()).Token, Ct);
            (await strangerHub.InvokeAsync("JoinOrder", IdOf(order), Ct)).GetBoolean().ShouldBeFalse();
            (await strangerHub.InvokeAsync("JoinStore", shop.StoreId, Ct)).GetBoolean().ShouldBeFalse();

            // Waiting at the store: the store sees the courier, the consumer does not yet.
            await (await PositionsAsync(courier, (Lat + 0.0002, Lng, DateTime.UtcNow))).ShouldHave(HttpStatusCode.Accepted);
            await staffHub.WaitForAsync("courierPosition",
                m => m.GetProperty("courierId").GetGuid() == courier.Id && Math.Abs(m.GetProperty("lat").GetDouble() - (Lat + 0.0002)) < 1e-9, Ct);

            var mine = (await CourierJobsAsync(courier)).Single(j => j.GetProperty("orderId").GetGuid() == IdOf(order));
            await (await courier.Client.PostAsJsonAsync($"/api/v1/courier/jobs/{JobIdOf(mine)}/pickup", new { orderCode = $"tandem:order:{IdOf(order)}" }, Ct))
                .ShouldHave(HttpStatusCode.OK);
            await consumerHub.WaitForAsync("jobChanged", m => m.GetProperty("status").GetString() == "picked_up", Ct);
            consumerHub.Messages("courierPosition").ShouldBeEmpty();

            await (await PositionsAsync(courier, (Lat + 0.0004, Lng, DateTime.UtcNow))).ShouldHave(HttpStatusCode.Accepted);
            var seen = await consumerHub.WaitForAsync("courierPosition", m => Math.Abs(m.GetProperty("lat").GetDouble() - (Lat + 0.0004)) < 1e-9, Ct);
            seen.GetProperty("orderId").GetGuid().ShouldBe(IdOf(order));
            seen.GetProperty("etaSeconds").GetInt32().ShouldBeGreaterThan(0);
            strangerHub.Messages("courierPosition").ShouldBeEmpty();
        }
        finally
        {
            await ShiftAsync(courier, false);
        }
    }

    [Fact]
    public async Task Delivery_areas_minimum_orders_and_free_delivery_are_enforced_at_checkout()
    {
        var shop = await NewDeliveringShopAsync();
        var consumer = await NewUserAsync();
        await (await PlaceDeliveryAsync(consumer, shop, lat: 30.40, lng: 120.30)).ShouldBeProblem(HttpStatusCode.BadRequest, "outside_delivery_area");

        var cheap = await NewDeliveringShopAsync();
        await (await cheap.Manager.Client.PutAsJsonAsync($"/api/v1/stores/{cheap.StoreId}/delivery-settings", new
        {
            // A triangle east of the store: the store's street is inside, the lake to the west is not.
            area = new { type = "Polygon", coordinates = Triangle },
            baseFee = new { amount = 300, currency = "CNY" },
            freeAbove = new { amount = 2000, currency = "CNY" },
            minimumOrder = new { amount = 2000, currency = "CNY" },
        }, Ct)).ShouldHave(HttpStatusCode.OK);
        await (await PlaceDeliveryAsync(consumer, cheap, quantity: 1)).ShouldBeProblem(HttpStatusCode.BadRequest, "below_minimum_order");
        await (await PlaceDeliveryAsync(consumer, cheap, quantity: 2, lat: 30.25, lng: 120.17)).ShouldBeProblem(HttpStatusCode.BadRequest, "outside_delivery_area");
        var free = await (await PlaceDeliveryAsync(consumer, cheap, quantity: 2, lat: 30.265, lng: 120.19)).ShouldHave(HttpStatusCode.Created);
        free.GetProperty("deliveryFee").GetProperty("amount").GetInt64().ShouldBe(0);
        free.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(2 * 1299);

        await (await shop.Staff.Client.PutAsJsonAsync($"/api/v1/stores/{shop.StoreId}/delivery-settings", new { radiusKm = 3, baseFee = new { amount = 1 } }, Ct))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await shop.Manager.Client.PutAsJsonAsync($"/api/v1/stores/{shop.StoreId}/delivery-settings", new
        {
            radiusKm = 3,
            area = new { type = "Polygon", coordinates = NotARing },
            baseFee = new { amount = 1 },
            slots = new[] { new { start = "10:00", end = "09:00", capacity = 1 } },
        }, Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Slot_capacity_is_never_exceeded_by_concurrent_orders_and_a_cancellation_frees_a_place()
    {
        // An afternoon slot: tomorrow's is always at least twelve hours ahead, so it is listed whatever the time of day.
        // (An all-day slot from 00:00 was not: in the preparation time before local midnight, tomorrow's slot starts too
        // soon to be ordered and the day after is not listed yet.)
        var shop = await NewDeliveringShopAsync(slots: new[] { new { start = "12:00", end = "23:59", capacity = 3 } }, onHand: 100);
        var slots = await (await Anonymous().GetAsync($"/api/v1/stores/{shop.StoreId}/delivery-slots", Ct)).ShouldHave(HttpStatusCode.OK);
        var slot = slots.GetProperty("items").EnumerateArray().Last();
        slot.GetProperty("remaining").GetInt32().ShouldBe(3);
        var start = slot.GetProperty("start").GetDateTime().ToUniversalTime();

        var consumers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => NewUserAsync()));
        var responses = await Task.WhenAll(consumers.Select(c => PlaceDeliveryAsync(c, shop, slotStart: start)));
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        created.Count.ShouldBe(3);
        foreach (var full in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await full.ShouldBeProblem(HttpStatusCode.Conflict, "slot_full");
        }

        var first = await created[0].Json();
        first.GetProperty("fulfillment").GetProperty("slotStart").GetDateTime().ToUniversalTime().ShouldBe(start);
        (await StockAsync(shop, shop[0].Id)).GetProperty("reserved").GetInt64().ShouldBe(3);
        var after = await (await Anonymous().GetAsync($"/api/v1/stores/{shop.StoreId}/delivery-slots", Ct)).ShouldHave(HttpStatusCode.OK);
        after.GetProperty("items").EnumerateArray().Last().GetProperty("remaining").GetInt32().ShouldBe(0);

        var owner = consumers[Array.FindIndex(responses, r => r == created[0])];
        await (await CancelAsync(owner.Client, IdOf(first))).ShouldHave(HttpStatusCode.OK);
        await (await PlaceDeliveryAsync(await NewUserAsync(), shop, slotStart: start)).ShouldHave(HttpStatusCode.Created);
        await (await PlaceDeliveryAsync(await NewUserAsync(), shop, slotStart: start.AddMinutes(7))).ShouldBeProblem(HttpStatusCode.BadRequest, "unknown_slot");
    }

    [Fact]
    public async Task Couriers_see_only_their_own_jobs_and_other_merchants_see_nothing()
    {
        var shop = await NewDeliveringShopAsync();
        var consumer = await NewUserAsync();
        var order = await ReadyDeliveryAsync(consumer, shop);
        var job = await StoreJobAsync(shop, IdOf(order));
        var stranger = await NewShopAsync(products: 1);

        await (await stranger.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/dispatch/jobs", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await stranger.Staff.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{JobIdOf(job)}/assign", new { courierId = (Guid?)null }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await stranger.Staff.Client.GetAsync($"/api/v1/delivery/jobs/{JobIdOf(job)}/track", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await consumer.Client.GetAsync("/api/v1/courier/jobs", Ct)).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await consumer.Client.PostAsync("/api/v1/dispatch/batches", null, Ct)).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await Anonymous().GetAsync("/api/v1/courier/jobs", Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");

        var courier = await NewCourierAsync(lat: Lat, lng: Lng);
        try
        {
            (await CourierJobsAsync(courier)).ShouldBeEmpty();
            await (await courier.Client.PostAsJsonAsync($"/api/v1/courier/jobs/{JobIdOf(job)}/pickup", new { orderCode = IdOf(order).ToString() }, Ct))
                .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        }
        finally
        {
            await ShiftAsync(courier, false);
        }
    }

    [Fact]
    public async Task Bad_positions_are_refused_with_problem_json_and_far_jumps_are_flagged()
    {
        var courier = await NewCourierAsync(lat: Lat, lng: Lng);
        try
        {
            var now = DateTime.UtcNow;
            (await (await PositionsAsync(courier, (91, Lng, now))).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed"))
                .GetProperty("errors").TryGetProperty("points[0].lat", out _).ShouldBeTrue();
            (await (await PositionsAsync(courier, (Lat, Lng, now), (Lat, Lng, now.AddHours(1)))).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed"))
                .GetProperty("errors").TryGetProperty("points[1].at", out _).ShouldBeTrue();
            await (await PositionsAsync(courier)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
            await (await courier.Client.PostAsync("/api/v1/courier/positions", new StringContent("{\"points\": [{\"lat\": \"x\"}]}", System.Text.Encoding.UTF8, "application/json"), Ct))
                .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");

            // Beijing five seconds after Hangzhou: kept for the record, flagged, not the courier's position.
            var jump = await (await PositionsAsync(courier, (39.9042, 116.4074, DateTime.UtcNow))).ShouldHave(HttpStatusCode.Accepted);
            jump.GetProperty("flagged").GetInt32().ShouldBe(1);
            jump.GetProperty("accepted").GetInt32().ShouldBe(0);
            var fine = await (await PositionsAsync(courier, (Lat + 0.0005, Lng, DateTime.UtcNow))).ShouldHave(HttpStatusCode.Accepted);
            fine.GetProperty("accepted").GetInt32().ShouldBe(1);

            // Written in the background within about a second.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            JsonElement me;
            do
            {
                await Task.Delay(200, Ct);
                me = await (await courier.Client.GetAsync("/api/v1/courier", Ct)).ShouldHave(HttpStatusCode.OK);
            }
            while ((!me.TryGetProperty("lastLocation", out var at) || Math.Abs(at.GetProperty("lat").GetDouble() - (Lat + 0.0005)) > 1e-9)
                   && DateTime.UtcNow < deadline);
            me.GetProperty("lastLocation").GetProperty("lat").GetDouble().ShouldBe(Lat + 0.0005, 1e-9);

            await ShiftAsync(courier, false);
            await (await PositionsAsync(courier, (Lat, Lng, DateTime.UtcNow))).ShouldBeProblem(HttpStatusCode.Conflict, "not_on_shift");
        }
        finally
        {
            await ShiftAsync(courier, false);
        }
    }

    [Fact]
    public async Task Dispatch_plans_pass_the_independent_feasibility_check_and_unservable_jobs_are_flagged()
    {
        var east = await NewDeliveringShopAsync(onHand: 50);
        var west = await NewDeliveringShopAsync(onHand: 50);
        var orders = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            orders.Add(IdOf(await ReadyDeliveryAsync(await NewUserAsync(), i % 2 == 0 ? east : west, quantity: 1 + i % 3)));
        }

        var runner = App.Services.GetRequiredService<DispatchRunner>();
        // No courier on shift: every job is flagged, none is planned.
        await runner.RunOnceAsync(Ct, new SolveOptions(Seed: 1, MaxIterations: 500));
        (await StoreJobAsync(east, orders[0])).GetProperty("flag").GetString().ShouldBe("no_courier");

        var couriers = new[] { await NewCourierAsync(capacity: 3, lat: Lat, lng: Lng), await NewCourierAsync(capacity: 4, lat: Lat, lng: Lng + 0.01) };
        try
        {
            var plan = await runner.PlanOnceAsync(Ct, new SolveOptions(Seed: 1, MaxIterations: 2000));
            plan.ShouldNotBeNull();
            foreach (var part in plan.Carriers)
            {
                FeasibilityChecker.Check(part.Problem, part.Solution).Violations.ShouldBeEmpty();
            }

            foreach (var orderId in orders)
            {
                var job = await StoreJobAsync(orders.IndexOf(orderId) % 2 == 0 ? east : west, orderId);
                job.TryGetProperty("flag", out _).ShouldBeFalse();
                job.GetProperty("courierId").GetGuid().ShouldBeOneOf(couriers.Select(c => c.Id).ToArray());
                job.GetProperty("plannedDeliveryAt").GetDateTime().ShouldBeLessThanOrEqualTo(job.GetProperty("window").GetProperty("end").GetDateTime());
            }
        }
        finally
        {
            foreach (var courier in couriers)
            {
                await ShiftAsync(courier, false);
            }

            foreach (var orderId in orders)
            {
                var shop = orders.IndexOf(orderId) % 2 == 0 ? east : west;
                await (await CancelAsync(shop.Staff.Client, orderId)).ShouldHave(HttpStatusCode.OK);
            }
        }
    }
}

public sealed class DeliveryLifecycleTests_Sqlite(DeliverySqliteApp app) : DeliveryLifecycleTests(app), IClassFixture<DeliverySqliteApp>;

public sealed class DeliveryLifecycleTests_Postgres(DeliveryPostgresApp app) : DeliveryLifecycleTests(app), IClassFixture<DeliveryPostgresApp>;
