using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Traceability.Contracts;

namespace Tandem.Browser.Tests;

/// <summary>
/// The recall drill of issue 6 in the console: the tea house's manager recalls the demo Longjing lot from the Lots page;
/// the shop's stock of it is blocked, the public trace page shows the recall and the consumer who bought from it is told.
/// </summary>
public sealed class RecallDrillTests(BrowserApp app) : BrowserTest(app)
{
    private static readonly ViewportSize LotsViewport = new() { Width = 1280, Height = 800 };
    private static readonly ViewportSize ConsumerPhone = new() { Width = 390, Height = 844 };

    [Fact]
    public async Task A_manager_recalls_the_demo_Longjing_lot_from_the_console_and_stock_trace_page_and_buyer_all_show_it()
    {
        // The tea house: its Hefang Street shop sells the packaged tea (with its GTIN), its garden grows it; a manager; the
        // demo trace chains on top (the strawberry chain goes to another merchant).
        var teaHouse = await TeaHouseAsync();
        var tea = teaHouse.Products[0];
        var gardenId = await StoreAsync(teaHouse.Owner, teaHouse.MerchantId, "龙井村茶园", "杭州市西湖区龙井村", 30.2250, 120.1190);
        var manager = await NewUserAsync("茶馆经理");
        await PostAsync(teaHouse.Owner.Token, $"/api/v1/merchants/{teaHouse.MerchantId}/staff", new { phone = manager.Phone, role = "manager" }, HttpStatusCode.Created);
        var grocer = await NewShopAsync(("红颜草莓 500g", 3900, 10));

        var seeded = await App.Services.GetRequiredService<ITraceDemo>().SeedAsync(new DemoTraceParties(
            TeaCoopMerchantId: teaHouse.MerchantId, TeaGardenStoreId: gardenId, TeaShopMerchantId: teaHouse.MerchantId, TeaShopStoreId: teaHouse.StoreId,
            StrawberryFarmMerchantId: grocer.MerchantId, StrawberryFarmStoreId: grocer.StoreId, GrocerMerchantId: grocer.MerchantId, GrocerStoreId: grocer.StoreId,
            TeaProductId: tea.Id, SeededBy: teaHouse.Owner.Id), Ct);
        var tracePath = seeded.LotPaths[0];
        var lot = tracePath.Split('/')[^1];
        lot.ShouldStartWith("LJP");

        // The manager receives 20 boxes of the lot into the shop's stock from the Lots page.
        var console = await NewPageAsync("zh-CN", LotsViewport);
        await SignInAsync(console, manager, $"/merchant/{teaHouse.MerchantId}/lots");
        var lotRow = console.Locator($"[data-testid=lots] tr[data-lot='{lot}']");
        await Assertions.Expect(lotRow).ToContainTextAsync("正常");
        var option = await console.Locator("#receive-lot option", new() { HasText = lot }).GetAttributeAsync("value");
        await console.SelectOptionAsync("#receive-lot", option!);
        await console.SelectOptionAsync("#receive-store", teaHouse.StoreId.ToString());
        await console.FillAsync("#receive-qty", "20");
        await console.ClickAsync("[data-testid=receive-lot] button[type=submit]");
        await console.WaitForSelectorAsync("[data-testid=lots-done]");
        (await StoreLotAsync(teaHouse, lot)).ShouldBe((20L, 0L));

        // A consumer buys two boxes for pickup; the handover attributes them to the lot (FIFO, through the outbox).
        var consumer = await NewUserAsync("小王");
        var order = await PostAsync(consumer.Token, "/api/v1/orders", new
        {
            storeId = teaHouse.StoreId,
            lines = new[] { new { productId = tea.Id, quantity = 2 } },
            fulfillment = new { type = "pickup" },
        }, HttpStatusCode.Created, idempotencyKey: Guid.NewGuid().ToString());
        var orderId = order.GetProperty("orderId").GetGuid();
        await PostAsync(consumer.Token, $"/api/v1/orders/{orderId}/pay", new { method = "sandbox" }, idempotencyKey: Guid.NewGuid().ToString());
        await PostAsync(teaHouse.Owner.Token, $"/api/v1/orders/{orderId}/accept", new { });
        await PostAsync(teaHouse.Owner.Token, $"/api/v1/orders/{orderId}/ready", new { });
        var code = (await GetAsync(consumer.Token, $"/api/v1/orders/{orderId}")).GetProperty("pickupCode").GetString();
        await PostAsync(teaHouse.Owner.Token, $"/api/v1/orders/{orderId}/handover", new { pickupCode = code });
        await EventuallyAsync(async () => (await StoreLotAsync(teaHouse, lot)).Remaining == 18);

        // Its label (QR code and Digital Link) and where it went: the shop, through the shipment from the garden.
        await console.GotoAsync($"/merchant/{teaHouse.MerchantId}/lots");
        await lotRow.Locator("a", new() { HasText = "打印标签" }).ClickAsync();
        await Assertions.Expect(console.Locator("[data-testid=digital-link]")).ToContainTextAsync(tracePath);
        (await console.Locator("[data-testid=label] img").EvaluateAsync<int>("img => img.naturalWidth")).ShouldBeGreaterThan(0);
        await lotRow.Locator("a", new() { HasText = "去向追踪" }).ClickAsync();
        await Assertions.Expect(console.Locator("[data-testid=trace-stores]")).ToContainTextAsync(teaHouse.StoreName);

        // Recall with a reason, after a confirm step.
        await lotRow.Locator("[data-testid=recall]").ClickAsync();
        await console.WaitForSelectorAsync("[data-testid=recall-confirm]");
        await console.FillAsync("[data-testid=recall-confirm] textarea", "抽检发现农药残留超标");
        await console.ClickAsync("[data-testid=recall-submit]");
        var result = console.Locator("[data-testid=recall-result]");
        await result.WaitForAsync();
        (await console.InnerTextAsync("[data-testid=recall-blocked]")).Trim().ShouldBe("18");
        (await console.InnerTextAsync("[data-testid=recall-consumers]")).Trim().ShouldBe("1");
        int.Parse((await console.InnerTextAsync("[data-testid=recall-stores]")).Trim(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(1);
        await Assertions.Expect(result).ToContainTextAsync(teaHouse.StoreName);
        await Assertions.Expect(lotRow).ToContainTextAsync("已召回");
        await Assertions.Expect(console.Locator($"[data-testid=store-lots][data-store='{teaHouse.StoreId}'] tr[data-lot='{lot}'] [data-testid=lot-blocked]")).ToHaveTextAsync("18");
        await Assertions.Expect(console.Locator("[data-testid=merchant-notices]")).ToContainTextAsync("冻结 18 件");
        await ScreenshotAsync(console, "merchant-lots-recall");

        // The shop's stock page shows the blocked units, and they are not available.
        await console.GotoAsync($"/merchant/stores/{teaHouse.StoreId}/stock");
        var stockRow = console.Locator($"[data-testid=stock] tr[data-product='{tea.Id}']");
        await Assertions.Expect(stockRow.Locator("[data-testid=blocked]")).ToHaveTextAsync("18");
        var stock = await GetAsync(teaHouse.Owner.Token, $"/api/v1/stores/{teaHouse.StoreId}/stock/{tea.Id}");
        stock.GetProperty("blocked").GetInt64().ShouldBe(18);
        stock.GetProperty("available").GetInt64().ShouldBe(0);

        // Anyone scanning the code sees the recall.
        var scan = await NewPageAsync("zh-CN", ConsumerPhone);
        await scan.GotoAsync(tracePath);
        await Assertions.Expect(scan.Locator(".recall")).ToContainTextAsync("农药残留超标");

        // The buyer sees the notice first thing on "My orders", linking to the trace page.
        var phone = await NewPageAsync("zh-CN", ConsumerPhone);
        await SignInAsync(phone, consumer, "/orders");
        var notice = phone.Locator("[data-testid=recall-notices]");
        await Assertions.Expect(notice).ToContainTextAsync("农药残留超标");
        await Assertions.Expect(notice).ToContainTextAsync(lot);
        await ScreenshotAsync(phone, "consumer-recall-notice-phone");
        await notice.Locator("[data-testid=recall-trace]").ClickAsync();
        await phone.WaitForURLAsync(u => u.Contains("/01/", StringComparison.Ordinal));
        await Assertions.Expect(phone.Locator(".recall")).ToBeVisibleAsync();

        // The shop destroys 5 of the blocked boxes, then the lab result turns out wrong and the manager withdraws the recall.
        await console.GotoAsync($"/merchant/{teaHouse.MerchantId}/lots");
        var storeLot = console.Locator($"[data-testid=store-lots][data-store='{teaHouse.StoreId}'] tr[data-lot='{lot}']");
        await storeLot.Locator("input[name=quantity]").FillAsync("5");
        await storeLot.Locator("[data-testid=dispose-submit]").ClickAsync();
        await Assertions.Expect(console.Locator("[data-testid=lots-done]")).ToBeVisibleAsync();
        await Assertions.Expect(storeLot.Locator("[data-testid=lot-blocked]")).ToHaveTextAsync("13");
        (await StoreLotAsync(teaHouse, lot)).ShouldBe((13L, 13L));
        await console.Locator($"[data-testid=lots] tr[data-lot='{lot}'] [data-testid=withdraw]").ClickAsync();
        await console.FillAsync("[data-testid=withdraw-confirm] textarea", "复检合格，原检测结果有误");
        await ScreenshotAsync(console, "merchant-lots-withdraw");
        await console.ClickAsync("[data-testid=withdraw-submit]");
        await Assertions.Expect(console.Locator("[data-testid=lots-done]")).ToContainTextAsync("召回已撤销");
        await Assertions.Expect(console.Locator($"[data-testid=lots] tr[data-lot='{lot}']")).ToContainTextAsync("正常");
        await Assertions.Expect(storeLot.Locator("[data-testid=lot-blocked]")).ToHaveTextAsync("0");
        await Assertions.Expect(console.Locator("[data-testid=merchant-notices]")).ToContainTextAsync("恢复 13 件");
        (await GetAsync(teaHouse.Owner.Token, $"/api/v1/stores/{teaHouse.StoreId}/stock/{tea.Id}")).GetProperty("available").GetInt64().ShouldBe(13);
        await SignInAsync(phone, consumer, "/orders");
        await Assertions.Expect(phone.Locator("[data-testid=recall-withdrawn-notice]")).ToContainTextAsync("复检合格");
        await Assertions.Expect(phone.Locator("[data-testid=recall-notices]")).ToHaveCountAsync(0);
    }

    /// <summary>The demo's 龙井问茶 Longjing Tea House, made through the API: its shop and the packaged tea, nothing in stock.</summary>
    private async Task<Shop> TeaHouseAsync()
    {
        var owner = await NewUserAsync("翁采茶");
        var merchant = await PostAsync(owner.Token, "/api/v1/merchants", new { name = "龙井问茶", creditCode = NewCreditCode() }, HttpStatusCode.Created);
        var merchantId = merchant.GetProperty("merchantId").GetGuid();
        const string storeName = "河坊街店";
        var storeId = await StoreAsync(owner, merchantId, storeName, "杭州市上城区河坊街 88 号", 30.2420, 120.1690);
        var gtin = NewGtin13();
        var product = await PostAsync(owner.Token, $"/api/v1/merchants/{merchantId}/products",
            new { name = "西湖龙井 明前特级 250g", price = new { amount = 16800, currency = "CNY" }, gtin }, HttpStatusCode.Created);
        return new Shop(owner, merchantId, storeId, storeName, [new SeededProduct(product.GetProperty("productId").GetGuid(), "西湖龙井 明前特级 250g", gtin, 16800)]);
    }

    private async Task<Guid> StoreAsync(SeededUser owner, Guid merchantId, string name, string address, double lat, double lng)
    {
        var store = await PostAsync(owner.Token, $"/api/v1/merchants/{merchantId}/stores",
            new { name, address, location = new { lat, lng }, pickup = true }, HttpStatusCode.Created);
        return store.GetProperty("storeId").GetGuid();
    }

    private async Task<(long Remaining, long Blocked)> StoreLotAsync(Shop shop, string lot)
    {
        var body = await GetAsync(shop.Owner.Token, $"/api/v1/stores/{shop.StoreId}/lots");
        var row = body.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("lot").GetString() == lot);
        return (row.GetProperty("remaining").GetInt64(), row.GetProperty("blocked").GetInt64());
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the outbox should attribute the handover to the lot");
            await Task.Delay(200, Ct);
        }
    }
}
