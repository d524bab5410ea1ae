using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Catalog.Contracts;
using Tandem.Delivery.Contracts;
using Tandem.Inventory.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;
using Tandem.Ordering.Contracts;
using Tandem.Ordering.Orders;

namespace Tandem.Ordering.Placing;

public sealed record OrderLineRequest(Guid? ProductId, int? Quantity);

/// <summary><c>slotStart</c> picks one of the store's delivery slots; without it a delivery comes as soon as possible.</summary>
public sealed record FulfillmentRequest(string? Type, string? Address, LocationDto? Location, DateTime? SlotStart = null);

public sealed record PlaceOrderRequest(Guid? StoreId, List<OrderLineRequest>? Lines, FulfillmentRequest? Fulfillment);

/// <summary>
/// A consumer orders from one store: every line is reserved or none is (409 <c>out_of_stock</c> naming every short
/// product), and the order awaits payment until its reservation expires.
/// </summary>
internal static class PlaceOrder
{
    public const int MaxLines = 100;
    public const int MaxQuantity = 999;

    public static async Task<Results<Created<OrderResponse>, ProblemHttpResult>> Handle(
        PlaceOrderRequest request, ClaimsPrincipal user, IStoreDirectory stores, IProductCatalog catalog, IStock stock,
        IDeliveryDesk delivery, TandemDbContext db, Outbox outbox, PickupCodeDraw codes, IOptions<OrderOptions> options, TimeProvider clock,
        CancellationToken ct)
    {
        var checks = new Checks();
        var storeId = checks.Required("storeId", request.StoreId);
        var lines = Lines(checks, request.Lines);
        var fulfillment = Fulfillment(checks, request.Fulfillment);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var store = await stores.FindAsync(storeId!.Value, ct);
        if (store is null)
        {
            return ApiProblem.BadRequest("unknown_store", "No such store.", "storeId");
        }

        var duplicates = lines.GroupBy(l => l.ProductId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            return Problem400("duplicate_line", "Each product may appear on one line only; add up the quantities.", duplicates);
        }

        var products = await catalog.FindManyAsync(lines.Select(l => l.ProductId).ToList(), ct);
        var unknown = lines.Where(l => !products.ContainsKey(l.ProductId)).Select(l => l.ProductId).ToList();
        if (unknown.Count > 0)
        {
            return Problem400("unknown_product", "No such product.", unknown);
        }

        var foreign = lines.Where(l => products[l.ProductId].MerchantId != store.MerchantId).Select(l => l.ProductId).ToList();
        if (foreign.Count > 0)
        {
            return Problem400("product_of_another_merchant", "A product is not sold by this store's merchant.", foreign);
        }

        if (lines.Any(l => products[l.ProductId].Price.Currency != Money.Cny))
        {
            return ApiProblem.BadRequest("unsupported_currency", "v1 trades in CNY only.");
        }

        Money? deliveryFee = null;
        if (fulfillment.Type == FulfillmentType.Pickup && !store.Pickup)
        {
            return ApiProblem.BadRequest("pickup_not_offered", "This store does not offer pickup.", "fulfillment.type");
        }

        DeliveryPromise? promise = null;
        if (fulfillment.Type == FulfillmentType.Delivery)
        {
            var subtotal = lines.Aggregate(Money.Zero, (sum, l) => sum + products[l.ProductId].Price.Times(l.Quantity));
            var quoted = await delivery.QuoteAsync(store.StoreId, fulfillment.Location!.Value, subtotal, fulfillment.SlotStart, ct);
            if (quoted.Refusal is { } refusal)
            {
                return ApiProblem.BadRequest(refusal.Code, refusal.Detail, refusal.Field);
            }

            deliveryFee = quoted.Quote!.Fee;
            promise = new DeliveryPromise(quoted.Quote.WindowStart, quoted.Quote.WindowEnd, quoted.Quote.SlotStart);
        }

        var consumerId = user.RequiredUserId();
        var orderLines = lines.Select((l, i) => new OrderLine
        {
            LineNo = i + 1,
            ProductId = l.ProductId,
            Name = products[l.ProductId].Name,
            Quantity = l.Quantity,
            UnitPrice = products[l.ProductId].Price.Amount,
            Currency = products[l.ProductId].Price.Currency,
        }).ToList();

        // Committed stock is read first, outside the transaction, so an order that cannot be served is refused without
        // queueing for the write lock (a flash sale's losers). The reservation below still decides for the rest.
        var stockLines = orderLines.Select(l => new StockLine(l.ProductId, l.Quantity)).ToList();
        var shortNow = await stock.ShortAsync(store.StoreId, stockLines, ct);
        if (shortNow.Count > 0)
        {
            return OutOfStock(shortNow);
        }

        var placed = await UnitOfWork.RetryOnConflictAsync(async () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                // The first draw is not checked: the unique index on (store, open code) refuses a taken code when the
                // order is inserted, below, and the next attempt asks the database for a free one (before the transaction,
                // which on SQLite holds the one write lock).
                var pickupCode = attempt == 1 ? codes.Next() : await PickupCodes.NewForStoreAsync(codes, db, store.StoreId, ct);
                var now = clock.GetUtcNow().UtcDateTime;
                var order = Order.Place(NewId.Next(clock), store.MerchantId, store.StoreId, consumerId, orderLines, deliveryFee,
                    fulfillment.Type, fulfillment.Address, fulfillment.Location, pickupCode,
                    now, options.Value.PaymentTimeout, promise);
                var placedEvent = outbox.Message(new OrderPlaced(NewId.Next(clock), now, order.Id, order.MerchantId, order.StoreId, consumerId,
                    OrderLifecycle.Quantities(order), order.Total, order.Currency, fulfillment.Type == FulfillmentType.Pickup ? "pickup" : "delivery",
                    order.ReservationExpiresAt));

                await using var work = await UnitOfWork.BeginAsync(db, ct);
                try
                {
                    // The order's rows go first, written directly rather than tracked (docs/decisions/0019): the statement
                    // is built before it runs, and its run is where, on SQLite, the transaction takes the one write lock
                    // (docs/decisions/0018). Short stock rolls them back.
                    await db.InsertAsync([order, placedEvent], ct);
                }
                catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException && attempt < 3 && !UnitOfWork.IsRaceLost(e))
                {
                    // Two orders drew the same pickup code at the same moment: the unique index refused one; draw again.
                    await work.RollbackAsync(ct);
                    continue;
                }

                var reservation = await stock.ReserveAsync(store.StoreId, stockLines, ct);
                if (!reservation.Succeeded)
                {
                    await work.RollbackAsync(ct);
                    return (Order: (Order?)null, Short: reservation.ShortProductIds, SlotFull: false);
                }

                // A slot place is taken in the same transaction, after the stock (every transaction locks in that order).
                if (promise?.SlotStart is { } slot && !await delivery.TakeSlotAsync(store.StoreId, slot, ct))
                {
                    await work.RollbackAsync(ct);
                    return (Order: (Order?)null, Short: (IReadOnlyList<Guid>)[], SlotFull: true);
                }

                await work.CommitAsync(ct);
                return (Order: (Order?)order, Short: (IReadOnlyList<Guid>)[], SlotFull: false);
            }
        });

        if (placed.SlotFull)
        {
            return ApiProblem.Conflict("slot_full", "That delivery slot has no places left; choose another or as soon as possible.");
        }

        if (placed.Order is null)
        {
            return OutOfStock(placed.Short);
        }

        return TypedResults.Created($"/api/v1/orders/{placed.Order.Id}", OrderResponse.For(placed.Order, Viewer.Consumer));
    }

    private static ProblemHttpResult OutOfStock(IReadOnlyList<Guid> productIds) =>
        ApiProblem.Conflict("out_of_stock", "Some products are not available in the quantity ordered; nothing was reserved.",
            new Dictionary<string, object?> { ["productIds"] = productIds });

    private static ProblemHttpResult Problem400(string code, string detail, IReadOnlyList<Guid> productIds) =>
        ApiProblem.Create(StatusCodes.Status400BadRequest, code, detail, new Dictionary<string, object?> { ["productIds"] = productIds });

    private sealed record Line(Guid ProductId, int Quantity);

    private sealed record ChosenFulfillment(FulfillmentType Type, string? Address, GeoPoint? Location, DateTime? SlotStart = null);

    private static List<Line> Lines(Checks checks, List<OrderLineRequest>? requested)
    {
        var lines = new List<Line>();
        if (requested is null)
        {
            checks.Add("lines", "is required");
            return lines;
        }

        if (requested.Count is 0 or > MaxLines)
        {
            checks.Add("lines", $"must have 1 to {MaxLines} lines");
            return lines;
        }

        for (var i = 0; i < requested.Count; i++)
        {
            var line = requested[i];
            if (line is null)
            {
                checks.Add($"lines[{i}]", "is required");
                continue;
            }

            var productId = checks.Required($"lines[{i}].productId", line.ProductId);
            var quantity = checks.Required($"lines[{i}].quantity", line.Quantity);
            if (quantity is < 1 or > MaxQuantity)
            {
                checks.Add($"lines[{i}].quantity", $"must be between 1 and {MaxQuantity}");
            }

            if (productId is { } id && quantity is { } q)
            {
                lines.Add(new Line(id, q));
            }
        }

        return lines;
    }

    private static ChosenFulfillment Fulfillment(Checks checks, FulfillmentRequest? requested)
    {
        if (requested is null)
        {
            checks.Add("fulfillment", "is required");
            return new ChosenFulfillment(FulfillmentType.Pickup, null, null);
        }

        switch (requested.Type)
        {
            case "pickup":
                return new ChosenFulfillment(FulfillmentType.Pickup, null, null);
            case "delivery":
                var address = checks.Address("fulfillment.address", requested.Address);
                var location = checks.Location("fulfillment.location", requested.Location);
                return new ChosenFulfillment(FulfillmentType.Delivery, address, location, requested.SlotStart?.ToUniversalTime());
            case null:
                checks.Add("fulfillment.type", "is required");
                break;
            default:
                checks.Add("fulfillment.type", "must be pickup or delivery");
                break;
        }

        return new ChosenFulfillment(FulfillmentType.Pickup, null, null);
    }
}
