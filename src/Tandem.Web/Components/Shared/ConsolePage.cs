using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Tandem.Web.Api;
using Tandem.Web.Session;

namespace Tandem.Web.Components.Shared;

/// <summary>Base of pages that need a signed-in user: sends others to the sign-in page and back.</summary>
public abstract class SignedInPage : ComponentBase
{
    [Inject] protected TandemApi Api { get; set; } = default!;
    [Inject] protected UiText T { get; set; } = default!;
    [Inject] protected WebSession Session { get; set; } = default!;
    [Inject] protected NavigationManager Nav { get; set; } = default!;
    [Inject] private ILogger<SignedInPage> Log { get; set; } = default!;

    protected SignedInUser? User { get; private set; }

    /// <summary>Set when the API refused (not found, not your merchant): the page shows this instead.</summary>
    protected string? PageError { get; set; }

    protected string Here => "/" + Nav.ToBaseRelativePath(Nav.Uri);

    protected override async Task OnInitializedAsync()
    {
        User = await Session.CurrentAsync();
        if (User is null)
        {
            Nav.NavigateTo($"/signin?returnUrl={Uri.EscapeDataString(Here)}");
            return;
        }

        try
        {
            await LoadAsync();
        }
        catch (ApiException e) when (e.Status == 401)
        {
            Nav.NavigateTo($"/signin?returnUrl={Uri.EscapeDataString(Here)}");
        }
        catch (ApiException e)
        {
            Log.LogInformation("{Page} shows the API's refusal {Status} {Code}: {Detail}", Here, e.Status, e.Code, e.Message);
            PageError = T.Error(e.Code);
        }
    }

    /// <summary>Loads what the page shows; API errors become <see cref="PageError"/>.</summary>
    protected abstract Task LoadAsync();
}
