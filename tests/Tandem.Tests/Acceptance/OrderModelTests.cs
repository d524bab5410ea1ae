using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Acceptance;

/// <summary>
/// A model-based property test of the order state machine and stock arithmetic: random sequences of API
/// operations run against a fresh store and against a small in-test model of API.md's rules; after every
/// step the API's stock and the touched order equal the model's, and at the end every order does.
/// </summary>
public abstract class OrderModelTests(TandemApp app) : AcceptanceTest(app)
{
    private const int Products = 2;

    [Fact]
    public async Task Random_sequences_of_operations_keep_the_api_equal_to_the_model()
    {
        var merchant = await NewMerchantAsync();
        var staff = await AddStaffAsync(merchant);
        var consumers = new[] { await NewUserAsync("甲"), await NewUserAsync("乙") };
        var products = new List<Product>();
        for (var i = 0; i < Products; i++)
        {
            products.Add(await NewProductAsync(merchant, price: 100 * (i + 1) + 5, name: $"模型商品 {i}"));
        }

        var scenario = Gen.Select(Gen.Int[0, 4].Array[Products], Operation.Array[4, 24]);
        await scenario.SampleAsync(
            async (initial, operations) =>
            {
                var store = await NewStoreAsync(merchant);
                var run = new ModelRun(this, merchant, staff, consumers, products, store);
                await run.ExecuteAsync(initial, operations);
            },
            iter: 15,
            threads: 1,
            print: t => $"initial [{string.Join(", ", t.Item1)}]; {string.Join("; ", t.Item2.Select(o => o.ToString()))}");
    }

    // ---------- operations ----------

    internal abstract record Op;

    internal sealed record Place(int Consumer, (int Product, int Quantity)[] Lines) : Op
    {
        public override string ToString() => $"place c{Consumer} [{string.Join(",", Lines.Select(l => $"p{l.Product}x{l.Quantity}"))}]";
    }

    internal sealed record Pay(int Order) : Op;

    internal sealed record Accept(int Order) : Op;

    internal sealed record Ready(int Order) : Op;

    internal sealed record Handover(int Order, bool RightCode) : Op;

    internal sealed record Cancel(int Order, bool ByStaff) : Op;

    internal sealed record PosSale(int Product, int Quantity) : Op;

    internal sealed record Count(int Product, int OnHand) : Op;

    private static readonly Gen<Op> Operation = Gen.Frequency(
        (5, Gen.Select(Gen.Int[0, 1], Gen.Int[1, 2], Gen.Int[1, 3], Gen.Int[0, 3], Gen.Bool).Select((c, n, q1, q2, both) =>
            (Op)new Place(c, both && q2 > 0 ? [(0, q1), (1, q2)] : [(n - 1, q1)]))),
        (4, Gen.Int[0, 9].Select(o => (Op)new Pay(o))),
        (3, Gen.Int[0, 9].Select(o => (Op)new Accept(o))),
        (3, Gen.Int[0, 9].Select(o => (Op)new Ready(o))),
        (3, Gen.Select(Gen.Int[0, 9], Gen.Int[0, 3]).Select((o, r) => (Op)new Handover(o, r > 0))),
        (2, Gen.Select(Gen.Int[0, 9], Gen.Bool).Select((o, s) => (Op)new Cancel(o, s))),
        (2, Gen.Select(Gen.Int[0, Products - 1], Gen.Int[1, 3]).Select((p, q) => (Op)new PosSale(p, q))),
        (1, Gen.Select(Gen.Int[0, Products - 1], Gen.Int[0, 6]).Select((p, n) => (Op)new Count(p, n))));

    // ---------- the model ----------

    private sealed class ModelOrder(Guid id, int consumer, int number, (int Product, int Quantity)[] lines)
    {
        public Guid Id { get; } = id;
        public int Consumer { get; } = consumer;
        public int Number { get; } = number;
        public (int Product, int Quantity)[] Lines { get; } = lines;
        public string Status { get; set; } = "awaiting_payment";
        public string? PickupCode { get; set; }
        public int WrongCodes { get; set; }

        public bool Open => Status is "awaiting_payment" or "paid" or "accepted" or "ready_for_pickup";
    }

