using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Delivery.Couriers;
using Tandem.Delivery.Jobs;
using Tandem.Delivery.Tracking;
using Tandem.Delivery.Zones;
using Tandem.Identity.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;

namespace Tandem.Delivery.Companies;

public sealed record RegisterDeliveryCompanyRequest(string? Name, string? CreditCode);

public sealed record DeliveryCompanyResponse(Guid CompanyId, string Name, string CreditCode, Guid OwnerId, DateTime CreatedAt);

public sealed record DeliveryCompanyListResponse(IReadOnlyList<DeliveryCompanyResponse> Items);

public sealed record AddRiderRequest(string? Phone);

/// <summary>A rider as the company's dispatcher sees them: who, on shift or not, on what, carrying how many jobs, and where.</summary>
public sealed record RiderResponse(
    Guid CourierId, string DisplayName, string Phone, bool OnShift, string Vehicle, int Capacity, int ActiveJobs, LocationDto? LastLocation,
    DateTime? LastSeenAt);

public sealed record RiderListResponse(IReadOnlyList<RiderResponse> Items);

public sealed record ServeStoreRequest(Guid? StoreId);

public sealed record ServedStoreResponse(Guid StoreId, string Name, string Address, LocationDto Location, bool InUse, DateTime AcceptedAt);

public sealed record ServedStoreListResponse(IReadOnlyList<ServedStoreResponse> Items);

/// <summary>A company that agreed to deliver for a store, as the store's staff see it; <c>current</c> when the store names it as its carrier.</summary>
public sealed record CarrierView(Guid CompanyId, string Name, bool Current);

public sealed record CarrierListResponse(IReadOnlyList<CarrierView> Items);

/// <summary>
/// Delivery companies: a signed-in user registers one and becomes its owner and dispatcher; the owner adds riders by
/// phone (they become couriers of the company), removes them, and agrees to serve stores. Everything under
/// <c>/delivery-companies/{companyId}</c> answers 404 to anyone but the owner, as if the company did not exist.
/// </summary>
internal static class DeliveryCompanies
{
    public static async Task<Results<Created<DeliveryCompanyResponse>, ProblemHttpResult>> Register(
        RegisterDeliveryCompanyRequest request, ClaimsPrincipal user, TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var checks = new Checks();
        var name = checks.Name("name", request.Name);
        checks.Required("creditCode", request.CreditCode);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        if (!CreditCode.TryParse(request.CreditCode, out var code))
        {
            return ApiProblem.BadRequest("invalid_credit_code",
                "The credit code must be 18 characters (digits and capitals without I, O, S, V, Z) with a valid GB 32100-2015 check character.",
                "creditCode");
        }

        var creditCode = code.Value.Value;
        if (await db.Set<DeliveryCompany>().AnyAsync(c => c.CreditCode == creditCode, ct))
        {
            return CreditCodeTaken();
        }

        var company = new DeliveryCompany
        {
            Id = NewId.Next(clock),
            Name = name,
            CreditCode = creditCode,
            OwnerId = user.RequiredUserId(),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(company);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent registration with the same code won the unique index.
            db.ChangeTracker.Clear();
            if (await db.Set<DeliveryCompany>().AnyAsync(c => c.CreditCode == creditCode, ct))
            {
                return CreditCodeTaken();
            }

            throw;
        }

        return TypedResults.Created($"/api/v1/delivery-companies/{company.Id}", Response(company));
    }

