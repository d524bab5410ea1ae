namespace Tandem.Kernel;

/// <summary>An exact amount in minor units (fen for CNY). v1 trades in CNY only.</summary>
public readonly record struct Money(long Amount, string Currency)
{
    public const string Cny = "CNY";

    public static Money Yuan(long fen) => new(fen, Cny);

    public static Money Zero => new(0, Cny);

    public static Money operator +(Money a, Money b)
    {
        EnsureSameCurrency(a, b);
        return new Money(checked(a.Amount + b.Amount), a.Currency);
    }

    public Money Times(int quantity) => new(checked(Amount * quantity), Currency);

    private static void EnsureSameCurrency(Money a, Money b)
    {
        if (!string.Equals(a.Currency, b.Currency, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Cannot add {a.Currency} and {b.Currency}.");
        }
    }

    /// <summary>Formats as a shop would print it: ¥12.99.</summary>
    public override string ToString() =>
        Currency == Cny
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"¥{Amount / 100}.{Math.Abs(Amount % 100):00}")
            : $"{Amount} {Currency}";
}

/// <summary>The JSON shape of money: <c>{"amount": 1299, "currency": "CNY"}</c>.</summary>
public sealed record MoneyDto(long? Amount, string? Currency)
{
    public static MoneyDto From(Money money) => new(money.Amount, money.Currency);
}
