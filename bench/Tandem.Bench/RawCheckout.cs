using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tandem.Bench.Scenarios;
using Tandem.Host.Hosting;

namespace Tandem.Bench;

/// <summary>
/// The checkout's own database work done directly in raw ADO.NET transactions, on the same database as the host, which
/// sits idle meanwhile: the baseline the API path is measured against.
/// <para>Placing, one transaction: read the products; per line in product-id order one conditional
/// <c>UPDATE stock SET reserved = reserved + q WHERE on_hand - reserved &gt;= q</c>; read the levels back; a
/// <c>StockChanged</c> outbox row per line; the order, its lines (with a pickup code unique among the store's
/// open orders), the <c>OrderPlaced</c> outbox row, and the request's Idempotency-Key with its answer.</para>
/// <para>Paying, three transactions as with any provider: start the payment (insert it pending, point the order at
/// it, version-checked, the key with its provisional answer); then apply the provider's approval (record the
/// notification id, the payment succeeds, the order becomes paid with a version check, the <c>OrderPaid</c> outbox
/// row); then store the request's final answer under its key.</para>
/// <para>The keys are Tandem's work as much as the order: API.md has every unsafe request take one, and the issue
/// has it recorded in the same transaction as the effect it guards. Each is written as cheaply as that allows:
/// inserted once, with its answer, at the end of the transaction (a duplicate request on another host then fails
/// at the primary key and its transaction rolls back).</para>
/// Not included, because they are the fake provider's own books or HTTP hops rather than Tandem's work: the
/// sandbox's payment and notification tables and its two signed callbacks.
/// </summary>
internal sealed class RawCheckout : IAsyncDisposable
{
    private readonly BenchDatabase _database;
    private readonly string _connectionString;
    private readonly Func<string, string> _table;

    private RawCheckout(BenchDatabase database, string connectionString)
    {
        _database = database;
        _connectionString = connectionString;
        _table = database.Provider == BenchProvider.Postgres
            ? name => $"\"{name[..name.IndexOf('_', StringComparison.Ordinal)]}\".\"{name[(name.IndexOf('_', StringComparison.Ordinal) + 1)..]}\""
            : name => $"\"{name}\"";
    }

    private bool Postgres => _database.Provider == BenchProvider.Postgres;

    /// <summary>
    /// Opens the baseline on the host's database. It reuses compiled statements as the host does, because hand-written
    /// ADO.NET at its fastest would prepare them too: Npgsql's automatic preparation on PostgreSQL, the statement
    /// cache on SQLite (docs/decisions/0021). On PostgreSQL it also takes the host's other connection defaults, so its
    /// connections skip Npgsql's reset on close as the host's do. <paramref name="recompile"/> leaves all that off, to
    /// see what it is worth.
    /// </summary>
    public static Task<RawCheckout> OpenAsync(BenchDatabase database, HostProcess host, int busyTimeoutMs = 0, bool recompile = false, bool withoutKeys = false)
    {
        if (database.Provider == BenchProvider.Sqlite && !recompile)
        {
            SqliteStatementCache.Install();
        }

        var connectionString = database.Provider == BenchProvider.Postgres
            ? recompile ? database.ConnectionString : Database.WithConnectionDefaults(database.ConnectionString)
            : new SqliteConnectionStringBuilder { DataSource = host.SqliteFile, Pooling = true, DefaultTimeout = 30 }.ToString();
        return Task.FromResult(new RawCheckout(database, connectionString) { BusyTimeoutMs = busyTimeoutMs, WithoutKeys = withoutKeys });
    }

    public ValueTask DisposeAsync()
    {
        if (Postgres)
        {
            NpgsqlConnection.ClearAllPools();
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }

        return ValueTask.CompletedTask;
    }

