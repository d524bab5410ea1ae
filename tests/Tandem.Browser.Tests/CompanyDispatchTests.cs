using System.Net;
using Tandem.Browser.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

/// <summary>
/// A delivery company in the browser: its owner registers it and adds a rider on /company; a store chooses it as carrier;
/// the company's dispatch board shows the store's job and the rider, and the owner pins the job to the rider by hand.
/// </summary>
public sealed class CompanyDispatchTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task A_company_owner_registers_adds_a_rider_and_assigns_its_job_by_hand()
    {
        var shop = await NewShopAsync(("鲜牛奶 950ml", 1590, 10));
        var store = await GetAsync(shop.Owner.Token, $"/api/v1/stores/{shop.StoreId}");
        var storeLat = store.GetProperty("location").GetProperty("lat").GetDouble();
        var storeLng = store.GetProperty("location").GetProperty("lng").GetDouble();
        var owner = await NewUserAsync("调度员老郑");
        var rider = await NewUserAsync("公司骑手小李");

        var page = await NewPageAsync("zh-CN", Laptop);
        await SignInAsync(page, owner, "/company");
        await page.WaitForSelectorAsync("[data-testid=company-title][data-interactive=true]");
        await page.FillAsync("#name", "西湖同城速递");
        await page.FillAsync("#creditCode", NewCreditCode());
        await page.ClickAsync("[data-testid=register-company]");
        var company = page.Locator("[data-testid=company]");
        await Assertions.Expect(company).ToHaveCountAsync(1);
        var companyId = Guid.Parse((await company.GetAttributeAsync("data-company"))!);
        await page.FillAsync("[data-testid=rider-phone]", rider.Phone);
        await page.ClickAsync("[data-testid=add-rider]");
        await Assertions.Expect(page.Locator($"[data-testid=riders] tr[data-rider='{rider.Id}']")).ToContainTextAsync("公司骑手小李");
        await ScreenshotAsync(page, "company-home");

        // The company agrees to serve the store, the store names it as carrier, and the rider goes on shift at the store.
        await PostAsync(owner.Token, $"/api/v1/delivery-companies/{companyId}/stores", new { storeId = shop.StoreId }, HttpStatusCode.Created);

        // The store's owner chooses the company on the store's dispatch board.
        var storeBoard = await NewPageAsync("zh-CN", Laptop);
        await SignInAsync(storeBoard, shop.Owner, $"/merchant/stores/{shop.StoreId}/dispatch");
        await storeBoard.WaitForSelectorAsync("[data-testid=dispatch-live][data-interactive=true]");
        await storeBoard.Locator("[data-testid=carrier-select]").SelectOptionAsync(companyId.ToString());
        await storeBoard.ClickAsync("[data-testid=carrier-save]");
        await Assertions.Expect(storeBoard.Locator("[data-testid=dispatch-message]")).ToContainTextAsync("西湖同城速递");
        var settings = await GetAsync(shop.Owner.Token, $"/api/v1/stores/{shop.StoreId}/delivery-settings");
        settings.GetProperty("carrier").GetGuid().ShouldBe(companyId);
        await PutAsync(rider.Token, "/api/v1/courier/shift", new { onShift = true, vehicle = "scooter", capacity = 8 });
        await PostAsync(rider.Token, "/api/v1/courier/positions", new { points = new[] { new { lat = storeLat, lng = storeLng, at = DateTime.UtcNow } } },
            HttpStatusCode.Accepted);

        var consumer = await NewUserAsync("小陈");
        var order = await PostAsync(consumer.Token, "/api/v1/orders", new
        {
            storeId = shop.StoreId,
            lines = new[] { new { productId = shop.Products[0].Id, quantity = 1 } },
            fulfillment = new { type = "delivery", address = "杭州市上城区清泰街 8 号", location = new { lat = storeLat + 0.005, lng = storeLng } },
        }, HttpStatusCode.Created, idempotencyKey: Guid.NewGuid().ToString("N"));
        var orderId = order.GetProperty("orderId").GetGuid();
        await PostAsync(consumer.Token, $"/api/v1/orders/{orderId}/pay", new { method = "sandbox" }, idempotencyKey: Guid.NewGuid().ToString("N"));
        await PostAsync(shop.Owner.Token, $"/api/v1/orders/{orderId}/accept", new { });
        await PostAsync(shop.Owner.Token, $"/api/v1/orders/{orderId}/ready", new { });

        await page.GotoAsync($"/company/{companyId}/dispatch");
        await page.WaitForSelectorAsync("[data-testid=dispatch-live][data-interactive=true]");
        var row = page.Locator("[data-testid=jobs] tr[data-job]");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("清泰街 8 号");
        await Assertions.Expect(page.Locator($"[data-testid=couriers] li[data-courier='{rider.Id}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-testid=map-points] li[data-point='courier-{rider.Id}']")).ToHaveCountAsync(1);

        await row.Locator("[data-testid=assign-select]").SelectOptionAsync(rider.Id.ToString());
        await row.Locator("[data-testid=assign]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid=job-courier]")).ToContainTextAsync("手动");
        // The company's dispatcher knows its riders by name.
        await Assertions.Expect(row.Locator("[data-testid=job-courier]")).ToContainTextAsync("公司骑手小李");
        await Assertions.Expect(page.Locator($"[data-testid=couriers] li[data-courier='{rider.Id}']")).ToContainTextAsync("公司骑手小李");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-courier", rider.Id.ToString());
        await ScreenshotAsync(page, "company-dispatch");
        await PutAsync(rider.Token, "/api/v1/courier/shift", new { onShift = false });
    }
}
