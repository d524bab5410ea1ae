using System.Net;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Traceability;

public abstract class EpcisCaptureTests(TandemApp app) : TraceApiTest(app)
{
    private const string Sgtin = "urn:epc:id:sgtin:0614141.107346.";

    [Fact]
    public async Task A_captured_document_answers_202_with_a_job_that_has_succeeded()
    {
        var merchant = await NewMerchantAsync();
        var response = await CaptureAsync(merchant.Client, Document(ObjectEvent(Sgtin + "1"), ObjectEvent(Sgtin + "2")));
        var job = await response.ShouldHave(HttpStatusCode.Accepted);
        response.Headers.Location!.ToString().ShouldStartWith("/epcis/capture/");
        response.Headers.GetValues("GS1-EPCIS-Capture-Limit").Single().ShouldBe("10000");
        job.GetProperty("eventCount").GetInt32().ShouldBe(2);

        var status = await (await merchant.Client.GetAsync(response.Headers.Location, Ct)).ShouldHave(HttpStatusCode.OK);
        status.GetProperty("success").GetBoolean().ShouldBeTrue();
        status.GetProperty("running").GetBoolean().ShouldBeFalse();
        status.GetProperty("captureID").GetString().ShouldBe(job.GetProperty("captureID").GetString());
    }

    [Fact]
    public async Task One_invalid_event_rejects_the_whole_document_naming_its_index_and_field()
    {
        var merchant = await NewMerchantAsync();
        var bad = ObjectEvent(Sgtin + "3", action: "TELEPORT");
        var problem = await (await CaptureAsync(merchant.Client, Document(ObjectEvent(Sgtin + "4"), bad))).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        problem.GetProperty("eventIndex").GetInt32().ShouldBe(1);
        problem.GetProperty("errors").TryGetProperty("epcisBody.eventList[1].action", out _).ShouldBeTrue(problem.ToString());

        (await QueryAllAsync(merchant.Client, "/epcis/events")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_document_repeating_an_already_captured_eventID_stores_nothing()
    {
        var merchant = await NewMerchantAsync();
        await (await CaptureAsync(merchant.Client, Document(ObjectEvent(Sgtin + "5", eventId: "urn:uuid:6a5a1c4e-0000-4000-8000-000000000001"))))
            .ShouldHave(HttpStatusCode.Accepted);
        var problem = await (await CaptureAsync(merchant.Client, Document(
            ObjectEvent(Sgtin + "6"),
            ObjectEvent(Sgtin + "5", eventId: "urn:uuid:6a5a1c4e-0000-4000-8000-000000000001")))).ShouldBeProblem(HttpStatusCode.Conflict, "duplicate_event_id");
        problem.GetProperty("eventIndex").GetInt32().ShouldBe(1);
        (await QueryAllAsync(merchant.Client, "/epcis/events")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Repeated_JSON_keys_are_refused_as_invalid_json_naming_the_key()
    {
        var merchant = await NewMerchantAsync();
        var doubled = ObjectEvent(Sgtin + "7").Replace("\"action\":\"OBSERVE\"", "\"action\":\"OBSERVE\", \"action\": \"ADD\"", StringComparison.Ordinal);
        var problem = await (await CaptureAsync(merchant.Client, Document(doubled))).ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_json");
        problem.GetProperty("errors").TryGetProperty("epcisBody.eventList[0].action", out _).ShouldBeTrue(problem.ToString());
        problem.GetProperty("eventIndex").GetInt32().ShouldBe(0);
    }

    [Theory]
    [InlineData("{\"type\": ")]
    [InlineData("[]")]
    [InlineData("{\"type\": \"ObjectEvent\"}")]
    [InlineData("{}")]
    public async Task Malformed_documents_are_problems(string body)
    {
        var merchant = await NewMerchantAsync();
        var response = await CaptureAsync(merchant.Client, body);
        ((int)response.StatusCode).ShouldBe(400);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Capture_needs_a_JSON_content_type_and_a_signed_in_staff_member()
    {
        var merchant = await NewMerchantAsync();
        await (await merchant.Client.PostAsync("/epcis/capture", new StringContent(Document(ObjectEvent(Sgtin + "8")), System.Text.Encoding.UTF8, "text/plain"), Ct))
            .ShouldBeProblem(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await (await Anonymous().PostAsync("/epcis/capture", JsonLd(Document(ObjectEvent(Sgtin + "8"))), Ct))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        var stranger = await NewUserAsync();
        stranger.Client.DefaultRequestHeaders.Add("Tandem-Merchant", merchant.Id.ToString());
        await (await stranger.Client.PostAsync("/epcis/capture", JsonLd(Document(ObjectEvent(Sgtin + "8"))), Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_caller_who_works_for_several_merchants_must_name_one()
    {
        var first = await NewMerchantAsync();
        var body = await (await first.Owner.Client.PostAsync("/api/v1/merchants",
            System.Net.Http.Json.JsonContent.Create(new { name = "第二家", creditCode = NewCreditCode() }), Ct)).ShouldHave(HttpStatusCode.Created);
        var second = body.GetProperty("merchantId").GetGuid();
        var client = ClientWithToken(first.Owner.Token);
        await (await client.PostAsync("/epcis/capture", JsonLd(Document(ObjectEvent(Sgtin + "9"))), Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "merchant_required");
        client.DefaultRequestHeaders.Add("Tandem-Merchant", second.ToString());
        await (await client.PostAsync("/epcis/capture", JsonLd(Document(ObjectEvent(Sgtin + "9"))), Ct)).ShouldHave(HttpStatusCode.Accepted);
        (await QueryAllAsync(client, "/epcis/events")).Count.ShouldBe(1);
        (await QueryAllAsync(first.Client, "/epcis/events")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_single_event_is_captured_and_served_back_by_its_eventID()
    {
        var merchant = await NewMerchantAsync();
        var single = "{\"@context\": [\"https://ref.gs1.org/standards/epcis/epcis-context.jsonld\"], " + ObjectEvent(Sgtin + "10", eventId: "ni:///sha-256;abc?ver=CBV2.0")[1..];
        var response = await merchant.Client.PostAsync("/epcis/events", JsonLd(single), Ct);
        await response.ShouldHave(HttpStatusCode.Created);
        response.Headers.Location!.OriginalString.ShouldBe("/epcis/events/ni%3A%2F%2F%2Fsha-256%3Babc%3Fver%3DCBV2.0");

        var one = await merchant.Client.GetAsync(response.Headers.Location, Ct);
        var e = await one.ShouldHave(HttpStatusCode.OK);
        e.GetProperty("eventID").GetString().ShouldBe("ni:///sha-256;abc?ver=CBV2.0");
        e.GetProperty("@context").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Array);

        await (await (await NewMerchantAsync()).Client.GetAsync(response.Headers.Location, Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Events_without_an_eventID_get_one_and_every_event_gets_a_recordTime()
    {
        var merchant = await NewMerchantAsync();
        await (await CaptureAsync(merchant.Client, Document(ObjectEvent(Sgtin + "11")))).ShouldHave(HttpStatusCode.Accepted);
        var e = (await QueryAllAsync(merchant.Client, "/epcis/events")).Single();
        e["eventID"]!.GetValue<string>().ShouldStartWith("urn:uuid:");
        DateTimeOffset.Parse(e["recordTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5));
    }
}

public sealed class EpcisCaptureTests_Sqlite(SqliteApp app) : EpcisCaptureTests(app);

public sealed class EpcisCaptureTests_Postgres(PostgresApp app) : EpcisCaptureTests(app);
