using Tandem.Browser.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

public sealed class PhoneLayoutTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task Consumer_pages_fit_a_360_pixel_phone_without_sideways_scrolling()
    {
        var shop = await NewShopAsync(("西湖龙井明前特级 茶叶礼盒装 250 克 一罐", 128800, 3), ("酸奶", 650, 0));
        var consumer = await NewUserAsync();
        var page = await NewPageAsync("zh-CN", Phone);
        await page.Context.AddCookiesAsync([new Cookie { Name = "tandem_near", Value = "30.2741%2C120.1551", Url = App.BaseAddress.ToString() }]);
        await SignInAsync(page, consumer, $"/stores/{shop.StoreId}");
        await page.Locator($"[data-product='{shop.Products[0].Id}'] button").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=added]");

        foreach (var (path, name) in new[] { ("/", "home-phone"), ("/stores", "stores-phone"), ($"/stores/{shop.StoreId}", null), ("/search?q=龙井", "search-phone"), ("/cart", null), ("/signin", null) })
        {
            await page.GotoAsync(path);
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            width.ShouldBeLessThanOrEqualTo(360, $"{path} scrolls sideways");
            if (name is not null)
            {
                await ScreenshotAsync(page, name);
            }
        }

        // The search says how many nearby stores have it now.
        await page.GotoAsync("/search?q=龙井");
        (await page.InnerTextAsync("[data-testid=results]")).ShouldContain("附近 1 家门店有货");
    }
}
