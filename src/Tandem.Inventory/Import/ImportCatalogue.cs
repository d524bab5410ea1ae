using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Catalog.Contracts;
using Tandem.Inventory.Stock;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;

namespace Tandem.Inventory.Import;

/// <summary>One row of a catalogue import: a product by GTIN, its name and price, and the stock to count per store.</summary>
public sealed record ImportRowRequest(string? Gtin, string? Name, MoneyDto? Price, IReadOnlyList<ImportStockRequest>? Stock);

/// <summary>A stock count of the row's product at one of the merchant's stores.</summary>
public sealed record ImportStockRequest(Guid? StoreId, long? OnHand);

public sealed record ImportCatalogueRequest(IReadOnlyList<ImportRowRequest>? Rows);

/// <summary><c>{created, updated, counts}</c>: products made, products changed, stock counts recorded.</summary>
public sealed record ImportCatalogueResponse(int Created, int Updated, int Counts);

/// <summary>
/// A whole catalogue in one request (a CSV or Excel file the merchant console parsed): every row is checked first and
/// every bad row reported at once (<c>errors</c> keyed <c>rows[i].field</c>); if any is wrong nothing is written.
/// A clean file upserts its products by GTIN and counts their stock in one transaction, so a crash half-way leaves
/// the catalogue as it was.
/// </summary>
internal static class ImportCatalogue
{
    private sealed record ValidRow(Gtin Gtin, string Name, Money Price, List<(Guid StoreId, long OnHand)> Stock);

    public const int MaxRows = 2000;
    public const int MaxNameLength = 200;

    /// <summary>Passes over a file whose GTINs other imports keep creating first.</summary>
    private const int MaxAttempts = 12;

    public static async Task<Results<Ok<ImportCatalogueResponse>, ProblemHttpResult>> Handle(
        Guid merchantId, ImportCatalogueRequest request, ClaimsPrincipal user, IMerchantAccess access, IStoreDirectory stores,
        IProductUpserts products, StoreStock stock, TandemDbContext db, CancellationToken ct)
    {
        if (await access.CheckAsync(user, merchantId, MerchantRole.Manager, ct) is { } denied)
        {
            return denied;
        }

        var checks = new Checks();
        var rows = checks.Required("rows", request.Rows);
        if (rows is { Count: 0 or > MaxRows })
        {
            checks.Add("rows", $"must have 1 to {MaxRows} rows");
        }

        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var storeOwners = new Dictionary<Guid, bool>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var valid = new List<ValidRow>();
        for (var i = 0; i < rows!.Count; i++)
        {
            var row = rows[i];
            var at = $"rows[{i}]";
            if (row is null)
            {
                checks.Add(at, "is required");
                continue;
            }

            var name = checks.Name($"{at}.name", row.Name, MaxNameLength);
            var price = checks.NonNegativeMoney($"{at}.price", row.Price);
            if (price.Currency != Money.Cny)
            {
                checks.Add($"{at}.price.currency", "v1 trades in CNY only");
            }

            if (!Gtin.TryParse(row.Gtin, out var gtin))
            {
                checks.Add($"{at}.gtin", "must be 8, 12, 13 or 14 digits with a correct GS1 check digit");
            }
            else if (seen.TryGetValue(gtin.Value.Value, out var first))
            {
                checks.Add($"{at}.gtin", $"repeats the GTIN of rows[{first}]");
            }
            else
            {
                seen[gtin.Value.Value] = i;
            }

            var counts = new List<(Guid StoreId, long OnHand)>();
            var stockRows = row.Stock ?? [];
            for (var j = 0; j < stockRows.Count; j++)
            {
                var entry = stockRows[j];
                var field = $"{at}.stock[{j}]";
                if (entry?.StoreId is not { } storeId)
                {
                    checks.Add($"{field}.storeId", "is required");
                    continue;
                }

                if (!storeOwners.TryGetValue(storeId, out var ours))
                {
                    ours = (await stores.FindAsync(storeId, ct))?.MerchantId == merchantId;
                    storeOwners[storeId] = ours;
                }

                if (!ours)
                {
                    checks.Add($"{field}.storeId", "is not a store of this merchant");
                }

                if (entry.OnHand is not (>= 0 and <= 1_000_000_000))
                {
                    checks.Add($"{field}.onHand", "must be between 0 and 1000000000");
                }
                else if (counts.Any(c => c.StoreId == storeId))
                {
                    checks.Add($"{field}.storeId", "is counted twice in this row");
                }
                else
                {
                    counts.Add((storeId, entry.OnHand.Value));
                }
            }

            if (gtin is not null)
            {
                valid.Add(new ValidRow(gtin.Value, name, price, counts));
            }
        }

        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var actor = user.RequiredUserId();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return TypedResults.Ok(await UnitOfWork.RetryOnConflictAsync(() => WriteAsync(valid, merchantId, actor, products, stock, db, ct)));
            }
            catch (DbUpdateException) when (attempt < MaxAttempts)
            {
                // A product with one of these GTINs was created concurrently (the unique index decided): the next pass
                // updates it. Each lost pass means another import committed, so the passes needed are bounded by the
                // imports running at once.
                await Task.Delay(Random.Shared.Next(1, 20 * attempt), ct);
            }
        }
    }

    private static async Task<ImportCatalogueResponse> WriteAsync(
        List<ValidRow> valid, Guid merchantId, Guid actor,
        IProductUpserts products, StoreStock stock, TandemDbContext db, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var work = await UnitOfWork.BeginAsync(db, ct);
        int created = 0, updated = 0, counted = 0;
        var ids = new List<(Guid ProductId, List<(Guid StoreId, long OnHand)> Stock)>();
        foreach (var (gtin, name, price, counts) in valid)
        {
            var upserted = await products.UpsertByGtinAsync(merchantId, gtin, name, price, ct);
            if (upserted.Created)
            {
                created++;
            }
            else
            {
                updated++;
            }

            ids.Add((upserted.ProductId, counts));
        }

        await db.SaveChangesAsync(ct);
        foreach (var (productId, counts) in ids)
        {
            foreach (var (storeId, onHand) in counts.OrderBy(c => c.StoreId))
            {
                await stock.CountAsync(storeId, merchantId, productId, onHand, "import", actor, ct);
                counted++;
            }
        }

        await work.CommitAsync(ct);
        return new ImportCatalogueResponse(created, updated, counted);
    }
}
