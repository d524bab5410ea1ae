using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Tandem.Web.Api;
using Tandem.Web.Live;

namespace Tandem.Web.Components.Shared;

/// <summary>
/// An interactive page that stays current: it refreshes when the order feed says something it shows changed,
/// and re-reads the API every <see cref="LiveSettings.PollInterval"/> as a safety net.
/// </summary>
public abstract class LivePage : SignedInPage, IAsyncDisposable
{
    [Inject] private OrderFeed Feed { get; set; } = default!;
    [Inject] private LiveSettings Live { get; set; } = default!;
    [Inject] private ILoggerFactory LoggerFactory { get; set; } = default!;

    private readonly CancellationTokenSource _stop = new();
    private PeriodicTimer? _timer;
    private int _refreshing;
    private CultureInfo _culture = CultureInfo.CurrentCulture;
    private CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender || !RendererInfo.IsInteractive || User is null)
        {
            return;
        }

        // Pushes arrive on the outbox dispatcher's thread; renders must keep the page's language.
        _culture = CultureInfo.CurrentCulture;
        _uiCulture = CultureInfo.CurrentUICulture;
        Feed.Changed += OnChangedAsync;
        _timer = new PeriodicTimer(Live.PollInterval);
        _ = PollAsync();
    }

    /// <summary>Whether a change concerns this page.</summary>
    protected abstract bool Concerns(OrderSignal signal);

    /// <summary>Re-reads what the page shows (called on the circuit's dispatcher).</summary>
    protected abstract Task RefreshAsync();

    private Task OnChangedAsync(OrderSignal signal) => Concerns(signal) ? InvokeAsync(RefreshInPageCultureAsync) : Task.CompletedTask;

    private Task RefreshInPageCultureAsync()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
        return SafeRefreshAsync();
    }

    private async Task PollAsync()
    {
        try
        {
            while (await _timer!.WaitForNextTickAsync(_stop.Token))
            {
                await InvokeAsync(RefreshInPageCultureAsync);
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    protected async Task SafeRefreshAsync()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        try
        {
            await RefreshAsync();
            StateHasChanged();
        }
        catch (ApiException e)
        {
            PageError = T.Error(e.Code);
            StateHasChanged();
        }
        catch (HttpRequestException e)
        {
            LoggerFactory.CreateLogger(GetType()).LogWarning(e, "Live refresh failed");
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    public virtual ValueTask DisposeAsync()
    {
        Feed.Changed -= OnChangedAsync;
        _stop.Cancel();
        _timer?.Dispose();
        _stop.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
