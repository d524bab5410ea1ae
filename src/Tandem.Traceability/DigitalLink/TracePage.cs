using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Tandem.Traceability.DigitalLink;

/// <summary>
/// The public trace page, rendered on the server as plain HTML: readable on a phone that just scanned a
/// label, with no script. Chinese when the browser prefers it, English otherwise.
/// </summary>
internal static class TracePage
{
    // Chinese text stays as text (smaller, readable in the source); markup characters are still escaped.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public static string Render(TraceView view, bool chinese, string qrSvgUrl)
    {
        string T(string zh, string en) => chinese ? zh : en;
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"").Append(chinese ? "zh-CN" : "en").Append("\"><head><meta charset=\"utf-8\">")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
          .Append("<title>").Append(E(view.ProductName)).Append(" · ").Append(T("溯源", "Trace")).Append("</title>")
          .Append("<style>")
          .Append("body{font-family:system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;background:#f6f7f5;color:#1d2a1f}")
          .Append("main{max-width:40rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.2rem 0}")
          .Append(".card{background:#fff;border-radius:.8rem;padding:1rem;margin:.8rem 0;box-shadow:0 1px 3px #0001}")
          .Append(".recall{background:#b3261e;color:#fff}.recall h2{margin:0 0 .4rem}")
          .Append("ol{list-style:none;padding:0;margin:0}li{border-left:3px solid #2e7d32;padding:.2rem 0 .8rem .8rem;margin-left:.3rem}")
          .Append("li time{display:block;font-size:.85rem;color:#5b6b5d}.step{font-weight:600}.place{color:#33443a}")
          .Append("small,.muted{color:#5b6b5d}a{color:#1b5e20}img.qr{width:8rem;height:8rem}")
          .Append("</style></head><body><main>");

        if (view.Recall is { } recall)
        {
            sb.Append("<section class=\"card recall\" role=\"alert\"><h2>").Append(T("召回通知", "Recall notice")).Append("</h2><p>")
              .Append(T("该批次（或其原料批次）已被召回，请勿食用，并联系购买门店。", "This lot, or a lot it was made from, is recalled. Do not consume it; contact the store where you bought it."))
              .Append("</p><p>").Append(E(recall.Reason)).Append("</p><p><small>")
              .Append(T("批次 ", "Lot ")).Append(E(recall.Lot)).Append(" · ").Append(Time(recall.RecalledAt))
              .Append(recall.ByRegulator ? T(" · 监管部门发布", " · issued by the regulator") : T(" · 生产商发布", " · issued by the producer"))
              .Append("</small></p></section>");
        }

        sb.Append("<section class=\"card\"><small>").Append(T("商品", "Product")).Append("</small><h1>").Append(E(view.ProductName)).Append("</h1><p class=\"muted\">GTIN ")
          .Append(E(view.Gtin));
        if (view.Lot is not null)
        {
            sb.Append(" · ").Append(T("批次 ", "Lot ")).Append(E(view.Lot));
        }

        if (view.Serial is not null)
        {
            sb.Append(" · ").Append(T("序列号 ", "Serial ")).Append(E(view.Serial));
        }

        sb.Append("</p>");
        if (view.Origin is not null)
        {
            sb.Append("<p>").Append(T("产地：", "Origin: ")).Append(E(view.Origin)).Append("</p>");
        }

        sb.Append("</section>");

        sb.Append("<section class=\"card\"><h2>").Append(T("流转记录", "Journey")).Append("</h2>");
        if (view.Steps.Count == 0)
        {
            sb.Append("<p class=\"muted\">").Append(T("暂无记录。", "No steps recorded yet.")).Append("</p>");
        }

