using System.Net;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Traceability;

public abstract class EpcisQueryTests(TandemApp app) : TraceApiTest(app)
{
    private const string Gln = "urn:epc:id:sgln:0614141.07346.1234";

    private async Task<TraceMerchant> WithEventsAsync()
    {
        var merchant = await NewMerchantAsync();
        var events = new[]
        {
            ObjectEvent("urn:epc:id:sgtin:0614141.107346.2017", "commissioning", "2026-11-01T08:00:00+08:00", "ADD", Gln, "urn:uuid:00000000-0000-4000-8000-000000000001"),
            ObjectEvent("https://example.com/01/10614141073464/21/2018", "shipping", "2026-11-02T08:00:00+08:00", "OBSERVE", "urn:epc:id:sgln:0614141.07346.0", "urn:uuid:00000000-0000-4000-8000-000000000002"),
            ObjectEvent("urn:epc:id:sgtin:0614141.107346.2019", "https://ref.gs1.org/cbv/BizStep-receiving", "2026-11-03T08:00:00+08:00", "OBSERVE", Gln, "urn:uuid:00000000-0000-4000-8000-000000000003"),
            """
            {"type": "AggregationEvent", "eventID": "urn:uuid:00000000-0000-4000-8000-000000000004", "eventTime": "2026-11-04T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
             "parentID": "urn:epc:id:sscc:0614141.1234567890", "childEPCs": ["urn:epc:id:sgtin:0614141.107346.2017"], "action": "ADD", "bizStep": "packing",
             "childQuantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 200, "uom": "KGM"}]}
            """,
            """
            {"type": "TransformationEvent", "eventID": "urn:uuid:00000000-0000-4000-8000-000000000005", "eventTime": "2026-11-05T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
             "inputEPCList": ["urn:epc:id:sgtin:0614141.107346.2019"], "outputEPCList": ["https://id.gs1.org/01/10614141073464/21/3000"],
             "outputQuantityList": [{"epcClass": "https://id.gs1.org/01/04012345123456/10/OUT1", "quantity": 10}], "bizStep": "commissioning", "disposition": "active"}
            """,
        };
        await (await CaptureAsync(merchant.Client, Document(events))).ShouldHave(HttpStatusCode.Accepted);
        return merchant;
    }

    private async Task<string[]> IdsAsync(TraceMerchant merchant, string query) =>
        (await QueryAllAsync(merchant.Client, "/epcis/events?" + query)).Select(e => e["eventID"]!.GetValue<string>()[^1..]).ToArray();

