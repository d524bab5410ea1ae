using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tandem.Browser.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

/// <summary>
/// Local delivery end to end in three browsers: the consumer orders for delivery and pays, dispatch gives the job to
/// the courier, the courier's phone (geolocation emulated) collects and moves, the consumer watches the courier come
/// and the store's dispatcher sees it all, until the courier delivers with the consumer's code.
/// </summary>
public sealed partial class DeliveryLoopTests(BrowserApp app) : BrowserTest(app)
{
    private static readonly ViewportSize PhoneTall = new() { Width = 390, Height = 844 };
    private static readonly ViewportSize Desk = new() { Width = 1280, Height = 800 };

    [Fact]
    public async Task A_courier_collects_and_delivers_while_the_consumer_watches_them_come()
    {
        var shop = await NewShopAsync(("鲜牛奶 950ml", 1590, 10), ("全麦面包", 1200, 5));
        var store = await GetAsync(shop.Owner.Token, $"/api/v1/stores/{shop.StoreId}");
        var storeLat = store.GetProperty("location").GetProperty("lat").GetDouble();
        var storeLng = store.GetProperty("location").GetProperty("lng").GetDouble();
        var (homeLat, homeLng) = (storeLat, storeLng + 0.012); // about 1.2 km east
        var consumer = await NewUserAsync("小陈");
        var courier = await NewCourierAsync();

        // The courier's phone: signs in, goes on shift on a scooter, and shares its position from the store's door.
        await using var courierContext = await CourierPhoneAsync(storeLat, storeLng);
        var phone = await StartShiftAsync(courierContext, courier);

        // The consumer orders for delivery on their phone and pays in the sandbox.
        var home = await NewPageAsync("zh-CN", PhoneTall);
        await SignInAsync(home, consumer, $"/stores/{shop.StoreId}");
        await home.Locator($"[data-product='{shop.Products[0].Id}'] button").ClickAsync();
        await home.WaitForSelectorAsync("[data-testid=added]");
        await home.GotoAsync("/cart");
        await home.CheckAsync("input[name=fulfillment][value=delivery]");
        await home.FillAsync($"#address-{shop.StoreId}", "杭州市上城区解放路 100 号 3 单元 502");
        await home.FillAsync($"#location-{shop.StoreId}", F(homeLat) + "," + F(homeLng));
        await home.ClickAsync("[data-testid=checkout]");
        await home.WaitForURLAsync(new Regex("/orders/[0-9a-f-]{36}$"));
        var orderId = Guid.Parse(home.Url[^36..]);
        await home.WaitForSelectorAsync("[data-testid=order-status][data-interactive=true]");
        var code = (await home.InnerTextAsync("[data-testid=delivery-code]")).Trim();
        code.ShouldMatch("^[0-9]{6}$");
        (await home.InnerTextAsync("[data-testid=track-window]")).ShouldMatch("^[0-9]{2}:[0-9]{2}–[0-9]{2}:[0-9]{2}$");

        // The store packs it; its dispatch board shows the job.
        await PostAsync(shop.Owner.Token, $"/api/v1/orders/{orderId}/accept", new { });
        await PostAsync(shop.Owner.Token, $"/api/v1/orders/{orderId}/ready", new { });
        var board = await NewPageAsync("zh-CN", Desk);
        await SignInAsync(board, shop.Owner, $"/merchant/stores/{shop.StoreId}/dispatch");
        await board.WaitForSelectorAsync("[data-testid=dispatch-live][data-interactive=true]");
        var row = board.Locator("[data-testid=jobs] tr[data-job]");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(board.Locator($"[data-testid=couriers] li[data-courier='{courier.Id}']")).ToBeVisibleAsync();

        // Dispatch gives it to the courier (a batch now, as the platform's dispatcher can ask; the timer would too).
        var admin = await AdminTokenAsync();
        await WaitForAsync(async () =>
        {
            await PostAsync(admin, "/api/v1/dispatch/batches", new { });
            var jobs = await GetAsync(shop.Owner.Token, $"/api/v1/stores/{shop.StoreId}/dispatch/jobs");
            return jobs.GetProperty("jobs")[0].TryGetProperty("courierId", out var c) && c.ValueKind == JsonValueKind.String && c.GetGuid() == courier.Id;
        });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-courier", courier.Id.ToString());

        // The dispatcher pins it to that courier by hand (later batches keep it there).
        await row.Locator("[data-testid=assign-select]").SelectOptionAsync(courier.Id.ToString());
        await row.Locator("[data-testid=assign]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid=job-courier]")).ToContainTextAsync("手动");