    public static async Task<Ok<DeliveryCompanyListResponse>> Mine(ClaimsPrincipal user, TandemDbContext db, CancellationToken ct)
    {
        var userId = user.RequiredUserId();
        var companies = await db.Set<DeliveryCompany>().AsNoTracking().Where(c => c.OwnerId == userId).OrderBy(c => c.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(new DeliveryCompanyListResponse(companies.Select(Response).ToList()));
    }

    public static async Task<Results<Ok<DeliveryCompanyResponse>, ProblemHttpResult>> Get(
        Guid companyId, ClaimsPrincipal user, TandemDbContext db, CancellationToken ct) =>
        await OwnedAsync(db, companyId, user, ct) is { } company ? TypedResults.Ok(Response(company)) : NotFound();

    /// <summary>
    /// The owner adds a registered user by phone. They become a courier of the company (given the courier role if they
    /// lacked it) and carry only its jobs from the next batch; jobs the platform had planned for them go back to planning.
    /// </summary>
    public static async Task<Results<Created<RiderResponse>, ProblemHttpResult>> AddRider(
        Guid companyId, AddRiderRequest request, ClaimsPrincipal user, TandemDbContext db, IUserDirectory users, IPlatformRoleGrants roles,
        DeliveryFeed feed, PositionStream stream, TimeProvider clock, CancellationToken ct)
    {
        if (await OwnedAsync(db, companyId, user, ct) is null)
        {
            return NotFound();
        }

        var checks = new Checks();
        checks.Required("phone", request.Phone);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        if (!PhoneNumber.TryParse(request.Phone, out var phone))
        {
            return ApiProblem.InvalidPhone();
        }

        var rider = await users.FindByPhoneAsync(phone.Value.Value, ct);
        if (rider is null)
        {
            return ApiProblem.Create(StatusCodes.Status404NotFound, "user_not_found", "No user has this phone number; ask them to register first.");
        }

        var (problem, courier, released) = await UnitOfWork.RetryOnConflictAsync<(ProblemHttpResult?, Courier?, List<DeliveryJob>)>(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var existing = await db.Set<Courier>().AsNoTracking().SingleOrDefaultAsync(c => c.UserId == rider.UserId, ct);
            if (existing?.CompanyId == companyId)
            {
                return (ApiProblem.Conflict("already_rider", "This user already rides for the company."), null, []);
            }

            if (existing?.CompanyId is not null)
            {
                return (OtherCompany(), null, []);
            }

            if (await CarriesGoodsAsync(db, rider.UserId, ct))
            {
                return (ApiProblem.Conflict("courier_carrying_goods", "The courier has goods on board for the platform; add them once those are delivered."), null, []);
            }

            var granted = await roles.GrantAsync(rider.UserId, PlatformRoles.Courier, ct);
            var now = clock.GetUtcNow().UtcDateTime;
            Courier courier;
            if (existing is null)
            {
                courier = new Courier { UserId = rider.UserId, CompanyId = companyId, RoleFromCompany = granted, UpdatedAt = now };
                db.Add(courier);
            }
            else
            {
                // Claimed with one conditional UPDATE, so two companies adding the same independent courier cannot both win.
                var claimed = await db.Set<Courier>().Where(c => c.UserId == rider.UserId && c.CompanyId == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.CompanyId, (Guid?)companyId).SetProperty(c => c.RoleFromCompany, granted)
                        .SetProperty(c => c.UpdatedAt, now), ct);
                if (claimed == 0)
                {
                    return (OtherCompany(), null, []);
                }

                courier = existing;
                courier.CompanyId = companyId;
            }

            var released = await ReleasePlannedJobsAsync(db, rider.UserId, ct);
            try
            {
                await work.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (!UnitOfWork.IsRaceLost(e))
            {
                // Another company added them at the same moment (the new courier row's key decided).
                await work.RollbackAsync(ct);
                return (OtherCompany(), null, []);
            }

            return ((ProblemHttpResult?)null, courier, released);
        });
        if (problem is not null)
        {
            return problem;
        }

        foreach (var job in released)
        {
            await feed.JobChangedAsync(job);
        }

        return TypedResults.Created($"/api/v1/delivery-companies/{companyId}/riders", Rider(courier!, rider, 0, stream));
    }

    public static async Task<Results<Ok<RiderListResponse>, ProblemHttpResult>> Riders(
        Guid companyId, ClaimsPrincipal user, TandemDbContext db, IUserDirectory users, PositionStream stream, CancellationToken ct)
    {
        if (await OwnedAsync(db, companyId, user, ct) is null)
        {
            return NotFound();
        }

        var couriers = await db.Set<Courier>().AsNoTracking().Where(c => c.CompanyId == companyId).ToListAsync(ct);
        var ids = couriers.Select(c => c.UserId).ToList();
        var load = await db.Set<DeliveryJob>().AsNoTracking()
            .Where(j => j.CourierId != null && ids.Contains(j.CourierId.Value) && DeliveryJob.Active.Contains(j.Status))
            .GroupBy(j => j.CourierId!.Value).Select(g => new { CourierId = g.Key, Jobs = g.Count() })
            .ToDictionaryAsync(x => x.CourierId, x => x.Jobs, ct);
        var people = await users.FindManyAsync(ids, ct);
        return TypedResults.Ok(new RiderListResponse(couriers.OrderByDescending(c => c.OnShift).ThenBy(c => c.UserId)
            .Select(c => Rider(c, people.GetValueOrDefault(c.UserId), load.GetValueOrDefault(c.UserId), stream)).ToList()));
    }

