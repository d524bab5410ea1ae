using System.Diagnostics.CodeAnalysis;

namespace Tandem.Kernel;

/// <summary>
/// A GS1 trade item number (GTIN-8/12/13/14) with a valid check digit, stored as 14 digits.
/// A GTIN-13 scanned at the counter and the stored GTIN-14 are the same value.
/// </summary>
public readonly record struct Gtin
{
    private Gtin(string value) => Value = value;

    /// <summary>The 14-digit form, left-padded with zeros.</summary>
    public string Value { get; }

    public override string ToString() => Value;

    public static bool TryParse(string? input, [NotNullWhen(true)] out Gtin? gtin)
    {
        gtin = null;
        if (input is null)
        {
            return false;
        }

        var s = input.Trim();
        if (s.Length is not (8 or 12 or 13 or 14) || !s.All(char.IsAsciiDigit))
        {
            return false;
        }

        var padded = s.PadLeft(14, '0');
        if (CheckDigit(padded.AsSpan(0, 13)) != padded[13] - '0')
        {
            return false;
        }

        gtin = new Gtin(padded);
        return true;
    }

    /// <summary>The GS1 mod-10 check digit of the digits before it (weights 3 and 1 from the right).</summary>
    public static int CheckDigit(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            sum += i % 2 == 0 ? d * 3 : d;
        }

        return (10 - sum % 10) % 10;
    }
}
