namespace Tandem.Kernel;

/// <summary>Time-ordered UUIDv7 ids, so new rows append to indexes instead of scattering.</summary>
public static class NewId
{
    public static Guid Next(TimeProvider clock) => Guid.CreateVersion7(clock.GetUtcNow());

    /// <summary>Parses an id from a route; malformed ids are simply not found.</summary>
    public static bool TryParse(string? value, out Guid id) => Guid.TryParse(value, out id) && id != Guid.Empty;
}
