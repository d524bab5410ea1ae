using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Delivery.Contracts;
using Tandem.Delivery.Data;
using Tandem.Delivery.Dispatch;
using Tandem.Delivery.Jobs;
using Tandem.Delivery.Routing;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;

namespace Tandem.Delivery.Zones;

/// <summary>
/// Quotes, slot places and jobs, for Ordering, inside its transaction. A store without delivery settings of its own
/// delivers on the terms it was created with (<c>delivery: {radiusKm, fee}</c>): a flat fee, as soon as possible.
/// </summary>
internal sealed class DeliveryDesk(
    TandemDbContext db, IStoreDirectory stores, DispatchRunner dispatch, IOptions<DeliveryOptions> options, TimeProvider clock,
    ITravelTimeSource travelTimes) : IDeliveryDesk
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<DeliverySettings?> SettingsAsync(StoreInfo store, CancellationToken ct) =>
        await db.Set<DeliverySettings>().AsNoTracking().SingleOrDefaultAsync(s => s.StoreId == store.StoreId, ct)
        ?? (store.Delivery is { } terms
            ? new DeliverySettings { StoreId = store.StoreId, MerchantId = store.MerchantId, RadiusKm = terms.RadiusKm, BaseFee = terms.Fee.Amount }
            : null);

    public async Task<DeliveryQuoteResult> QuoteAsync(Guid storeId, GeoPoint destination, Money subtotal, DateTime? slotStart, CancellationToken ct)
    {
        var store = await stores.FindAsync(storeId, ct);
        if (store is null)
        {
            return Refuse("unknown_store", "No such store.", "storeId");
        }

        var settings = await SettingsAsync(store, ct);
        if (settings is null || !settings.Covers(store.Location, destination))
        {
            return Refuse("outside_delivery_area", "This store does not deliver to that location.", "fulfillment.location");
        }

        if (subtotal.Amount < settings.MinimumOrder)
        {
            return Refuse("below_minimum_order", $"This store delivers orders of at least {Money.Yuan(settings.MinimumOrder)}.", "lines");
        }

        var distanceKm = store.Location.DistanceKmTo(destination);
        var fee = settings.FeeFor(distanceKm, subtotal);
        var now = Now;
        var ready = now.AddMinutes(settings.PreparationMinutes);
        if (slotStart is null)
        {
            var travel = await travelTimes.SecondsAsync(store.Location, destination, TravelProfiles.Scooter, ct);
            var earliest = ready.AddSeconds(travel);
            return new DeliveryQuoteResult(
                new DeliveryQuote(fee, Math.Round(distanceKm, 3), Trim(earliest), Trim(earliest.AddMinutes(options.Value.AsapSlackMinutes)), null), null);
        }

        var slot = FindSlot(settings, slotStart.Value);
        if (slot is null || slot.Value.Start < ready)
        {
            return Refuse("unknown_slot", "That is not one of the store's delivery slots still open for ordering.", "fulfillment.slotStart");
        }

        return new DeliveryQuoteResult(new DeliveryQuote(fee, Math.Round(distanceKm, 3), slot.Value.Start, slot.Value.End, slot.Value.Start), null);
    }

    public static (DateTime Start, DateTime End, int Capacity)? FindSlot(DeliverySettings settings, DateTime slotStart)
    {
        var utc = slotStart.ToUniversalTime();
        foreach (var slot in settings.SlotsOn(settings.LocalDate(utc)))
        {
            if (slot.Start == utc && slot.Capacity > 0)
            {
                return slot;
            }
        }

        return null;
    }

    public async Task<bool> TakeSlotAsync(Guid storeId, DateTime slotStart, CancellationToken ct)
    {
        var settings = await db.Set<DeliverySettings>().AsNoTracking().SingleOrDefaultAsync(s => s.StoreId == storeId, ct);
        if (settings is null || FindSlot(settings, slotStart) is not { } slot)
        {
            return false;
        }

        // The row may not exist yet: make it if absent (concurrent makers do not collide), then take a place only
        // while one is left. The capacity is the current setting, so a merchant raising it takes effect at once.
        var tables = new ModuleTables(db.IsPostgres).For(new DeliveryModel().Schema);
        var insertIfMissing = InsertSlotSql(tables);
        await db.Database.ExecuteSqlRawAsync(insertIfMissing, [storeId, slot.Start, slot.Capacity], ct);
        var capacity = slot.Capacity;
        var start = slot.Start;
        var taken = await db.Set<SlotBooking>()
            .Where(b => b.StoreId == storeId && b.SlotStart == start && b.Taken < capacity)
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.Taken, b => b.Taken + 1).SetProperty(b => b.Capacity, capacity), ct);
        return taken == 1;
    }

    private static string InsertSlotSql(ModuleTables.Naming tables) =>
        $"INSERT INTO {tables.Qualified("slot_bookings")} (\"StoreId\", \"SlotStart\", \"Capacity\", \"Taken\") VALUES ({{0}}, {{1}}, {{2}}, 0) ON CONFLICT DO NOTHING";

    public async Task ReleaseSlotAsync(Guid storeId, DateTime slotStart, CancellationToken ct)
    {
        var start = slotStart.ToUniversalTime();
        await db.Set<SlotBooking>()
            .Where(b => b.StoreId == storeId && b.SlotStart == start && b.Taken > 0)
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.Taken, b => b.Taken - 1), ct);
    }

    public async Task OrderPaidAsync(DeliveryOrder order, CancellationToken ct)
    {
        if (await db.Set<DeliveryJob>().AnyAsync(j => j.OrderId == order.OrderId, ct))
        {
            return;
        }

        var store = await stores.FindAsync(order.StoreId, ct) ?? throw new InvalidOperationException($"Store {order.StoreId} does not exist.");
        var settings = await SettingsAsync(store, ct);
        var preparation = settings?.PreparationMinutes ?? 0;
        db.Set<DeliveryJob>().Add(new DeliveryJob
        {
            Id = NewId.Next(clock),
            OrderId = order.OrderId,
            MerchantId = order.MerchantId,
            StoreId = order.StoreId,
            CarrierId = settings?.CarrierId,
            ConsumerId = order.ConsumerId,
            StoreLat = store.Location.Lat,
            StoreLng = store.Location.Lng,
            Address = order.Address,
            DestinationLat = order.Destination.Lat,
            DestinationLng = order.Destination.Lng,
            Items = Math.Max(1, order.Items),
            Asap = order.Asap,
            WindowStart = order.WindowStart,
            WindowEnd = order.WindowEnd,
            JobCode = JobCodes.New(),
            Status = JobStatus.Waiting,
            CreatedAt = order.PaidAt,
            ExpectedReadyAt = order.PaidAt.AddMinutes(preparation),
        });
        await db.SaveChangesAsync(ct);
    }

    public async Task OrderReadyAsync(Guid orderId, DateTime readyAt, CancellationToken ct)
    {
        var job = await db.Set<DeliveryJob>().SingleOrDefaultAsync(j => j.OrderId == orderId, ct);
        if (job is { Status: JobStatus.Waiting })
        {
            job.Status = JobStatus.Ready;
            job.ReadyAt = readyAt;
            job.Touch();
            await db.SaveChangesAsync(ct);
            if (options.Value.DispatchOnReady)
            {
                // A batch soon; if it runs before this transaction commits, the next regular one plans the job.
                dispatch.Trigger();
            }
        }
    }

    public async Task OrderCancelledAsync(Guid orderId, CancellationToken ct)
    {
        var job = await db.Set<DeliveryJob>().SingleOrDefaultAsync(j => j.OrderId == orderId, ct);
        if (job is { Status: JobStatus.Waiting or JobStatus.Ready })
        {
            job.Status = JobStatus.Cancelled;
            job.CancelledAt = Now;
            job.CourierId = null;
            job.Touch();
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>Whole minutes, as people read windows.</summary>
    private static DateTime Trim(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMinute + (t.Ticks % TimeSpan.TicksPerMinute == 0 ? 0 : TimeSpan.TicksPerMinute), DateTimeKind.Utc);

    private static DeliveryQuoteResult Refuse(string code, string detail, string field) => new(null, new DeliveryRefusal(code, detail, field));
}

/// <summary>Job codes: six characters from an alphabet without look-alikes (no 0/O, 1/I).</summary>
internal static class JobCodes
{
    private const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    public static string New() => string.Create(6, 0, (span, _) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = Alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
    });

    public static string? Normalise(string? code) =>
        code?.Trim().ToUpperInvariant() is { Length: 6 } c && c.All(Alphabet.Contains) ? c : null;
}
