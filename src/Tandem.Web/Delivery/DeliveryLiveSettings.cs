using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Tandem.Web.Delivery;

/// <summary>
/// How often delivery pages re-read the API (<c>Tandem:Web:Delivery:PollSeconds</c>, default 3) and how often the
/// courier's phone sends its position (<c>Tandem:Web:Delivery:GpsSeconds</c>, default 5). Courier positions are
/// not in the order feed the other live pages follow, so these pages poll on their own, quickly.
/// </summary>
public sealed class DeliveryLiveSettings(IConfiguration configuration)
{
    public TimeSpan PollInterval => TimeSpan.FromSeconds(Read("PollSeconds", 3, 0.5, 60));

    public int GpsSeconds => (int)Read("GpsSeconds", 5, 1, 60);

    private double Read(string key, double fallback, double min, double max) => Math.Clamp(
        double.TryParse(configuration[$"Tandem:Web:Delivery:{key}"], CultureInfo.InvariantCulture, out var s) ? s : fallback, min, max);
}