    private sealed class ModelRun(
        OrderModelTests test, Merchant merchant, TestUser staff, TestUser[] consumers, List<Product> products, Store store)
    {
        private readonly long[] _onHand = new long[Products];
        private readonly long[] _reserved = new long[Products];
        private readonly List<ModelOrder> _orders = [];
        private readonly StringBuilder _log = new();

        public async Task ExecuteAsync(int[] initial, Op[] operations)
        {
            for (var p = 0; p < Products; p++)
            {
                await test.CountAsync(staff.Client, store.Id, products[p].Id, initial[p]);
                _onHand[p] = initial[p];
            }

            foreach (var op in operations)
            {
                _log.Append(op).Append(" → ");
                var touched = await ApplyAsync(op);
                _log.AppendLine();
                await CheckStockAsync();
                if (touched is not null)
                {
                    await CheckOrderAsync(touched);
                }
            }

            foreach (var order in _orders)
            {
                await CheckOrderAsync(order);
            }
        }

        private ModelOrder? Pick(int index) => _orders.Count == 0 ? null : _orders[index % _orders.Count];

        private async Task<ModelOrder?> ApplyAsync(Op op)
        {
            switch (op)
            {
                case Place place:
                    {
                        var lines = place.Lines.Select(l => new Line(products[l.Product].Id, l.Quantity));
                        var response = await test.PlaceAsync(consumers[place.Consumer], store.Id, lines);
                        var shortProducts = place.Lines.Where(l => _onHand[l.Product] - _reserved[l.Product] < l.Quantity).Select(l => products[l.Product].Id).ToList();
                        if (shortProducts.Count > 0)
                        {
                            var problem = await Expect(response, HttpStatusCode.Conflict, "out_of_stock");
                            problem.GetProperty("productIds").EnumerateArray().Select(e => e.GetGuid()).Order().ShouldBe(shortProducts.Order(), Trace());
                            return null;
                        }

                        var body = await Expect(response, HttpStatusCode.Created);
                        foreach (var (product, quantity) in place.Lines)
                        {
                            _reserved[product] += quantity;
                        }

                        var order = new ModelOrder(Id(body), place.Consumer, _orders.Count, place.Lines);
                        _orders.Add(order);
                        Amount(body.GetProperty("total")).ShouldBe(place.Lines.Sum(l => products[l.Product].Price * l.Quantity), Trace());
                        return order;
                    }

                case Pay pay when Pick(pay.Order) is { } order:
                    {
                        var response = await test.PayAsync(consumers[order.Consumer], order.Id);
                        if (order.Status != "awaiting_payment")
                        {
                            await Expect(response, HttpStatusCode.Conflict, "invalid_transition");
                            return order;
                        }

                        (await Expect(response, HttpStatusCode.OK)).GetProperty("status").GetString().ShouldBe("succeeded", Trace());
                        order.Status = "paid";
                        order.PickupCode = (await test.GetOrderAsync(consumers[order.Consumer].Client, order.Id)).GetProperty("pickupCode").GetString();
                        return order;
                    }

                case Accept accept when Pick(accept.Order) is { } order:
                    return await StaffStepAsync(order, "accept", "paid", "accepted");

                case Ready ready when Pick(ready.Order) is { } order:
                    return await StaffStepAsync(order, "ready", "accepted", "ready_for_pickup");

                case Handover handover when Pick(handover.Order) is { } order:
                    {
                        if (order.PickupCode is null || (!handover.RightCode && order.Status != "ready_for_pickup")
                            || (order.WrongCodes >= 5 && order.Status != "ready_for_pickup"))
                        {
                            _log.Append("skipped");
                            return null; // precedence between a wrong code and a wrong state is not in the contract
                        }

                        var code = handover.RightCode ? order.PickupCode : order.PickupCode == "000000" ? "000001" : "000000";
                        var response = await test.HandoverAsync(staff.Client, order.Id, code);
                        if (order.Status != "ready_for_pickup")
                        {
                            await Expect(response, HttpStatusCode.Conflict, "invalid_transition");
                        }
                        else if (order.WrongCodes >= 5)
                        {
                            await Expect(response, HttpStatusCode.Conflict, "pickup_code_locked");
                        }
                        else if (!handover.RightCode)
                        {
                            order.WrongCodes++;
                            await Expect(response, HttpStatusCode.Conflict, "wrong_pickup_code");
                        }
                        else
                        {
                            await Expect(response, HttpStatusCode.OK);
                            order.Status = "completed";
                            foreach (var (product, quantity) in order.Lines)
                            {
                                _onHand[product] -= quantity;
                                _reserved[product] -= quantity;
                            }
                        }

                        return order;
                    }

                case Cancel cancel when Pick(cancel.Order) is { } order:
                    {
                        var client = cancel.ByStaff ? staff.Client : consumers[order.Consumer].Client;
                        var response = await test.CancelAsync(client, order.Id);
                        var allowed = cancel.ByStaff ? order.Open : order.Status is "awaiting_payment" or "paid";
                        if (!allowed)
                        {
                            if (!cancel.ByStaff && order.Open)
                            {
                                response.StatusCode.ShouldBeOneOf([HttpStatusCode.Conflict, HttpStatusCode.Forbidden], Trace());
                            }
                            else
                            {
                                await Expect(response, HttpStatusCode.Conflict, "invalid_transition");
                            }

                            return order;
                        }

                        await Expect(response, HttpStatusCode.OK);
                        order.Status = "cancelled";
                        foreach (var (product, quantity) in order.Lines)
                        {
                            _reserved[product] -= quantity;
                        }

                        return order;
                    }

                case PosSale sale:
                    {
                        var response = await test.PosSaleAsync(staff.Client, store.Id, [new { productId = products[sale.Product].Id, quantity = sale.Quantity }]);
                        Amount((await Expect(response, HttpStatusCode.Created)).GetProperty("total")).ShouldBe(products[sale.Product].Price * sale.Quantity, Trace());
                        _onHand[sale.Product] -= sale.Quantity;
                        return null;
                    }

                case Count count:
                    await test.CountAsync(staff.Client, store.Id, products[count.Product].Id, count.OnHand);
                    _onHand[count.Product] = count.OnHand;
                    return null;

                default:
                    _log.Append("no order yet");
                    return null;
            }
        }

        private async Task<ModelOrder> StaffStepAsync(ModelOrder order, string action, string from, string to)
        {
            var response = await test.StaffActionAsync(staff.Client, order.Id, action);
            if (order.Status != from)
            {
                await Expect(response, HttpStatusCode.Conflict, "invalid_transition");
                return order;
            }

            Status(await Expect(response, HttpStatusCode.OK)).ShouldBe(to, Trace());
            order.Status = to;
            return order;
        }

        private async Task CheckStockAsync()
        {
            for (var p = 0; p < Products; p++)
            {
                var stock = await test.StockAsync(staff.Client, store.Id, products[p].Id);
                stock.ShouldBe(new StockLevel(_onHand[p], _reserved[p], _onHand[p] - _reserved[p]), $"product {p}\n{Trace()}");
            }
        }

        private async Task CheckOrderAsync(ModelOrder order)
        {
            var actual = await test.GetOrderAsync(consumers[order.Consumer].Client, order.Id);
            Status(actual).ShouldBe(order.Status, $"order {order.Number}\n{Trace()}");
            actual.GetProperty("atRisk").GetBoolean().ShouldBe(AtRisk().Contains(order), $"atRisk of order {order.Number}\n{Trace()}");
            var showsCode = actual.TryGetProperty("pickupCode", out var code) && code.ValueKind == JsonValueKind.String;
            showsCode.ShouldBe(order.Status is "paid" or "accepted" or "ready_for_pickup", $"pickup code of order {order.Number} in {order.Status}\n{Trace()}");
        }

        /// <summary>API.md: while onHand &lt; reserved, the newest open orders holding the product are flagged until the shortfall is covered.</summary>
        private HashSet<ModelOrder> AtRisk()
        {
            var flagged = new HashSet<ModelOrder>();
            for (var p = 0; p < Products; p++)
            {
                var shortfall = _reserved[p] - _onHand[p];
                foreach (var order in _orders.Where(o => o.Open).Reverse())
                {
                    if (shortfall <= 0)
                    {
                        break;
                    }

                    var held = order.Lines.Where(l => l.Product == p).Sum(l => l.Quantity);
                    if (held > 0)
                    {
                        flagged.Add(order);
                        shortfall -= held;
                    }
                }
            }

            return flagged;
        }

        private async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status, string? code = null)
        {
            var text = await response.Content.ReadAsStringAsync();
            _log.Append((int)response.StatusCode);
            response.StatusCode.ShouldBe(status, $"{text}\n{Trace()}");
            using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
            var body = document.RootElement.Clone();
            if (code is not null)
            {
                body.GetProperty("code").GetString().ShouldBe(code, Trace());
            }

            return body;
        }

        private string Trace() => $"merchant {merchant.Id}, store {store.Id}; steps so far:\n{_log}";
    }
}

public sealed class OrderModelTests_Sqlite(SqliteApp app) : OrderModelTests(app);

public sealed class OrderModelTests_Postgres(PostgresApp app) : OrderModelTests(app);
