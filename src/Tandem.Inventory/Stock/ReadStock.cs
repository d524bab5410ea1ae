using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Catalog.Contracts;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;

namespace Tandem.Inventory.Stock;

public sealed record StockItemView(Guid StoreId, Guid ProductId, string? Name, long OnHand, long Reserved, long Available, long Blocked);

public sealed record StockListResponse(IReadOnlyList<StockItemView> Items, string? NextCursor);

public sealed record MovementResponse(DateTime At, long Delta, string Reason, long OnHandAfter, string? Reference, Guid? Actor);

public sealed record MovementListResponse(IReadOnlyList<MovementResponse> Items, string? NextCursor);

/// <summary>Stock as staff read it: one product, the store's list, and the ledger of one product.</summary>
internal static class ReadStock
{
    public static async Task<Results<Ok<StockLevelResponse>, ProblemHttpResult>> One(
        Guid storeId, Guid productId, ClaimsPrincipal user, StockAccess access, StoreStock stock, CancellationToken ct)
    {
        var (_, problem) = await access.StoreAndProductAsync(user, storeId, productId, MerchantRole.Staff, ct);
        if (problem is not null)
        {
            return problem;
        }

        var level = (await stock.LevelsAsync(storeId, [productId], ct))[0];
        return TypedResults.Ok(StockLevelResponse.From(level));
    }

    public static async Task<Results<Ok<StockListResponse>, ProblemHttpResult>> List(
        Guid storeId, int? limit, string? cursor, ClaimsPrincipal user, StockAccess access, IProductCatalog catalog,
        TandemDbContext db, CancellationToken ct)
    {
        if (Paging.Problem(limit, cursor, out var take, out var offset) is { } invalid)
        {
            return invalid;
        }

        var (_, problem) = await access.StoreAsync(user, storeId, MerchantRole.Staff, ct);
        if (problem is not null)
        {
            return problem;
        }

        var rows = await db.Set<StockItem>().AsNoTracking()
            .Where(s => s.StoreId == storeId)
            .OrderBy(s => s.ProductId)
            .Skip((int)offset).Take(take + 1)
            .ToListAsync(ct);
        var page = rows.Take(take).ToList();
        var products = await catalog.FindManyAsync(page.Select(r => r.ProductId).ToList(), ct);
        var items = page.Select(r => new StockItemView(r.StoreId, r.ProductId, products.GetValueOrDefault(r.ProductId)?.Name,
            r.OnHand, r.Reserved, r.OnHand - r.Reserved - r.Blocked, r.Blocked)).ToList();
        return TypedResults.Ok(new StockListResponse(items, rows.Count > take ? Paging.Cursor(offset + take) : null));
    }

    public static async Task<Results<Ok<MovementListResponse>, ProblemHttpResult>> Movements(
        Guid storeId, Guid productId, int? limit, string? cursor, ClaimsPrincipal user, StockAccess access,
        TandemDbContext db, CancellationToken ct)
    {
        // The cursor is the ledger number of the last row seen: rows are numbered per store and product.
        if (Paging.Problem(limit, cursor, out var take, out var after) is { } invalid)
        {
            return invalid;
        }

        var (_, problem) = await access.StoreAndProductAsync(user, storeId, productId, MerchantRole.Staff, ct);
        if (problem is not null)
        {
            return problem;
        }

        var rows = await db.Set<StockMovement>().AsNoTracking()
            .Where(m => m.StoreId == storeId && m.ProductId == productId && m.Seq > after)
            .OrderBy(m => m.Seq)
            .Take(take + 1)
            .ToListAsync(ct);
        var items = rows.Take(take)
            .Select(m => new MovementResponse(m.At, m.Delta, MovementReasons.Name(m.Reason), m.OnHandAfter, m.Reference, m.Actor))
            .ToList();
        return TypedResults.Ok(new MovementListResponse(items, rows.Count > take ? Paging.Cursor(rows[take - 1].Seq) : null));
    }
}

/// <summary>API.md lists: <c>limit</c> 1–200 (default 50); the cursor is an opaque number.</summary>
internal static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static ProblemHttpResult? Problem(int? limit, string? cursor, out int take, out long position)
    {
        take = limit ?? DefaultLimit;
        position = 0;
        var errors = new Dictionary<string, string[]>();
        if (take is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"must be between 1 and {MaxLimit}"];
        }

        if (cursor is not null && (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out position) || position < 0))
        {
            errors["cursor"] = ["is not a cursor this list gave out"];
        }

        return errors.Count == 0 ? null : ApiProblem.Validation(errors);
    }

    public static string Cursor(long position) => position.ToString(CultureInfo.InvariantCulture);
}
