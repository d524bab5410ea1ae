using System.Text.Json;
using Tandem.Browser.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

public sealed class MerchantConsoleTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task A_counter_sale_is_rung_up_by_barcode_with_the_keyboard_alone()
    {
        var shop = await NewShopAsync(("矿泉水 550ml", 200, 50), ("薯片 70g", 650, 20));
        var page = await NewPageAsync("zh-CN", Laptop);
        await SignInAsync(page, shop.Owner, $"/merchant/stores/{shop.StoreId}/pos");
        var scan = page.Locator("#scan");
        await Assertions.Expect(scan).ToBeEnabledAsync();
        await Assertions.Expect(scan).ToBeFocusedAsync();

        // A USB scanner types the digits and Enter; a GTIN-13 matches the stored GTIN-14.
        await page.Keyboard.TypeAsync(shop.Products[0].Gtin);
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync(shop.Products[1].Gtin);
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("+");
        await page.Keyboard.TypeAsync(shop.Products[0].Gtin);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-testid=pos-total]")).ToHaveTextAsync("¥17.00");

        await page.Keyboard.TypeAsync("1234567890128");
        await page.Keyboard.PressAsync("Enter");
        (await page.InnerTextAsync("[data-testid=scan-error]")).ShouldContain("1234567890128");
        await ScreenshotAsync(page, "merchant-pos-sale");

        await page.Keyboard.PressAsync("F2");
        await Assertions.Expect(page.Locator("[data-testid=receipt-total]")).ToHaveTextAsync("¥17.00");
        await Assertions.Expect(page.Locator("[data-testid=pos-total]")).ToHaveTextAsync("¥0.00");
        await ScreenshotAsync(page, "merchant-pos-receipt");

        (await OnHandAsync(shop, shop.Products[0])).ShouldBe(48);
        (await OnHandAsync(shop, shop.Products[1])).ShouldBe(18);
    }

    [Fact]
    public async Task A_catalogue_file_with_a_bad_row_imports_nothing_and_lists_every_bad_row_then_a_clean_file_imports()
    {
        var shop = await NewShopAsync();
        var page = await NewPageAsync("zh-CN", Laptop);
        await SignInAsync(page, shop.Owner, $"/merchant/{shop.MerchantId}/products/import");

        var good1 = NewGtin13();
        var good2 = NewGtin13();
        var bad = $"gtin,name,price,{shop.StoreName}\n{good1},西湖藕粉,25.00,10\n1234567890123,坏条码,1.00,1\n{good2},,abc,-3\n";
        await page.FillAsync("#csv", bad);
        await page.ClickAsync("main form button[type=submit]");
        var problems = page.Locator("[data-testid=import-problems]");
        await problems.WaitForAsync();
        var text = await problems.InnerTextAsync();
        text.ShouldContain("2 行错误");
        text.ShouldContain("第 3 行");
        text.ShouldContain("条码无效");
        text.ShouldContain("第 4 行");
        text.ShouldContain("名称");
        text.ShouldContain("价格");
        await ScreenshotAsync(page, "merchant-import-bad-rows");
        (await ProductCountAsync(shop)).ShouldBe(0);

        await page.FillAsync("#csv", $"gtin,name,price,{shop.StoreName}\n{good1},西湖藕粉,25.00,10\n{good2},龙井虾仁料包,39.9,4\n");
        await page.ClickAsync("main form button[type=submit]");
        await page.WaitForSelectorAsync("text=已导入 2 个商品");
        (await ProductCountAsync(shop)).ShouldBe(2);
        await ScreenshotAsync(page, "merchant-products");
    }

    [Fact]
    public async Task Stock_is_received_counted_and_written_off_with_its_movements_and_low_stock_stands_out()
    {
        var shop = await NewShopAsync(("鲜鸡蛋 10枚", 1580, 2), ("大米 5kg", 4500, 40));
        var page = await NewPageAsync("en-US", Laptop);
        await SignInAsync(page, shop.Owner, $"/merchant/stores/{shop.StoreId}/stock");
        var eggs = page.Locator($"tr[data-product='{shop.Products[0].Id}']");
        (await eggs.GetAttributeAsync("class"))!.ShouldContain("low");
        (await page.Locator($"tr[data-product='{shop.Products[1].Id}']").GetAttributeAsync("class"))!.ShouldNotContain("low");

        await eggs.Locator("select").SelectOptionAsync("receipt");
        await eggs.Locator("input[type=number]").FillAsync("30");
        await eggs.Locator("button").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=movements]");
        eggs = page.Locator($"tr[data-product='{shop.Products[0].Id}']");
        await eggs.Locator("select").SelectOptionAsync("damage");
        await eggs.Locator("input[type=number]").FillAsync("4");
        await eggs.Locator("button").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=movements] tbody tr")).ToHaveCountAsync(3);
        (await OnHandAsync(shop, shop.Products[0])).ShouldBe(28);
        await ScreenshotAsync(page, "merchant-stock");
    }

    [Fact]
    public async Task An_owner_creates_a_merchant_and_a_store_from_the_console_with_errors_shown_by_the_fields()
    {
        var owner = await NewUserAsync("新店主");
        var page = await NewPageAsync("zh-CN", Laptop);
        await SignInAsync(page, owner, "/merchant");
        await page.FillAsync("#name", "西湖茶庄");
        await page.FillAsync("#creditCode", "12345");
        await page.ClickAsync("main form button[type=submit]");
        (await page.InnerTextAsync("[data-testid=creditCode-error]")).ShouldContain("信用代码");

        await page.FillAsync("#creditCode", NewCreditCode());
        await page.ClickAsync("main form button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=merchant]");
        await page.ClickAsync("text=新开门店");
        // The link is an enhanced navigation: wait for the new page before typing into its fields.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("新开门店");
        await page.FillAsync("#name", "西湖茶庄 龙井店");
        await page.FillAsync("#address", "杭州市西湖区龙井路 1 号");
        await page.FillAsync("#lat", "95");
        await page.ClickAsync("main form button[type=submit]");
        (await page.InnerTextAsync("[data-testid=lat-error]")).ShouldNotBeNullOrWhiteSpace();
        await page.FillAsync("#lat", "30.2402");
        await page.FillAsync("#lng", "120.1280");
        await page.ClickAsync("main form button[type=submit]");
        await page.WaitForSelectorAsync("text=已保存");
        // The new store's settings open with its values in the form, not a notice alone.
        await Assertions.Expect(page.Locator("#name")).ToHaveValueAsync("西湖茶庄 龙井店");
        await Assertions.Expect(page.Locator("#lat")).ToHaveValueAsync("30.2402");
        await ScreenshotAsync(page, "merchant-store-settings");
        await page.GotoAsync("/merchant");
        await ScreenshotAsync(page, "merchant-console");
    }

    private async Task<int> ProductCountAsync(Shop shop)
    {
        JsonElement list = await GetAsync(shop.Owner.Token, $"/api/v1/merchants/{shop.MerchantId}/products");
        return list.GetProperty("items").GetArrayLength();
    }

}
