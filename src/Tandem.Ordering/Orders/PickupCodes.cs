using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Persistence;

namespace Tandem.Ordering.Orders;

/// <summary>Six random digits the consumer shows at the counter; unique among a store's open orders.</summary>
internal static class PickupCodes
{
    public static bool TryParse(string? input, [NotNullWhen(true)] out string? code)
    {
        code = input?.Trim();
        if (code is { Length: 6 } && code.All(char.IsAsciiDigit))
        {
            return true;
        }

        code = null;
        return false;
    }

    /// <summary>
    /// A code no open order of the store holds now, by asking the database. Placing draws unchecked first
    /// (a store with 1,000 open orders collides once in 1,000 orders) and asks only after the index refused a code.
    /// </summary>
    public static async Task<string> NewForStoreAsync(PickupCodeDraw draw, TandemDbContext db, Guid storeId, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var code = draw.Next();
            if (attempt >= 20 || !await db.Set<Order>().AnyAsync(o => o.StoreId == storeId && o.OpenPickupCode == code, ct))
            {
                return code;
            }
        }
    }
}

/// <summary>Draws six random digits, not yet checked: the unique index on (store, open code) refuses a taken one.</summary>
internal class PickupCodeDraw
{
    public virtual string Next() =>
        RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Settings under <c>Tandem:Orders</c>.</summary>
internal sealed class OrderOptions
{
    /// <summary>Unpaid orders are cancelled and their stock released after this.</summary>
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long past the reservation a payment started in time may still complete while it is pending.</summary>
    public TimeSpan PaymentGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the expiry sweeper looks for unpaid orders past their reservation.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
