using System.Net;
using System.Net.Http.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Identity;

public abstract class AccountsTests(TandemApp app) : ApiTest(app)
{
    [Fact]
    public async Task Registering_returns_a_token_that_reads_me()
    {
        var user = await NewUserAsync("李小梅");
        var me = await (await user.Client.GetAsync("/api/v1/me", Ct)).ShouldHave(HttpStatusCode.OK);
        me.GetProperty("userId").GetGuid().ShouldBe(user.Id);
        me.GetProperty("displayName").GetString().ShouldBe("李小梅");
        me.GetProperty("phone").GetString().ShouldBe(user.Phone);
        me.GetProperty("merchants").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("+86 138-0013-8000", "+8613800138000")]
    [InlineData("0086 13800138001", "+8613800138001")]
    [InlineData("138 0013 8002", "+8613800138002")]
    public async Task Phones_are_stored_normalised(string written, string stored)
    {
        // Per provider the database is fresh, so these fixed numbers are free.
        var response = await Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { phone = written, password = "longenough", displayName = "A" }, Ct);
        var body = await response.ShouldHave(HttpStatusCode.Created);
        var client = ClientWithToken(body.GetProperty("accessToken").GetString()!);
        var me = await (await client.GetAsync("/api/v1/me", Ct)).ShouldHave(HttpStatusCode.OK);
        me.GetProperty("phone").GetString().ShouldBe(stored);
    }

    [Theory]
    [InlineData("12345678901")]
    [InlineData("1380013800")]
    [InlineData("+1 2025550123")]
    [InlineData("138001380000")]
    [InlineData("13a00138000")]
    [InlineData("")]
    public async Task Malformed_phones_are_refused(string phone)
    {
        var response = await Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { phone, password = "longenough", displayName = "A" }, Ct);
        await response.ShouldBeProblem(HttpStatusCode.BadRequest, "invalid_phone");
    }

    [Theory]
    [InlineData(7)]
    [InlineData(129)]
    public async Task Passwords_outside_8_to_128_characters_are_weak(int length)
    {
        var response = await Anonymous().PostAsJsonAsync("/api/v1/auth/register",
            new { phone = NewPhone(), password = new string('x', length), displayName = "A" }, Ct);
        await response.ShouldBeProblem(HttpStatusCode.BadRequest, "weak_password");
    }

    [Fact]
    public async Task A_phone_registers_once()
    {
        var user = await NewUserAsync();
        var response = await Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { phone = user.Phone, password = "another one", displayName = "B" }, Ct);
        await response.ShouldBeProblem(HttpStatusCode.Conflict, "phone_taken");
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_phone_create_one_account()
    {
        var phone = NewPhone();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { phone, password = "longenough", displayName = "A" }, Ct)));
        attempts.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        attempts.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(7);
    }

    [Fact]
    public async Task Login_with_the_right_password_returns_a_working_token()
    {
        var user = await NewUserAsync();
        var body = await (await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone = user.Phone, password = user.Password }, Ct))
            .ShouldHave(HttpStatusCode.OK);
        body.GetProperty("userId").GetGuid().ShouldBe(user.Id);
        body.GetProperty("expiresAt").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow);
        var me = await ClientWithToken(body.GetProperty("accessToken").GetString()!).GetAsync("/api/v1/me", Ct);
        me.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_phone_are_the_same_invalid_credentials()
    {
        var user = await NewUserAsync();
        await (await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone = user.Phone, password = "wrong password" }, Ct))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        await (await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone = NewPhone(), password = "wrong password" }, Ct))
            .ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task Five_failures_lock_the_account_and_its_tokens_stop_working()
    {
        var user = await NewUserAsync();
        (await user.Client.GetAsync("/api/v1/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        for (var i = 0; i < 5; i++)
        {
            await (await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone = user.Phone, password = "wrong password" }, Ct))
                .ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        var locked = await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { phone = user.Phone, password = user.Password }, Ct);
        await locked.ShouldBeProblem(HttpStatusCode.TooManyRequests, "locked_out");
        var retryAfter = int.Parse(locked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        retryAfter.ShouldBeInRange(1, 300);

        await (await user.Client.GetAsync("/api/v1/me", Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Missing_forged_and_malformed_tokens_are_unauthenticated()
    {
        await (await Anonymous().GetAsync("/api/v1/me", Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        await (await ClientWithToken("forged-token").GetAsync("/api/v1/me", Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        var user = await NewUserAsync();
        await (await ClientWithToken(user.Token[..^4] + "AAAA").GetAsync("/api/v1/me", Ct)).ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }
}

public sealed class AccountsTests_Sqlite(SqliteApp app) : AccountsTests(app);

public sealed class AccountsTests_Postgres(PostgresApp app) : AccountsTests(app);
