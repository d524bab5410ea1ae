using System.Globalization;
using Microsoft.Extensions.Logging;
using Tandem.Web.Api;

namespace Tandem.Web.Delivery;

/// <summary>
/// Re-reads a delivery page every few seconds while it is open (interactive only). Each tick runs on the component's
/// dispatcher in the page's language; a failed read is logged and retried on the next tick.
/// </summary>
public sealed class Poller : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PeriodicTimer _timer;

    private Poller(TimeSpan every) => _timer = new PeriodicTimer(every);

    /// <param name="every">How often.</param>
    /// <param name="dispatch">The component's <c>InvokeAsync</c>.</param>
    /// <param name="tick">Reads and renders; API errors it does not handle are logged.</param>
    /// <param name="logger">Where failed reads are reported.</param>
    public static Poller Start(TimeSpan every, Func<Func<Task>, Task> dispatch, Func<Task> tick, ILogger logger)
    {
        var poller = new Poller(every);
        var culture = CultureInfo.CurrentCulture;
        var uiCulture = CultureInfo.CurrentUICulture;
        _ = poller.RunAsync(dispatch, async () =>
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
            try
            {
                await tick();
            }
            catch (Exception e) when (e is ApiException or HttpRequestException or TaskCanceledException)
            {
                logger.LogWarning(e, "Delivery refresh failed");
            }
        });
        return poller;
    }

    private async Task RunAsync(Func<Func<Task>, Task> dispatch, Func<Task> tick)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(_stop.Token))
            {
                await dispatch(tick);
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _timer.Dispose();
        _stop.Dispose();
    }
}
