using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Catalog.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Traceability.Contracts;
using Tandem.Traceability.Data;
using Tandem.Traceability.DigitalLink;
using Tandem.Traceability.Epcis;

namespace Tandem.Traceability.Demo;

/// <summary>
/// The demo chains, captured as real EPCIS documents through the same validation and event log as the API:
/// Longjing leaves picked at the co-op's tea garden, inspected with an organic certificate, roasted and packed
/// into a packaged lot, shipped on a pallet to the tea shop, received and sold; strawberries harvested,
/// inspected, packed, shipped to the grocer, received, kept cold and sold.
/// </summary>
internal sealed class TraceDemo(EventLog log, TandemDbContext db, IProductCatalog catalog, TimeProvider clock) : ITraceDemo
{
    public const string TeaLeafGtin = "06975000000012";
    public const string DefaultTeaGtin = "06975000000029";
    public const string DefaultStrawberryGtin = "06975000000036";

    public async Task<DemoTraceResult> SeedAsync(DemoTraceParties p, CancellationToken ct)
    {
        // The lots are named after the day in Hangzhou (UTC+8): from 16:00 UTC that is already tomorrow.
        var now = clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        var day = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.FromHours(8));
        var tea = await GtinOfAsync(p.TeaProductId, DefaultTeaGtin, ct);
        var strawberry = await GtinOfAsync(p.StrawberryProductId, DefaultStrawberryGtin, ct);
        var season = day.Year.ToString(CultureInfo.InvariantCulture);
        var leafLot = $"LJ{season}-0401";
        var teaLot = $"LJP{season}-0402";
        var berryLot = $"CM{season}-{day:MMdd}";
        var paths = new List<string>
        {
            DigitalLinkUri.ForLot(Parse(tea), teaLot).Path,
            DigitalLinkUri.ForLot(Parse(strawberry), berryLot).Path,
            DigitalLinkUri.ForLot(Parse(TeaLeafGtin), leafLot).Path,
        };
        if (await db.Set<Lot>().AnyAsync(l => l.Key == EpcKeys.LotKey(tea, teaLot), ct))
        {
            return new DemoTraceResult(paths);
        }

        var by = p.SeededBy ?? Guid.Empty;
        await RegisterAsync(p.TeaCoopMerchantId, null, TeaLeafGtin, leafLot, "西湖龙井鲜叶 West Lake Longjing fresh leaves", "杭州西湖区梅家坞 Meijiawu, West Lake", ct);
        await RegisterAsync(p.TeaCoopMerchantId, p.TeaProductId, tea, teaLot, "西湖龙井 West Lake Longjing tea", "杭州西湖区梅家坞 Meijiawu, West Lake", ct);
        await RegisterAsync(p.StrawberryFarmMerchantId, p.StrawberryProductId, strawberry, berryLot, "建德草莓 Jiande strawberries", "杭州建德市 Jiande, Hangzhou", ct);

