using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;

namespace Tandem.Merchants.Stores;

internal sealed class StoreDirectory(TandemDbContext db, StoreSearch search) : IStoreDirectory
{
    public async Task<StoreInfo?> FindAsync(Guid storeId, CancellationToken ct)
    {
        var store = await db.Set<Store>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == storeId, ct);
        return store?.ToInfo();
    }

    public async Task<IReadOnlyList<NearbyStore>> NearbyAsync(GeoPoint point, double radiusKm, Guid? merchantId, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var found = await search.WithinAsync(point, radiusKm, merchantId, ct);
        return found.Count <= limit ? found : found.GetRange(0, limit);
    }
}