    public async Task<Checkout.RunResult> RunAsync(
        int orders, int concurrency, int seed, Guid merchantId, Guid storeId, IReadOnlyList<Guid> consumers, IReadOnlyList<(Guid Id, long Price)> products, bool placeOnly = false)
    {
        var random = new Random(seed);
        var plan = Enumerable.Range(0, orders).Select(i => (Consumer: consumers[i % consumers.Count], Lines: Checkout.LinesFor(random, products))).ToList();
        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentBag<string>();
        var elapsed = Stopwatch.StartNew();
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (order, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var placed = await PlaceAsync(merchantId, storeId, order.Consumer, order.Lines);
                if (placed is null)
                {
                    errors.Add("out of stock");
                    return;
                }

                if (placeOnly)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    return;
                }

                var (paymentId, key) = await StartPaymentAsync(placed.Value.OrderId, placed.Value.Total, merchantId, order.Consumer);
                if (!await ApplyApprovalAsync(placed.Value.OrderId, paymentId, storeId, merchantId, order.Consumer, placed.Value.Total))
                {
                    errors.Add("order no longer awaiting payment");
                    return;
                }

                await AnswerPaymentAsync(key, paymentId, placed.Value.OrderId);

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (DbException ex)
            {
                errors.Add(ex.GetType().Name + ": " + ex.Message);
            }
        });
        elapsed.Stop();
        return new Checkout.RunResult([.. latencies], [.. errors], elapsed.Elapsed);
    }

    // ---------- placing ----------

    private async Task<(Guid OrderId, long Total)?> PlaceAsync(Guid merchantId, Guid storeId, Guid consumerId, (Guid ProductId, int Quantity, long Price)[] lines)
    {
        await using var connection = await OpenAsync();
        var sorted = lines.OrderBy(l => l.ProductId).ToArray();
        var names = new Dictionary<Guid, (string Name, long Price)>();
        await using (var read = Command(connection, null,
            $"SELECT \"Id\", \"Name\", \"Price\" FROM {_table("catalog_products")} WHERE \"Id\" IN ({string.Join(", ", sorted.Select((_, i) => $"@p{i}"))})"))
        {
            for (var i = 0; i < sorted.Length; i++)
            {
                Add(read, $"@p{i}", sorted[i].ProductId);
            }

            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names[ReadGuid(reader, 0)] = (reader.GetString(1), reader.GetInt64(2));
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            using var writer = await WriterAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            foreach (var (productId, quantity, _) in sorted)
            {
                await using var reserve = Command(connection, transaction,
                    $"UPDATE {_table("inventory_stock_items")} SET \"Reserved\" = \"Reserved\" + @q, \"UpdatedAt\" = @now " +
                    "WHERE \"StoreId\" = @store AND \"ProductId\" = @product AND \"OnHand\" - \"Reserved\" >= @q");
                Add(reserve, "@q", (long)quantity);
                Add(reserve, "@now", now);
                Add(reserve, "@store", storeId);
                Add(reserve, "@product", productId);
                if (await reserve.ExecuteNonQueryAsync() != 1)
                {
                    await transaction.RollbackAsync();
                    return null;
                }
            }

            await using (var levels = Command(connection, transaction,
                $"SELECT \"ProductId\", \"OnHand\", \"Reserved\" FROM {_table("inventory_stock_items")} WHERE \"StoreId\" = @store AND \"ProductId\" IN ({string.Join(", ", sorted.Select((_, i) => $"@p{i}"))})"))
            {
                Add(levels, "@store", storeId);
                for (var i = 0; i < sorted.Length; i++)
                {
                    Add(levels, $"@p{i}", sorted[i].ProductId);
                }

                var rows = new List<(Guid ProductId, long OnHand, long Reserved)>();
                await using (var reader = await levels.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        rows.Add((ReadGuid(reader, 0), reader.GetInt64(1), reader.GetInt64(2)));
                    }
                }

                foreach (var row in rows)
                {
                    var quantity = sorted.Single(l => l.ProductId == row.ProductId).Quantity;
                    await OutboxAsync(connection, transaction, "Tandem.Inventory.Contracts.StockChanged", now, new
                    {
                        eventId = Guid.CreateVersion7(),
                        occurredAt = now,
                        merchantId,
                        storeId,
                        productId = row.ProductId,
                        onHand = row.OnHand,
                        reserved = row.Reserved,
                        available = row.OnHand - row.Reserved,
                        onHandDelta = 0,
                        reservedDelta = quantity,
                        reason = "reserved",
                        reference = (string?)null,
                    });
                }
            }

            var orderId = Guid.CreateVersion7();
            var total = sorted.Sum(l => names[l.ProductId].Price * l.Quantity);
            var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            await using (var taken = Command(connection, transaction,
                $"SELECT COUNT(*) FROM {_table("ordering_orders")} WHERE \"StoreId\" = @store AND \"OpenPickupCode\" = @code"))
            {
                Add(taken, "@store", storeId);
                Add(taken, "@code", code);
                _ = await taken.ExecuteScalarAsync();
            }

            await using (var insert = Command(connection, transaction,
                $"INSERT INTO {_table("ordering_orders")} (\"Id\", \"MerchantId\", \"StoreId\", \"ConsumerId\", \"Status\", \"Currency\", \"Subtotal\", \"Total\", " +
                "\"Fulfillment\", \"PickupCode\", \"OpenPickupCode\", \"WrongPickupCodes\", \"AtRisk\", \"CreatedAt\", \"ReservationExpiresAt\", \"Version\") " +
                "VALUES (@id, @merchant, @store, @consumer, 'awaiting_payment', 'CNY', @total, @total, 'Pickup', @code, @code, 0, @false, @now, @expires, 1)"))
            {
                Add(insert, "@id", orderId);
                Add(insert, "@merchant", merchantId);
                Add(insert, "@store", storeId);
                Add(insert, "@consumer", consumerId);
                Add(insert, "@total", total);
                Add(insert, "@code", code);
                Add(insert, "@false", false);
                Add(insert, "@now", now);
                Add(insert, "@expires", now.AddMinutes(15));
                try
                {
                    await insert.ExecuteNonQueryAsync();
                }
                catch (DbException) when (attempt < 3)
                {
                    // A pickup code another open order drew at the same moment: the unique index refused it; draw again.
                    await transaction.RollbackAsync();
                    continue;
                }
            }

            for (var i = 0; i < sorted.Length; i++)
            {
                await using var line = Command(connection, transaction,
                    $"INSERT INTO {_table("ordering_order_lines")} (\"OrderId\", \"LineNo\", \"ProductId\", \"Name\", \"Quantity\", \"UnitPrice\", \"Currency\") " +
                    "VALUES (@order, @no, @product, @name, @quantity, @price, 'CNY')");
                Add(line, "@order", orderId);
                Add(line, "@no", i + 1);
                Add(line, "@product", sorted[i].ProductId);
                Add(line, "@name", names[sorted[i].ProductId].Name);
                Add(line, "@quantity", sorted[i].Quantity);
                Add(line, "@price", names[sorted[i].ProductId].Price);
                await line.ExecuteNonQueryAsync();
            }

            await OutboxAsync(connection, transaction, "Tandem.Ordering.Contracts.OrderPlaced", now, new
            {
                eventId = Guid.CreateVersion7(),
                occurredAt = now,
                orderId,
                merchantId,
                storeId,
                consumerId,
                lines = sorted.Select(l => new { productId = l.ProductId, quantity = l.Quantity }),
                total,
                currency = "CNY",
                fulfillment = "pickup",
                reservationExpiresAt = now.AddMinutes(15),
            });
            await KeyAsync(connection, transaction, new RequestKey(consumerId, "POST /api/v1/orders", new
            {
                storeId,
                lines = lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }),
                fulfillment = new { type = "pickup" },
            }), Completed, now, 201, new
            {
                orderId,
                status = "awaiting_payment",
                merchantId,
                storeId,
                fulfillment = new { type = "pickup" },
                lines = sorted.Select(l => new
                {
                    productId = l.ProductId,
                    name = names[l.ProductId].Name,
                    quantity = l.Quantity,
                    unitPrice = new { amount = names[l.ProductId].Price, currency = "CNY" },
                }),
                subtotal = new { amount = total, currency = "CNY" },
                total = new { amount = total, currency = "CNY" },
                createdAt = now,
                reservationExpiresAt = now.AddMinutes(15),
            }, $"/api/v1/orders/{orderId}");
            try
            {
                await transaction.CommitAsync();
                return (orderId, total);
            }
            catch (DbException) when (attempt < 3)
            {
                // A pickup code drawn twice at the same moment: the unique index refused one; draw again.
            }
        }
    }

    // ---------- paying ----------

    private async Task<(Guid PaymentId, RequestKey Key)> StartPaymentAsync(Guid orderId, long total, Guid merchantId, Guid consumerId)
    {
        await using var connection = await OpenAsync();
        using var writer = await WriterAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        int version;
        await using (var read = Command(connection, transaction, $"SELECT \"Version\" FROM {_table("ordering_orders")} WHERE \"Id\" = @id AND \"Status\" = 'awaiting_payment'"))
        {
            Add(read, "@id", orderId);
            version = Convert.ToInt32(await read.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        var paymentId = Guid.CreateVersion7();
        await using (var insert = Command(connection, transaction,
            $"INSERT INTO {_table("payments_payments")} (\"Id\", \"OrderId\", \"MerchantId\", \"PayerId\", \"Amount\", \"Currency\", \"Method\", \"Provider\", \"Status\", \"CreatedAt\", \"Version\") " +
            "VALUES (@id, @order, @merchant, @payer, @amount, 'CNY', 'sandbox', 'sandbox', 'pending', @now, 1)"))
        {
            Add(insert, "@id", paymentId);
            Add(insert, "@order", orderId);
            Add(insert, "@merchant", merchantId);
            Add(insert, "@payer", consumerId);
            Add(insert, "@amount", total);
            Add(insert, "@now", now);
            await insert.ExecuteNonQueryAsync();
        }

        await using (var update = Command(connection, transaction,
            $"UPDATE {_table("ordering_orders")} SET \"PaymentId\" = @payment, \"PaymentStatus\" = 'pending', \"Version\" = \"Version\" + 1 WHERE \"Id\" = @id AND \"Version\" = @version"))
        {
            Add(update, "@payment", paymentId);
            Add(update, "@id", orderId);
            Add(update, "@version", version);
            if (await update.ExecuteNonQueryAsync() != 1)
            {
                throw new InvalidOperationException("The order changed while the payment started.");
            }
        }

        // The provider is called after this commit; the key says so (a retry meanwhile finds it committed, not done).
        var key = new RequestKey(consumerId, $"POST /api/v1/orders/{orderId}/pay", new { method = "sandbox" });
        await KeyAsync(connection, transaction, key, Committed, now, 200, PaymentAnswer(paymentId, orderId, "pending"), location: null);
        await transaction.CommitAsync();
        return (paymentId, key);
    }

    /// <summary>The pay request's final answer under its key, once the provider has answered: a transaction of its own.</summary>
    private async Task AnswerPaymentAsync(RequestKey key, Guid paymentId, Guid orderId)
    {
        if (WithoutKeys)
        {
            return;
        }

        await using var connection = await OpenAsync();
        using var writer = await WriterAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var update = Command(connection, transaction,
            $"UPDATE {_table("kernel_idempotency_keys")} SET \"State\" = @state, \"LeaseExpiresAt\" = @lease, \"ResponseStatus\" = 200, " +
            "\"ResponseContentType\" = @type, \"ResponseLocation\" = NULL, \"ResponseBody\" = @body WHERE \"Scope\" = @scope AND \"Key\" = @key AND \"LeaseToken\" = @token");
        Add(update, "@state", Completed);
        Add(update, "@lease", TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(2));
        Add(update, "@type", JsonContentType);
        Add(update, "@body", JsonSerializer.SerializeToUtf8Bytes(PaymentAnswer(paymentId, orderId, "succeeded"), JsonSerializerOptions.Web));
        Add(update, "@scope", key.Scope);
        Add(update, "@key", key.Key);
        Add(update, "@token", key.Token);
        if (await update.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException("The payment's Idempotency-Key was lost.");
        }

        await transaction.CommitAsync();
    }

    private static object PaymentAnswer(Guid paymentId, Guid orderId, string status) =>
        new { paymentId, orderId, status, method = "sandbox" };

    private async Task<bool> ApplyApprovalAsync(Guid orderId, Guid paymentId, Guid storeId, Guid merchantId, Guid consumerId, long total)
    {
        await using var connection = await OpenAsync();
        using var writer = await WriterAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        await using (var seen = Command(connection, transaction,
            $"INSERT INTO {_table("payments_processed_notifications")} (\"Id\", \"Provider\", \"ReceivedAt\") VALUES (@id, 'sandbox', @now)"))
        {
            Add(seen, "@id", Guid.NewGuid().ToString("N"));
            Add(seen, "@now", now);
            await seen.ExecuteNonQueryAsync();
        }

        await using (var succeed = Command(connection, transaction,
            $"UPDATE {_table("payments_payments")} SET \"Status\" = 'succeeded', \"SucceededAt\" = @now, \"Version\" = \"Version\" + 1 WHERE \"Id\" = @id AND \"Status\" = 'pending'"))
        {
            Add(succeed, "@now", now);
            Add(succeed, "@id", paymentId);
            await succeed.ExecuteNonQueryAsync();
        }

        int version;
        await using (var read = Command(connection, transaction, $"SELECT \"Version\" FROM {_table("ordering_orders")} WHERE \"Id\" = @id"))
        {
            Add(read, "@id", orderId);
            version = Convert.ToInt32(await read.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        await using (var paid = Command(connection, transaction,
            $"UPDATE {_table("ordering_orders")} SET \"Status\" = 'paid', \"PaidAt\" = @now, \"PaymentStatus\" = 'succeeded', \"Version\" = \"Version\" + 1 " +
            "WHERE \"Id\" = @id AND \"Status\" = 'awaiting_payment' AND \"Version\" = @version AND \"ReservationExpiresAt\" > @now"))
        {
            Add(paid, "@now", now);
            Add(paid, "@id", orderId);
            Add(paid, "@version", version);
            if (await paid.ExecuteNonQueryAsync() != 1)
            {
                await transaction.RollbackAsync();
                return false;
            }
        }

        await OutboxAsync(connection, transaction, "Tandem.Ordering.Contracts.OrderPaid", now, new
        {
            eventId = Guid.CreateVersion7(),
            occurredAt = now,
            orderId,
            merchantId,
            storeId,
            consumerId,
            paymentId,
            amount = total,
            currency = "CNY",
        });
        await transaction.CommitAsync();
        return true;
    }

    /// <summary>
    /// Waits until the host's dispatcher has handed out every outbox message (none undelivered and not parked): the API
    /// path's work for the orders it answered is not done before that, and it must not run on into the baseline's turn.
    /// </summary>
    public async Task WaitForOutboxAsync(TimeSpan timeout)
    {
        await using var connection = await OpenAsync();
        await using var pending = Command(connection, null,
            $"SELECT COUNT(*) FROM {_table("kernel_outbox")} WHERE \"DispatchedAt\" IS NULL AND \"ParkedAt\" IS NULL");
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Convert.ToInt64(await pending.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"The host's outbox did not drain within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(5);
        }
    }

    // ---------- plumbing ----------

    /// <summary>
    /// The outbox row, written as already handed out (<c>DispatchedAt</c> set): the host runs beside the baseline in the
    /// same database, and its dispatcher must not do the baseline's deliveries. The row and its index entries cost the same.
    /// </summary>
    private async Task OutboxAsync(DbConnection connection, DbTransaction transaction, string type, DateTime now, object payload)
    {
        await using var insert = Command(connection, transaction,
            $"INSERT INTO {_table("kernel_outbox")} (\"Id\", \"Type\", \"Payload\", \"OccurredAt\", \"Attempts\", \"NextAttemptAt\", \"DispatchedAt\") VALUES (@id, @type, @payload, @now, 0, @now, @now)");
        Add(insert, "@id", Guid.CreateVersion7());
        Add(insert, "@type", type);
        Add(insert, "@payload", JsonSerializer.Serialize(payload, JsonSerializerOptions.Web));
        Add(insert, "@now", now);
        await insert.ExecuteNonQueryAsync();
    }

    private const int Committed = 2;
    private const int Completed = 3;
    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>A request's Idempotency-Key as the host scopes it (caller, method and path), with the hash of its body.</summary>
    private sealed record RequestKey(Guid Caller, string Route, object Body)
    {
        public string Scope { get; } = $"{Caller} {Route}";

        public string Key { get; } = Guid.NewGuid().ToString();

        public Guid Token { get; } = Guid.NewGuid();

        public string Hash { get; } = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(Body, JsonSerializerOptions.Web)));
    }

    /// <summary>Records the key with its answer in the effect's transaction (nothing, with <see cref="WithoutKeys"/>).</summary>
    private async Task KeyAsync(DbConnection connection, DbTransaction transaction, RequestKey key, int state, DateTime now, int status, object answer, string? location)
    {
        if (WithoutKeys)
        {
            return;
        }

        await using var insert = Command(connection, transaction,
            $"INSERT INTO {_table("kernel_idempotency_keys")} (\"Scope\", \"Key\", \"RequestHash\", \"State\", \"LeaseToken\", \"LeaseExpiresAt\", \"CreatedAt\", \"ExpiresAt\", " +
            "\"ResponseStatus\", \"ResponseContentType\", \"ResponseLocation\", \"ResponseBody\") " +
            "VALUES (@scope, @key, @hash, @state, @token, @lease, @now, @expires, @status, @type, @location, @body)");
        Add(insert, "@scope", key.Scope);
        Add(insert, "@key", key.Key);
        Add(insert, "@hash", key.Hash);
        Add(insert, "@state", state);
        Add(insert, "@token", key.Token);
        Add(insert, "@lease", now.AddMinutes(2));
        Add(insert, "@now", now);
        Add(insert, "@expires", now.AddHours(24));
        Add(insert, "@status", status);
        Add(insert, "@type", JsonContentType);
        Add(insert, "@location", (object?)location ?? DBNull.Value);
        Add(insert, "@body", JsonSerializer.SerializeToUtf8Bytes(answer, JsonSerializerOptions.Web));
        await insert.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// SQLite has one writer: like the host (SqliteWriteGate), the baseline queues its writers in memory with the same
    /// <see cref="WriterQueue"/>, which hands the lock to the next writer on the thread that lets go. No-op on PostgreSQL.
    /// </summary>
    private async Task<IDisposable?> WriterAsync()
    {
        if (Postgres)
        {
            return null;
        }

        await _writers.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
        return new Releaser(_writers);
    }

    private readonly WriterQueue _writers = new();

    private sealed class Releaser(WriterQueue queue) : IDisposable
    {
        public void Dispose() => queue.Release();
    }

    private async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = Postgres ? new NpgsqlConnection(_connectionString) : new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        if (!Postgres && BusyTimeoutMs > 0)
        {
            // SQLite's own busy handler waits in small steps; Microsoft.Data.Sqlite alone retries every 150 ms.
            await using var pragma = Command(connection, null, $"PRAGMA busy_timeout = {BusyTimeoutMs}");
            await pragma.ExecuteNonQueryAsync();
        }

        return connection;
    }

    /// <summary><c>PRAGMA busy_timeout</c> for raw SQLite connections; 0 leaves the client's default (as the host has it).</summary>
    public int BusyTimeoutMs { get; init; }

    /// <summary>Leaves the Idempotency-Keys out (<c>checkout --without-keys</c>, where the API path sends none either), to compare.</summary>
    public bool WithoutKeys { get; init; }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Parameters in the same representation EF Core uses: Guids as upper-case text and UTC times as text on SQLite.</summary>
    private void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = Postgres
            ? value
            : value switch
            {
                Guid g => g.ToString().ToUpperInvariant(),
                DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
                bool b => b ? 1 : 0,
                _ => value,
            };
        command.Parameters.Add(parameter);
    }

    private Guid ReadGuid(DbDataReader reader, int ordinal) =>
        Postgres ? reader.GetGuid(ordinal) : Guid.Parse(reader.GetString(ordinal));
}
