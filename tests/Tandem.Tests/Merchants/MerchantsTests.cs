using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Merchants;

public abstract class MerchantsTests(TandemApp app) : MerchantApiTest(app)
{
    [Fact]
    public async Task Creating_a_merchant_makes_the_caller_its_owner()
    {
        var owner = await NewUserAsync();
        var code = NewCreditCode();
        var created = await (await owner.Client.PostAsJsonAsync("/api/v1/merchants", new { name = "  湖滨鲜果超市 Hubin Fresh Grocer ", creditCode = code.ToLowerInvariant() }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        var merchantId = created.GetProperty("merchantId").GetGuid();
        created.GetProperty("name").GetString().ShouldBe("湖滨鲜果超市 Hubin Fresh Grocer");
        created.GetProperty("creditCode").GetString().ShouldBe(code);

        var me = await (await owner.Client.GetAsync("/api/v1/me", Ct)).ShouldHave(HttpStatusCode.OK);
        var membership = me.GetProperty("merchants").EnumerateArray().ShouldHaveSingleItem();
        membership.GetProperty("merchantId").GetGuid().ShouldBe(merchantId);
        membership.GetProperty("role").GetString().ShouldBe("owner");

        var read = await (await owner.Client.GetAsync($"/api/v1/merchants/{merchantId}", Ct)).ShouldHave(HttpStatusCode.OK);
        read.GetProperty("name").GetString().ShouldBe("湖滨鲜果超市 Hubin Fresh Grocer");
        read.GetProperty("role").GetString().ShouldBe("owner");
    }

    [Fact]
    public async Task A_real_credit_code_is_accepted_with_surrounding_spaces()
    {
        // The one fixed real code in the suite; each provider's database is fresh.
        var owner = await NewUserAsync();
        var created = await (await owner.Client.PostAsJsonAsync("/api/v1/merchants", new { name = "北京某公司", creditCode = " 91110000600037341l " }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        created.GetProperty("creditCode").GetString().ShouldBe("91110000600037341L");
    }

    [Theory]
    [InlineData("91110000600037341K")]
    [InlineData("9111000060003734IL")]
    [InlineData("91110000600037341")]
    [InlineData("91110000600037341L0")]
    [InlineData("ABCDEFGHJKLMNPQRTU")]
    public async Task A_credit_code_with_a_wrong_shape_or_check_character_is_refused(string creditCode)
    {
        var owner = await NewUserAsync();
        var problem = await (await owner.Client.PostAsJsonAsync("/api/v1/merchants", new { name = "店", creditCode }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_credit_code");
        problem.GetProperty("errors").TryGetProperty("creditCode", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Missing_or_overlong_fields_name_the_field()
    {
        var owner = await NewUserAsync();
        var problem = await (await owner.Client.PostAsJsonAsync("/api/v1/merchants", new { name = new string('店', 101) }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem.GetProperty("errors");
        errors.TryGetProperty("name", out _).ShouldBeTrue();
        errors.TryGetProperty("creditCode", out _).ShouldBeTrue();

        problem = await (await owner.Client.PostAsJsonAsync("/api/v1/merchants", new { name = "   ", creditCode = NewCreditCode() }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        problem.GetProperty("errors").TryGetProperty("name", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task A_credit_code_registers_once()
    {
        var first = await NewMerchantAsync();
        var other = await NewUserAsync();
        await (await other.Client.PostAsJsonAsync("/api/v1/merchants", new { name = "冒名", creditCode = first.CreditCode.ToLowerInvariant() }, Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "credit_code_taken");
    }

    [Fact]
    public async Task Concurrent_sign_ups_with_one_credit_code_create_one_merchant()
    {
        var code = NewCreditCode();
        var owners = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => NewUserAsync()));
        var attempts = await Task.WhenAll(owners.Select(o => o.Client.PostAsJsonAsync("/api/v1/merchants", new { name = "同时", creditCode = code }, Ct)));
        attempts.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        foreach (var refused in attempts.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.ShouldBeProblem(HttpStatusCode.Conflict, "credit_code_taken");
        }

        var memberships = 0;
        foreach (var owner in owners)
        {
            var me = await (await owner.Client.GetAsync("/api/v1/me", Ct)).ShouldHave(HttpStatusCode.OK);
            memberships += me.GetProperty("merchants").GetArrayLength();
        }

        memberships.ShouldBe(1);
    }

    [Fact]
    public async Task Creating_a_merchant_needs_a_signed_in_user()
    {
        await (await Anonymous().PostAsJsonAsync("/api/v1/merchants", new { name = "店", creditCode = NewCreditCode() }, Ct))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task A_merchant_is_not_found_by_someone_who_does_not_work_for_it()
    {
        var merchant = await NewMerchantAsync();
        var stranger = await NewUserAsync();
        await (await stranger.Client.GetAsync($"/api/v1/merchants/{merchant.Id}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await stranger.Client.GetAsync($"/api/v1/merchants/{Guid.NewGuid()}", Ct)).ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await Anonymous().GetAsync($"/api/v1/merchants/{merchant.Id}", Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task A_malformed_body_is_a_problem_not_a_crash()
    {
        var owner = await NewUserAsync();
        await (await owner.Client.PostRawAsync("/api/v1/merchants", "{\"name\": 12, \"creditCode\": \"x\"}"))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await owner.Client.PostRawAsync("/api/v1/merchants", "{\"name\": "))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_json");
    }

    [Fact]
    public async Task The_api_document_lists_the_merchant_store_and_product_calls()
    {
        var document = await (await Anonymous().GetAsync("/openapi/v1.json", Ct)).ShouldHave(HttpStatusCode.OK);
        var paths = document.GetProperty("paths");
        foreach (var path in new[]
        {
            "/api/v1/merchants", "/api/v1/merchants/{merchantId}", "/api/v1/merchants/{merchantId}/staff",
            "/api/v1/merchants/{merchantId}/stores", "/api/v1/stores", "/api/v1/stores/{storeId}",
            "/api/v1/merchants/{merchantId}/products", "/api/v1/products/{productId}",
        })
        {
            paths.TryGetProperty(path, out _).ShouldBeTrue(path);
        }
    }
}

public sealed class MerchantsTests_Sqlite(SqliteApp app) : MerchantsTests(app);

public sealed class MerchantsTests_Postgres(PostgresApp app) : MerchantsTests(app);
