using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Delivery.Companies;
using Tandem.Delivery.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;

namespace Tandem.Delivery.Zones;

public sealed record DeliverySlotDto(string? Start, string? End, int? Capacity);

/// <summary>
/// A store's delivery terms. Exactly one of <c>radiusKm</c> and <c>area</c> (a GeoJSON Polygon, [lng, lat] positions).
/// <c>carrier</c>: the delivery company that delivers (one that agreed to serve the store), or absent for the platform's couriers.
/// </summary>
public sealed record DeliverySettingsRequest(
    double? RadiusKm, JsonElement? Area, MoneyDto? BaseFee, MoneyDto? PerKmFee, MoneyDto? FreeAbove, MoneyDto? MinimumOrder,
    int? PreparationMinutes, int? UtcOffsetMinutes, List<DeliverySlotDto>? Slots, Guid? Carrier = null);

public sealed record DeliverySettingsResponse(
    Guid StoreId, double? RadiusKm, JsonElement? Area, MoneyDto BaseFee, MoneyDto PerKmFee, MoneyDto? FreeAbove, MoneyDto MinimumOrder,
    int PreparationMinutes, int UtcOffsetMinutes, IReadOnlyList<DeliverySlotDto> Slots, bool Configured, Guid? Carrier = null);

public sealed record DeliveryQuoteRequest(Guid? StoreId, LocationDto? Location, MoneyDto? Subtotal, DateTime? SlotStart);

public sealed record DeliveryWindowDto(DateTime Start, DateTime End);

public sealed record DeliveryQuoteResponse(Guid StoreId, MoneyDto Fee, double DistanceKm, DeliveryWindowDto Window, bool Asap, DateTime? SlotStart);

public sealed record DeliverySlotItem(DateTime Start, DateTime End, int Capacity, int Remaining);

public sealed record DeliverySlotsResponse(IReadOnlyList<DeliverySlotItem> Items);

/// <summary>Delivery set-up per store (owner or manager), the consumer's quote, and the slots still open.</summary>
internal static class StoreDeliverySettings
{
    public const double MaxRadiusKm = 50;
    public const int MaxSlots = 48;

