using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;

namespace Tandem.Merchants.Stores;

/// <summary><c>pickup</c> defaults to true when absent; <c>delivery</c> null means the store does not deliver.</summary>
public sealed record CreateStoreRequest(
    string? Name, string? Address, LocationDto? Location, bool? Pickup, DeliveryDto? Delivery,
    IReadOnlyList<OpeningPeriodDto?>? OpeningHours);

/// <summary>A manager or the owner opens a store of the merchant.</summary>
internal static class CreateStore
{
    public static async Task<Results<Created<StoreResponse>, ProblemHttpResult>> Handle(
        Guid merchantId, CreateStoreRequest request, ClaimsPrincipal principal, TandemDbContext db, IMerchantAccess access,
        TimeProvider clock, CancellationToken ct)
    {
        if (await access.CheckAsync(principal, merchantId, MerchantRole.Manager, ct) is { } denied)
        {
            return denied;
        }

        var checks = new Checks();
        var name = checks.Name("name", request.Name);
        var address = checks.Address("address", request.Address);
        var location = checks.Location("location", request.Location);
        var delivery = StoreRules.Delivery(checks, "delivery", request.Delivery, out var unsupportedCurrency);
        var hours = OpeningHours.Parse(checks, "openingHours", request.OpeningHours);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        if (unsupportedCurrency)
        {
            return UnsupportedCurrency("delivery.fee.currency");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var store = new Store
        {
            Id = NewId.Next(clock),
            MerchantId = merchantId,
            Name = name,
            Address = address,
            Lat = location.Lat,
            Lng = location.Lng,
            Pickup = request.Pickup ?? true,
            OpeningHours = hours,
            CreatedAt = now,
            UpdatedAt = now,
        };
        store.OfferDelivery(delivery);
        db.Add(store);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/stores/{store.Id}", StoreResponse.From(store));
    }

    public static ProblemHttpResult UnsupportedCurrency(string field) =>
        ApiProblem.BadRequest("unsupported_currency", "v1 trades in CNY only.", field);
}
