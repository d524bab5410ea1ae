using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.WebEncoders;
using Tandem.Inventory.Contracts;
using Tandem.Kernel.Outbox;
using Tandem.Ordering.Contracts;
using Tandem.Web.Api;
using Tandem.Web.Components;
using Tandem.Web.Live;
using Tandem.Web.Session;

namespace Tandem.Web;

/// <summary>The web app: server-rendered Blazor pages for consumers, merchants, couriers and regulators.</summary>
public static class WebModule
{
    public static IServiceCollection AddTandemWeb(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        // Chinese pages in plain UTF-8 rather than one &#x...; entity per character.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        // Every page calls the API over loopback; one log line per call is plenty (the API logs its own).
        services.AddLogging(b => b.AddFilter("System.Net.Http.HttpClient.TandemApi", LogLevel.Warning));
        services.AddCascadingAuthenticationState();
        services.AddLocalization();
        services.AddScoped<UiText>();
        services.AddScoped<WebSession>();
        services.AddSingleton<ApiAddress>();
        services.AddSingleton<Maps.MapSettings>();
        services.AddSingleton<Live.OrderFeed>();
        services.AddSingleton<Live.LiveSettings>();
        services.AddSingleton<Live.LiveSettingsView>();
        services.AddSingleton<Delivery.DeliveryLiveSettings>();
        services.AddSignalR();
        services
            .AddIntegrationEventHandler<OrderPlaced, OrderEventsToLive>()
            .AddIntegrationEventHandler<OrderPaid, OrderEventsToLive>()
            .AddIntegrationEventHandler<OrderAccepted, OrderEventsToLive>()
            .AddIntegrationEventHandler<OrderReady, OrderEventsToLive>()
            .AddIntegrationEventHandler<OrderCompleted, OrderEventsToLive>()
            .AddIntegrationEventHandler<OrderCancelled, OrderEventsToLive>()
            .AddIntegrationEventHandler<StockChanged, OrderEventsToLive>();
        services.AddTransient<ForwardClientAddress>();
        services.AddHttpClient<TandemApi>((sp, client) =>
        {
            client.BaseAddress = sp.GetRequiredService<ApiAddress>().Value;
            client.Timeout = TimeSpan.FromSeconds(30);
        }).AddHttpMessageHandler<ForwardClientAddress>();

        // The page session: a cookie only the server can read, holding the API token. API endpoints
        // never accept it (they take bearer tokens only), so it cannot be used for cross-site requests there.
        services.AddAuthentication().AddCookie(WebSession.Scheme, o =>
        {
            o.Cookie.Name = WebSession.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/signin";
            o.SlidingExpiration = false;
        });
        return services;
    }

    public static WebApplication UseTandemWeb(this WebApplication app)
    {
        app.UseRequestLocalization(o =>
        {
            o.SetDefaultCulture("zh-CN");
            o.AddSupportedCultures("zh-CN", "en");
            o.AddSupportedUICultures("zh-CN", "en");
            o.ApplyCurrentCultureToResponseHeaders = true;
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });

        // Pages, Blazor circuits and the order hub know the user from the session cookie; /api never does.
        app.Use(async (http, next) =>
        {
            if (!http.Request.Path.StartsWithSegments("/api") && http.Request.Cookies.ContainsKey(WebSession.CookieName))
            {
                var result = await http.AuthenticateAsync(WebSession.Scheme);
                if (result.Succeeded)
                {
                    http.User = result.Principal;
                }
            }

            await next();
        });
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapTandemWeb(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapHub<OrdersHub>(OrdersHub.Path);

        app.MapPost("/signout", async (HttpContext http) =>
        {
            await WebSession.SignOutAsync(http);
            return Results.LocalRedirect("/");
        }).ExcludeFromDescription();

        // The language switch: 中文 / English, remembered for a year.
        app.MapGet("/culture/{culture}", (HttpContext http, TimeProvider clock, string culture, [FromQuery] string? returnUrl) =>
        {
            var chosen = culture.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en" : "zh-CN";
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions { Expires = clock.GetUtcNow().AddYears(1), HttpOnly = false, SameSite = SameSiteMode.Lax, IsEssential = true });
            return Results.LocalRedirect(SafeReturnUrl(returnUrl));
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>Only local paths, so a crafted link cannot send a user elsewhere.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
