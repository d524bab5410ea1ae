using Microsoft.EntityFrameworkCore;
using Tandem.Identity.Contracts;
using Tandem.Kernel.Persistence;

namespace Tandem.Identity.Users;

internal sealed class UserDirectory(TandemDbContext db) : IUserDirectory
{
    public Task<UserSummary?> FindByPhoneAsync(string normalisedPhone, CancellationToken ct) =>
        db.Set<TandemUser>().AsNoTracking()
            .Where(u => u.PhoneNumber == normalisedPhone)
            .Select(u => new UserSummary(u.Id, u.DisplayName, u.PhoneNumber!))
            .FirstOrDefaultAsync(ct);

    public Task<UserSummary?> FindAsync(Guid userId, CancellationToken ct) =>
        db.Set<TandemUser>().AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new UserSummary(u.Id, u.DisplayName, u.PhoneNumber!))
            .FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyDictionary<Guid, UserSummary>> FindManyAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct) =>
        await db.Set<TandemUser>().AsNoTracking()
            .Where(u => userIds.Contains(u.Id))
            .Select(u => new UserSummary(u.Id, u.DisplayName, u.PhoneNumber!))
            .ToDictionaryAsync(u => u.UserId, ct);
}
