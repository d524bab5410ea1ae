using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Acceptance;

/// <summary>
/// Issue 3's proof of the reservation: hundreds of parallel multi-line orders for a few units, mixed with
/// payments (some racing each other or a cancel), cancels, counter sales, restocking and expiries. Afterwards,
/// for every store and product: onHand equals the ledger, reserved equals the open orders' quantities,
/// online orders never took available below zero, and no order was paid twice.
/// </summary>
public abstract class StockConcurrencyTests(ShortTimeoutApp app) : AcceptanceTest(app)
{
    private const int Flows = 360;
    private const int Parallelism = 32;
    private const int InitialOnHand = 6;

    /// <summary>Products 0 and 1 are sold online only, so available ≥ 0 must always hold for them; 2 and 3 are also sold at the counter.</summary>
    private const int OnlineOnly = 2;

    [Fact]
    public async Task Racing_orders_cancels_counter_sales_and_expiries_keep_stock_ledger_and_payments_exact()
    {
        var seed = Environment.TickCount;
        TestContext.Current.SendDiagnosticMessage($"concurrency seed {seed}");
        var merchant = await NewMerchantAsync();
        var staff = await AddStaffAsync(merchant);
        Store[] stores = [await NewStoreAsync(merchant), await NewStoreAsync(merchant, CentreLat + 0.01, CentreLng)];
        var products = new List<Product>();
        for (var i = 0; i < 4; i++)
        {
            products.Add(await NewProductAsync(merchant, price: 100 + i, name: $"抢购 {i}"));
        }

        foreach (var store in stores)
        {
            foreach (var product in products)
            {
                await CountAsync(staff.Client, store.Id, product.Id, InitialOnHand);
            }
        }

        var consumers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => NewUserAsync("抢购者")));
        var run = new Run(this, merchant, staff, stores, products, consumers);

        var random = new Random(seed);
        var plan = Enumerable.Range(0, Flows).Select(_ => (Kind: random.Next(100), Seed: random.Next())).ToList();
        var started = TimeProvider.System.GetTimestamp();
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = Ct },
            async (flow, _) => await run.FlowAsync(flow.Kind, new Random(flow.Seed)));
        TestContext.Current.SendDiagnosticMessage($"{Flows} flows in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s: " +
            $"{run.Placed} placed, {run.Refused} out of stock, {run.Paid} paid, {run.CounterSales} counter sales");

        run.Failures.ShouldBeEmpty(string.Join(Environment.NewLine, run.Failures.Take(20)));
        run.Placed.ShouldBeGreaterThan(20);
        run.Refused.ShouldBeGreaterThan(0, "the run should have raced for stock");

        // Let every unpaid order expire, then check the books.
        var orders = await SettledOrdersAsync(merchant, staff);
        await run.CheckAsync(orders);
    }

    private async Task<List<JsonElement>> SettledOrdersAsync(Merchant merchant, TestUser staff)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var orders = await AllOrdersAsync(merchant, staff);
            if (orders.All(o => Status(o) != "awaiting_payment"))
            {
                return orders;
            }

            TimeProvider.System.GetElapsedTime(deadline).ShouldBeLessThan(ShortTimeoutApp.PaymentTimeout + TimeSpan.FromSeconds(20), "unpaid orders did not expire");
            await Task.Delay(250, Ct);
        }
    }

    private async Task<List<JsonElement>> AllOrdersAsync(Merchant merchant, TestUser staff)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var url = $"/api/v1/merchants/{merchant.Id}/orders?limit=200" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await (await staff.Client.GetAsync(url, Ct)).ShouldHave(HttpStatusCode.OK);
            all.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);

        all.Select(Id).Distinct().Count().ShouldBe(all.Count, "paging returned an order twice");
        return all;
    }

    private sealed class Run(StockConcurrencyTests test, Merchant merchant, TestUser staff, Store[] stores, List<Product> products, TestUser[] consumers)
    {
        private readonly ConcurrentDictionary<Guid, int> _placedOrders = new();
        private readonly ConcurrentDictionary<Guid, int> _succeededPayments = new();
        private readonly ConcurrentDictionary<(Guid Store, Guid Product), long> _counterSold = new();
        private readonly ConcurrentDictionary<(Guid Store, Guid Product), long> _received = new();
        private int _placed;
        private int _refused;
        private int _paid;
        private int _counterSales;

        public ConcurrentQueue<string> Failures { get; } = new();

        public int Placed => _placed;

        public int Refused => _refused;

        public int Paid => _paid;

        public int CounterSales => _counterSales;

        private CancellationToken Ct => TestContext.Current.CancellationToken;

        public async Task FlowAsync(int kind, Random random)
        {
            try
            {
                switch (kind)
                {
                    case < 64:
                        await OrderFlowAsync(random);
                        break;
                    case < 78:
                        await CounterSaleAsync(random);
                        break;
                    case < 84:
                        await ReceiptAsync(random);
                        break;
                    default:
                        await ReadAvailabilityAsync(random);
                        break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                Failures.Enqueue($"flow {kind}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        private async Task OrderFlowAsync(Random random)
        {
            var consumer = consumers[random.Next(consumers.Length)];
            var store = stores[random.Next(stores.Length)];
            var lines = products.OrderBy(_ => random.Next()).Take(random.Next(1, 4))
                .Select(p => new Line(p.Id, random.Next(1, 3))).ToList();
            var placed = await test.PlaceAsync(consumer, store.Id, lines);
            if (placed.StatusCode == HttpStatusCode.Conflict && await CodeOf(placed) == "out_of_stock")
            {
                Interlocked.Increment(ref _refused);
                return;
            }

            if (!await Expect(placed, "place", HttpStatusCode.Created))
            {
                return;
            }

            Interlocked.Increment(ref _placed);
            var order = await placed.Json();
            var id = Id(order);
            _placedOrders[id] = 1;
            var fate = random.Next(100);
            switch (fate)
            {
                case < 20: // pay once
                    await PayAsync(consumer, id, "pay");
                    break;
                case < 32: // two payments racing
                    await Task.WhenAll(PayAsync(consumer, id, "racing pay"), PayAsync(consumer, id, "racing pay"));
                    break;
                case < 47: // pay, then staff work it through to handover
                    if (await PayAsync(consumer, id, "pay"))
                    {
                        await CompleteAsync(consumer, id);
                    }

                    break;
                case < 57: // the consumer cancels, sometimes racing their own payment
                    if (random.Next(2) == 0)
                    {
                        await Task.WhenAll(PayAsync(consumer, id, "pay racing cancel"), CancelAsync(consumer.Client, id, "consumer cancel racing pay"));
                    }
                    else
                    {
                        await CancelAsync(consumer.Client, id, "consumer cancel");
                    }

                    break;
                case < 67: // paid, then the store cancels
                    if (await PayAsync(consumer, id, "pay"))
                    {
                        await CancelAsync(staff.Client, id, "staff cancel");
                    }

                    break;
                case < 77: // pays around the deadline: racing the expiry sweep
                    await Task.Delay(ShortTimeoutApp.PaymentTimeout + TimeSpan.FromMilliseconds(random.Next(-300, 300)), Ct);
                    await PayAsync(consumer, id, "late pay");
                    break;
                default: // never pays: expires
                    break;
            }
        }

        private async Task<bool> PayAsync(TestUser consumer, Guid orderId, string what)
        {
            var response = await test.PayAsync(consumer, orderId);
            if (response.StatusCode == HttpStatusCode.Conflict && await CodeOf(response) is "invalid_transition" or "order_expired")
            {
                return false;
            }

            if (!await Expect(response, what, HttpStatusCode.OK))
            {
                return false;
            }

            var status = (await response.Json()).GetProperty("status").GetString();
            if (status is "refunded" or "refund_pending")
            {
                // Lost a race (another payment, a cancel or the expiry came first): the provider approved, Tandem gave it back.
                return false;
            }

            if (status != "succeeded")
            {
                Failures.Enqueue($"{what} {orderId}: payment {status}");
                return false;
            }

            _succeededPayments.AddOrUpdate(orderId, 1, (_, n) => n + 1);
            Interlocked.Increment(ref _paid);
            return true;
        }

        private async Task CancelAsync(HttpClient client, Guid orderId, string what)
        {
            var response = await test.CancelAsync(client, orderId);
            if (response.StatusCode == HttpStatusCode.Conflict && await CodeOf(response) == "invalid_transition")
            {
                return;
            }

            await Expect(response, what, HttpStatusCode.OK);
        }

        private async Task CompleteAsync(TestUser consumer, Guid orderId)
        {
            if (!await Expect(await test.StaffActionAsync(staff.Client, orderId, "accept"), "accept", HttpStatusCode.OK)
                || !await Expect(await test.StaffActionAsync(staff.Client, orderId, "ready"), "ready", HttpStatusCode.OK))
            {
                return;
            }

            var code = (await test.GetOrderAsync(consumer.Client, orderId)).GetProperty("pickupCode").GetString()!;
            await Expect(await test.HandoverAsync(staff.Client, orderId, code), "handover", HttpStatusCode.OK);
        }

        private async Task CounterSaleAsync(Random random)
        {
            var store = stores[random.Next(stores.Length)];
            var product = products[OnlineOnly + random.Next(products.Count - OnlineOnly)];
            var quantity = random.Next(1, 3);
            var response = await test.PosSaleAsync(staff.Client, store.Id, [new { productId = product.Id, quantity }]);
            if (await Expect(response, "counter sale", HttpStatusCode.Created))
            {
                _counterSold.AddOrUpdate((store.Id, product.Id), quantity, (_, n) => n + quantity);
                Interlocked.Increment(ref _counterSales);
            }
        }

        private async Task ReceiptAsync(Random random)
        {
            var store = stores[random.Next(stores.Length)];
            var product = products[random.Next(products.Count)];
            var response = await merchant.Owner.Client.PostAsJsonAsync($"/api/v1/stores/{store.Id}/stock/{product.Id}/adjustments", new { delta = 2, reason = "receipt" }, Ct);
            if (await Expect(response, "receipt", HttpStatusCode.OK))
            {
                _received.AddOrUpdate((store.Id, product.Id), 2, (_, n) => n + 2);
            }
        }

        private async Task ReadAvailabilityAsync(Random random)
        {
            var store = stores[random.Next(stores.Length)];
            var product = products[random.Next(OnlineOnly)];
            var response = await staff.Client.GetAsync($"/api/v1/stores/{store.Id}/stock/{product.Id}", Ct);
            if (await Expect(response, "read stock", HttpStatusCode.OK))
            {
                var stock = ReadStock(await response.Json());
                if (stock.Available < 0 || stock.Available != stock.OnHand - stock.Reserved)
                {
                    Failures.Enqueue($"online-only product {product.Id} at {store.Id} read {stock}");
                }
            }
        }

        private async Task<bool> Expect(HttpResponseMessage response, string what, HttpStatusCode status)
        {
            if (response.StatusCode == status)
            {
                return true;
            }

            Failures.Enqueue($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return false;
        }

        private static async Task<string?> CodeOf(HttpResponseMessage response)
        {
            var body = await response.Json();
            return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("code", out var code) ? code.GetString() : null;
        }

        public async Task CheckAsync(List<JsonElement> orders)
        {
            orders.Select(Id).ToHashSet().SetEquals(_placedOrders.Keys).ShouldBeTrue("the merchant's orders are exactly the ones placed");

            foreach (var order in orders)
            {
                var id = Id(order);
                var status = Status(order);
                var payments = _succeededPayments.GetValueOrDefault(id);
                payments.ShouldBeLessThanOrEqualTo(1, $"order {id} was paid {payments} times");
                var paymentStatus = order.TryGetProperty("payment", out var p) && p.ValueKind == JsonValueKind.Object ? p.GetProperty("status").GetString() : null;
                if (status is "paid" or "accepted" or "ready_for_pickup" or "completed")
                {
                    payments.ShouldBe(1, $"order {id} is {status}");
                    paymentStatus.ShouldBe("succeeded", $"order {id} is {status}");
                    Has(order, "paidAt").ShouldBeTrue();
                }
                else
                {
                    status.ShouldBe("cancelled", $"order {id}");
                    if (payments == 1)
                    {
                        paymentStatus.ShouldBe("refunded", $"order {id} was paid, then cancelled");
                    }
                }
            }

            foreach (var store in stores)
            {
                foreach (var (product, index) in products.Select((p, i) => (p, i)))
                {
                    var where = $"store {store.Id}, product {index}";
                    var stock = await test.StockAsync(staff.Client, store.Id, product.Id);
                    var ledger = await test.MovementsAsync(staff.Client, store.Id, product.Id);
                    var open = orders.Where(o => o.GetProperty("storeId").GetGuid() == store.Id && Status(o) is "awaiting_payment" or "paid" or "accepted" or "ready_for_pickup");
                    var completed = orders.Where(o => o.GetProperty("storeId").GetGuid() == store.Id && Status(o) == "completed");

                    stock.OnHand.ShouldBe(ledger.Sum(m => m.GetProperty("delta").GetInt64()), $"{where}: onHand is the sum of the ledger");
                    ledger[^1].GetProperty("onHandAfter").GetInt64().ShouldBe(stock.OnHand, where);
                    stock.Reserved.ShouldBe(QuantityOf(open, product.Id), $"{where}: reserved is what open orders hold");
                    stock.Available.ShouldBe(stock.OnHand - stock.Reserved, where);

                    var handedOver = QuantityOf(completed, product.Id);
                    SumOf(ledger, "sale").ShouldBe(-handedOver, $"{where}: each completed order left the store once");
                    SumOf(ledger, "pos_sale").ShouldBe(-_counterSold.GetValueOrDefault((store.Id, product.Id)), $"{where}: counter sales");
                    SumOf(ledger, "receipt").ShouldBe(_received.GetValueOrDefault((store.Id, product.Id)), $"{where}: receipts");
                    stock.OnHand.ShouldBe(InitialOnHand + _received.GetValueOrDefault((store.Id, product.Id)) - handedOver - _counterSold.GetValueOrDefault((store.Id, product.Id)), where);
                    if (index < OnlineOnly)
                    {
                        stock.Available.ShouldBeGreaterThanOrEqualTo(0, $"{where}: online orders never oversell");
                    }
                }
            }
        }

        private static long QuantityOf(IEnumerable<JsonElement> orders, Guid productId) =>
            orders.SelectMany(o => o.GetProperty("lines").EnumerateArray())
                .Where(l => l.GetProperty("productId").GetGuid() == productId)
                .Sum(l => l.GetProperty("quantity").GetInt64());

        private static long SumOf(IEnumerable<JsonElement> ledger, string reason) =>
            ledger.Where(m => m.GetProperty("reason").GetString() == reason).Sum(m => m.GetProperty("delta").GetInt64());
    }
}

public sealed class StockConcurrencyTests_Sqlite(ShortTimeoutSqliteApp app) : StockConcurrencyTests(app), IClassFixture<ShortTimeoutSqliteApp>;

public sealed class StockConcurrencyTests_Postgres(ShortTimeoutPostgresApp app) : StockConcurrencyTests(app), IClassFixture<ShortTimeoutPostgresApp>;
