using System.Text.RegularExpressions;
using Tandem.Browser.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

public sealed partial class PickupLoopTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task A_consumer_orders_for_pickup_and_the_shop_hands_it_over_with_both_pages_updating_live()
    {
        var shop = await NewShopAsync(("龙井茶 250g", 8800, 10), ("纯牛奶 1L", 1299, 3));
        var consumer = await NewUserAsync("小李");

        // The shop's board is open before the order exists.
        var board = await NewPageAsync("zh-CN", Laptop);
        await SignInAsync(board, shop.Owner, $"/merchant/stores/{shop.StoreId}/board");
        await board.WaitForSelectorAsync(".board[data-interactive=true]");

        // The consumer, on a phone: store page → cart → pickup checkout → sandbox payment.
        var phone = await NewPageAsync("zh-CN", Phone);
        await SignInAsync(phone, consumer, $"/stores/{shop.StoreId}");
        await phone.Locator($"[data-product='{shop.Products[0].Id}'] button").ClickAsync();
        await phone.WaitForSelectorAsync("[data-testid=added]");
        await phone.Locator($"[data-product='{shop.Products[1].Id}'] button").ClickAsync();
        await Assertions.Expect(phone.Locator("[data-testid=added]")).ToContainTextAsync(shop.Products[1].Name);
        await ScreenshotAsync(phone, "consumer-store-phone");
        await phone.GotoAsync("/cart");
        (await phone.InnerTextAsync("[data-testid=subtotal]")).ShouldBe("¥100.99");
        await ScreenshotAsync(phone, "consumer-cart-phone");
        await phone.ClickAsync("[data-testid=checkout]");
        await phone.WaitForURLAsync(new Regex("/orders/[0-9a-f-]{36}$"));
        await phone.WaitForSelectorAsync("[data-interactive=true]");
        (await phone.InnerTextAsync("[data-testid=order-status]")).ShouldBe("已支付，等待接单");
        var code = (await phone.InnerTextAsync("[data-testid=pickup-code]")).Trim();
        code.ShouldMatch("^[0-9]{6}$");

        // The board shows it without a reload, with a badge and a chime.
        var ticket = board.Locator("[data-column=paid] .ticket");
        await ticket.WaitForAsync();
        (await board.InnerTextAsync("[data-testid=new-badge]")).ShouldContain("1");
        (await board.EvaluateAsync<int>("() => window.tandemChimes || 0")).ShouldBeGreaterThan(0);
        await ScreenshotAsync(board, "merchant-board-new-order");

        await ticket.Locator("button", new() { HasText = "接单" }).ClickAsync();
        await WaitForTextAsync(phone, "[data-testid=order-status]", "门店已接单，备货中");

        await board.Locator("[data-column=accepted] .ticket button", new() { HasText = "备好了" }).ClickAsync();
        await WaitForTextAsync(phone, "[data-testid=order-status]", "已备好，可到店取货");
        await ScreenshotAsync(phone, "consumer-order-ready-phone");

        // A wrong code is refused next to the ticket; the right one completes the order.
        var ready = board.Locator("[data-column=ready_for_pickup] .ticket");
        await ready.Locator("input").FillAsync(code == "000000" ? "111111" : "000000");
        await ready.Locator("button", new() { HasText = "交付" }).ClickAsync();
        await board.WaitForSelectorAsync("text=取货码不对");
        await ready.Locator("input").FillAsync(code);
        await ready.Locator("button", new() { HasText = "交付" }).ClickAsync();
        await board.WaitForSelectorAsync("[data-testid=board-message]");
        await WaitForTextAsync(phone, "[data-testid=order-status]", "已完成");
        await ScreenshotAsync(board, "merchant-board-after-handover");

        (await OnHandAsync(shop, shop.Products[0])).ShouldBe(9);
        (await OnHandAsync(shop, shop.Products[1])).ShouldBe(2);
    }

    [Fact]
    public async Task A_consumer_can_cancel_an_order_before_the_shop_accepts_it_and_the_stock_comes_back()
    {
        var shop = await NewShopAsync(("桂花糕", 1500, 5));
        var consumer = await NewUserAsync("小周");
        var phone = await NewPageAsync("en-US", Phone);
        await SignInAsync(phone, consumer, $"/stores/{shop.StoreId}");
        await phone.Locator($"[data-product='{shop.Products[0].Id}'] button").ClickAsync();
        await phone.WaitForSelectorAsync("[data-testid=added]");
        await phone.GotoAsync("/cart");
        await phone.ClickAsync("[data-testid=checkout]");
        await phone.WaitForSelectorAsync("[data-interactive=true]");
        await phone.ClickAsync("button:has-text('Cancel order')");
        await WaitForTextAsync(phone, "[data-testid=order-status]", "Cancelled");
        (await OnHandAsync(shop, shop.Products[0])).ShouldBe(5);
    }

    private static async Task WaitForTextAsync(IPage page, string selector, string text) =>
        await Assertions.Expect(page.Locator(selector)).ToHaveTextAsync(text, new() { Timeout = 30_000 });
}