    /// <summary>
    /// The owner removes a rider: off shift, out of the company, their planned (not collected) jobs back to planning, and
    /// the courier role taken back when the company gave it. Refused while they carry goods, which must reach the door first.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveRider(
        Guid companyId, Guid courierId, ClaimsPrincipal user, TandemDbContext db, IPlatformRoleGrants roles, DeliveryFeed feed,
        TimeProvider clock, CancellationToken ct)
    {
        if (await OwnedAsync(db, companyId, user, ct) is null)
        {
            return NotFound();
        }

        var (problem, released) = await UnitOfWork.RetryOnConflictAsync<(ProblemHttpResult?, List<DeliveryJob>)>(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var courier = await db.Set<Courier>().SingleOrDefaultAsync(c => c.UserId == courierId && c.CompanyId == companyId, ct);
            if (courier is null)
            {
                return (ApiProblem.NotFound("No such rider in this company."), []);
            }

            if (await CarriesGoodsAsync(db, courierId, ct))
            {
                return (ApiProblem.Conflict("rider_carrying_goods", "The rider has goods on board; remove them once those are delivered or failed."), []);
            }

            if (courier.RoleFromCompany)
            {
                await roles.RevokeAsync(courierId, PlatformRoles.Courier, ct);
            }

            courier.CompanyId = null;
            courier.RoleFromCompany = false;
            courier.OnShift = false;
            courier.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            var released = await ReleasePlannedJobsAsync(db, courierId, ct);
            await work.CommitAsync(ct);
            return ((ProblemHttpResult?)null, released);
        });
        if (problem is not null)
        {
            return problem;
        }

        foreach (var job in released)
        {
            await feed.JobChangedAsync(job);
        }

        return TypedResults.NoContent();
    }

    /// <summary>The company agrees to deliver for a store; the store's manager may then choose it as carrier.</summary>
    public static async Task<Results<Created<ServedStoreResponse>, ProblemHttpResult>> Serve(
        Guid companyId, ServeStoreRequest request, ClaimsPrincipal user, TandemDbContext db, IStoreDirectory stores, TimeProvider clock,
        CancellationToken ct)
    {
        if (await OwnedAsync(db, companyId, user, ct) is null)
        {
            return NotFound();
        }

        var checks = new Checks();
        var storeId = checks.Required("storeId", request.StoreId);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var store = await stores.FindAsync(storeId!.Value, ct);
        if (store is null)
        {
            return ApiProblem.BadRequest("unknown_store", "No store has this id.", "storeId");
        }

        if (await db.Set<ServedStore>().AnyAsync(s => s.CompanyId == companyId && s.StoreId == store.StoreId, ct))
        {
            return AlreadyServing();
        }

        var served = new ServedStore { CompanyId = companyId, StoreId = store.StoreId, MerchantId = store.MerchantId, AcceptedAt = clock.GetUtcNow().UtcDateTime };
        db.Add(served);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return AlreadyServing();
        }

        return TypedResults.Created($"/api/v1/delivery-companies/{companyId}/stores", Served(served, store, inUse: false));
    }

    public static async Task<Results<Ok<ServedStoreListResponse>, ProblemHttpResult>> Stores(
        Guid companyId, ClaimsPrincipal user, TandemDbContext db, IStoreDirectory stores, CancellationToken ct)
    {
        if (await OwnedAsync(db, companyId, user, ct) is null)
        {
            return NotFound();
        }

        var served = await db.Set<ServedStore>().AsNoTracking().Where(s => s.CompanyId == companyId).OrderBy(s => s.AcceptedAt).ToListAsync(ct);
        var inUse = await db.Set<DeliverySettings>().AsNoTracking().Where(s => s.CarrierId == companyId).Select(s => s.StoreId).ToListAsync(ct);
        var items = new List<ServedStoreResponse>(served.Count);
        foreach (var s in served)
        {
            if (await stores.FindAsync(s.StoreId, ct) is { } store)
            {
                items.Add(Served(s, store, inUse.Contains(s.StoreId)));
            }
        }

        return TypedResults.Ok(new ServedStoreListResponse(items));
    }

    /// <summary>The company stops serving a store; refused while the store still names it as carrier (the store changes first).</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> StopServing(
        Guid companyId, Guid storeId, ClaimsPrincipal user, TandemDbContext db, CancellationToken ct)
    {
        if (await OwnedAsync(db, companyId, user, ct) is null)
        {
            return NotFound();
        }

        var served = await db.Set<ServedStore>().SingleOrDefaultAsync(s => s.CompanyId == companyId && s.StoreId == storeId, ct);
        if (served is null)
        {
            return ApiProblem.NotFound("The company does not serve this store.");
        }

        if (await db.Set<DeliverySettings>().AnyAsync(s => s.StoreId == storeId && s.CarrierId == companyId, ct))
        {
            return ApiProblem.Conflict("carrier_in_use", "The store still has the company as its carrier; it must choose another first.");
        }

        db.Remove(served);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>The companies that agreed to serve a store, for its staff to choose a carrier from.</summary>
    public static async Task<Results<Ok<CarrierListResponse>, ProblemHttpResult>> CarriersOfStore(
        Guid storeId, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess merchants, TandemDbContext db, CancellationToken ct)
    {
        var store = await stores.FindAsync(storeId, ct);
        if (store is null)
        {
            return ApiProblem.NotFound("No such store.");
        }

        if (await merchants.CheckAsync(user, store.MerchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        var current = await db.Set<DeliverySettings>().AsNoTracking().Where(s => s.StoreId == storeId).Select(s => s.CarrierId).FirstOrDefaultAsync(ct);
        var companies = await db.Set<ServedStore>().AsNoTracking().Where(s => s.StoreId == storeId)
            .Join(db.Set<DeliveryCompany>(), s => s.CompanyId, c => c.Id, (s, c) => c)
            .OrderBy(c => c.Name).ToListAsync(ct);
        return TypedResults.Ok(new CarrierListResponse(companies.Select(c => new CarrierView(c.Id, c.Name, c.Id == current)).ToList()));
    }

    /// <summary>The company, when the caller owns it; null for anyone else (who must not learn it exists).</summary>
    public static Task<DeliveryCompany?> OwnedAsync(TandemDbContext db, Guid companyId, ClaimsPrincipal user, CancellationToken ct)
    {
        var userId = user.RequiredUserId();
        return db.Set<DeliveryCompany>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == companyId && c.OwnerId == userId, ct);
    }

    public static ProblemHttpResult NotFound() => ApiProblem.NotFound("No such delivery company among yours.");

    private static Task<bool> CarriesGoodsAsync(TandemDbContext db, Guid courierId, CancellationToken ct) =>
        db.Set<DeliveryJob>().AnyAsync(j => j.CourierId == courierId && j.Status == JobStatus.PickedUp, ct);

    /// <summary>Jobs planned for (or handed to) a courier who changes carrier go back to planning: the next batch of their carrier takes them.</summary>
    private static async Task<List<DeliveryJob>> ReleasePlannedJobsAsync(TandemDbContext db, Guid courierId, CancellationToken ct)
    {
        var jobs = await db.Set<DeliveryJob>().Where(j => j.CourierId == courierId && (j.Status == JobStatus.Waiting || j.Status == JobStatus.Ready)).ToListAsync(ct);
        foreach (var job in jobs)
        {
            job.CourierId = null;
            job.ManualAssignment = false;
            job.RouteIndex = null;
            job.PlannedPickupAt = null;
            job.PlannedDeliveryAt = null;
            job.Touch();
        }

        return jobs;
    }

    private static RiderResponse Rider(Courier c, UserSummary? user, int activeJobs, PositionStream stream)
    {
        var live = stream.TryLast(c.UserId, out var p);
        var at = live ? new LocationDto(p.Lat, p.Lng) : c is { LastLat: { } lat, LastLng: { } lng } ? new LocationDto(lat, lng) : null;
        return new RiderResponse(c.UserId, user?.DisplayName ?? "", user?.Phone ?? "", c.OnShift, c.Vehicle, c.Capacity, activeJobs, at,
            live ? p.At : c.LastSeenAt);
    }

    private static ServedStoreResponse Served(ServedStore s, StoreInfo store, bool inUse) =>
        new(s.StoreId, store.Name, store.Address, LocationDto.From(store.Location), inUse, s.AcceptedAt);

    private static DeliveryCompanyResponse Response(DeliveryCompany c) => new(c.Id, c.Name, c.CreditCode, c.OwnerId, c.CreatedAt);

    private static ProblemHttpResult CreditCodeTaken() =>
        ApiProblem.Conflict("credit_code_taken", "A delivery company with this credit code is already registered.");

    private static ProblemHttpResult OtherCompany() =>
        ApiProblem.Conflict("rider_of_other_company", "This user rides for another delivery company; it must remove them first.");

    private static ProblemHttpResult AlreadyServing() =>
        ApiProblem.Conflict("already_serving", "The company already serves this store.");
}
