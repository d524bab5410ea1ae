using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Tests.Infrastructure;
using Tandem.Traceability.Contracts;

namespace Tandem.Tests.Traceability;

public abstract class DemoChainTests(TandemApp app) : TraceApiTest(app)
{
    [Fact]
    public async Task The_demo_chains_open_real_trace_pages_and_seeding_twice_changes_nothing()
    {
        var coop = await NewMerchantAsync("西湖龙井茶农合作社");
        var shop = await NewMerchantAsync("湖滨茶庄");
        var farm = await NewMerchantAsync("建德草莓园");
        var grocer = await NewMerchantAsync("湖滨鲜果");
        var parties = new DemoTraceParties(
            coop.Id, await NewStoreAsync(coop, "梅家坞茶园"), shop.Id, await NewStoreAsync(shop, "湖滨茶庄"),
            farm.Id, await NewStoreAsync(farm, "建德草莓园"), grocer.Id, await NewStoreAsync(grocer, "湖滨鲜果"),
            TeaProductId: await NewProductAsync(coop, "西湖龙井 250g", "06975000000043"));

        DemoTraceResult result;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<ITraceDemo>().SeedAsync(parties, Ct);
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<ITraceDemo>().SeedAsync(parties, Ct)).LotPaths.ShouldBe(result.LotPaths);
        }

        var tea = await (await Anonymous().GetAsync(result.LotPaths[0], Ct)).ShouldHave(HttpStatusCode.OK);
        tea.GetProperty("productName").GetString().ShouldBe("西湖龙井 250g");
        tea.GetProperty("gtin").GetString().ShouldBe("06975000000043");
        tea.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("bizStep").GetString())
            .ShouldBe(["commissioning", "inspecting", "commissioning", "packing", "shipping", "receiving", "unpacking", "retail_selling"]);

        var berries = await (await Anonymous().GetAsync(result.LotPaths[1], Ct)).ShouldHave(HttpStatusCode.OK);
        berries.GetProperty("steps").GetArrayLength().ShouldBe(7);
        berries.GetProperty("places").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ShouldBe(["建德草莓园", "湖滨鲜果"], ignoreOrder: true);
    }
}

public sealed class DemoChainTests_Sqlite(SqliteApp app) : DemoChainTests(app);

public sealed class DemoChainTests_Postgres(PostgresApp app) : DemoChainTests(app);
