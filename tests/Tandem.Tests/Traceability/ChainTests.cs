using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel.Persistence;
using Tandem.Tests.Infrastructure;
using Tandem.Traceability.Chain;

namespace Tandem.Tests.Traceability;

public abstract class ChainTests(TandemApp app) : TraceApiTest(app)
{
    [Fact]
    public async Task Signed_chain_heads_are_published_and_verify_with_the_public_key()
    {
        var merchant = await NewMerchantAsync();
        await (await CaptureAsync(merchant.Client, Document(ObjectEvent("urn:epc:id:sgtin:0690123.056789.1"), ObjectEvent("urn:epc:id:sgtin:0690123.056789.2")))).ShouldHave(HttpStatusCode.Accepted);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<ChainSigner>().PublishAsync(Ct)).ShouldBeGreaterThan(0);
        }

        var heads = await (await Anonymous().GetAsync("/api/v1/trace/chain-heads?merchantId=" + merchant.Id, Ct)).ShouldHave(HttpStatusCode.OK);
        var head = heads.GetProperty("heads")[0];
        head.GetProperty("sequence").GetInt64().ShouldBe(2);
        using var key = ECDsa.Create();
        key.ImportFromPem(heads.GetProperty("publicKeyPem").GetString());
        var statement = string.Join('\n', "tandem-chain-head/1", merchant.Id.ToString("D"), "2", head.GetProperty("hash").GetString(),
            head.GetProperty("signedAt").GetDateTime().ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        key.VerifyData(Encoding.UTF8.GetBytes(statement), Convert.FromBase64String(head.GetProperty("signature").GetString()!), HashAlgorithmName.SHA256).ShouldBeTrue();

        var verified = await (await merchant.Client.GetAsync($"/api/v1/trace/chains/{merchant.Id}/verify", Ct)).ShouldHave(HttpStatusCode.OK);
        verified.GetProperty("intact").GetBoolean().ShouldBeTrue();
        verified.GetProperty("eventsChecked").GetInt64().ShouldBe(2);
        verified.GetProperty("checkpointsChecked").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Rewriting_a_stored_event_is_reported_as_the_first_break()
    {
        var merchant = await NewMerchantAsync();
        for (var i = 0; i < 3; i++)
        {
            await (await CaptureAsync(merchant.Client, Document(ObjectEvent($"urn:epc:id:sgtin:0690123.056789.{10 + i}")))).ShouldHave(HttpStatusCode.Accepted);
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            var second = await db.Set<Tandem.Traceability.Data.StoredEvent>().Where(e => e.MerchantId == merchant.Id && e.ChainSeq == 2).SingleAsync(Ct);
            second.Json = second.Json.Replace("receiving", "shipping", StringComparison.Ordinal);
            await db.SaveChangesAsync(Ct);
        }

        var verified = await (await merchant.Client.GetAsync($"/api/v1/trace/chains/{merchant.Id}/verify", Ct)).ShouldHave(HttpStatusCode.OK);
        verified.GetProperty("intact").GetBoolean().ShouldBeFalse();
        verified.GetProperty("firstBreak").GetProperty("sequence").GetInt64().ShouldBe(2);

        var stranger = await NewMerchantAsync();
        await (await stranger.Client.GetAsync($"/api/v1/trace/chains/{merchant.Id}/verify", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Concurrent_captures_for_one_merchant_keep_one_unbroken_chain()
    {
        var merchant = await NewMerchantAsync();
        var token = merchant.Owner.Token;
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
        {
            var client = ClientWithToken(token);
            client.DefaultRequestHeaders.Add("Tandem-Merchant", merchant.Id.ToString());
            return client.PostAsync("/epcis/capture", JsonLd(Document(ObjectEvent($"urn:epc:id:sgtin:0690123.056789.{100 + i}"))), Ct);
        }));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Accepted);
        var verified = await (await merchant.Client.GetAsync($"/api/v1/trace/chains/{merchant.Id}/verify", Ct)).ShouldHave(HttpStatusCode.OK);
        verified.GetProperty("intact").GetBoolean().ShouldBeTrue(verified.ToString());
        verified.GetProperty("eventsChecked").GetInt64().ShouldBe(8);
    }

    [Fact]
    public void The_canonical_form_is_the_documented_text()
    {
        var merchant = Guid.Parse("0197b7c0-0000-7000-8000-000000000001");
        var at = new DateTime(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc);
        var expected = Sha("tandem-epcis-chain/1\n0197b7c0-0000-7000-8000-000000000001\n1\nurn:uuid:x\n2026-11-26T08:00:00.000000Z\n"
            + Sha("{}") + "\n\n" + HashChain.Genesis);
        HashChain.Link(merchant, 1, "urn:uuid:x", at, "{}", null, HashChain.Genesis).ShouldBe(expected);

        static string Sha(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
    }

    [Fact]
    public async Task Publishing_heads_on_demand_is_for_platform_admins()
    {
        var user = await NewUserAsync();
        await (await user.Client.PostAsJsonAsync("/api/v1/platform/trace/chain-heads", new { }, Ct)).ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
    }
}

public sealed class ChainTests_Sqlite(SqliteApp app) : ChainTests(app);

public sealed class ChainTests_Postgres(PostgresApp app) : ChainTests(app);
