using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Catalog.Contracts;
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

namespace Tandem.Ordering.Counter;

public sealed record PosLineRequest(Guid? ProductId, string? Gtin, int? Quantity);

public sealed record PosPaymentRequest(string? Method);

public sealed record PosSaleRequest(List<PosLineRequest>? Lines, PosPaymentRequest? Payment);

public sealed record PosSaleLineView(Guid ProductId, string? Gtin, string Name, int Quantity, MoneyDto UnitPrice, MoneyDto LineTotal);

public sealed record PosPaymentView(string Method);

public sealed record PosSaleResponse(
    Guid SaleId, Guid StoreId, Guid MerchantId, Guid CashierId, MoneyDto Total, IReadOnlyList<PosSaleLineView> Lines,
    PosPaymentView Payment, DateTime CreatedAt)
{
    internal static PosSaleResponse From(PosSale sale) => new(
        sale.Id, sale.StoreId, sale.MerchantId, sale.CashierId, new MoneyDto(sale.Total, sale.Currency),
        sale.Lines.OrderBy(l => l.LineNo)
            .Select(l => new PosSaleLineView(l.ProductId, l.Gtin, l.Name, l.Quantity, new MoneyDto(l.UnitPrice, sale.Currency),
                new MoneyDto(l.LineTotal, sale.Currency)))
            .ToList(),
        new PosPaymentView(sale.PaymentMethod), sale.CreatedAt);
}

/// <summary>
/// Counter sales: goods in hand, paid at the counter. Never refused for stock (onHand may go below zero; a recount is
/// then due), recorded in the ledger as <c>pos_sale</c>, and online orders the sale leaves uncovered are flagged at risk.
/// </summary>
internal static class CounterSales
{
    public const int MaxLines = 200;
    public const int MaxQuantity = 999;
    private static readonly string[] Methods = ["cash", "card", "sandbox"];

