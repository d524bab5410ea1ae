using System.Diagnostics.CodeAnalysis;

namespace Tandem.Kernel;

/// <summary>
/// A mainland China mobile number, normalised to <c>+86</c> and 11 digits.
/// Accepts <c>+86</c> or <c>0086</c> prefixes and spaces or hyphens between digits.
/// </summary>
public readonly record struct PhoneNumber
{
    private PhoneNumber(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    public static bool TryParse(string? input, [NotNullWhen(true)] out PhoneNumber? phone)
    {
        phone = null;
        if (string.IsNullOrWhiteSpace(input) || input.Length > 40)
        {
            return false;
        }

        var s = input.Trim();
        if (s.StartsWith('+'))
        {
            if (!s.StartsWith("+86", StringComparison.Ordinal))
            {
                return false;
            }

            s = s[3..];
        }
        else if (s.StartsWith("0086", StringComparison.Ordinal))
        {
            s = s[4..];
        }

        Span<char> digits = stackalloc char[11];
        var n = 0;
        var lastWasSeparator = true; // a separator may not lead
        foreach (var c in s)
        {
            if (c is >= '0' and <= '9')
            {
                if (n == 11)
                {
                    return false;
                }

                digits[n++] = c;
                lastWasSeparator = false;
            }
            else if (c is ' ' or '-')
            {
                if (lastWasSeparator && n > 0)
                {
                    return false;
                }

                lastWasSeparator = true;
            }
            else
            {
                return false;
            }
        }

        if (n != 11 || digits[0] != '1' || digits[1] is < '3' or > '9')
        {
            return false;
        }

        phone = new PhoneNumber("+86" + new string(digits));
        return true;
    }
}
