using System.Net;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Traceability;

/// <summary>
/// A small Longjing chain captured through the REST binding: two leaf lots from the farm co-op are made into one
/// packaged lot, which travels on a pallet (with an unrelated lot beside it) to the tea shop and is sold there.
/// </summary>
public sealed record TeaChain(
    TraceMerchant Farm, TraceMerchant Shop, Guid FarmStore, Guid ShopStore,
    string LeafGtin, string PackGtin, string LeafLot, string OtherLeafLot, string PackLot, string SiblingLot, string Pallet)
{
    public static async Task<TeaChain> CreateAsync(TraceApiTest test, Func<string, Task<TraceMerchant>> newMerchant,
        Func<TraceMerchant, string, Task<Guid>> newStore, Func<HttpClient, string, Task<HttpResponseMessage>> capture)
    {
        var farm = await newMerchant("西湖龙井茶农合作社");
        var shop = await newMerchant("湖滨茶庄");
        var farmStore = await newStore(farm, "梅家坞茶园");
        var shopStore = await newStore(shop, "湖滨茶庄门店");
        var suffix = Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var chain = new TeaChain(farm, shop, farmStore, shopStore, "06901234567892", "06901234567908",
            "LJ-A" + suffix, "LJ-B" + suffix, "PK-" + suffix, "SB-" + suffix, "urn:epc:id:sscc:0690123." + suffix + "0001");

        string Lot(string gtin, string lot) => $"https://id.gs1.org/01/{gtin}/10/{lot}";
        string Q(string gtin, string lot, int qty) => $"{{\"epcClass\": \"{Lot(gtin, lot)}\", \"quantity\": {qty}, \"uom\": \"KGM\"}}";
        var farmAt = $"{{\"id\": \"urn:tandem:store:{farmStore}\"}}";
        var shopAt = $"{{\"id\": \"urn:tandem:store:{shopStore}\"}}";

        var farmEvents = TraceApiTest.DocumentOf(
            $$"""{"type": "ObjectEvent", "eventTime": "2026-04-01T06:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "commissioning", "epcList": [], "quantityList": [{{Q(chain.LeafGtin, chain.LeafLot, 50)}}, {{Q(chain.LeafGtin, chain.OtherLeafLot, 30)}}, {{Q(chain.LeafGtin, chain.SiblingLot, 20)}}], "bizLocation": {{farmAt}}}""",
            $$"""{"type": "ObjectEvent", "eventTime": "2026-04-01T10:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "bizStep": "inspecting", "epcList": [], "quantityList": [{{Q(chain.LeafGtin, chain.LeafLot, 50)}}], "bizLocation": {{farmAt}}, "certificationInfo": "https://cert.example.cn/organic/2026-0412"}""",
            $$"""{"type": "TransformationEvent", "eventTime": "2026-04-02T09:00:00+08:00", "eventTimeZoneOffset": "+08:00", "bizStep": "commissioning", "inputQuantityList": [{{Q(chain.LeafGtin, chain.LeafLot, 50)}}, {{Q(chain.LeafGtin, chain.OtherLeafLot, 30)}}], "outputQuantityList": [{{Q(chain.PackGtin, chain.PackLot, 60)}}], "bizLocation": {{farmAt}}}""",
            $$"""{"type": "AggregationEvent", "eventTime": "2026-04-03T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "packing", "parentID": "{{chain.Pallet}}", "childEPCs": [], "childQuantityList": [{{Q(chain.PackGtin, chain.PackLot, 60)}}, {{Q(chain.LeafGtin, chain.SiblingLot, 20)}}], "bizLocation": {{farmAt}}}""",
            $$"""{"type": "ObjectEvent", "eventTime": "2026-04-03T09:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit", "epcList": ["{{chain.Pallet}}"], "bizLocation": {{farmAt}}}""");
        await (await capture(farm.Client, farmEvents)).ShouldHave(HttpStatusCode.Accepted);

        var shopEvents = TraceApiTest.DocumentOf(
            $$"""{"type": "ObjectEvent", "eventTime": "2026-04-04T10:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "bizStep": "receiving", "disposition": "in_progress", "epcList": ["{{chain.Pallet}}"], "bizLocation": {{shopAt}}}""",
            $$"""{"type": "ObjectEvent", "eventTime": "2026-04-05T15:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "bizStep": "retail_selling", "epcList": [], "quantityList": [{{Q(chain.PackGtin, chain.PackLot, 1)}}], "bizLocation": {{shopAt}}}""");
        await (await capture(shop.Client, shopEvents)).ShouldHave(HttpStatusCode.Accepted);
        _ = test;
        return chain;
    }
}
