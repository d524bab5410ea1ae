using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;

namespace Tandem.Merchants.Stores;

internal sealed class StoreDirectory(TandemDbContext db, StoreSearch search) : IStoreDirectory
{
    // Compiled once per model: every order placed looks its store up (docs/decisions/0022).
    private static readonly CompiledQuery<Func<TandemDbContext, Guid, CancellationToken, Task<Store?>>> StoreById = new(() =>
        EF.CompileAsyncQuery((TandemDbContext db, Guid storeId, CancellationToken ct) =>
            db.Set<Store>().AsNoTracking().FirstOrDefault(s => s.Id == storeId)));

    public async Task<StoreInfo?> FindAsync(Guid storeId, CancellationToken ct)
    {
        var store = await StoreById.For(db)(db, storeId, ct);
        return store?.ToInfo();
    }

    public async Task<IReadOnlyList<NearbyStore>> NearbyAsync(GeoPoint point, double radiusKm, Guid? merchantId, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var hits = await search.HitsAsync(point, radiusKm, merchantId, ct);
        return await search.LoadAsync(hits.Count <= limit ? hits : hits.GetRange(0, limit), ct);
    }
}
