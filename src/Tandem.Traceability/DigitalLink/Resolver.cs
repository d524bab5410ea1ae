using System.Text;
using Microsoft.AspNetCore.Http;
using Tandem.Kernel.Http;
using Tandem.Traceability.Lots;

namespace Tandem.Traceability.DigitalLink;

/// <summary>
/// Tandem's own GS1 Digital Link resolver: <c>GET /01/{gtin}/10/{lot}</c> (and <c>/21/{serial}</c>) opens the
/// public trace page, or its JSON with <c>Accept: application/json</c>. A malformed link is a 400 problem
/// saying what is wrong; an unknown lot is 404.
/// </summary>
internal static class Resolver
{
    public static async Task<IResult> Handle(HttpContext http, TraceViews views, CancellationToken ct)
    {
        var raw = http.Request.Path.ToUriComponent();
        if (!DigitalLinkUri.TryParse(raw, out var link, out var error))
        {
            return ApiProblem.BadRequest("invalid_digital_link", error, "link");
        }

        if (link.Gtin is null || link.Lot is null && link.Serial is null)
        {
            return ApiProblem.NotFound("Tandem resolves lots (/01/{gtin}/10/{lot}) and items (/21/{serial}).");
        }

        var origin = PublicOrigin.Of(http);
        var view = await views.BuildAsync(link, origin, ct);
        if (view is null)
        {
            return ApiProblem.NotFound("Nothing is recorded for this lot or item.");
        }

        if (WantsJson(http.Request))
        {
            return TypedResults.Ok(view);
        }

        var chinese = http.Request.Headers.AcceptLanguage.ToString().StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        var qr = $"{origin}/api/v1/trace/qr.svg?link={Uri.EscapeDataString(link.ToUri(origin))}";
        return TypedResults.Content(TracePage.Render(view, chinese, qr), "text/html", Encoding.UTF8);
    }

    /// <summary><c>GET /api/v1/trace/lots/{gtin}/{lot}/qr.png|svg</c>: the lot's Digital Link as a QR code for labels.</summary>
    public static IResult LotQr(string gtin, string lot, string format, HttpContext http)
    {
        if (!Kernel.Gtin.TryParse(gtin, out var parsed))
        {
            return ApiProblem.BadRequest("invalid_gtin", "The GTIN must be 8, 12, 13 or 14 digits with a correct check digit.", "gtin");
        }

        if (!DigitalLinkUri.IsCset82(lot, 20))
        {
            return ApiProblem.BadRequest("invalid_lot", "A lot number is 1 to 20 characters of the GS1 character set 82.", "lot");
        }

        return Qr(DigitalLinkUri.ForLot(parsed.Value, lot).ToUri(PublicOrigin.Of(http)), format);
    }

    /// <summary><c>GET /api/v1/trace/qr.svg?link=…</c>: any valid Digital Link (re-generated in canonical form) as a QR code.</summary>
    public static IResult LinkQr(string format, string? link, HttpContext http)
    {
        if (!DigitalLinkUri.TryParse(link, out var parsed, out var error))
        {
            return ApiProblem.BadRequest("invalid_digital_link", error, "link");
        }

        return Qr(parsed.ToUri(PublicOrigin.Of(http)), format);
    }

    private static IResult Qr(string uri, string format)
    {
        return format switch
        {
            "png" => TypedResults.File(QrCodes.Png(uri), "image/png"),
            "svg" => TypedResults.Content(QrCodes.Svg(uri), "image/svg+xml", Encoding.UTF8),
            _ => ApiProblem.NotFound("QR codes are served as .png or .svg."),
        };
    }

    private static bool WantsJson(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

}
