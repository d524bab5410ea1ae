using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Merchants;

public abstract class StaffTests(TandemApp app) : MerchantApiTest(app)
{
    [Theory]
    [InlineData("manager")]
    [InlineData("staff")]
    [InlineData(" Manager ")]
    public async Task The_owner_adds_a_registered_user_by_phone(string role)
    {
        var merchant = await NewMerchantAsync();
        var user = await NewUserAsync("王店长");
        var written = "0086 " + user.Phone[3..6] + "-" + user.Phone[6..];
        var added = await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/staff", new { phone = written, role }, Ct))
            .ShouldHave(HttpStatusCode.Created);
        added.GetProperty("userId").GetGuid().ShouldBe(user.Id);
        added.GetProperty("role").GetString().ShouldBe(role.Trim().ToLowerInvariant());

        var me = await (await user.Client.GetAsync("/api/v1/me", Ct)).ShouldHave(HttpStatusCode.OK);
        var membership = me.GetProperty("merchants").EnumerateArray().ShouldHaveSingleItem();
        membership.GetProperty("merchantId").GetGuid().ShouldBe(merchant.Id);
        membership.GetProperty("role").GetString().ShouldBe(role.Trim().ToLowerInvariant());
    }

    [Fact]
    public async Task Only_manager_or_staff_can_be_given()
    {
        var merchant = await NewMerchantAsync();
        var user = await NewUserAsync();
        foreach (var role in new[] { "owner", "admin", "" })
        {
            var problem = await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/staff", new { phone = user.Phone, role }, Ct))
                .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
            problem.GetProperty("errors").TryGetProperty("role", out _).ShouldBeTrue();
        }

        var missing = await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/staff", new { phone = user.Phone }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        missing.GetProperty("errors").TryGetProperty("role", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task An_unknown_phone_is_user_not_found_and_a_malformed_one_invalid_phone()
    {
        var merchant = await NewMerchantAsync();
        await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/staff", new { phone = NewPhone(), role = "staff" }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "user_not_found");
        await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/staff", new { phone = "12345", role = "staff" }, Ct))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_phone");
    }

    [Fact]
    public async Task A_person_is_added_once_and_the_owner_is_already_staff()
    {
        var merchant = await NewMerchantAsync();
        var user = await NewStaffAsync(merchant, "staff");
        await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/staff", new { phone = user.Phone, role = "manager" }, Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "already_staff");
        await (await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/staff", new { phone = merchant.Owner.Phone, role = "manager" }, Ct))
            .ShouldBeProblem(HttpStatusCode.Conflict, "already_staff");
    }

    [Fact]
    public async Task Concurrent_additions_of_one_person_add_them_once()
    {
        var merchant = await NewMerchantAsync();
        var user = await NewUserAsync();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            merchant.Owner.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/staff", new { phone = user.Phone, role = "staff" }, Ct)));
        attempts.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        foreach (var refused in attempts.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.ShouldBeProblem(HttpStatusCode.Conflict, "already_staff");
        }
    }

    [Theory]
    [InlineData("manager")]
    [InlineData("staff")]
    public async Task Only_the_owner_manages_staff(string role)
    {
        var merchant = await NewMerchantAsync();
        var member = await NewStaffAsync(merchant, role);
        var candidate = await NewUserAsync();
        await (await member.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/staff", new { phone = candidate.Phone, role = "staff" }, Ct))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Someone_outside_the_merchant_gets_not_found_for_its_staff()
    {
        var merchant = await NewMerchantAsync();
        var stranger = await NewUserAsync();
        await (await stranger.Client.PostAsJsonAsync($"/api/v1/merchants/{merchant.Id}/staff", new { phone = stranger.Phone, role = "manager" }, Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
        await (await stranger.Client.GetAsync($"/api/v1/merchants/{merchant.Id}/staff", Ct))
            .ShouldBeProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_staff_list_shows_everyone_owner_first_and_phones_to_managers_only()
    {
        var merchant = await NewMerchantAsync();
        var manager = await NewStaffAsync(merchant, "manager");
        var clerk = await NewStaffAsync(merchant, "staff");

        var asManager = await (await manager.Client.GetAsync($"/api/v1/merchants/{merchant.Id}/staff", Ct)).ShouldHave(HttpStatusCode.OK);
        var items = asManager.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("role").GetString()).ShouldBe(["owner", "manager", "staff"]);
        items.Select(i => i.GetProperty("userId").GetGuid()).ShouldBe([merchant.Owner.Id, manager.Id, clerk.Id]);
        items[2].GetProperty("phone").GetString().ShouldBe(clerk.Phone);
        items[1].GetProperty("displayName").GetString().ShouldBe("店长");

        var asClerk = await (await clerk.Client.GetAsync($"/api/v1/merchants/{merchant.Id}/staff", Ct)).ShouldHave(HttpStatusCode.OK);
        asClerk.GetProperty("items").EnumerateArray().Any(i => i.TryGetProperty("phone", out var _)).ShouldBeFalse();
        var read = await (await clerk.Client.GetAsync($"/api/v1/merchants/{merchant.Id}", Ct)).ShouldHave(HttpStatusCode.OK);
        read.GetProperty("role").GetString().ShouldBe("staff");
    }
}

public sealed class StaffTests_Sqlite(SqliteApp app) : StaffTests(app);

public sealed class StaffTests_Postgres(PostgresApp app) : StaffTests(app);