        string Q(string gtin, string lot, double quantity, string uom) =>
            $$"""{"epcClass": "{{DigitalLinkUri.ForLot(Parse(gtin), lot)}}", "quantity": {{quantity.ToString(CultureInfo.InvariantCulture)}}, "uom": "{{uom}}"}""";
        string At(Guid store) => $$"""{"id": "urn:tandem:store:{{store}}"}""";
        string T(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'+08:00'", CultureInfo.InvariantCulture);
        var teaPallet = $"https://id.gs1.org/00/{WithCheck("06975000" + day.ToString("MMdd", CultureInfo.InvariantCulture) + "00001")}";
        var berryPallet = $"https://id.gs1.org/00/{WithCheck("06975000" + day.ToString("MMdd", CultureInfo.InvariantCulture) + "00002")}";
        var teaStart = day.AddDays(-20);
        var garden = At(p.TeaGardenStoreId);
        var teaShop = At(p.TeaShopStoreId);

        await CaptureAsync(p.TeaCoopMerchantId, by, Document(
            Event("ObjectEvent", T(teaStart.AddHours(6)), "ADD", "commissioning", garden, $"\"quantityList\": [{Q(TeaLeafGtin, leafLot, 120, "KGM")}]"),
            Event("ObjectEvent", T(teaStart.AddHours(11)), "OBSERVE", "inspecting", garden,
                $"\"quantityList\": [{Q(TeaLeafGtin, leafLot, 120, "KGM")}], \"certificationInfo\": \"https://www.cnca.gov.cn/demo/organic/LJ-2026-0412\""),
            Event("TransformationEvent", T(teaStart.AddDays(1).AddHours(9)), null, "commissioning", garden,
                $"\"inputQuantityList\": [{Q(TeaLeafGtin, leafLot, 120, "KGM")}], \"outputQuantityList\": [{Q(tea, teaLot, 480, "EA")}]"),
            Event("AggregationEvent", T(teaStart.AddDays(2).AddHours(8)), "ADD", "packing", garden,
                $"\"parentID\": \"{teaPallet}\", \"childQuantityList\": [{Q(tea, teaLot, 480, "EA")}]"),
            Event("ObjectEvent", T(teaStart.AddDays(2).AddHours(9)), "OBSERVE", "shipping", garden,
                $"\"epcList\": [\"{teaPallet}\"], \"disposition\": \"in_transit\", \"destinationList\": [{{\"type\": \"location\", \"destination\": \"urn:tandem:store:{p.TeaShopStoreId}\"}}]")), ct);
        await CaptureAsync(p.TeaShopMerchantId, by, Document(
            Event("ObjectEvent", T(teaStart.AddDays(2).AddHours(15)), "OBSERVE", "receiving", teaShop, $"\"epcList\": [\"{teaPallet}\"], \"disposition\": \"in_progress\""),
            Event("AggregationEvent", T(teaStart.AddDays(2).AddHours(16)), "DELETE", "unpacking", teaShop, $"\"parentID\": \"{teaPallet}\", \"childQuantityList\": [{Q(tea, teaLot, 480, "EA")}]"),
            Event("ObjectEvent", T(teaStart.AddDays(3).AddHours(10)), "OBSERVE", "retail_selling", teaShop, $"\"quantityList\": [{Q(tea, teaLot, 2, "EA")}]")), ct);

        var berryStart = day.AddDays(-2);
        var farm = At(p.StrawberryFarmStoreId);
        var grocer = At(p.GrocerStoreId);
        await CaptureAsync(p.StrawberryFarmMerchantId, by, Document(
            Event("ObjectEvent", T(berryStart.AddHours(5)), "ADD", "commissioning", farm, $"\"quantityList\": [{Q(strawberry, berryLot, 300, "KGM")}]"),
            Event("ObjectEvent", T(berryStart.AddHours(7)), "OBSERVE", "inspecting", farm,
                $"\"quantityList\": [{Q(strawberry, berryLot, 300, "KGM")}], \"certificationInfo\": \"https://www.cnca.gov.cn/demo/green-food/CM-2026-0088\""),
            Event("AggregationEvent", T(berryStart.AddHours(8)), "ADD", "packing", farm, $"\"parentID\": \"{berryPallet}\", \"childQuantityList\": [{Q(strawberry, berryLot, 300, "KGM")}]"),
            Event("ObjectEvent", T(berryStart.AddHours(9)), "OBSERVE", "shipping", farm, $"\"epcList\": [\"{berryPallet}\"], \"disposition\": \"in_transit\"")), ct);
        await CaptureAsync(p.GrocerMerchantId, by, Document(
            Event("ObjectEvent", T(berryStart.AddHours(13)), "OBSERVE", "receiving", grocer, $"\"epcList\": [\"{berryPallet}\"], \"disposition\": \"in_progress\""),
            Event("ObjectEvent", T(berryStart.AddHours(14)), "OBSERVE", "storing", grocer, $"\"epcList\": [\"{berryPallet}\"], \"disposition\": \"sellable_accessible\""),
            Event("ObjectEvent", T(berryStart.AddDays(1).AddHours(10)), "OBSERVE", "retail_selling", grocer, $"\"quantityList\": [{Q(strawberry, berryLot, 2, "KGM")}]")), ct);
        return new DemoTraceResult(paths);
    }

    private async Task<string> GtinOfAsync(Guid? productId, string fallback, CancellationToken ct) =>
        productId is { } id && await catalog.FindAsync(id, ct) is { Gtin: { } gtin } ? gtin : fallback;

    private async Task RegisterAsync(Guid merchantId, Guid? productId, string gtin, string lot, string name, string origin, CancellationToken ct)
    {
        var product = productId is { } id ? await catalog.FindAsync(id, ct) : null;
        db.Add(new Lot
        {
            Id = NewId.Next(clock),
            MerchantId = merchantId,
            ProductId = product?.ProductId,
            Gtin = gtin,
            LotNumber = lot,
            Key = EpcKeys.LotKey(gtin, lot),
            ProductName = product?.Name ?? name,
            Origin = origin,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
    }

    private async Task CaptureAsync(Guid merchantId, Guid by, string document, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(document);
        var violations = EpcisSchema.Instance.Validate(doc.RootElement);
        if (violations.Count > 0)
        {
            throw new InvalidOperationException("The demo chain is not valid EPCIS: " + string.Join("; ", violations));
        }

        var context = doc.RootElement.GetProperty("@context").GetRawText();
        var events = doc.RootElement.GetProperty("epcisBody").GetProperty("eventList").EnumerateArray()
            .Select(e => new IncomingEvent(e, e.GetRawText(), context)).ToList();
        var (_, problem) = await log.AppendAsync(merchantId, by, events, "epcisBody.eventList", ct);
        if (problem is not null)
        {
            throw new InvalidOperationException("The demo chain was refused: " + problem.ProblemDetails.Detail);
        }
    }

    private static string Event(string type, string time, string? action, string bizStep, string location, string body) =>
        $$"""{"type": "{{type}}", "eventTime": "{{time}}", "eventTimeZoneOffset": "+08:00", {{(action is null ? "" : $"\"action\": \"{action}\", ")}}"bizStep": "{{bizStep}}", "bizLocation": {{location}}, {{body}}}""";

    private static string Document(params string[] events) =>
        "{\"@context\": [\"https://ref.gs1.org/standards/epcis/epcis-context.jsonld\"], \"type\": \"EPCISDocument\", \"schemaVersion\": \"2.0\", "
        + "\"creationDate\": \"2026-01-01T00:00:00Z\", \"epcisBody\": {\"eventList\": [" + string.Join(",", events) + "]}}";

    private static Gtin Parse(string gtin) => Gtin.TryParse(gtin, out var g) ? g.Value : throw new InvalidOperationException($"{gtin} is not a GTIN.");

    private static string WithCheck(string body) => body + Gtin.CheckDigit(body).ToString(CultureInfo.InvariantCulture);
}
