using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Ordering;

/// <summary>
/// Hundreds of orders at once for a few units, several products per order, mixed with payments, cancellations,
/// handovers, counter sales and expiries. Afterwards the books must balance exactly, for every product.
/// </summary>
public abstract class ConcurrencyTests(TandemApp app) : ShopTest(app)
{
    private const int Products = 4;
    // Counter sales alone take about 36 units and are never refused; what is left must still fit a few dozen
    // orders (about 4 units each) so the run places enough to mean something, and far fewer than the 300 attempts.
    private const int InitialOnHand = 40;
    private const int Attempts = 300;
    private const int CounterSales = 24;

    private sealed record Placed(Guid OrderId, TestUser Consumer, Dictionary<Guid, int> Quantities);

    [Fact]
    public async Task Under_any_concurrency_nothing_is_oversold_and_the_books_balance()
    {
        var shop = await NewShopAsync(products: Products, onHand: InitialOnHand);
        var consumers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => NewUserAsync()));
        var random = new Random(20261126);
        var plans = Enumerable.Range(0, Attempts).Select(i =>
        {
            var products = shop.Products.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
            return (Consumer: consumers[i % consumers.Length], Lines: products.Select(p => (p, random.Next(1, 4))).ToArray(), Fate: random.Next(100));
        }).ToList();
        var counterPlans = Enumerable.Range(0, CounterSales).Select(_ => (shop.Products[random.Next(Products)], random.Next(1, 3))).ToList();

        var placed = new ConcurrentBag<Placed>();
        var refused = 0;
        var counterSold = new ConcurrentDictionary<Guid, int>();
        var failures = new ConcurrentBag<string>();

        async Task RunOrderAsync((TestUser Consumer, (TestProduct, int)[] Lines, int Fate) plan)
        {
            var response = await PlaceAsync(plan.Consumer, shop, plan.Lines);
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                var problem = await response.ShouldBeProblem(HttpStatusCode.Conflict, "out_of_stock");
                var ordered = plan.Lines.Select(l => l.Item1.Id).ToHashSet();
                if (!problem.GetProperty("productIds").EnumerateArray().All(p => ordered.Contains(p.GetGuid())))
                {
                    failures.Add("out_of_stock named a product that was not ordered");
                }

                Interlocked.Increment(ref refused);
                return;
            }

            var order = await response.ShouldHave(HttpStatusCode.Created);
            var id = IdOf(order);
            placed.Add(new Placed(id, plan.Consumer, plan.Lines.ToDictionary(l => l.Item1.Id, l => l.Item2)));
            switch (plan.Fate)
            {
                case < 20:
                    await Expect(await CancelAsync(plan.Consumer.Client, id), HttpStatusCode.OK, HttpStatusCode.Conflict);
                    break;
                case < 60:
                    var pay = await PayAsync(plan.Consumer, id);
                    await Expect(pay, HttpStatusCode.OK, HttpStatusCode.Conflict);
                    // Money that lands after the two-second reservation is refunded; only a paid order goes on.
                    if (pay.StatusCode != HttpStatusCode.OK || (await pay.Json()).GetProperty("status").GetString() != "succeeded" || plan.Fate < 35)
                    {
                        break;
                    }

                    if (plan.Fate < 45)
                    {
                        await Expect(await CancelAsync(shop.Staff.Client, id, "staff cancel"), HttpStatusCode.OK);
                        break;
                    }

                    await Expect(await shop.Staff.Client.PostAsync($"/api/v1/orders/{id}/accept", null, Ct), HttpStatusCode.OK);
                    await Expect(await shop.Staff.Client.PostAsync($"/api/v1/orders/{id}/ready", null, Ct), HttpStatusCode.OK);
                    var code = (await OrderAsync(plan.Consumer.Client, id)).GetProperty("pickupCode").GetString()!;
                    await Expect(await HandoverAsync(shop, id, code), HttpStatusCode.OK);
                    break;
                default:
                    break; // left unpaid: it expires
            }
        }

        async Task RunCounterSaleAsync((TestProduct Product, int Quantity) sale)
        {
            var response = await SellAtCounterAsync(shop, sale);
            await Expect(response, HttpStatusCode.Created);
            counterSold.AddOrUpdate(sale.Product.Id, sale.Quantity, (_, q) => q + sale.Quantity);
        }

        async Task Expect(HttpResponseMessage response, params HttpStatusCode[] allowed)
        {
            if (!allowed.Contains(response.StatusCode))
            {
                failures.Add($"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri} → {(int)response.StatusCode} "
                    + await response.Content.ReadAsStringAsync(Ct));
            }
        }

        await Task.WhenAll(plans.Select(RunOrderAsync).Concat(counterPlans.Select(RunCounterSaleAsync)));
        failures.ShouldBeEmpty();
        placed.Count.ShouldBeGreaterThan(10, "the test must actually place orders");
        refused.ShouldBeGreaterThan(0, "the test must actually run out of stock");

        // Let every unpaid order expire.
        await EventuallyAsync(async () => JsonSerializer.SerializeToElement((await MerchantOrdersAsync(shop, "awaiting_payment")).Count),
            count => count.GetInt32() == 0, seconds: 60);

        var orders = (await MerchantOrdersAsync(shop)).ToDictionary(IdOf);
        orders.Count.ShouldBe(placed.Count);
        string[] open = ["awaiting_payment", "paid", "accepted", "ready_for_pickup", "ready_for_dispatch"];
        foreach (var product in shop.Products)
        {
            long OrderedIn(params string[] statuses) => placed
                .Where(p => statuses.Contains(orders[p.OrderId].GetProperty("status").GetString()))
                .Sum(p => p.Quantities.GetValueOrDefault(product.Id));

            var stock = await StockAsync(shop, product.Id);
            var onHand = stock.GetProperty("onHand").GetInt64();
            var reserved = stock.GetProperty("reserved").GetInt64();
            var completed = OrderedIn("completed");
            var counter = counterSold.GetValueOrDefault(product.Id);

            reserved.ShouldBe(OrderedIn(open), $"reserved = what open orders hold ({product.Id})");
            onHand.ShouldBe(InitialOnHand - completed - counter, "onHand = counted - sold online - sold at the counter");
            (completed + reserved).ShouldBeLessThanOrEqualTo(InitialOnHand, "online orders never took more than was there");

            var movements = await MovementsAsync(shop, product.Id);
            movements.Sum(m => m.GetProperty("delta").GetInt64()).ShouldBe(onHand, "the ledger adds up to onHand");
            var sales = movements.Where(m => m.GetProperty("reason").GetString() == "sale").ToList();
            var saleReferences = sales.Select(m => m.GetProperty("reference").GetString()).ToList();
            saleReferences.Distinct().Count().ShouldBe(saleReferences.Count, "no order's units are sold twice");
            sales.Count.ShouldBe(placed.Count(p => p.Quantities.ContainsKey(product.Id) && orders[p.OrderId].GetProperty("status").GetString() == "completed"));
            movements.Count(m => m.GetProperty("reason").GetString() == "pos_sale").ShouldBe(counterPlans.Count(c => c.Item1.Id == product.Id));
        }

        foreach (var order in orders.Values.Where(o => o.GetProperty("status").GetString() == "cancelled"))
        {
            if (order.TryGetProperty("payment", out var payment))
            {
                payment.GetProperty("status").GetString().ShouldNotBe("succeeded", "money of a cancelled order goes back");
            }
        }
    }
}

[Collection(ShortTimeoutSqlite.Name)]
public sealed class ConcurrencyTests_Sqlite(ShortTimeoutSqliteApp app) : ConcurrencyTests(app);

[Collection(ShortTimeoutPostgres.Name)]
public sealed class ConcurrencyTests_Postgres(ShortTimeoutPostgresApp app) : ConcurrencyTests(app);
