using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Validation;

namespace Tandem.Catalog.Products;

/// <summary>The body of creating (POST) or replacing (PUT) a product.</summary>
public sealed record ProductRequest(string? Name, MoneyDto? Price, string? Gtin, string? Description, string? Unit, string? NameEn);

public sealed record ProductResponse(
    Guid ProductId, Guid MerchantId, string Name, MoneyDto Price, string? Gtin,
    string? NameEn, string? Description, string? Unit, DateTime CreatedAt, DateTime UpdatedAt)
{
    internal static ProductResponse From(Product p) =>
        new(p.Id, p.MerchantId, p.Name, MoneyDto.From(Money.Yuan(p.Price)), p.Gtin, p.NameEn, p.Description, p.Unit, p.CreatedAt, p.UpdatedAt);
}

/// <summary>A product's fields after validation: what a create or an edit writes.</summary>
internal sealed record ProductFields(string Name, string? NameEn, long Price, string? Gtin, string? Description, string? Unit)
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 2000;
    public const int MaxUnitLength = 20;

    /// <summary>Every field error at once as validation_failed; then invalid_gtin; then unsupported_currency.</summary>
    public static ProductFields? Read(ProductRequest request, out ProblemHttpResult? problem)
    {
        problem = null;
        var checks = new Checks();
        var name = checks.Name("name", request.Name, MaxNameLength);
        var nameEn = string.IsNullOrWhiteSpace(request.NameEn) ? null : checks.Name("nameEn", request.NameEn, MaxNameLength);
        var price = checks.NonNegativeMoney("price", request.Price);
        var description = checks.Text("description", request.Description, MaxDescriptionLength);
        var unit = string.IsNullOrWhiteSpace(request.Unit) ? null : checks.Line("unit", request.Unit, MaxUnitLength);
        if (!checks.Ok)
        {
            problem = ApiProblem.Validation(checks.Errors);
            return null;
        }

        Gtin? gtin = null;
        if (!string.IsNullOrWhiteSpace(request.Gtin) && !Kernel.Gtin.TryParse(request.Gtin, out gtin))
        {
            problem = ApiProblem.BadRequest("invalid_gtin", "The GTIN must be 8, 12, 13 or 14 digits with a correct GS1 check digit.", "gtin");
            return null;
        }

        if (price.Currency != Money.Cny)
        {
            problem = ApiProblem.BadRequest("unsupported_currency", "v1 trades in CNY only.", "price.currency");
            return null;
        }

        return new ProductFields(name, nameEn, price.Amount, gtin?.Value, description, unit);
    }

    public static ProblemHttpResult GtinTaken() =>
        ApiProblem.Conflict("gtin_taken", "Another product of this merchant already has this GTIN.");
}
