using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;

namespace Tandem.Merchants.Stores;

/// <summary>
/// A partial update: an absent field is left as it is. <c>delivery</c> and <c>openingHours</c> may be
/// sent as null to stop delivering or to withdraw the published hours.
/// </summary>
public sealed record UpdateStoreRequest(
    string? Name, string? Address, LocationDto? Location, bool? Pickup, JsonElement Delivery, JsonElement OpeningHours);

/// <summary>A manager or the owner edits a store's settings (the console's store settings page).</summary>
internal static class UpdateStore
{
    public static async Task<Results<Ok<StoreResponse>, ProblemHttpResult>> Handle(
        Guid storeId, UpdateStoreRequest request, ClaimsPrincipal principal, TandemDbContext db, IMerchantAccess access,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider clock, CancellationToken ct)
    {
        var store = await db.Set<Store>().FirstOrDefaultAsync(s => s.Id == storeId, ct);
        if (store is null)
        {
            return ApiProblem.NotFound();
        }

        if (await access.CheckAsync(principal, store.MerchantId, MerchantRole.Manager, ct) is { } denied)
        {
            return denied;
        }

        var checks = new Checks();
        var options = json.Value.SerializerOptions;
        var name = request.Name is null ? store.Name : checks.Name("name", request.Name);
        var address = request.Address is null ? store.Address : checks.Address("address", request.Address);
        var location = request.Location is null ? store.Location : checks.Location("location", request.Location);

        var deliveryChanged = request.Delivery.ValueKind != JsonValueKind.Undefined;
        var unsupportedCurrency = false;
        DeliveryTerms? delivery = null;
        if (deliveryChanged && Read<DeliveryDto>(checks, "delivery", request.Delivery, options, out var deliveryDto))
        {
            delivery = StoreRules.Delivery(checks, "delivery", deliveryDto, out unsupportedCurrency);
        }

        var hoursChanged = request.OpeningHours.ValueKind != JsonValueKind.Undefined;
        string? hours = null;
        if (hoursChanged && Read<List<OpeningPeriodDto?>>(checks, "openingHours", request.OpeningHours, options, out var periods))
        {
            hours = OpeningHours.Parse(checks, "openingHours", periods);
        }

        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        if (unsupportedCurrency)
        {
            return CreateStore.UnsupportedCurrency("delivery.fee.currency");
        }

        store.Name = name;
        store.Address = address;
        store.Lat = location.Lat;
        store.Lng = location.Lng;
        store.Pickup = request.Pickup ?? store.Pickup;
        if (deliveryChanged)
        {
            store.OfferDelivery(delivery);
        }

        if (hoursChanged)
        {
            store.OpeningHours = hours;
        }

        store.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(StoreResponse.From(store));
    }

    /// <summary>Reads a field kept as raw JSON so that null (clear it) and absent (keep it) differ.</summary>
    private static bool Read<T>(Checks checks, string field, JsonElement element, JsonSerializerOptions options, out T? value)
        where T : class
    {
        value = null;
        if (element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        try
        {
            value = element.Deserialize<T>(options);
            return true;
        }
        catch (JsonException e)
        {
            var path = e.Path is { Length: > 1 } p ? field + p.TrimStart('$') : field;
            checks.Add(path, "has the wrong type or shape");
            return false;
        }
    }
}
