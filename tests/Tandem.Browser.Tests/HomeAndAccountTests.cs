using Tandem.Browser.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

public sealed class HomeAndAccountTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task A_Chinese_browser_gets_the_landing_page_in_Chinese_and_can_switch_to_English()
    {
        var page = await NewPageAsync("zh-CN");
        await page.GotoAsync("/");
        (await page.GetAttributeAsync("html", "lang")).ShouldBe("zh-CN");
        (await page.InnerTextAsync("h1")).ShouldContain("一个货架");
        await ScreenshotAsync(page, "home-zh");

        await page.ClickAsync("text=English");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("One shelf");
        (await page.GetAttributeAsync("html", "lang")).ShouldBe("en");

        // The choice is remembered over the browser's own language.
        await page.GotoAsync("/signin");
        (await page.InnerTextAsync("h1")).ShouldBe("Sign in");
        await page.ClickAsync("text=中文");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("登录");
    }

    [Fact]
    public async Task An_English_browser_gets_English()
    {
        var page = await NewPageAsync("en-US");
        await page.GotoAsync("/");
        (await page.InnerTextAsync("h1")).ShouldContain("One shelf");
    }

    [Fact]
    public async Task Sign_up_shows_the_APIs_errors_next_to_the_fields_then_signs_in()
    {
        var page = await NewPageAsync("zh-CN", Phone);
        await page.GotoAsync("/signup");
        await page.FillAsync("#displayName", "小王");
        await page.FillAsync("#phone", "12345");
        await page.FillAsync("#password", "short");
        await page.ClickAsync("main form button[type=submit]");
        (await page.InnerTextAsync("[data-testid=phone-error]")).ShouldContain("手机号");
        (await page.GetAttributeAsync("#phone", "aria-invalid")).ShouldBe("true");
        await ScreenshotAsync(page, "signup-errors-phone");

        await page.FillAsync("#phone", NewPhone());
        await page.FillAsync("#password", "short");
        await page.ClickAsync("main form button[type=submit]");
        (await page.InnerTextAsync("[data-testid=password-error]")).ShouldContain("8");

        // The enhanced form post may still be patching the page after the error shows; type once it is done,
        // or the patch can clear what was typed.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.FillAsync("#password", "a long enough password");
        (await page.InputValueAsync("#password")).ShouldBe("a long enough password");
        await page.ClickAsync("main form button[type=submit]");
        await page.WaitForURLAsync(u => !u.Contains("/signup", StringComparison.Ordinal));
        (await page.Locator("text=我的订单").CountAsync()).ShouldBeGreaterThan(0);
        (await page.Context.CookiesAsync()).Single(c => c.Name == "tandem_session").HttpOnly.ShouldBeTrue();
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_translated_message()
    {
        var user = await NewUserAsync();
        var page = await NewPageAsync("en-US");
        await page.GotoAsync("/signin");
        await page.FillAsync("#phone", user.Phone);
        await page.FillAsync("#password", "not the password");
        await page.ClickAsync("main form button[type=submit]");
        (await page.InnerTextAsync("[data-testid=form-error]")).ShouldContain("Wrong mobile number or password");

        await SignInAsync(page, user);
        (await page.Locator("text=Sign out").CountAsync()).ShouldBe(1);
    }
}
