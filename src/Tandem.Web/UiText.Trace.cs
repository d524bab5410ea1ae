namespace Tandem.Web;

public sealed partial class UiText
{
    private static readonly Dictionary<string, (string Zh, string En)> TraceTexts = new(StringComparer.Ordinal)
    {
    };
}
