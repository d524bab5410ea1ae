using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Traceability;

public abstract class TraceAndRecallTests(TandemApp app) : TraceApiTest(app)
{
    private static string[] Lots(System.Text.Json.JsonElement trace) =>
        trace.GetProperty("lots").EnumerateArray().Select(l => l.GetProperty("lot").GetString()!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Forward_trace_follows_transformations_and_pallets_to_the_stores_but_not_to_pallet_neighbours()
    {
        var c = await TeaChainAsync();
        var regulator = await NewRegulatorAsync();
        var forward = await (await regulator.Client.GetAsync($"/api/v1/trace/lots/{c.LeafGtin}/{c.LeafLot}/forward", Ct)).ShouldHave(HttpStatusCode.OK);
        Lots(forward).ShouldBe(new[] { c.LeafLot, c.PackLot }.Order(StringComparer.Ordinal).ToArray());
        forward.GetProperty("stores").EnumerateArray().Select(s => s.GetProperty("storeId").GetGuid()).Order().ShouldBe(new[] { c.FarmStore, c.ShopStore }.Order());
        forward.GetProperty("containers").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Backward_trace_finds_every_input_lot_and_nothing_that_only_shared_the_pallet()
    {
        var c = await TeaChainAsync();
        var backward = await (await c.Farm.Client.GetAsync($"/api/v1/trace/lots/{c.PackGtin}/{c.PackLot}/backward", Ct)).ShouldHave(HttpStatusCode.OK);
        Lots(backward).ShouldBe(new[] { c.LeafLot, c.OtherLeafLot, c.PackLot }.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Only_regulators_and_merchants_on_the_chain_may_trace_a_lot()
    {
        var c = await TeaChainAsync();
        await (await c.Shop.Client.GetAsync($"/api/v1/trace/lots/{c.PackGtin}/{c.PackLot}/forward", Ct)).ShouldHave(HttpStatusCode.OK);
        var stranger = await NewMerchantAsync("路人商店");
        await (await stranger.Client.GetAsync($"/api/v1/trace/lots/{c.PackGtin}/{c.PackLot}/forward", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await c.Farm.Client.GetAsync($"/api/v1/trace/lots/{c.PackGtin}/A~B~/forward", Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_digital_link");
    }

    [Fact]
    public async Task The_Digital_Link_opens_a_public_trace_page_with_each_step_place_and_certificate()
    {
        var c = await TeaChainAsync();
        await (await c.Farm.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{c.Farm.Id}/lots",
            new { gtin = c.PackGtin, lot = c.PackLot, productName = "西湖龙井 250g", origin = "杭州西湖区梅家坞" }, Ct)).ShouldHave(HttpStatusCode.Created);

        var json = await (await Anonymous().GetAsync($"/01/{c.PackGtin}/10/{c.PackLot}", Ct)).ShouldHave(HttpStatusCode.OK);
        json.GetProperty("productName").GetString().ShouldBe("西湖龙井 250g");
        var steps = json.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("bizStep").GetString()).ToList();
        steps.ShouldBe(["commissioning", "inspecting", "commissioning", "packing", "shipping", "receiving", "retail_selling"]);
        json.GetProperty("steps")[1].GetProperty("certificates")[0].GetString().ShouldBe("https://cert.example.cn/organic/2026-0412");
        json.GetProperty("places").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ShouldBe(["梅家坞茶园", "湖滨茶庄门店"], ignoreOrder: true);
        json.TryGetProperty("recall", out _).ShouldBeFalse();

        var browser = App.Anonymous();
        browser.DefaultRequestHeaders.Accept.Clear();
        browser.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        browser.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("zh-CN"));
        var page = await browser.GetAsync($"/01/{c.PackGtin}/10/{c.PackLot}", Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("西湖龙井 250g");
        html.ShouldContain("梅家坞茶园");
        html.ShouldContain("检验");
        html.ShouldContain("name=\"viewport\"");
    }

    [Theory]
    [InlineData("/01/06901234567891/10/X")]
    [InlineData("/01/06901234567892/21/S/10/L")]
    [InlineData("/01/06901234567892/10/ABCDEFGHIJKLMNOPQRSTUVWXYZ")]
    [InlineData("/01/06901234567892/10/%FF")]
    [InlineData("/01/06901234567892/99/X")]
    public async Task Bad_links_are_400_problems(string path)
    {
        var problem = await (await Anonymous().GetAsync(path, Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_digital_link");
        problem.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task An_unknown_lot_is_not_found()
    {
        await (await Anonymous().GetAsync("/01/06901234567892/10/NOPE-404", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_registered_lot_gets_its_link_and_QR_codes_in_PNG_and_SVG()
    {
        var farm = await NewMerchantAsync();
        var productId = await NewProductAsync(farm, "明前龙井 100g", "06901234567915");
        var lot = "MQ-" + Random.Shared.Next(1000, 9999);
        var created = await (await farm.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{farm.Id}/lots", new { productId, lot }, Ct)).ShouldHave(HttpStatusCode.Created);
        created.GetProperty("gtin").GetString().ShouldBe("06901234567915");
        created.GetProperty("digitalLink").GetString()!.ShouldEndWith($"/01/06901234567915/10/{lot}");

        var png = await Anonymous().GetAsync(created.GetProperty("qrPng").GetString(), Ct);
        png.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        (await png.Content.ReadAsByteArrayAsync(Ct))[..4].ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' });
        var svg = await Anonymous().GetAsync(created.GetProperty("qrSvg").GetString(), Ct);
        svg.Content.Headers.ContentType!.MediaType.ShouldBe("image/svg+xml");
        (await svg.Content.ReadAsStringAsync(Ct)).ShouldContain("<svg");

        await (await farm.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{farm.Id}/lots", new { productId, lot }, Ct)).ShouldBeProblem(HttpStatusCode.Conflict, "lot_taken");
        await (await farm.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{farm.Id}/lots", new { productId, lot = "bad lot" }, Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_lot");
        var listed = await (await farm.Owner.Client.GetAsync($"/api/v1/merchants/{farm.Id}/lots", Ct)).ShouldHave(HttpStatusCode.OK);
        listed.GetProperty("items").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task A_regulator_recall_reaches_every_affected_lot_and_store_and_shows_on_the_trace_page()
    {
        var c = await TeaChainAsync();
        var regulator = await NewRegulatorAsync();
        var recall = await (await regulator.Client.PostAsJsonAsync($"/api/v1/trace/lots/{c.LeafGtin}/{c.LeafLot}/recall", new { reason = "农残超标 Pesticide residue above limit" }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        recall.GetProperty("byRegulator").GetBoolean().ShouldBeTrue();
        Lots(recall.GetProperty("affected")).ShouldBe(new[] { c.LeafLot, c.PackLot }.Order(StringComparer.Ordinal).ToArray());
        recall.GetProperty("affected").GetProperty("stores").GetArrayLength().ShouldBe(2);

        // The packaged lot was made from the recalled leaves: its page says so.
        var page = await (await Anonymous().GetAsync($"/01/{c.PackGtin}/10/{c.PackLot}", Ct)).ShouldHave(HttpStatusCode.OK);
        page.GetProperty("recall").GetProperty("lot").GetString().ShouldBe(c.LeafLot);
        // Its pallet neighbour was not.
        await (await regulator.Client.GetAsync($"/api/v1/trace/lots/{c.LeafGtin}/{c.SiblingLot}/forward", Ct)).ShouldHave(HttpStatusCode.OK);
        var sibling = await (await Anonymous().GetAsync($"/01/{c.LeafGtin}/10/{c.SiblingLot}", Ct)).ShouldHave(HttpStatusCode.OK);
        sibling.TryGetProperty("recall", out _).ShouldBeFalse();

        var recalls = await (await Anonymous().GetAsync("/api/v1/trace/recalls", Ct)).ShouldHave(HttpStatusCode.OK);
        recalls.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("lot").GetString()).ShouldContain(c.LeafLot);
        await (await regulator.Client.PostAsJsonAsync($"/api/v1/trace/lots/{c.LeafGtin}/{c.LeafLot}/recall", new { reason = "again" }, Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "already_recalled");

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var published = await db.Set<OutboxMessage>().Where(m => m.Type.EndsWith("LotRecalled")).Select(m => m.Payload).ToListAsync(Ct);
        published.ShouldContain(p => p.Contains(c.LeafLot, StringComparison.Ordinal) && p.Contains(c.PackLot, StringComparison.Ordinal) && p.Contains(c.ShopStore.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lot_made_from_a_recalled_lot_shows_the_recall_in_the_lot_list_until_it_is_withdrawn()
    {
        var c = await TeaChainAsync();
        foreach (var lot in (string[])[c.LeafLot, c.PackLot])
        {
            await (await c.Farm.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{c.Farm.Id}/lots",
                new { gtin = lot == c.PackLot ? c.PackGtin : c.LeafGtin, lot, productName = "龙井" }, Ct)).ShouldHave(HttpStatusCode.Created);
        }

        var regulator = await NewRegulatorAsync();
        var recallId = (await (await regulator.Client.PostAsJsonAsync($"/api/v1/trace/lots/{c.LeafGtin}/{c.LeafLot}/recall", new { reason = "农残超标" }, Ct))
            .ShouldHave(HttpStatusCode.Created)).GetProperty("recallId").GetGuid();
        var listed = await (await c.Farm.Owner.Client.GetAsync($"/api/v1/merchants/{c.Farm.Id}/lots", Ct)).ShouldHave(HttpStatusCode.OK);
        var pack = listed.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("lot").GetString() == c.PackLot).GetProperty("recall");
        (pack.GetProperty("recallId").GetGuid(), pack.GetProperty("recalledLot").GetString()).ShouldBe((recallId, c.LeafLot));

        // The producer of the leaves (a manager) may withdraw the regulator's recall of its lot; the shop may not.
        var url = $"/api/v1/trace/recalls/{recallId}/withdraw";
        await (await c.Shop.Owner.Client.PostAsJsonAsync(url, new { reason = "not mine" }, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await regulator.Client.PostAsJsonAsync(url, new { reason = "复检合格" }, Ct)).ShouldHave(HttpStatusCode.OK);
        listed = await (await c.Farm.Owner.Client.GetAsync($"/api/v1/merchants/{c.Farm.Id}/lots", Ct)).ShouldHave(HttpStatusCode.OK);
        listed.GetProperty("items").EnumerateArray().All(l => !l.TryGetProperty("recall", out var r) || r.ValueKind == System.Text.Json.JsonValueKind.Null).ShouldBeTrue();
        var page = await (await Anonymous().GetAsync($"/01/{c.PackGtin}/10/{c.PackLot}", Ct)).ShouldHave(HttpStatusCode.OK);
        page.TryGetProperty("recall", out _).ShouldBeFalse();
        await (await c.Farm.Owner.Client.PostAsJsonAsync($"/api/v1/trace/lots/{c.LeafGtin}/{c.LeafLot}/recall", new { reason = "再次召回" }, Ct))
            .ShouldHave(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_producer_recalls_its_own_lot_with_a_manager_and_nobody_else_may()
    {
        var c = await TeaChainAsync();
        await (await c.Farm.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{c.Farm.Id}/lots",
            new { gtin = c.LeafGtin, lot = c.OtherLeafLot, productName = "龙井鲜叶" }, Ct)).ShouldHave(HttpStatusCode.Created);
        await (await c.Shop.Owner.Client.PostAsJsonAsync($"/api/v1/trace/lots/{c.LeafGtin}/{c.OtherLeafLot}/recall", new { reason = "not mine" }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await c.Farm.Owner.Client.PostAsJsonAsync($"/api/v1/trace/lots/{c.LeafGtin}/{c.OtherLeafLot}/recall", new { reason = "" }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        var recall = await (await c.Farm.Owner.Client.PostAsJsonAsync($"/api/v1/trace/lots/{c.LeafGtin}/{c.OtherLeafLot}/recall", new { reason = "受潮 Damp in storage" }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        recall.GetProperty("byRegulator").GetBoolean().ShouldBeFalse();
    }
}

public sealed class TraceAndRecallTests_Sqlite(IsolatedSqliteApp app) : TraceAndRecallTests(app), IClassFixture<IsolatedSqliteApp>;

public sealed class TraceAndRecallTests_Postgres(IsolatedPostgresApp app) : TraceAndRecallTests(app), IClassFixture<IsolatedPostgresApp>;
