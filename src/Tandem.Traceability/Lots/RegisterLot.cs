using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Catalog.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;
using Tandem.Traceability.Data;
using Tandem.Traceability.DigitalLink;
using Tandem.Traceability.Epcis;
using Tandem.Traceability.Recalls;

namespace Tandem.Traceability.Lots;

/// <summary>A lot of one of the merchant's products; <c>gtin</c> is needed only when the product has none.</summary>
public sealed record RegisterLotRequest(Guid? ProductId, string? Lot, string? Gtin, string? ProductName, string? Origin);

public sealed record LotResponse(
    Guid LotId, Guid MerchantId, Guid? ProductId, string Gtin, string Lot, string ProductName, string? Origin,
    string DigitalLink, string QrPng, string QrSvg, DateTime CreatedAt, LotRecallView? Recall = null);

/// <summary>
/// The active recall of a lot: of the lot itself, or of a lot it was made from or shipped with (then
/// <see cref="RecalledGtin"/> and <see cref="RecalledLot"/> name that lot).
/// </summary>
public sealed record LotRecallView(Guid RecallId, string Reason, bool ByRegulator, DateTime RecalledAt, string? RecalledGtin = null, string? RecalledLot = null);

/// <summary>A producer registers a lot: it gets its GS1 Digital Link, QR codes and public trace page.</summary>
internal static class RegisterLot
{
    public static async Task<Results<Created<LotResponse>, ProblemHttpResult>> Handle(
        Guid merchantId, RegisterLotRequest request, ClaimsPrincipal principal, IMerchantAccess access, IProductCatalog catalog,
        TandemDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var checks = new Checks();
        var lot = request.Lot?.Trim();
        if (lot is null)
        {
            checks.Add("lot", "is required");
        }

        string? origin = request.Origin is null ? null : checks.Line("origin", request.Origin, 200);
        if (request.ProductId is null && request.Gtin is null)
        {
            checks.Add("productId", "name the product (productId) or its gtin");
        }

        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        // The body's shape is checked first (it reveals nothing); then whether the caller may act for the merchant.
        if (await access.CheckAsync(principal, merchantId, MerchantRole.Manager, ct) is { } denied)
        {
            return denied;
        }

        if (!DigitalLinkUri.IsCset82(lot, 20))
        {
            return ApiProblem.BadRequest("invalid_lot", "A lot number is 1 to 20 characters: letters, digits and !\"%&'()*+,-./:;<=>?_ (GS1 AI 10).", "lot");
        }

        ProductInfo? product = null;
        if (request.ProductId is { } productId)
        {
            product = await catalog.FindAsync(productId, ct);
            if (product is null || product.MerchantId != merchantId)
            {
                return ApiProblem.BadRequest("unknown_product", "The merchant has no product with this id.", "productId");
            }
        }

        string gtin;
        if (request.Gtin is not null)
        {
            if (!Gtin.TryParse(request.Gtin, out var parsed))
            {
                return ApiProblem.BadRequest("invalid_gtin", "The GTIN must be 8, 12, 13 or 14 digits with a correct check digit.", "gtin");
            }

            if (product?.Gtin is { } productGtin && productGtin != parsed.Value.Value)
            {
                return ApiProblem.BadRequest("validation_failed", "The gtin differs from the product's.", "gtin");
            }

            gtin = parsed.Value.Value;
        }
        else if (product?.Gtin is { } productGtin)
        {
            gtin = productGtin;
        }
        else
        {
            return ApiProblem.BadRequest("product_has_no_gtin", "The product has no GTIN; give one in gtin.", "gtin");
        }

        var name = product?.Name ?? checks.Name("productName", request.ProductName ?? "", 200);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var key = EpcKeys.LotKey(gtin, lot!);
        if (await db.Set<Lot>().AnyAsync(l => l.Key == key, ct))
        {
            return ApiProblem.Conflict("lot_taken", "This lot of this GTIN is already registered.");
        }

        var entity = new Lot
        {
            Id = NewId.Next(clock),
            MerchantId = merchantId,
            ProductId = product?.ProductId,
            Gtin = gtin,
            LotNumber = lot!,
            Key = key,
            ProductName = name,
            Origin = origin,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(entity);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return ApiProblem.Conflict("lot_taken", "This lot of this GTIN is already registered.");
        }

        var response = Response(entity, PublicOrigin.Of(http));
        return TypedResults.Created(response.DigitalLink, response);
    }

