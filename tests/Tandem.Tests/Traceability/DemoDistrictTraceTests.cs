using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Merchants;

namespace Tandem.Tests.Traceability;

/// <summary>The demo district, as <c>dotnet run</c> loads it, carries trace chains whose codes open real trace pages.</summary>
public sealed class DemoDistrictTraceTests(DemoDistrictApp app) : ApiTest(app), IClassFixture<DemoDistrictApp>
{
    [Fact]
    public async Task The_demo_Longjing_and_strawberry_lots_open_trace_pages_with_their_steps_and_QR_codes()
    {
        // The seeder names lots after the season (the year in Hangzhou) and uses the demo products' own GTINs.
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var season = today.Year.ToString(CultureInfo.InvariantCulture);
        var picked = today.ToString("MMdd", CultureInfo.InvariantCulture);
        foreach (var (path, firstStep) in new[] { ($"/01/06935070001012/10/LJP{season}-0402", "commissioning"), ($"/01/06967420001014/10/CM{season}-{picked}", "commissioning") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            var page = await (await Anonymous().SendAsync(request, Ct)).ShouldHave(HttpStatusCode.OK);
            var steps = page.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("bizStep").GetString()).ToList();
            steps.ShouldContain(firstStep);
            steps.ShouldContain("retail_selling");
            var html = await Anonymous().GetAsync(path, Ct);
            html.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var qr = await Anonymous().GetAsync($"/api/v1/trace/lots/06935070001012/LJP{season}-0402/qr.svg", Ct);
        qr.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
