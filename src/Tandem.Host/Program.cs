using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Scalar.AspNetCore;
using Tandem.Catalog;
using Tandem.Delivery;
using Tandem.Host.Hosting;
using Tandem.Identity;
using Tandem.Inventory;
using Tandem.Inventory.Availability;
using Tandem.Kernel;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Outbox;
using Tandem.Merchants;
using Tandem.Ordering;
using Tandem.Payments;
using Tandem.Traceability;
using Tandem.Web;

var builder = WebApplication.CreateBuilder(args);

builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
    // Chinese names stay readable in responses instead of \uXXXX escapes.
    o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
    o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
    // "12" is not a number: wrong types are errors, not guesses.
    o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
    o.SerializerOptions.AllowDuplicateProperties = false;
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
});

builder.Services
    .AddTandemKernel()
    .AddTandemOutbox()
    .AddTandemDatabase(builder.Configuration, builder.Environment)
    .AddDataProtection().SetApplicationName("Tandem").PersistKeysToDbContext<Tandem.Kernel.Persistence.TandemDbContext>().Services
    .AddTandemIdempotency(builder.Configuration)
    .AddTandemErrorHandling()
    .AddTandemRateLimits(builder.Configuration)
    .AddTandemObservability(builder.Configuration)
    .AddOpenApi(o => o.AddDocumentTransformer<ApiDocument>().AddOperationTransformer<ApiOperations>());

// The product, module by module.
builder.Services
    .AddIdentityModule(builder.Configuration)
    .AddMerchants()
    .AddCatalog()
    .AddInventory()
    .AddPayments(builder.Configuration)
    .AddOrdering(builder.Configuration)
    .AddDelivery(builder.Configuration)
    .AddTraceability();
builder.Services.AddTandemWeb();
builder.Services.AddTandemLiveBackplane(builder.Configuration);

var app = builder.Build();

app.UseTandemErrorHandling();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.UseTandemWeb();

app.MapTandemHealth();
app.MapTandemOutbox(IdentityModule.PlatformAdminPolicy);
app.MapOpenApi();
app.MapScalarApiReference("/docs", o => o.WithTitle("Tandem API"));

app.MapIdentityModule();
app.MapMerchants();
app.MapCatalog();
app.MapInventory();
app.MapPayments();
app.MapOrdering();
app.MapDelivery();
app.MapStorefront();
app.MapTraceability();
app.MapTandemWeb();

await app.PrepareAsync();
app.Logger.LogInformation("Tandem is ready. Open {Urls} (API reference at /docs)", string.Join(", ", app.Urls.DefaultIfEmpty("http://localhost:5080")));
await app.RunAsync();

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
