using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Persistence;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Recalls;

/// <summary>
/// A recall is in force until it is withdrawn: the row stays (the public list shows both), but only an active recall
/// blocks a new one of the same lot and marks lots, trace pages and buyers' orders as recalled.
/// </summary>
internal static class ActiveRecalls
{
    public static IQueryable<Recall> Active(this IQueryable<Recall> recalls) => recalls.Where(r => r.WithdrawnAt == null);

    /// <summary>Which of <paramref name="lotKeys"/> an active recall names itself.</summary>
    public static async Task<HashSet<string>> RecalledKeysAsync(this TandemDbContext db, IReadOnlyCollection<string> lotKeys, CancellationToken ct) =>
        (await db.Set<Recall>().AsNoTracking().Active().Where(r => lotKeys.Contains(r.LotKey)).Select(r => r.LotKey).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
}
