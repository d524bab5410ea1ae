using Tandem.Bench.Scenarios;

namespace Tandem.Bench;

/// <summary>The checkout's database work in raw ADO.NET transactions: the baseline the API is measured against.</summary>
internal sealed class RawCheckout : IAsyncDisposable
{
    public static Task<RawCheckout> OpenAsync(BenchDatabase database, HostProcess host) =>
        throw new NotSupportedException($"The raw baseline needs the ordering schema ({database.Name}, {host.BaseAddress}).");

    public Task<Checkout.RunResult> RunAsync(int orders, int concurrency, int seed, Guid merchantId, Guid storeId, IReadOnlyList<Guid> consumers, IReadOnlyList<(Guid Id, long Price)> products) =>
        throw new NotSupportedException($"{orders} {concurrency} {seed} {merchantId} {storeId} {consumers.Count} {products.Count}");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