        sb.Append("<ol>");
        var places = view.Places.ToDictionary(p => p.PlaceId, StringComparer.Ordinal);
        foreach (var step in view.Steps)
        {
            sb.Append("<li><time datetime=\"").Append(step.EventTime.ToString("O", CultureInfo.InvariantCulture)).Append("\">")
              .Append(Time(step.EventTime)).Append("</time><span class=\"step\">").Append(E(StepName(step, chinese))).Append("</span>");
            if (step.PlaceId is not null && places.TryGetValue(step.PlaceId, out var place))
            {
                sb.Append("<div class=\"place\">").Append(E(place.Name ?? place.PlaceId));
                if (place.Address is not null)
                {
                    sb.Append(" · ").Append(E(place.Address));
                }

                sb.Append("</div>");
            }

            foreach (var certificate in step.Certificates)
            {
                var safe = certificate.StartsWith("https://", StringComparison.Ordinal) || certificate.StartsWith("http://", StringComparison.Ordinal);
                sb.Append("<div>").Append(T("证书：", "Certificate: "));
                if (safe)
                {
                    sb.Append("<a href=\"").Append(E(certificate)).Append("\" rel=\"nofollow noopener\">").Append(E(certificate)).Append("</a>");
                }
                else
                {
                    sb.Append(E(certificate));
                }

                sb.Append("</div>");
            }

            sb.Append("</li>");
        }

        sb.Append("</ol></section>");

        var located = view.Places.Where(p => p.Location is { Lat: not null, Lng: not null }).ToList();
        if (located.Count > 0)
        {
            sb.Append("<section class=\"card\"><h2>").Append(T("地点", "Places")).Append("</h2><ul>");
            foreach (var p in located)
            {
                var lat = p.Location!.Lat!.Value.ToString("0.#####", CultureInfo.InvariantCulture);
                var lng = p.Location.Lng!.Value.ToString("0.#####", CultureInfo.InvariantCulture);
                sb.Append("<li>").Append(E(p.Name ?? p.PlaceId)).Append(" — <a href=\"geo:").Append(lat).Append(',').Append(lng).Append("\">")
                  .Append(lat).Append(", ").Append(lng).Append("</a></li>");
            }

            sb.Append("</ul></section>");
        }

        sb.Append("<section class=\"card\"><img class=\"qr\" alt=\"QR\" src=\"").Append(E(qrSvgUrl)).Append("\"><p><small>")
          .Append(E(view.DigitalLink)).Append("</small></p><p><small>")
          .Append(T("数据遵循 GS1 EPCIS 2.0 与 GS1 数字链接标准。", "Recorded with GS1 EPCIS 2.0; identified with GS1 Digital Link."))
          .Append("</small></p></section></main></body></html>");
        return sb.ToString();
    }

    private static string E(string s) => Html.Encode(s);

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static readonly Dictionary<string, (string Zh, string En)> Steps = new(StringComparer.Ordinal)
    {
        ["commissioning"] = ("采收登记", "Harvested / registered"),
        ["creating_class_instance"] = ("批次生成", "Lot created"),
        ["inspecting"] = ("检验", "Inspected"),
        ["sampling"] = ("抽样", "Sampled"),
        ["packing"] = ("包装", "Packed"),
        ["repackaging"] = ("分装", "Repacked"),
        ["loading"] = ("装车", "Loaded"),
        ["shipping"] = ("发货", "Shipped"),
        ["departing"] = ("出发", "Departed"),
        ["arriving"] = ("到达", "Arrived"),
        ["receiving"] = ("收货", "Received"),
        ["accepting"] = ("验收", "Accepted"),
        ["storing"] = ("仓储", "Stored"),
        ["stocking"] = ("上架", "Stocked"),
        ["retail_selling"] = ("零售", "Sold"),
        ["transporting"] = ("运输", "In transport"),
        ["assembling"] = ("组装", "Assembled"),
        ["unpacking"] = ("拆包", "Unpacked"),
        ["holding"] = ("暂扣", "On hold"),
        ["destroying"] = ("销毁", "Destroyed"),
    };

    private static string StepName(TraceStepView step, bool chinese)
    {
        if (step.BizStep is { } b && Steps.TryGetValue(b, out var names))
        {
            return chinese ? names.Zh : names.En;
        }

        if (step.Type == "TransformationEvent")
        {
            return chinese ? "加工" : "Processed";
        }

        if (step.Type == "AggregationEvent")
        {
            return chinese ? "装托/拼箱" : "Packed onto a pallet";
        }

        return step.BizStep ?? step.Type;
    }
}
