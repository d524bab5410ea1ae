using System.Globalization;

namespace Tandem.Web;

/// <summary>UI strings in Simplified Chinese and English, chosen by the request culture.</summary>
public sealed class UiText
{
    private static readonly Dictionary<string, (string Zh, string En)> Texts = new(StringComparer.Ordinal)
    {
        ["app.name"] = ("同行 Tandem", "Tandem"),
        ["home.tagline"] = ("一个货架，线上线下同时卖。", "One shelf, sold online and at the counter."),
    };

    public static bool IsChinese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh";

    public string this[string key] =>
        Texts.TryGetValue(key, out var t) ? (IsChinese ? t.Zh : t.En) : key;
}