        // The courier sees the route: the store first, then the customer; the label on the parcel confirms the pickup.
        var pickup = phone.Locator("li.stop[data-stop=pickup]");
        await Assertions.Expect(pickup).ToHaveAttributeAsync("data-status", "ready");
        await Assertions.Expect(phone.Locator("li.stop[data-stop=dropoff]")).ToContainTextAsync("解放路 100 号");
        (await pickup.Locator("[data-testid=navigate]").GetAttributeAsync("href")).ShouldStartWith("https://uri.amap.com/navigation?to=");
        await ScreenshotAsync(phone, "courier-route-phone");
        await phone.SetViewportSizeAsync(360, 740); // the narrowest phone we support: nothing may stick out sideways
        (await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360);
        await ScreenshotAsync(phone, "courier-route-360");
        await phone.SetViewportSizeAsync(PhoneTall.Width, PhoneTall.Height);
        await pickup.Locator("[data-testid=label-input]").FillAsync($"tandem:order:{orderId}");
        await pickup.Locator("[data-testid=confirm-pickup]").ClickAsync();
        var dropoff = phone.Locator("li.stop[data-stop=dropoff]");
        await Assertions.Expect(dropoff).ToHaveAttributeAsync("data-status", "picked_up");
        await Assertions.Expect(phone.Locator("li.stop[data-stop=pickup]")).ToHaveCountAsync(0);

        // On the way: the consumer sees the courier on the map, moving, and the time to arrival shrinking.
        await WaitForTextAsync(home, "[data-testid=track-status]", "骑手正在赶来");
        await WaitForTextAsync(home, "[data-testid=order-status]", "配送中");
        var (aLat, aLng) = (storeLat, storeLng + 0.0009); // ~85 m a step: an honest scooter, never flagged as a jump
        await courierContext.SetGeolocationAsync(new Geolocation { Latitude = (float)aLat, Longitude = (float)aLng, Accuracy = 10 });
        await WaitForCourierAtAsync(home, "[data-testid=map-points] li[data-kind=courier]", (float)aLng);
        var etaA = int.Parse(await home.GetAttributeAsync("[data-testid=eta]", "data-eta-seconds") ?? "", CultureInfo.InvariantCulture);
        var (bLat, bLng) = (storeLat, aLng + 0.0009);
        await courierContext.SetGeolocationAsync(new Geolocation { Latitude = (float)bLat, Longitude = (float)bLng, Accuracy = 10 });
        await WaitForCourierAtAsync(home, "[data-testid=map-points] li[data-kind=courier]", (float)bLng);
        var etaB = int.Parse(await home.GetAttributeAsync("[data-testid=eta]", "data-eta-seconds") ?? "", CultureInfo.InvariantCulture);
        etaB.ShouldBeLessThan(etaA);
        (await home.InnerTextAsync("[data-testid=eta]")).ShouldMatch("^约 [0-9]+ 分钟送达$");
        (await home.Locator(".track-map .leaflet-marker-icon.courier-pin").CountAsync()).ShouldBe(1);
        await ScreenshotAsync(home, "consumer-tracking-phone");

