using System.Globalization;
using Tandem.Kernel.Validation;

namespace Tandem.Merchants.Stores;

/// <summary>One opening period in the JSON of a store: <c>{"day": "mon", "opens": "08:00", "closes": "21:30"}</c>.</summary>
public sealed record OpeningPeriodDto(string? Day, string? Opens, string? Closes);

/// <summary>
/// A store's weekly schedule: periods per weekday, local time, "24:00" closing at midnight.
/// A day may have several periods (a lunch break) that must not overlap; a day with none is closed.
/// Stored as canonical text such as <c>mon 08:00-12:00,mon 13:00-21:30,sat 09:00-24:00</c>.
/// </summary>
internal static class OpeningHours
{
    public const int MaxPeriods = 28;

    public static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    private readonly record struct Period(int Day, int Opens, int Closes);

    /// <summary>Validates the periods and returns the canonical text, or null for an empty or absent schedule.</summary>
    public static string? Parse(Checks checks, string field, IReadOnlyList<OpeningPeriodDto?>? periods)
    {
        if (periods is null || periods.Count == 0)
        {
            return null;
        }

        if (periods.Count > MaxPeriods)
        {
            checks.Add(field, $"must have at most {MaxPeriods} periods");
            return null;
        }

        var parsed = new List<Period>();
        for (var i = 0; i < periods.Count; i++)
        {
            var at = $"{field}[{i}]";
            var p = periods[i];
            if (p is null)
            {
                checks.Add(at, "is required");
                continue;
            }

            var day = Array.IndexOf(Days, p.Day?.Trim().ToLowerInvariant());
            if (day < 0)
            {
                checks.Add($"{at}.day", $"must be one of {string.Join(", ", Days)}");
            }

            var opens = Minutes(p.Opens, allowMidnightEnd: false);
            var closes = Minutes(p.Closes, allowMidnightEnd: true);
            if (opens is null)
            {
                checks.Add($"{at}.opens", "must be a time HH:mm from 00:00 to 23:59");
            }

            if (closes is null)
            {
                checks.Add($"{at}.closes", "must be a time HH:mm from 00:01 to 24:00");
            }
            else if (opens is not null && closes <= opens)
            {
                checks.Add($"{at}.closes", "must be after opens (use 24:00 for midnight)");
            }

            if (day >= 0 && opens is not null && closes > opens)
            {
                parsed.Add(new Period(day, opens.Value, closes.Value));
            }
        }

        var ordered = parsed.OrderBy(p => p.Day).ThenBy(p => p.Opens).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Day == ordered[i - 1].Day && ordered[i].Opens < ordered[i - 1].Closes)
            {
                checks.Add(field, $"periods on {Days[ordered[i].Day]} overlap");
                break;
            }
        }

        return string.Join(',', ordered.Select(p => $"{Days[p.Day]} {Clock(p.Opens)}-{Clock(p.Closes)}"));
    }

    /// <summary>The canonical text back as JSON periods.</summary>
    public static IReadOnlyList<OpeningPeriodDto>? ToDto(string? canonical) =>
        string.IsNullOrEmpty(canonical)
            ? null
            : canonical.Split(',').Select(entry =>
            {
                var day = entry[..3];
                var times = entry[4..].Split('-');
                return new OpeningPeriodDto(day, times[0], times[1]);
            }).ToList();

    private static int? Minutes(string? value, bool allowMidnightEnd)
    {
        if (value is null || value.Length != 5 || value[2] != ':'
            || !int.TryParse(value.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || !int.TryParse(value.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            || m > 59)
        {
            return null;
        }

        var minutes = h * 60 + m;
        return h < 24 || (allowMidnightEnd && minutes == 24 * 60) ? minutes : null;
    }

    private static string Clock(int minutes) => $"{minutes / 60:00}:{minutes % 60:00}";
}