    public static async Task<Results<Ok<LotListResponse>, ProblemHttpResult>> List(
        Guid merchantId, ClaimsPrincipal principal, IMerchantAccess access, TandemDbContext db, HttpContext http, CancellationToken ct)
    {
        if (await access.CheckAsync(principal, merchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        var lots = await db.Set<Lot>().AsNoTracking().Where(l => l.MerchantId == merchantId)
            .OrderByDescending(l => l.CreatedAt).Take(200).ToListAsync(ct);
        var keys = lots.Select(l => l.Key).ToList();
        // The lots each active recall reached are stored with it (recalls made before that was stored name their own lot only).
        var reached = await (
            from r in db.Set<Recall>().AsNoTracking().Active()
            join rl in db.Set<RecalledLot>() on r.Id equals rl.RecallId
            where keys.Contains(rl.LotKey)
            select new { rl.LotKey, Recall = r }).ToListAsync(ct);
        var own = await db.Set<Recall>().AsNoTracking().Active().Where(r => keys.Contains(r.LotKey)).ToListAsync(ct);
        var recalls = own.Select(r => (Key: r.LotKey, Recall: r)).Concat(reached.Select(x => (Key: x.LotKey, x.Recall)))
            .GroupBy(x => x.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g =>
            {
                var r = g.OrderBy(x => x.Recall.LotKey == g.Key ? 0 : 1).ThenBy(x => x.Recall.RecalledAt).First().Recall;
                return new LotRecallView(r.Id, r.Reason, r.ByRegulator, r.RecalledAt, r.Gtin, r.LotNumber);
            }, StringComparer.Ordinal);
        var origin = PublicOrigin.Of(http);
        return TypedResults.Ok(new LotListResponse(lots.Select(l => Response(l, origin) with { Recall = recalls.GetValueOrDefault(l.Key) }).ToList()));
    }

    public static LotResponse Response(Lot l, string origin)
    {
        var link = DigitalLinkUri.ForLot(new GtinValue(l.Gtin).Gtin, l.LotNumber).ToUri(origin);
        var qr = $"{origin}/api/v1/trace/lots/{l.Gtin}/{Uri.EscapeDataString(l.LotNumber)}/qr";
        return new LotResponse(l.Id, l.MerchantId, l.ProductId, l.Gtin, l.LotNumber, l.ProductName, l.Origin, link, qr + ".png", qr + ".svg", l.CreatedAt);
    }

    private readonly record struct GtinValue(string Value)
    {
        public Gtin Gtin => Kernel.Gtin.TryParse(Value, out var g) ? g.Value : throw new InvalidOperationException("Stored GTINs are valid.");
    }
}

public sealed record LotListResponse(IReadOnlyList<LotResponse> Items);

/// <summary>The address printed in QR codes: <c>Tandem:PublicBaseUrl</c>, else the request's own scheme and host.</summary>
internal static class PublicOrigin
{
    public static string Of(HttpContext http)
    {
        var configured = (http.RequestServices.GetService(typeof(Microsoft.Extensions.Configuration.IConfiguration)) as Microsoft.Extensions.Configuration.IConfiguration)?["Tandem:PublicBaseUrl"];
        return string.IsNullOrWhiteSpace(configured) ? $"{http.Request.Scheme}://{http.Request.Host}" : configured.TrimEnd('/');
    }
}