    public static async Task<Results<Created<PosSaleResponse>, ProblemHttpResult>> Record(
        Guid storeId, PosSaleRequest request, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess merchants,
        IProductCatalog catalog, IStock stock, TandemDbContext db, Outbox outbox, TimeProvider clock, CancellationToken ct)
    {
        var checks = new Checks();
        var scanned = Lines(checks, request.Lines);
        var method = checks.Required("payment", request.Payment) is { } payment ? checks.Required("payment.method", payment.Method) : null;
        if (method is not null && !Methods.Contains(method))
        {
            checks.Add("payment.method", "must be cash, card or sandbox");
        }

        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var badGtins = new Dictionary<string, string[]>();
        for (var i = 0; i < scanned.Count; i++)
        {
            if (scanned[i].GtinText is { } text)
            {
                if (Gtin.TryParse(text, out var gtin))
                {
                    scanned[i] = scanned[i] with { Gtin = gtin };
                }
                else
                {
                    badGtins[$"lines[{i}].gtin"] = ["must be a GTIN-8, -12, -13 or -14 with the right check digit"];
                }
            }
        }

        if (badGtins.Count > 0)
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, "invalid_gtin", "A scanned GTIN is not valid.",
                new Dictionary<string, object?> { ["errors"] = badGtins });
        }

        var store = await stores.FindAsync(storeId, ct);
        if (store is null)
        {
            return ApiProblem.NotFound("No such store.");
        }

        if (await merchants.CheckAsync(user, store.MerchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        // Resolve every line to a product of this merchant: by id, or by a scanned GTIN.
        var byId = await catalog.FindManyAsync(scanned.Where(l => l.ProductId is not null).Select(l => l.ProductId!.Value).Distinct().ToList(), ct);
        var resolved = new List<(ScannedLine Line, ProductInfo Product)>();
        var unknown = new List<string>();
        var foreign = new List<Guid>();
        foreach (var line in scanned)
        {
            var product = line.ProductId is { } id
                ? byId.GetValueOrDefault(id)
                : await catalog.FindByGtinAsync(store.MerchantId, line.Gtin!.Value, ct);
            if (product is null)
            {
                unknown.Add(line.ProductId?.ToString() ?? line.Gtin!.Value.Value);
            }
            else if (product.MerchantId != store.MerchantId)
            {
                foreign.Add(product.ProductId);
            }
            else
            {
                resolved.Add((line, product));
            }
        }

        if (unknown.Count > 0)
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, "unknown_product", "No such product at this merchant.",
                new Dictionary<string, object?> { ["products"] = unknown });
        }

        if (foreign.Count > 0)
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, "product_of_another_merchant", "A product is not sold by this store's merchant.",
                new Dictionary<string, object?> { ["productIds"] = foreign });
        }

        if (resolved.Any(r => r.Product.Price.Currency != Money.Cny))
        {
            return ApiProblem.BadRequest("unsupported_currency", "v1 trades in CNY only.");
        }

        var cashier = user.RequiredUserId();
        var sale = await UnitOfWork.RetryOnConflictAsync(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var now = clock.GetUtcNow().UtcDateTime;
            var lines = resolved.Select((r, i) => new PosSaleLine
            {
                LineNo = i + 1,
                ProductId = r.Product.ProductId,
                Gtin = r.Line.Gtin?.Value,
                Name = r.Product.Name,
                Quantity = r.Line.Quantity,
                UnitPrice = r.Product.Price.Amount,
            }).ToList();
            var sale = new PosSale
            {
                Id = NewId.Next(clock),
                StoreId = storeId,
                MerchantId = store.MerchantId,
                CashierId = cashier,
                CreatedAt = now,
                Total = lines.Aggregate(0L, (sum, l) => checked(sum + l.LineTotal)),
                Currency = Money.Cny,
                PaymentMethod = method!,
                Lines = lines,
            };
            db.Set<PosSale>().Add(sale);
            var quantities = lines.Select(l => new StockLine(l.ProductId, l.Quantity)).ToList();
            await stock.RecordCounterSaleAsync(storeId, quantities, $"pos:{sale.Id}", cashier, ct);
            outbox.Publish(new CounterSaleRecorded(NewId.Next(clock), now, sale.Id, sale.MerchantId, storeId, cashier,
                lines.Select(l => new OrderedQuantity(l.ProductId, l.Quantity)).ToList(), sale.Total, sale.Currency, sale.PaymentMethod));
            await work.CommitAsync(ct);
            return sale;
        });
        return TypedResults.Created($"/api/v1/stores/{storeId}/pos/sales/{sale.Id}", PosSaleResponse.From(sale));
    }

    public static async Task<Results<Ok<PosSaleResponse>, ProblemHttpResult>> One(
        Guid storeId, Guid saleId, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess merchants, TandemDbContext db, CancellationToken ct)
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

        var sale = await db.Set<PosSale>().AsNoTracking().Include(s => s.Lines).SingleOrDefaultAsync(s => s.Id == saleId && s.StoreId == storeId, ct);
        return sale is null ? ApiProblem.NotFound("No such sale at this store.") : TypedResults.Ok(PosSaleResponse.From(sale));
    }

    private sealed record ScannedLine(Guid? ProductId, string? GtinText, Gtin? Gtin, int Quantity);

    private static List<ScannedLine> Lines(Checks checks, List<PosLineRequest>? requested)
    {
        var lines = new List<ScannedLine>();
        if (requested is null || requested.Count is 0 or > MaxLines)
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

            if ((line.ProductId is null) == (line.Gtin is null))
            {
                checks.Add($"lines[{i}]", "must give either productId or gtin, not both");
            }

            var quantity = checks.Required($"lines[{i}].quantity", line.Quantity);
            if (quantity is < 1 or > MaxQuantity)
            {
                checks.Add($"lines[{i}].quantity", $"must be between 1 and {MaxQuantity}");
            }

            lines.Add(new ScannedLine(line.ProductId, line.Gtin, null, quantity ?? 0));
        }

        return lines;
    }
}
