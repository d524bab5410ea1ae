namespace Tandem.Kernel.Validation;

/// <summary>
/// Collects field errors for one request, so a client sees every bad field at once.
/// A handler validates, returns <see cref="Http.ApiProblem.Validation"/> if any, then trusts the values.
/// </summary>
public sealed class Checks
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Ok => _errors.Count == 0;

    public IReadOnlyDictionary<string, string[]> Errors =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public bool Has(string field) => _errors.ContainsKey(field);

    public T? Required<T>(string field, T? value) where T : class
    {
        if (value is null)
        {
            Add(field, "is required");
        }

        return value;
    }

    public T? Required<T>(string field, T? value) where T : struct
    {
        if (value is null)
        {
            Add(field, "is required");
        }

        return value;
    }

    /// <summary>A one-line name: trimmed, 1 to <paramref name="max"/> characters, no control characters.</summary>
    public string Name(string field, string? value, int max = 100) => Line(field, value, max);

    /// <summary>A postal address: trimmed, 1 to 200 characters, no control characters.</summary>
    public string Address(string field, string? value) => Line(field, value, 200);

    /// <summary>A single line of text, trimmed; empty is not allowed.</summary>
    public string Line(string field, string? value, int max)
    {
        if (value is null)
        {
            Add(field, "is required");
            return "";
        }

        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            Add(field, "must not be empty");
        }
        else if (trimmed.Length > max)
        {
            Add(field, $"must be at most {max} characters");
        }
        else if (trimmed.Any(char.IsControl))
        {
            Add(field, "must not contain control characters");
        }

        return trimmed;
    }

    /// <summary>Free text: up to <paramref name="max"/> characters; newlines and tabs allowed, other control characters not.</summary>
    public string? Text(string field, string? value, int max = 2000)
    {
        if (value is null)
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > max)
        {
            Add(field, $"must be at most {max} characters");
        }
        else if (trimmed.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            Add(field, "must not contain control characters other than line breaks");
        }

        return trimmed.Length == 0 ? null : trimmed;
    }

    public GeoPoint Location(string field, LocationDto? value)
    {
        if (value is null)
        {
            Add(field, "is required");
            return default;
        }

        if (value.Lat is null)
        {
            Add($"{field}.lat", "is required");
        }
        else if (!double.IsFinite(value.Lat.Value) || value.Lat is < -90 or > 90)
        {
            Add($"{field}.lat", "must be between -90 and 90");
        }

        if (value.Lng is null)
        {
            Add($"{field}.lng", "is required");
        }
        else if (!double.IsFinite(value.Lng.Value) || value.Lng is < -180 or > 180)
        {
            Add($"{field}.lng", "must be between -180 and 180");
        }

        return new GeoPoint(value.Lat ?? 0, value.Lng ?? 0);
    }

    /// <summary>Money that is never negative. Currency is checked separately (unsupported_currency).</summary>
    public Money NonNegativeMoney(string field, MoneyDto? value)
    {
        if (value is null)
        {
            Add(field, "is required");
            return Money.Zero;
        }

        if (value.Amount is null)
        {
            Add($"{field}.amount", "is required");
        }
        else if (value.Amount < 0)
        {
            Add($"{field}.amount", "must not be negative");
        }

        return new Money(value.Amount ?? 0, value.Currency?.Trim().ToUpperInvariant() ?? Money.Cny);
    }
}
