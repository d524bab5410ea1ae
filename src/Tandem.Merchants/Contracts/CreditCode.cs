using System.Diagnostics.CodeAnalysis;

namespace Tandem.Merchants.Contracts;

/// <summary>
/// A unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character
/// alphabet (digits and capitals without I, O, S, V, Z), the last one a check character over the first 17.
/// </summary>
public readonly record struct CreditCode
{
    /// <summary>The code's alphabet; a character's value is its index here.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    public const int Length = 18;

    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    private CreditCode(string value) => Value = value;

    /// <summary>The 18 upper-case characters.</summary>
    public string Value { get; }

    public override string ToString() => Value;

    /// <summary>Parses a code written in any case with surrounding spaces; null when its shape or check character is wrong.</summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out CreditCode? code)
    {
        code = null;
        if (input is null)
        {
            return false;
        }

        var s = input.Trim().ToUpperInvariant();
        if (s.Length != Length || s.Any(c => !Alphabet.Contains(c, StringComparison.Ordinal)))
        {
            return false;
        }

        if (CheckCharacter(s.AsSpan(0, Length - 1)) != s[Length - 1])
        {
            return false;
        }

        code = new CreditCode(s);
        return true;
    }

    /// <summary>The check character of the first 17 characters: 31 − (Σ value × weight mod 31), where 31 becomes 0.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> body)
    {
        if (body.Length != Length - 1)
        {
            throw new ArgumentException($"A credit code body has {Length - 1} characters.", nameof(body));
        }

        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var value = Alphabet.IndexOf(body[i], StringComparison.Ordinal);
            if (value < 0)
            {
                throw new ArgumentException($"'{body[i]}' is not a credit code character.", nameof(body));
            }

            sum += value * Weights[i];
        }

        var check = 31 - sum % 31;
        return Alphabet[check == 31 ? 0 : check];
    }
}
