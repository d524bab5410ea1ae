using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Web.Components;

namespace Tandem.Web;

/// <summary>The web app: server-rendered Blazor pages for consumers, merchants, couriers and regulators.</summary>
public static class WebModule
{
    public static IServiceCollection AddTandemWeb(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddLocalization();
        services.AddScoped<UiText>();
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
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapTandemWeb(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