    [Fact]
    public async Task Standard_parameters_filter_events()
    {
        var m = await WithEventsAsync();
        (await IdsAsync(m, "")).ShouldBe(["1", "2", "3", "4", "5"]);
        (await IdsAsync(m, "eventType=AggregationEvent|TransformationEvent")).ShouldBe(["4", "5"]);
        (await IdsAsync(m, "GE_eventTime=2026-11-02T00:00:00Z&LT_eventTime=2026-11-04T00:00:00Z")).ShouldBe(["2", "3"]);
        (await IdsAsync(m, "EQ_action=ADD")).ShouldBe(["1", "4"]);
        (await IdsAsync(m, "EQ_bizStep=receiving")).ShouldBe(["3"]);
        (await IdsAsync(m, "EQ_bizStep=https://ref.gs1.org/cbv/BizStep-shipping")).ShouldBe(["2"]);
        (await IdsAsync(m, "EQ_disposition=active")).ShouldBe(["5"]);
        (await IdsAsync(m, $"EQ_bizLocation={Uri.EscapeDataString("https://id.gs1.org/414/0614141073467/254/1234")}")).ShouldBe(["1", "3"]);
        (await IdsAsync(m, "EQ_eventID=urn:uuid:00000000-0000-4000-8000-000000000002")).ShouldBe(["2"]);
        (await IdsAsync(m, "GE_recordTime=2000-01-01T00:00:00Z")).Length.ShouldBe(5);
        (await IdsAsync(m, "LT_recordTime=2000-01-01T00:00:00Z")).ShouldBeEmpty();
    }

    [Fact]
    public async Task EPC_URNs_and_Digital_Links_on_any_host_match_each_other()
    {
        var m = await WithEventsAsync();
        (await IdsAsync(m, "MATCH_epc=" + Uri.EscapeDataString("https://anyhost.example/01/10614141073464/21/2017"))).ShouldBe(["1", "4"]);
        (await IdsAsync(m, "MATCH_epc=urn:epc:id:sgtin:0614141.107346.2018")).ShouldBe(["2"]);
        (await IdsAsync(m, "MATCH_epc=urn:epc:idpat:sgtin:0614141.107346.*")).ShouldBe(["1", "2", "3", "4"]);
        (await IdsAsync(m, "MATCH_parentID=" + Uri.EscapeDataString("https://id.gs1.org/00/106141412345678908"))).ShouldBe(["4"]);
        (await IdsAsync(m, "MATCH_inputEPC=urn:epc:id:sgtin:0614141.107346.2019")).ShouldBe(["5"]);
        (await IdsAsync(m, "MATCH_outputEPC=urn:epc:id:sgtin:0614141.107346.3000")).ShouldBe(["5"]);
        (await IdsAsync(m, "MATCH_anyEPC=urn:epc:id:sgtin:0614141.107346.2019")).ShouldBe(["3", "5"]);
        (await IdsAsync(m, "MATCH_epcClass=urn:epc:class:lgtin:4012345.012345.998877")).ShouldBe(["4"]);
        (await IdsAsync(m, "MATCH_anyEPCClass=urn:epc:class:lgtin:4012345.012345.OUT1")).ShouldBe(["5"]);
    }

    [Fact]
    public async Task Pages_follow_the_next_link_and_respect_orderBy_and_eventCountLimit()
    {
        var m = await WithEventsAsync();
        var first = await m.Client.GetAsync("/epcis/events?perPage=2&orderBy=eventTime&orderDirection=DESC", Ct);
        await first.ShouldHave(HttpStatusCode.OK);
        first.Headers.GetValues("Link").Single().ShouldContain("nextPageToken=");
        (await IdsAsync(m, "perPage=2&orderBy=eventTime&orderDirection=DESC")).ShouldBe(["5", "4", "3", "2", "1"]);
        (await IdsAsync(m, "perPage=2&eventCountLimit=3")).ShouldBe(["1", "2", "3"]);
        (await IdsAsync(m, "orderBy=recordTime")).ShouldBe(["1", "2", "3", "4", "5"]);
    }

    [Fact]
    public async Task A_page_token_only_continues_its_own_query()
    {
        var m = await WithEventsAsync();
        var first = await m.Client.GetAsync("/epcis/events?perPage=2", Ct);
        var link = first.Headers.GetValues("Link").Single();
        var token = link[(link.IndexOf("nextPageToken=", StringComparison.Ordinal) + "nextPageToken=".Length)..link.IndexOf('>', StringComparison.Ordinal)];
        var problem = await (await m.Client.GetAsync($"/epcis/events?perPage=2&EQ_action=ADD&nextPageToken={token}", Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        problem.GetProperty("errors").TryGetProperty("nextPageToken", out _).ShouldBeTrue();
        await (await m.Client.GetAsync("/epcis/events?nextPageToken=garbage!!", Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Theory]
    [InlineData("EQ_colour=red", "EQ_colour")]
    [InlineData("GE_eventTime=yesterday", "GE_eventTime")]
    [InlineData("EQ_action=TELEPORT", "EQ_action")]
    [InlineData("perPage=0", "perPage")]
    [InlineData("perPage=100000", "perPage")]
    [InlineData("orderBy=colour", "orderBy")]
    public async Task Bad_query_parameters_are_named(string query, string field)
    {
        var m = await NewMerchantAsync();
        var problem = await (await m.Client.GetAsync("/epcis/events?" + query, Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
    }

    [Fact]
    public async Task Another_merchants_events_are_invisible()
    {
        await WithEventsAsync();
        var other = await NewMerchantAsync();
        (await QueryAllAsync(other.Client, "/epcis/events?MATCH_epc=urn:epc:id:sgtin:0614141.107346.2017")).ShouldBeEmpty();
        await (await other.Client.GetAsync("/epcis/events/" + Uri.EscapeDataString("urn:uuid:00000000-0000-4000-8000-000000000001"), Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Discovery_endpoints_list_what_the_events_use()
    {
        var m = await WithEventsAsync();
        var types = await (await m.Client.GetAsync("/epcis/eventTypes", Ct)).ShouldHave(HttpStatusCode.OK);
        types.GetProperty("member").EnumerateArray().Select(x => x.GetString()).ShouldContain("TransformationEvent");
        var steps = await (await m.Client.GetAsync("/epcis/bizSteps", Ct)).ShouldHave(HttpStatusCode.OK);
        steps.GetProperty("member").EnumerateArray().Select(x => x.GetString()).ShouldBe(["commissioning", "packing", "receiving", "shipping"]);
        var epcs = await (await m.Client.GetAsync("/epcis/epcs?perPage=2", Ct)).ShouldHave(HttpStatusCode.OK);
        epcs.GetProperty("member").GetArrayLength().ShouldBe(2);
        var locations = await (await m.Client.GetAsync("/epcis/bizLocations", Ct)).ShouldHave(HttpStatusCode.OK);
        locations.GetProperty("member").EnumerateArray().Select(x => x.GetString()).ShouldContain("https://id.gs1.org/414/0614141073467/254/1234");
    }
}

public sealed class EpcisQueryTests_Sqlite(SqliteApp app) : EpcisQueryTests(app);

public sealed class EpcisQueryTests_Postgres(PostgresApp app) : EpcisQueryTests(app);