        // The dispatcher sees the courier carrying it.
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "picked_up");
        await WaitForCourierAtAsync(board, $"[data-testid=map-points] li[data-point='courier-{courier.Id}']", (float)bLng);
        await ScreenshotAsync(board, "dispatch-board");

        // At the door: a wrong code is refused with the tries left; the consumer's code delivers.
        await dropoff.Locator("[data-testid=code-input]").FillAsync(code == "000000" ? "111111" : "000000");
        await dropoff.Locator("[data-testid=confirm-delivery]").ClickAsync();
        await Assertions.Expect(dropoff.Locator("[data-testid=stop-error]")).ToContainTextAsync("收货码不对");
        await dropoff.Locator("[data-testid=code-input]").FillAsync(code);
        await dropoff.Locator("[data-testid=confirm-delivery]").ClickAsync();
        await Assertions.Expect(phone.Locator("[data-testid=courier-message]")).ToContainTextAsync("已送达");
        await Assertions.Expect(phone.Locator("li.stop")).ToHaveCountAsync(0);

        await WaitForTextAsync(home, "[data-testid=track-status]", "已送达");
        await WaitForTextAsync(home, "[data-testid=order-status]", "已送达");
        await ScreenshotAsync(home, "consumer-delivered-phone");
        await Assertions.Expect(home.Locator("[data-testid=delivery-code]")).ToHaveCountAsync(0);
        await Assertions.Expect(row).ToHaveCountAsync(0);
        (await OnHandAsync(shop, shop.Products[0])).ShouldBe(9);
        await EndShiftAsync(courier);
    }

    [Fact]
    public async Task A_courier_who_finds_nobody_home_reports_it_and_the_store_takes_the_goods_back()
    {
        var shop = await NewShopAsync(("桂花糕", 1500, 4));
        var store = await GetAsync(shop.Owner.Token, $"/api/v1/stores/{shop.StoreId}");
        var storeLat = store.GetProperty("location").GetProperty("lat").GetDouble();
        var storeLng = store.GetProperty("location").GetProperty("lng").GetDouble();
        var consumer = await NewUserAsync("小赵");
        var courier = await NewCourierAsync();
        await using var courierContext = await CourierPhoneAsync(storeLat, storeLng);
        var phone = await StartShiftAsync(courierContext, courier);

        // An order for delivery, paid, packed and dispatched, all through the API.
        var order = await PostAsync(consumer.Token, "/api/v1/orders", new
        {
            storeId = shop.StoreId,
            lines = new[] { new { productId = shop.Products[0].Id, quantity = 2 } },
            fulfillment = new { type = "delivery", address = "杭州市上城区清泰街 8 号", location = new { lat = storeLat + 0.005, lng = storeLng } },
        }, HttpStatusCode.Created, idempotencyKey: Guid.NewGuid().ToString("N"));
        var orderId = order.GetProperty("orderId").GetGuid();
        await PostAsync(consumer.Token, $"/api/v1/orders/{orderId}/pay", new { method = "sandbox" }, idempotencyKey: Guid.NewGuid().ToString("N"));
        await PostAsync(shop.Owner.Token, $"/api/v1/orders/{orderId}/accept", new { });
        await PostAsync(shop.Owner.Token, $"/api/v1/orders/{orderId}/ready", new { });
        // The store's dispatcher hands it to this courier by hand (the other test's courier may still be on shift).
        var jobs = await GetAsync(shop.Owner.Token, $"/api/v1/stores/{shop.StoreId}/dispatch/jobs");
        var jobId = jobs.GetProperty("jobs")[0].GetProperty("jobId").GetGuid();
        await PostAsync(shop.Owner.Token, $"/api/v1/delivery/jobs/{jobId}/assign", new { courierId = courier.Id });

        // English this time: pickup, then nobody answers the door.
        await phone.GotoAsync("/culture/en?returnUrl=%2Fcourier");
        await phone.WaitForSelectorAsync(".courier[data-interactive=true]");
        var pickup = phone.Locator("li.stop[data-stop=pickup]");
        await pickup.Locator("[data-testid=label-input]").FillAsync("not-a-label");
        await pickup.Locator("[data-testid=confirm-pickup]").ClickAsync();
        await Assertions.Expect(pickup.Locator("[data-testid=stop-error]")).ToBeVisibleAsync();
        await pickup.Locator("[data-testid=label-input]").FillAsync($"tandem:order:{orderId}");
        await pickup.Locator("[data-testid=confirm-pickup]").ClickAsync();
        var dropoff = phone.Locator("li.stop[data-stop=dropoff]");
        await Assertions.Expect(dropoff).ToHaveAttributeAsync("data-status", "picked_up");
        await dropoff.Locator("summary").ClickAsync();
        await ScreenshotAsync(phone, "courier-at-the-door-en");
        await dropoff.Locator("button[data-reason=not_home]").ClickAsync();
        await Assertions.Expect(phone.Locator("[data-testid=courier-message]")).ToContainTextAsync("take the goods back");
        (await OnHandAsync(shop, shop.Products[0])).ShouldBe(2);

        // The store's board shows the failed job; the goods are back on the shelf once staff say so.
        var board = await NewPageAsync("en-US", Desk);
        await SignInAsync(board, shop.Owner, $"/merchant/stores/{shop.StoreId}/dispatch");
        var row = board.Locator($"[data-testid=jobs] tr[data-job]");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "failed");
        await Assertions.Expect(row).ToContainTextAsync("Not at home");
        await board.WaitForSelectorAsync("[data-testid=dispatch-live][data-interactive=true]");
        await ScreenshotAsync(board, "dispatch-failed-en");
        await row.Locator("button", new() { HasText = "Goods are back" }).ClickAsync();
        await Assertions.Expect(board.Locator("[data-testid=dispatch-message]")).ToContainTextAsync("Back in stock");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        (await OnHandAsync(shop, shop.Products[0])).ShouldBe(4);
        await EndShiftAsync(courier);
    }

    [Fact]
    public async Task A_signed_in_user_without_the_courier_role_is_told_so_on_the_courier_page()
    {
        var user = await NewUserAsync("路人");
        var page = await NewPageAsync("en-US", Phone);
        await SignInAsync(page, user, "/courier");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("not a courier");
    }

    /// <summary>A phone of its own (cookies, viewport) whose browser may read the location, standing at this point.</summary>
    private async Task<IBrowserContext> CourierPhoneAsync(double lat, double lng)
    {
        var context = await App.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseAddress.ToString().TrimEnd('/'),
            Locale = "zh-CN",
            ViewportSize = PhoneTall,
            TimezoneId = "Asia/Shanghai",
            Permissions = ["geolocation"],
            Geolocation = new Geolocation { Latitude = (float)lat, Longitude = (float)lng, Accuracy = 10 },
        });
        context.SetDefaultTimeout(30_000);
        return context;
    }

    /// <summary>Signs the courier in on their phone and starts a shift on a scooter; the phone starts sharing its position.</summary>
    private static async Task<IPage> StartShiftAsync(IBrowserContext context, SeededUser courier)
    {
        var phone = await context.NewPageAsync();
        await SignInAsync(phone, courier, "/courier");
        await phone.WaitForSelectorAsync(".courier[data-interactive=true]");
        await phone.ClickAsync("label:has(input[value=scooter])");
        await phone.FillAsync("#capacity", "8");
        await phone.ClickAsync("[data-testid=shift-start]");
        await Assertions.Expect(phone.Locator("[data-testid=shift-status]")).ToHaveTextAsync("在班");
        await Assertions.Expect(phone.Locator("[data-testid=gps]")).ToContainTextAsync("正在上报位置");
        return phone;
    }

    /// <summary>Off shift, so later batches plan nothing for this courier (their token from a new sign-in carries the role).</summary>
    private async Task EndShiftAsync(SeededUser courier)
    {
        var login = await PostAsync(null, "/api/v1/auth/login", new { phone = courier.Phone, password = courier.Password });
        await PutAsync(login.GetProperty("accessToken").GetString()!, "/api/v1/courier/shift", new { onShift = false });
    }

    private async Task<string> AdminTokenAsync()
    {
        const string password = "admin password 1";
        using var client = App.Api();
        var register = await client.PostAsync("/api/v1/auth/register",
            JsonContent(new { phone = BrowserApp.AdminPhone, password, displayName = "Admin" }), Ct);
        if (register.StatusCode == HttpStatusCode.Conflict)
        {
            return (await PostAsync(null, "/api/v1/auth/login", new { phone = BrowserApp.AdminPhone, password })).GetProperty("accessToken").GetString()!;
        }

        register.StatusCode.ShouldBe(HttpStatusCode.Created);
        return JsonDocument.Parse(await register.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>A user the platform admin made a courier (their next sign-in carries the role).</summary>
    private async Task<SeededUser> NewCourierAsync()
    {
        var user = await NewUserAsync("骑手小王");
        await PostAsync(await AdminTokenAsync(), $"/api/v1/platform/users/{user.Id}/roles", new { role = "courier" });
        return user;
    }

    private static System.Net.Http.Json.JsonContent JsonContent(object body) => System.Net.Http.Json.JsonContent.Create(body);

    private static async Task WaitForAsync(Func<Task<bool>> done)
    {
        for (var i = 0; i < 60; i++)
        {
            if (await done())
            {
                return;
            }

            await Task.Delay(500, Ct);
        }

        throw new TimeoutException("Dispatch did not assign the job to the courier within 30 s.");
    }

    /// <summary>Waits until the map's marker (its data attribute) stands at this longitude.</summary>
    private static async Task WaitForCourierAtAsync(IPage page, string selector, double lng) =>
        await page.WaitForFunctionAsync(
            "([selector, lng]) => { const e = document.querySelector(selector); return !!e && Math.abs(parseFloat(e.dataset.lng) - lng) < 0.00001; }",
            new object[] { selector, lng }, new() { Timeout = 30_000 });

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static async Task WaitForTextAsync(IPage page, string selector, string text) =>
        await Assertions.Expect(page.Locator(selector)).ToHaveTextAsync(text, new() { Timeout = 30_000 });
}
