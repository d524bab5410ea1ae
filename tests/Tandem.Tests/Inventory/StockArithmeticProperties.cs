using CsCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Inventory.Contracts;
using Tandem.Inventory.Stock;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Inventory;

/// <summary>
/// The stock's set-based arithmetic (one conditional UPDATE per line) against a model, over random sequences of
/// reservations, releases, sales, counter sales, counts and adjustments, on the real database of each provider.
/// </summary>
public abstract class StockArithmeticProperties(TandemApp app) : ApiTest(app)
{
    private enum Op
    {
        Reserve,
        Release,
        Sell,
        CounterSale,
        Count,
        Adjust,
    }

    private sealed record Step(Op Op, int[] Quantities, int Value);

    private const int Products = 3;

    private static readonly Gen<Step> StepGen = Gen.Select(
        Gen.OneOf(Enum.GetValues<Op>()), Gen.Int[0, 4].Array[Products], Gen.Int[-6, 12], (op, q, v) => new Step(op, q, v));

    [Fact]
    public async Task Stock_levels_follow_the_model_and_the_ledger_adds_up()
    {
        var app = App;
        await StepGen.Array[1, 25].SampleAsync(async steps =>
        {
            var storeId = Guid.NewGuid();
            var merchantId = Guid.NewGuid();
            var products = Enumerable.Range(0, Products).Select(_ => Guid.NewGuid()).OrderBy(p => p).ToArray();
            var onHand = new long[Products];
            var reserved = new long[Products];
            var reservations = new List<int[]>();

            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            var stock = scope.ServiceProvider.GetRequiredService<StoreStock>();
            for (var p = 0; p < Products; p++)
            {
                await InUnit(db, () => stock.CountAsync(storeId, merchantId, products[p], 5, null, Guid.NewGuid(), Ct));
                onHand[p] = 5;
            }

            foreach (var step in steps)
            {
                var lines = Enumerable.Range(0, Products).Where(p => step.Quantities[p] > 0)
                    .Select(p => new StockLine(products[p], step.Quantities[p])).ToList();
                switch (step.Op)
                {
                    case Op.Reserve when lines.Count > 0:
                        var result = await InUnit(db, async () => await stock.ReserveAsync(storeId, lines, Ct), commit: r => r.Succeeded);
                        var expectedShort = Enumerable.Range(0, Products)
                            .Where(p => step.Quantities[p] > 0 && onHand[p] - reserved[p] < step.Quantities[p]).Select(p => products[p]).ToList();
                        result.ShortProductIds.ShouldBe(expectedShort, ignoreOrder: true, "every short product is named, and only those");
                        if (result.Succeeded)
                        {
                            for (var p = 0; p < Products; p++)
                            {
                                reserved[p] += step.Quantities[p];
                            }

                            reservations.Add(step.Quantities);
                        }

                        break;
                    case Op.Release or Op.Sell when reservations.Count > 0:
                        var held = reservations[0];
                        reservations.RemoveAt(0);
                        var heldLines = Enumerable.Range(0, Products).Where(p => held[p] > 0).Select(p => new StockLine(products[p], held[p])).ToList();
                        if (step.Op == Op.Release)
                        {
                            await InUnit(db, async () => { await stock.ReleaseAsync(storeId, heldLines, "test", Ct); return true; });
                        }
                        else
                        {
                            await InUnit(db, async () => { await stock.CommitSaleAsync(storeId, heldLines, "test", null, Ct); return true; });
                        }

                        for (var p = 0; p < Products; p++)
                        {
                            reserved[p] -= held[p];
                            onHand[p] -= step.Op == Op.Sell ? held[p] : 0;
                        }

                        break;
                    case Op.CounterSale when lines.Count > 0:
                        await InUnit(db, async () => { await stock.RecordCounterSaleAsync(storeId, lines, "test", null, Ct); return true; });
                        for (var p = 0; p < Products; p++)
                        {
                            onHand[p] -= step.Quantities[p];
                        }

                        break;
                    case Op.Count when step.Value >= 0:
                        var counted = Array.FindIndex(step.Quantities, q => q > 0) is var c and >= 0 ? c : 0;
                        await InUnit(db, () => stock.CountAsync(storeId, merchantId, products[counted], step.Value, null, Guid.NewGuid(), Ct));
                        onHand[counted] = step.Value;
                        break;
                    case Op.Adjust when step.Value != 0:
                        var adjusted = Array.FindIndex(step.Quantities, q => q > 0) is var a and >= 0 ? a : 0;
                        var level = await InUnit(db, () => stock.AdjustAsync(storeId, merchantId, products[adjusted], step.Value,
                            MovementReason.Other, null, Guid.NewGuid(), Ct), commit: l => l is not null);
                        var allowed = step.Value > 0 || onHand[adjusted] + step.Value >= 0;
                        (level is not null).ShouldBe(allowed, "an adjustment may not take onHand below zero");
                        onHand[adjusted] += allowed ? step.Value : 0;
                        break;
                }

                var levels = await stock.LevelsAsync(storeId, products, Ct);
                for (var p = 0; p < Products; p++)
                {
                    levels[p].OnHand.ShouldBe(onHand[p]);
                    levels[p].Reserved.ShouldBe(reserved[p]);
                    reserved[p].ShouldBeGreaterThanOrEqualTo(0);
                }
            }

            // The ledger: one row per change of onHand, numbered without gaps, adding up to onHand.
            for (var p = 0; p < Products; p++)
            {
                var productId = products[p];
                var movements = await db.Set<StockMovement>().AsNoTracking()
                    .Where(m => m.StoreId == storeId && m.ProductId == productId).OrderBy(m => m.Seq).ToListAsync(Ct);
                movements.Sum(m => m.Delta).ShouldBe(onHand[p]);
                movements.Select(m => m.Seq).ShouldBe(Enumerable.Range(1, movements.Count).Select(i => (long)i));
                movements.Last().OnHandAfter.ShouldBe(onHand[p]);
            }
        }, iter: 40, threads: 1);
    }

    private static async Task<T> InUnit<T>(TandemDbContext db, Func<Task<T>> work, Func<T, bool>? commit = null)
    {
        await using var unit = await UnitOfWork.BeginAsync(db, CancellationToken.None);
        var result = await work();
        if (commit is null || commit(result))
        {
            await unit.CommitAsync(CancellationToken.None);
        }
        else
        {
            await unit.RollbackAsync(CancellationToken.None);
        }

        return result;
    }
}

public sealed class StockArithmeticProperties_Sqlite(SqliteApp app) : StockArithmeticProperties(app);

public sealed class StockArithmeticProperties_Postgres(PostgresApp app) : StockArithmeticProperties(app);
