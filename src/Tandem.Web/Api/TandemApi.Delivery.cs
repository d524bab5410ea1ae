namespace Tandem.Web.Api;

// Local delivery (docs/delivery.md): the courier's app, the store's dispatch board and the consumer's tracking.
public sealed partial class TandemApi
{
    // --- The courier
    public Task<CourierJson> CourierAsync(CancellationToken ct = default) => GetAsync<CourierJson>("courier", ct);

    public Task<CourierJson> ShiftAsync(bool onShift, string? vehicle, int? capacity, CancellationToken ct = default) =>
        SendAsync<CourierJson>(HttpMethod.Put, "courier/shift", new { onShift, vehicle, capacity }, ct: ct);

    public Task<JobListJson> CourierJobsAsync(CancellationToken ct = default) => GetAsync<JobListJson>("courier/jobs", ct);

    public Task<JobJson> CourierPickUpAsync(Guid jobId, string? orderCode, CancellationToken ct = default) =>
        SendAsync<JobJson>(HttpMethod.Post, $"courier/jobs/{jobId}/pickup", new { orderCode }, ct: ct);

    public Task<JobJson> CourierDeliverAsync(Guid jobId, string? deliveryCode, CancellationToken ct = default) =>
        SendAsync<JobJson>(HttpMethod.Post, $"courier/jobs/{jobId}/deliver", new { deliveryCode }, ct: ct);

    public Task<JobJson> CourierFailAsync(Guid jobId, string reason, CancellationToken ct = default) =>
        SendAsync<JobJson>(HttpMethod.Post, $"courier/jobs/{jobId}/fail", new { reason }, ct: ct);

    public Task<PositionsJson> PostPositionsAsync(IReadOnlyList<PositionPoint> points, CancellationToken ct = default) =>
        SendAsync<PositionsJson>(HttpMethod.Post, "courier/positions", new { points }, ct: ct);

    // --- The store's dispatcher
    public Task<DispatchBoardJson> DispatchBoardAsync(Guid storeId, CancellationToken ct = default) =>
        GetAsync<DispatchBoardJson>($"stores/{storeId}/dispatch/jobs", ct);

    public Task<Page<DispatchCandidateJson>> DispatchCouriersAsync(Guid storeId, CancellationToken ct = default) =>
        GetAsync<Page<DispatchCandidateJson>>($"stores/{storeId}/dispatch/couriers", ct);

    public Task<JobJson> AssignJobAsync(Guid jobId, Guid? courierId, CancellationToken ct = default) =>
        SendAsync<JobJson>(HttpMethod.Post, $"delivery/jobs/{jobId}/assign", new AssignBody(courierId), ct: ct);

    public Task<JobJson> StorePickupAsync(Guid storeId, string? jobCode, CancellationToken ct = default) =>
        SendAsync<JobJson>(HttpMethod.Post, $"stores/{storeId}/dispatch/pickups", new { jobCode }, ct: ct);

    public Task<JobJson> ConfirmReturnAsync(Guid jobId, CancellationToken ct = default) =>
        SendAsync<JobJson>(HttpMethod.Post, $"delivery/jobs/{jobId}/return", new { }, ct: ct);

    // --- The store's carrier: the platform's couriers, or a delivery company that agreed to serve it
    public Task<Page<CarrierJson>> StoreCarriersAsync(Guid storeId, CancellationToken ct = default) =>
        GetAsync<Page<CarrierJson>>($"stores/{storeId}/carriers", ct);

    public Task<DeliverySettingsJson> DeliverySettingsAsync(Guid storeId, CancellationToken ct = default) =>
        GetAsync<DeliverySettingsJson>($"stores/{storeId}/delivery-settings", ct);

    /// <summary>Puts the store's settings back as they are, with <paramref name="carrier"/> (null: the platform's couriers).</summary>
    public Task<DeliverySettingsJson> ChooseCarrierAsync(Guid storeId, DeliverySettingsJson s, Guid? carrier, CancellationToken ct = default) =>
        SendAsync<DeliverySettingsJson>(HttpMethod.Put, $"stores/{storeId}/delivery-settings", new
        {
            radiusKm = s.Area is null ? s.RadiusKm : null,
            area = s.Area,
            baseFee = s.BaseFee,
            perKmFee = s.PerKmFee,
            freeAbove = s.FreeAbove,
            minimumOrder = s.MinimumOrder,
            preparationMinutes = s.PreparationMinutes,
            utcOffsetMinutes = s.UtcOffsetMinutes,
            slots = s.Slots,
            carrier,
        }, ct: ct);

    // --- Delivery companies: the owner registers, adds riders, serves stores and dispatches its jobs
    public Task<CompanyJson> RegisterCompanyAsync(string? name, string? creditCode, CancellationToken ct = default) =>
        SendAsync<CompanyJson>(HttpMethod.Post, "delivery-companies", new { name, creditCode }, ct: ct);

    public Task<Page<CompanyJson>> MyCompaniesAsync(CancellationToken ct = default) => GetAsync<Page<CompanyJson>>("delivery-companies", ct);

    public Task<CompanyJson> CompanyAsync(Guid companyId, CancellationToken ct = default) => GetAsync<CompanyJson>($"delivery-companies/{companyId}", ct);

    public Task<Page<RiderJson>> RidersAsync(Guid companyId, CancellationToken ct = default) =>
        GetAsync<Page<RiderJson>>($"delivery-companies/{companyId}/riders", ct);

    public Task<RiderJson> AddRiderAsync(Guid companyId, string? phone, CancellationToken ct = default) =>
        SendAsync<RiderJson>(HttpMethod.Post, $"delivery-companies/{companyId}/riders", new { phone }, ct: ct);

    public Task<object?> RemoveRiderAsync(Guid companyId, Guid courierId, CancellationToken ct = default) =>
        SendAsync<object?>(HttpMethod.Delete, $"delivery-companies/{companyId}/riders/{courierId}", null, ct: ct);

    public Task<Page<ServedStoreJson>> ServedStoresAsync(Guid companyId, CancellationToken ct = default) =>
        GetAsync<Page<ServedStoreJson>>($"delivery-companies/{companyId}/stores", ct);

    public Task<ServedStoreJson> ServeStoreAsync(Guid companyId, Guid? storeId, CancellationToken ct = default) =>
        SendAsync<ServedStoreJson>(HttpMethod.Post, $"delivery-companies/{companyId}/stores", new { storeId }, ct: ct);

    public Task<object?> StopServingAsync(Guid companyId, Guid storeId, CancellationToken ct = default) =>
        SendAsync<object?>(HttpMethod.Delete, $"delivery-companies/{companyId}/stores/{storeId}", null, ct: ct);

    public Task<DispatchBoardJson> CompanyBoardAsync(Guid companyId, CancellationToken ct = default) =>
        GetAsync<DispatchBoardJson>($"delivery-companies/{companyId}/jobs", ct);

    // --- The consumer
    public Task<OrderDeliveryJson> OrderDeliveryAsync(Guid orderId, CancellationToken ct = default) =>
        GetAsync<OrderDeliveryJson>($"orders/{orderId}/delivery", ct);

    /// <summary><c>courierId: null</c> releases the job, so it is sent even when null.</summary>
    private sealed record AssignBody([property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] Guid? CourierId);
}
