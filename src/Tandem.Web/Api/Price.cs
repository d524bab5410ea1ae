using System.Globalization;

namespace Tandem.Web.Api;

/// <summary>Prices as shops print them (¥12.99), and yuan typed by people (12.99) back to fen.</summary>
public static class Price
{
    public static string Format(MoneyJson? money) => money is null ? "" : Format(money.Amount, money.Currency);

    public static string Format(long amount, string currency = "CNY")
    {
        if (currency != "CNY")
        {
            return string.Create(CultureInfo.InvariantCulture, $"{amount / 100m:0.00} {currency}");
        }

        var sign = amount < 0 ? "-" : "";
        var abs = Math.Abs(amount);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}¥{abs / 100}.{abs % 100:00}");
    }

    /// <summary>"12.99", "12.9", "12", "¥12.99" → 1299 fen; null for anything else (negative, 3 decimals, text).</summary>
    public static long? ParseYuan(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var s = text.Trim().TrimStart('¥', '￥').Trim();
        if (s.Length == 0 || s.Length > 15 || s.Any(c => !(char.IsAsciiDigit(c) || c == '.')))
        {
            return null;
        }

        var parts = s.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || (parts.Length == 2 && parts[1].Length is 0 or > 2))
        {
            return null;
        }

        var yuan = long.Parse(parts[0], CultureInfo.InvariantCulture);
        var fen = parts.Length == 2 ? long.Parse(parts[1].PadRight(2, '0'), CultureInfo.InvariantCulture) : 0;
        return checked(yuan * 100 + fen);
    }

    /// <summary>1299 → "12.99", for a price field's initial value.</summary>
    public static string ToYuanText(long fen) => string.Create(CultureInfo.InvariantCulture, $"{fen / 100}.{fen % 100:00}");
}