    public static async Task<Results<Ok<DeliverySettingsResponse>, ProblemHttpResult>> Get(
        Guid storeId, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess merchants, DeliveryDesk desk, CancellationToken ct)
    {
        var store = await stores.FindAsync(storeId, ct);
        if (store is null)
        {
            return ApiProblem.NotFound("No such store.");
        }

        if (await merchants.CheckAsync(user, store.MerchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        var settings = await desk.SettingsAsync(store, ct);
        return settings is null
            ? ApiProblem.NotFound("This store does not deliver; PUT its delivery settings first.")
            : TypedResults.Ok(Response(settings, configured: settings.UpdatedAt != default));
    }

    public static async Task<Results<Ok<DeliverySettingsResponse>, ProblemHttpResult>> Put(
        Guid storeId, DeliverySettingsRequest request, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess merchants,
        TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var checks = new Checks();
        string? area = null;
        if (request.Area is { ValueKind: not JsonValueKind.Null } given)
        {
            if (GeoJsonPolygon.TryParse(given) is null)
            {
                checks.Add("area", $"must be a GeoJSON Polygon of closed rings of [lng, lat] positions (at most {GeoJsonPolygon.MaxVertices})");
            }
            else
            {
                area = given.GetRawText();
            }

            if (request.RadiusKm is not null)
            {
                checks.Add("radiusKm", "give either radiusKm or area, not both");
            }
        }
        else if (request.RadiusKm is not { } radius || !double.IsFinite(radius) || radius <= 0 || radius > MaxRadiusKm)
        {
            checks.Add("radiusKm", $"must be above 0 and at most {MaxRadiusKm} (or give an area)");
        }

        var baseFee = checks.NonNegativeMoney("baseFee", request.BaseFee);
        var perKm = request.PerKmFee is null ? Money.Zero : checks.NonNegativeMoney("perKmFee", request.PerKmFee);
        Money? freeAbove = request.FreeAbove is null ? null : checks.NonNegativeMoney("freeAbove", request.FreeAbove);
        var minimum = request.MinimumOrder is null ? Money.Zero : checks.NonNegativeMoney("minimumOrder", request.MinimumOrder);
        var preparation = request.PreparationMinutes ?? 15;
        if (preparation is < 0 or > 24 * 60)
        {
            checks.Add("preparationMinutes", "must be between 0 and 1440");
        }

        var offset = request.UtcOffsetMinutes ?? 480;
        if (offset is < -12 * 60 or > 14 * 60)
        {
            checks.Add("utcOffsetMinutes", "must be between -720 and 840");
        }

        var slots = Slots(checks, request.Slots);
        if (new[] { baseFee, perKm, minimum }.Concat(freeAbove is { } f ? [f] : []).Any(m => m.Currency != Money.Cny))
        {
            return ApiProblem.BadRequest("unsupported_currency", "v1 trades in CNY only.");
        }

        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var store = await stores.FindAsync(storeId, ct);
        if (store is null)
        {
            return ApiProblem.NotFound("No such store.");
        }

        if (await merchants.CheckAsync(user, store.MerchantId, MerchantRole.Manager, ct) is { } denied)
        {
            return denied;
        }

        if (request.Carrier is { } carrier
            && !await db.Set<ServedStore>().AnyAsync(s => s.CompanyId == carrier && s.StoreId == storeId, ct))
        {
            return ApiProblem.Conflict("carrier_not_serving", "That delivery company has not agreed to serve this store (or does not exist).");
        }

        var settings = await db.Set<DeliverySettings>().SingleOrDefaultAsync(s => s.StoreId == storeId, ct);
        if (settings is null)
        {
            settings = new DeliverySettings { StoreId = storeId, MerchantId = store.MerchantId };
            db.Set<DeliverySettings>().Add(settings);
        }

        settings.RadiusKm = area is null ? request.RadiusKm : null;
        settings.AreaGeoJson = area;
        settings.BaseFee = baseFee.Amount;
        settings.PerKmFee = perKm.Amount;
        settings.FreeAbove = freeAbove?.Amount;
        settings.MinimumOrder = minimum.Amount;
        settings.PreparationMinutes = preparation;
        settings.UtcOffsetMinutes = offset;
        settings.Slots = slots;
        settings.CarrierId = request.Carrier;
        settings.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(Response(settings, configured: true));
    }

    public static async Task<Results<Ok<DeliveryQuoteResponse>, ProblemHttpResult>> Quote(
        DeliveryQuoteRequest request, IDeliveryDesk desk, CancellationToken ct)
    {
        var checks = new Checks();
        var storeId = checks.Required("storeId", request.StoreId);
        var location = checks.Location("location", request.Location);
        var subtotal = request.Subtotal is null ? Money.Zero : checks.NonNegativeMoney("subtotal", request.Subtotal);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        if (subtotal.Currency != Money.Cny)
        {
            return ApiProblem.BadRequest("unsupported_currency", "v1 trades in CNY only.");
        }

        var result = await desk.QuoteAsync(storeId!.Value, location, subtotal, request.SlotStart, ct);
        if (result.Refusal is { } refusal)
        {
            return ApiProblem.BadRequest(refusal.Code, refusal.Detail, refusal.Field == "fulfillment.location" ? "location"
                : refusal.Field == "fulfillment.slotStart" ? "slotStart" : refusal.Field == "lines" ? "subtotal" : refusal.Field);
        }

        var q = result.Quote!;
        return TypedResults.Ok(new DeliveryQuoteResponse(storeId.Value, MoneyDto.From(q.Fee), q.DistanceKm,
            new DeliveryWindowDto(q.WindowStart, q.WindowEnd), q.SlotStart is null, q.SlotStart));
    }

    public static async Task<Results<Ok<DeliverySlotsResponse>, ProblemHttpResult>> OpenSlots(
        Guid storeId, string? date, IStoreDirectory stores, DeliveryDesk desk, TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var store = await stores.FindAsync(storeId, ct);
        if (store is null)
        {
            return ApiProblem.NotFound("No such store.");
        }

        var settings = await desk.SettingsAsync(store, ct);
        if (settings is null)
        {
            return TypedResults.Ok(new DeliverySlotsResponse([]));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        List<DateOnly> days;
        if (date is not null)
        {
            if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return ApiProblem.BadRequest("validation_failed", "date must be YYYY-MM-DD.", "date");
            }

            days = [day];
        }
        else
        {
            var today = settings.LocalDate(now);
            days = [today, today.AddDays(1)];
        }

        var earliest = now.AddMinutes(settings.PreparationMinutes);
        var slots = days.SelectMany(settings.SlotsOn).Where(s => s.Start >= earliest && s.Capacity > 0).ToList();
        var starts = slots.Select(s => s.Start).ToList();
        var taken = await db.Set<SlotBooking>().AsNoTracking()
            .Where(b => b.StoreId == storeId && starts.Contains(b.SlotStart))
            .ToDictionaryAsync(b => b.SlotStart, b => b.Taken, ct);
        return TypedResults.Ok(new DeliverySlotsResponse(slots
            .Select(s => new DeliverySlotItem(s.Start, s.End, s.Capacity, Math.Max(0, s.Capacity - taken.GetValueOrDefault(s.Start))))
            .ToList()));
    }

    private static List<SlotTemplate> Slots(Checks checks, List<DeliverySlotDto>? requested)
    {
        var slots = new List<SlotTemplate>();
        if (requested is null)
        {
            return slots;
        }

        if (requested.Count > MaxSlots)
        {
            checks.Add("slots", $"at most {MaxSlots} slots a day");
            return slots;
        }

        for (var i = 0; i < requested.Count; i++)
        {
            var slot = requested[i];
            if (slot is null)
            {
                checks.Add($"slots[{i}]", "is required");
                continue;
            }

            var ok = TimeOnly.TryParseExact(slot.Start, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start);
            ok &= TimeOnly.TryParseExact(slot.End, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end);
            if (!ok || end <= start)
            {
                checks.Add($"slots[{i}]", "start and end are HH:mm with start before end");
                continue;
            }

            if (slot.Capacity is not (>= 0 and <= 10_000))
            {
                checks.Add($"slots[{i}].capacity", "must be between 0 and 10000");
                continue;
            }

            if (slots.Any(s => s.Start < end && start < s.End))
            {
                checks.Add($"slots[{i}]", "must not overlap another slot");
                continue;
            }

            slots.Add(new SlotTemplate(start, end, slot.Capacity.Value));
        }

        return slots.OrderBy(s => s.Start).ToList();
    }

    private static DeliverySettingsResponse Response(DeliverySettings s, bool configured)
    {
        JsonElement? area = null;
        if (s.AreaGeoJson is { } json)
        {
            using var document = JsonDocument.Parse(json);
            area = document.RootElement.Clone();
        }

        return new DeliverySettingsResponse(s.StoreId, s.RadiusKm, area, MoneyDto.From(Money.Yuan(s.BaseFee)), MoneyDto.From(Money.Yuan(s.PerKmFee)),
            s.FreeAbove is { } free ? MoneyDto.From(Money.Yuan(free)) : null, MoneyDto.From(Money.Yuan(s.MinimumOrder)),
            s.PreparationMinutes, s.UtcOffsetMinutes,
            s.Slots.Select(x => new DeliverySlotDto(x.Start.ToString("HH:mm", CultureInfo.InvariantCulture), x.End.ToString("HH:mm", CultureInfo.InvariantCulture), x.Capacity)).ToList(),
            configured, s.CarrierId);
    }
}
