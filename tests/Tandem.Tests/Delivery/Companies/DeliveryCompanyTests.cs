using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Delivery.Dispatch;
using Tandem.Delivery.Routing;
using Tandem.Delivery.Routing.Checking;
using Tandem.Tests.Delivery.Lifecycle;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Ordering;

namespace Tandem.Tests.Delivery.Companies;

/// <summary>
/// Delivery companies through the API: registration, riders, the store's choice of carrier, dispatch per carrier (a
/// company's rider never carries a platform store's job and the other way round, yet joins two merchants' stops on one
/// route), hand assignment across carriers refused, and the company dispatcher's board and hub group kept to its own.
/// </summary>
public abstract class DeliveryCompanyTests(TandemApp app) : DeliveryTest(app)
{
    private const string Companies = "/api/v1/delivery-companies";

    [Fact]
    public async Task Registering_a_company_checks_its_name_and_credit_code_and_a_refusal_writes_nothing()
    {
        var owner = await NewUserAsync("配送公司老板");
        var empty = await (await owner.Client.PostAsJsonAsync(Companies, new { }, Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        empty.GetProperty("errors").TryGetProperty("name", out _).ShouldBeTrue();
        empty.GetProperty("errors").TryGetProperty("creditCode", out _).ShouldBeTrue();
        var code = NewCreditCode();
        var wrongCheck = code[..17] + (code[17] == '0' ? '1' : '0');
        await (await owner.Client.PostAsJsonAsync(Companies, new { name = "闪送同城", creditCode = wrongCheck }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_credit_code");
        await (await Anonymous().PostAsJsonAsync(Companies, new { name = "闪送同城", creditCode = code }, Ct))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        (await MineAsync(owner)).ShouldBeEmpty();

        var created = await (await owner.Client.PostAsJsonAsync(Companies, new { name = "闪送同城", creditCode = code.ToLowerInvariant() }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        created.GetProperty("creditCode").GetString().ShouldBe(code);
        created.GetProperty("ownerId").GetGuid().ShouldBe(owner.Id);
        var companyId = created.GetProperty("companyId").GetGuid();
        (await (await owner.Client.GetAsync($"{Companies}/{companyId}", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("name").GetString().ShouldBe("闪送同城");

        var rival = await NewUserAsync();
        await (await rival.Client.PostAsJsonAsync(Companies, new { name = "抢注公司", creditCode = code }, Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "credit_code_taken");
        (await MineAsync(rival)).ShouldBeEmpty();
        (await MineAsync(owner)).Select(c => c.GetProperty("companyId").GetGuid()).ShouldBe([companyId]);
        await (await rival.Client.GetAsync($"{Companies}/{companyId}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_owner_adds_riders_by_phone_who_become_couriers_and_removing_one_takes_back_what_the_company_gave()
    {
        var (owner, companyId) = await NewCompanyAsync();
        var rider = await NewUserAsync("新骑手");
        await (await rider.Client.GetAsync("/api/v1/courier", Ct)).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");

        (await (await owner.Client.PostAsJsonAsync($"{Companies}/{companyId}/riders", new { }, Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed"))
            .GetProperty("errors").TryGetProperty("phone", out _).ShouldBeTrue();
        await (await owner.Client.PostAsJsonAsync($"{Companies}/{companyId}/riders", new { phone = "12345" }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_phone");
        await (await owner.Client.PostAsJsonAsync($"{Companies}/{companyId}/riders", new { phone = "+8619999999999" }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "user_not_found");
        (await RidersAsync(owner, companyId)).ShouldBeEmpty();

        var added = await (await owner.Client.PostAsJsonAsync($"{Companies}/{companyId}/riders", new { phone = rider.Phone }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        added.GetProperty("courierId").GetGuid().ShouldBe(rider.Id);
        // The role applies to the rider's next request; no new sign-in needed.
        await ShiftAsync(rider, true, capacity: 6);
        await (await owner.Client.PostAsJsonAsync($"{Companies}/{companyId}/riders", new { phone = rider.Phone }, Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "already_rider");
        var (otherOwner, otherCompany) = await NewCompanyAsync();
        await (await otherOwner.Client.PostAsJsonAsync($"{Companies}/{otherCompany}/riders", new { phone = rider.Phone }, Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "rider_of_other_company");
        await (await otherOwner.Client.GetAsync($"{Companies}/{companyId}/riders", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await otherOwner.Client.DeleteAsync($"{Companies}/{companyId}/riders/{rider.Id}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");

        // An independent courier joins too, and keeps the platform's role when they leave.
        var independent = await NewCourierAsync(onShift: false);
        await (await owner.Client.PostAsJsonAsync($"{Companies}/{companyId}/riders", new { phone = independent.Phone }, Ct)).ShouldHave(HttpStatusCode.Created);

        var riders = await RidersAsync(owner, companyId);
        riders.Count.ShouldBe(2);
        var listed = riders.Single(r => r.GetProperty("courierId").GetGuid() == rider.Id);
        listed.GetProperty("onShift").GetBoolean().ShouldBeTrue();
        listed.GetProperty("capacity").GetInt32().ShouldBe(6);
        listed.GetProperty("displayName").GetString().ShouldBe("新骑手");
        riders.Single(r => r.GetProperty("courierId").GetGuid() == independent.Id).GetProperty("onShift").GetBoolean().ShouldBeFalse();

        await (await owner.Client.DeleteAsync($"{Companies}/{companyId}/riders/{rider.Id}", Ct)).ShouldHave(HttpStatusCode.NoContent);
        await (await owner.Client.DeleteAsync($"{Companies}/{companyId}/riders/{independent.Id}", Ct)).ShouldHave(HttpStatusCode.NoContent);
        await (await owner.Client.DeleteAsync($"{Companies}/{companyId}/riders/{rider.Id}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        (await RidersAsync(owner, companyId)).ShouldBeEmpty();
        await (await rider.Client.GetAsync("/api/v1/courier", Ct)).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
        (await (await independent.Client.GetAsync("/api/v1/courier", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("onShift").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Two_companies_adding_the_same_independent_courier_at_once_cannot_both_win()
    {
        // One who never went on shift (no courier row yet: the insert races) and one who did (the conditional update races).
        var resting = await NewCourierAsync(onShift: false);
        var working = await NewCourierAsync(capacity: 4);
        try
        {
            foreach (var courier in new[] { resting, working })
            {
                var companies = new[] { await NewCompanyAsync(), await NewCompanyAsync(), await NewCompanyAsync() };
                var answers = await Task.WhenAll(companies.Select(c =>
                    c.Owner.Client.PostAsJsonAsync($"{Companies}/{c.CompanyId}/riders", new { phone = courier.Phone }, Ct)));
                answers.Count(a => a.StatusCode == HttpStatusCode.Created).ShouldBe(1);
                foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
                {
                    await refused.ShouldBeProblem(HttpStatusCode.Conflict, "rider_of_other_company");
                }

                var riders = await Task.WhenAll(companies.Select(c => RidersAsync(c.Owner, c.CompanyId)));
                riders.Sum(r => r.Count).ShouldBe(1);
            }
        }
        finally
        {
            await ShiftAsync(working, false);
        }
    }

    [Fact]
    public async Task Each_carrier_is_dispatched_with_its_own_couriers_and_one_rider_carries_two_merchants_jobs_on_one_route()
    {
        var east = await NewDeliveringShopAsync();
        var west = await NewDeliveringShopAsync();
        var platformShop = await NewDeliveringShopAsync();
        var (owner, companyId) = await NewCompanyAsync();

        // The store may name the company only once the company agreed to serve it.
        await (await east.Manager.Client.PutAsJsonAsync($"/api/v1/stores/{east.StoreId}/delivery-settings", Settings(companyId), Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "carrier_not_serving");
        foreach (var shop in new[] { east, west })
        {
            await (await owner.Client.PostAsJsonAsync($"{Companies}/{companyId}/stores", new { storeId = shop.StoreId }, Ct)).ShouldHave(HttpStatusCode.Created);
            var carriers = await (await shop.Staff.Client.GetAsync($"/api/v1/stores/{shop.StoreId}/carriers", Ct)).ShouldHave(HttpStatusCode.OK);
            carriers.GetProperty("items").EnumerateArray().Single().GetProperty("current").GetBoolean().ShouldBeFalse();
            var settings = await (await shop.Manager.Client.PutAsJsonAsync($"/api/v1/stores/{shop.StoreId}/delivery-settings", Settings(companyId), Ct))
                .ShouldHave(HttpStatusCode.OK);
            settings.GetProperty("carrier").GetGuid().ShouldBe(companyId);
        }

        await (await owner.Client.DeleteAsync($"{Companies}/{companyId}/stores/{east.StoreId}", Ct)).ShouldBeProblem(HttpStatusCode.Conflict, "carrier_in_use");
        var rider = await NewRiderAsync(owner, companyId);
        var independent = await NewCourierAsync(lat: Lat, lng: Lng);
        var orders = new List<Guid>();
        try
        {
            var eastOrder = IdOf(await ReadyDeliveryToAsync(east, "杭州市上城区东坡路 1 号 东家"));
            var westOrder = IdOf(await ReadyDeliveryToAsync(west, "杭州市上城区西湖大道 2 号 西家"));
            var platformOrder = IdOf(await ReadyDeliveryToAsync(platformShop, "杭州市上城区平台路 3 号"));
            orders.AddRange([eastOrder, westOrder, platformOrder]);

            var plan = await App.Services.GetRequiredService<DispatchRunner>().PlanOnceAsync(Ct, new SolveOptions(Seed: 1, MaxIterations: 2000));
            plan.ShouldNotBeNull();
            foreach (var part in plan.Carriers)
            {
                FeasibilityChecker.Check(part.Problem, part.Solution).Violations.ShouldBeEmpty();
            }

            // The company's part: only its rider, and one route through both merchants' stores and doors.
            var companyPlan = plan.Carriers.Single(p => p.CarrierId == companyId);
            companyPlan.Problem.Vehicles.Select(v => v.Id).ShouldBe([rider.Id.ToString()]);
            companyPlan.Solution.Routes.Single(r => r.Stops.Count > 0).Stops.Count.ShouldBe(4);
            plan.Carriers.Where(p => p.CarrierId != companyId).ShouldAllBe(p => p.Problem.Vehicles.All(v => v.Id != rider.Id.ToString()));

            var route = await CourierJobsAsync(rider);
            route.Select(j => j.GetProperty("orderId").GetGuid()).Order().ShouldBe(new[] { eastOrder, westOrder }.Order());
            var platformJob = await StoreJobAsync(platformShop, platformOrder);
            platformJob.GetProperty("courierId").GetGuid().ShouldNotBe(rider.Id);
            (await CourierJobsAsync(independent)).ShouldNotContain(j => j.GetProperty("orderId").GetGuid() == eastOrder || j.GetProperty("orderId").GetGuid() == westOrder);

            // Each merchant's board shows its own stop only, though one rider carries both.
            var eastBoard = await (await east.Staff.Client.GetAsync($"/api/v1/stores/{east.StoreId}/dispatch/jobs", Ct)).ShouldHave(HttpStatusCode.OK);
            var eastText = eastBoard.GetRawText();
            eastBoard.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("orderId").GetGuid()).ShouldBe([eastOrder]);
            eastText.ShouldNotContain(westOrder.ToString());
            eastText.ShouldNotContain("西家");
            eastBoard.GetProperty("couriers").EnumerateArray().Select(c => c.GetProperty("courierId").GetGuid()).ShouldContain(rider.Id);
            // Only the store's carrier's couriers are offered for hand assignment.
            var candidates = await (await east.Staff.Client.GetAsync($"/api/v1/stores/{east.StoreId}/dispatch/couriers", Ct)).ShouldHave(HttpStatusCode.OK);
            candidates.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("courierId").GetGuid()).ShouldBe([rider.Id]);

            // Hand assignment across carriers is refused both ways, and changes nothing.
            var eastJob = JobIdOf(await StoreJobAsync(east, eastOrder));
            await (await east.Staff.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{eastJob}/assign", new { courierId = independent.Id }, Ct))
                .ShouldBeProblem(HttpStatusCode.Conflict, "courier_of_other_carrier");
            await (await platformShop.Staff.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{JobIdOf(platformJob)}/assign", new { courierId = rider.Id }, Ct))
                .ShouldBeProblem(HttpStatusCode.Conflict, "courier_of_other_carrier");
            (await StoreJobAsync(east, eastOrder)).GetProperty("courierId").GetGuid().ShouldBe(rider.Id);

            // The company's dispatcher: both its jobs with their drop-offs, its rider live, none of the platform's.
            var board = await (await owner.Client.GetAsync($"{Companies}/{companyId}/jobs", Ct)).ShouldHave(HttpStatusCode.OK);
            var jobs = board.GetProperty("jobs").EnumerateArray().ToList();
            jobs.Select(j => j.GetProperty("orderId").GetGuid()).Order().ShouldBe(new[] { eastOrder, westOrder }.Order());
            jobs.ShouldAllBe(j => j.GetProperty("dropoff").GetProperty("address").GetString()!.Length > 0);
            var live = board.GetProperty("couriers").EnumerateArray().Single();
            live.GetProperty("courierId").GetGuid().ShouldBe(rider.Id);
            live.GetProperty("lastLocation").GetProperty("lat").GetDouble().ShouldBe(Lat, 1e-9);
            board.GetRawText().ShouldNotContain(platformOrder.ToString());

            // It reassigns its own jobs by hand, never to another carrier's courier, and never the platform's jobs.
            (await (await owner.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{eastJob}/assign", new { courierId = rider.Id }, Ct)).ShouldHave(HttpStatusCode.OK))
                .GetProperty("manualAssignment").GetBoolean().ShouldBeTrue();
            await (await owner.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{eastJob}/assign", new { courierId = independent.Id }, Ct))
                .ShouldBeProblem(HttpStatusCode.Conflict, "courier_of_other_carrier");
            (await (await owner.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{eastJob}/assign", new { courierId = (Guid?)null }, Ct)).ShouldHave(HttpStatusCode.OK))
                .GetProperty("manualAssignment").GetBoolean().ShouldBeFalse();
            await (await owner.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{JobIdOf(platformJob)}/assign", new { courierId = (Guid?)null }, Ct))
                .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await owner.Client.PostAsync($"/api/v1/delivery/jobs/{eastJob}/return", null, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");

            // Another company sees and assigns none of it.
            var (rivalOwner, rivalCompany) = await NewCompanyAsync();
            await (await rivalOwner.Client.GetAsync($"{Companies}/{companyId}/jobs", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await rivalOwner.Client.GetAsync($"{Companies}/{companyId}/delivery-stats", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            await (await rivalOwner.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{eastJob}/assign", new { courierId = (Guid?)null }, Ct))
                .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
            (await (await rivalOwner.Client.GetAsync($"{Companies}/{rivalCompany}/jobs", Ct)).ShouldHave(HttpStatusCode.OK))
                .GetProperty("jobs").GetArrayLength().ShouldBe(0);

            var stats = await (await owner.Client.GetAsync($"{Companies}/{companyId}/delivery-stats", Ct)).ShouldHave(HttpStatusCode.OK);
            stats.GetProperty("delivered").GetInt32().ShouldBe(0);
        }
        finally
        {
            await ShiftAsync(rider, false);
            await ShiftAsync(independent, false);
            foreach (var orderId in orders)
            {
                var shop = orderId == orders[0] ? east : orderId == orders[1] ? west : platformShop;
                await (await CancelAsync(shop.Staff.Client, orderId)).ShouldHave(HttpStatusCode.OK);
            }
        }
    }

    [Fact]
    public async Task The_company_dispatcher_hears_its_couriers_and_jobs_on_the_hub_and_nobody_else_joins_its_group()
    {
        var shop = await NewDeliveringShopAsync();
        var (owner, companyId) = await NewCompanyAsync();
        await (await owner.Client.PostAsJsonAsync($"{Companies}/{companyId}/stores", new { storeId = shop.StoreId }, Ct)).ShouldHave(HttpStatusCode.Created);
        await (await shop.Manager.Client.PutAsJsonAsync($"/api/v1/stores/{shop.StoreId}/delivery-settings", Settings(companyId), Ct)).ShouldHave(HttpStatusCode.OK);
        var rider = await NewRiderAsync(owner, companyId);
        var independent = await NewCourierAsync(lat: Lat, lng: Lng);
        try
        {
            await using var companyHub = await HubClient.ConnectAsync(App.BaseAddress, "/hubs/delivery", owner.Token, Ct);
            (await companyHub.InvokeAsync("JoinCompany", companyId, Ct)).GetBoolean().ShouldBeTrue();
            await using var strangerHub = await HubClient.ConnectAsync(App.BaseAddress, "/hubs/delivery", shop.Owner.Token, Ct);
            (await strangerHub.InvokeAsync("JoinCompany", companyId, Ct)).GetBoolean().ShouldBeFalse();
            (await strangerHub.InvokeAsync("JoinCompany", Guid.NewGuid(), Ct)).GetBoolean().ShouldBeFalse();

            var order = await ReadyDeliveryToAsync(shop, "杭州市上城区解放路 100 号");
            var job = JobIdOf(await StoreJobAsync(shop, IdOf(order)));
            await (await shop.Staff.Client.PostAsJsonAsync($"/api/v1/delivery/jobs/{job}/assign", new { courierId = rider.Id }, Ct)).ShouldHave(HttpStatusCode.OK);
            var changed = await companyHub.WaitForAsync("jobChanged", m => m.GetProperty("jobId").GetGuid() == job, Ct);
            changed.GetProperty("courierId").GetGuid().ShouldBe(rider.Id);

            await (await PositionsAsync(independent, (Lat + 0.0003, Lng, DateTime.UtcNow))).ShouldHave(HttpStatusCode.Accepted);
            await (await PositionsAsync(rider, (Lat + 0.0002, Lng, DateTime.UtcNow))).ShouldHave(HttpStatusCode.Accepted);
            await companyHub.WaitForAsync("courierPosition", m => m.GetProperty("courierId").GetGuid() == rider.Id, Ct);
            companyHub.Messages("courierPosition").ShouldAllBe(m => m.GetProperty("courierId").GetGuid() == rider.Id);
            strangerHub.Messages("jobChanged").ShouldBeEmpty();

            // With the goods on board the rider stays until they reach the door.
            var mine = (await CourierJobsAsync(rider)).Single();
            await (await rider.Client.PostAsJsonAsync($"/api/v1/courier/jobs/{JobIdOf(mine)}/pickup", new { orderCode = $"tandem:order:{IdOf(order)}" }, Ct))
                .ShouldHave(HttpStatusCode.OK);
            await companyHub.WaitForAsync("jobChanged", m => m.GetProperty("jobId").GetGuid() == job && m.GetProperty("status").GetString() == "picked_up", Ct);
            await (await owner.Client.DeleteAsync($"{Companies}/{companyId}/riders/{rider.Id}", Ct)).ShouldBeProblem(HttpStatusCode.Conflict, "rider_carrying_goods");
        }
        finally
        {
            await ShiftAsync(rider, false);
            await ShiftAsync(independent, false);
        }
    }

    private static object Settings(Guid? carrier) => new
    {
        radiusKm = 5,
        baseFee = new { amount = 500, currency = "CNY" },
        perKmFee = new { amount = 100, currency = "CNY" },
        minimumOrder = new { amount = 1000, currency = "CNY" },
        preparationMinutes = 10,
        carrier,
    };

    private async Task<(TestUser Owner, Guid CompanyId)> NewCompanyAsync()
    {
        var owner = await NewUserAsync("配送公司老板");
        var created = await (await owner.Client.PostAsJsonAsync(Companies, new { name = "同城速递", creditCode = NewCreditCode() }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        return (owner, created.GetProperty("companyId").GetGuid());
    }

    /// <summary>A registered user added as the company's rider, on shift at the default store with room for ten items.</summary>
    private async Task<TestUser> NewRiderAsync(TestUser owner, Guid companyId)
    {
        var rider = await NewUserAsync("公司骑手");
        await (await owner.Client.PostAsJsonAsync($"{Companies}/{companyId}/riders", new { phone = rider.Phone }, Ct)).ShouldHave(HttpStatusCode.Created);
        await ShiftAsync(rider, true, capacity: 10);
        await (await PositionsAsync(rider, (Lat, Lng, DateTime.UtcNow))).ShouldHave(HttpStatusCode.Accepted);
        return rider;
    }

    private async Task<JsonElement> ReadyDeliveryToAsync(TestShop shop, string address)
    {
        var consumer = await NewUserAsync();
        var order = await (await consumer.Client.PostAsJsonAsync("/api/v1/orders", new
        {
            storeId = shop.StoreId,
            lines = Lines((shop[0], 1)),
            fulfillment = new { type = "delivery", address, location = new { lat = HomeLat, lng = HomeLng } },
        }, Ct)).ShouldHave(HttpStatusCode.Created);
        await (await PayAsync(consumer, IdOf(order))).ShouldHave(HttpStatusCode.OK);
        await StaffActionAsync(shop, IdOf(order), "accept");
        await StaffActionAsync(shop, IdOf(order), "ready");
        return order;
    }

    private async Task<List<JsonElement>> MineAsync(TestUser user) =>
        (await (await user.Client.GetAsync(Companies, Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();

    private async Task<List<JsonElement>> RidersAsync(TestUser owner, Guid companyId) =>
        (await (await owner.Client.GetAsync($"{Companies}/{companyId}/riders", Ct)).ShouldHave(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
}

public sealed class DeliveryCompanyTests_Sqlite(DeliverySqliteApp app) : DeliveryCompanyTests(app), IClassFixture<DeliverySqliteApp>;

public sealed class DeliveryCompanyTests_Postgres(DeliveryPostgresApp app) : DeliveryCompanyTests(app), IClassFixture<DeliveryPostgresApp>;
