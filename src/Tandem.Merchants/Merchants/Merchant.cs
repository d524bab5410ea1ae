namespace Tandem.Merchants.Merchants;

/// <summary>A business trading on Tandem, identified in law by its unified social credit code.</summary>
internal sealed class Merchant
{
    public Guid Id { get; init; }

    public string Name { get; set; } = "";

    /// <summary>The 18-character code, upper case; unique across the platform.</summary>
    public string CreditCode { get; init; } = "";

    public DateTime CreatedAt { get; init; }
}
