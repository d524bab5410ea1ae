using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Tandem.Traceability.Chain;
using Tandem.Traceability.Epcis;

namespace Tandem.Bench.Scenarios;

/// <summary>
/// <c>trace</c>: a supply network (farms → co-ops → wholesalers → stores, with transformations and pallets)
/// captured through <c>POST /epcis/capture</c> on an in-process host, then forward and backward traces timed
/// over HTTP. Baselines in the same run: the same rows bulk-inserted with the provider's fastest path
/// (one prepared-statement transaction on SQLite, binary COPY on PostgreSQL), and schema validation alone.
/// Options: --events N (default 30000; the issue's full run is --events 1000000), --batch N (events per
/// document, 500), --clients N (concurrent capturing clients, 2), --traces N (200),
/// --provider sqlite|postgres and --connection "Host=...;Database=..." (a database the run may fill).
/// </summary>
public sealed class TraceScenario : IScenario
{
    private const string AdminPhone = "+8613900000001";
    private const string Password = "bench password 1";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => "trace";

    public string Description => "EPCIS capture events/s (schema-validation share) and trace p50/p99, vs bulk insert (--events 1000000 for the full run)";

    public async Task<int> RunAsync(string[] args)
    {
        var target = int.Parse(Stats.Option(args, "--events", "30000"), CultureInfo.InvariantCulture);
        var batch = int.Parse(Stats.Option(args, "--batch", "500"), CultureInfo.InvariantCulture);
        var clients = int.Parse(Stats.Option(args, "--clients", "2"), CultureInfo.InvariantCulture);
        var traces = int.Parse(Stats.Option(args, "--traces", "200"), CultureInfo.InvariantCulture);
        var warmUp = int.Parse(Stats.Option(args, "--warmup", "10000"), CultureInfo.InvariantCulture);
        var provider = Stats.Option(args, "--provider", "sqlite").ToLowerInvariant();
        var connection = Stats.Option(args, "--connection", Environment.GetEnvironmentVariable("TANDEM_BENCH_POSTGRES") ?? "");
        if (provider == "postgres" && connection.Length == 0)
        {
            Console.WriteLine("--provider postgres needs --connection (or TANDEM_BENCH_POSTGRES).");
            return 2;
        }

        var directory = Path.Combine(Path.GetTempPath(), "tandem-bench-trace-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        StartHost(baseUrl, directory, provider, connection);
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
        await WaitReadyAsync(http);

        // 1. The parties, through the real API.
        Generator.BatchSize = batch;
        var network = Network.For(target);
        Console.WriteLine($"network: {network.Farms} farms, {network.Coops} co-ops, {network.Wholesalers} wholesalers, {network.Stores} stores, {network.Units} co-op lots");
        var admin = await SignUpAsync(http, AdminPhone, "Admin");
        var merchants = await PartiesAsync(http, network);
        var regulator = await SignUpAsync(http, $"+86139{Random.Shared.Next(10000000, 99999999)}", "Regulator");
        await SendAsync(http, HttpMethod.Post, $"/api/v1/platform/users/{regulator.UserId}/roles", admin.Token, JsonContent.Create(new { role = "regulator" }));

        // 2. Warm-up: a separate, smaller network with its own lots and pallets, captured first and not measured. A
        // server captures for hours; without this the measured run is mostly the JIT compiling the schema evaluator
        // and the storing path (a profile of a cold 8-second run had a third of the CPU on the tiered compiler).
        if (warmUp > 0)
        {
            var warmNetwork = Network.For(warmUp);
            var warm = Generator.Generate(warmNetwork, await PartiesAsync(http, warmNetwork), tag: "W");
            await CaptureAsync(http, warm, clients);
            Console.WriteLine($"warm-up: captured {warm.EventCount} events of a separate network");
        }

        // 3. The events, stage by stage (farms first, stores last), in documents of --batch events per merchant.
        var generated = Generator.Generate(network, merchants, tag: "");
        Console.WriteLine($"generated {generated.EventCount} events in {generated.Documents.Count} documents");

        var schemaBefore = EpcisSchema.ElapsedTicks;
        var storeBefore = Tandem.Traceability.Epcis.EventLog.ElapsedTicks;
        var gcBefore = (Gen0: GC.CollectionCount(0), Gen2: GC.CollectionCount(2), Pause: GC.GetTotalPauseDuration());
        var captureWatch = Stopwatch.StartNew();
        var requestTicks = await CaptureAsync(http, generated, clients);
        captureWatch.Stop();
        var gcPause = GC.GetTotalPauseDuration() - gcBefore.Pause;
        var gcLine = $"{GC.CollectionCount(0) - gcBefore.Gen0} collections, {GC.CollectionCount(2) - gcBefore.Gen2} of them full; paused {gcPause.TotalSeconds:F1} s "
            + $"({100 * gcPause / captureWatch.Elapsed:F1} % of the capture); {(GCSettings.IsServerGC ? "server" : "workstation")} GC, heap {GC.GetTotalMemory(false) / 1048576} MB";
        var schemaSeconds = (EpcisSchema.ElapsedTicks - schemaBefore) / (double)Stopwatch.Frequency;
        var storeSeconds = (Tandem.Traceability.Epcis.EventLog.ElapsedTicks - storeBefore) / (double)Stopwatch.Frequency;
        var requestSeconds = requestTicks / (double)Stopwatch.Frequency;
        var captureRate = generated.EventCount / captureWatch.Elapsed.TotalSeconds;

        // 4. Schema validation alone, on documents of the same shape with lots and pallets nobody captured yet (the
        // remembered answers would flatter the captured ones): as capture does it (per event, every core, remembered
        // answers for repeated values, no annotations) and, as the same-run baseline, one whole-document evaluation.
        var sample = Generator.Generate(Network.For(Math.Min(target, 10_000)), merchants, tag: "S").Documents
            .Take(20).Select(d => (Doc: JsonDocument.Parse(d.Json), d.Events)).ToList();
        double Rate(Action<JsonElement> validate)
        {
            var watch = Stopwatch.StartNew();
            var n = 0;
            foreach (var (doc, events) in sample)
            {
                validate(doc.RootElement);
                n += events;
            }

            return n / watch.Elapsed.TotalSeconds;
        }

        var plainRate = Rate(e => EpcisSchema.Instance.IsValidPlain(e));
        var validateRate = Rate(e => EpcisSchema.Instance.Validate(e));
        sample.ForEach(s => s.Doc.Dispose());

        // 5. Baseline: the same rows, bulk-inserted with the provider's fastest path.
        var (baselineRows, baselineSeconds) = provider == "postgres"
            ? await Baseline.PostgresAsync(connection, generated)
            : await Baseline.SqliteAsync(Path.Combine(directory, "baseline.db"), generated);

        // 6. Trace latency over HTTP, as the regulator.
        var forward = new List<double>();
        var backward = new List<double>();
        var reached = new List<int>();
        for (var i = 0; i < traces; i++)
        {
            var farmLot = generated.FarmLots[Random.Shared.Next(generated.FarmLots.Count)];
            var (ms, lots) = await TraceAsync(http, regulator.Token, $"/api/v1/trace/lots/{farmLot.Gtin}/{farmLot.Lot}/forward");
            forward.Add(ms);
            reached.Add(lots);
            var coopLot = generated.CoopLots[Random.Shared.Next(generated.CoopLots.Count)];
            backward.Add((await TraceAsync(http, regulator.Token, $"/api/v1/trace/lots/{coopLot.Gtin}/{coopLot.Lot}/backward")).Ms);
        }

        Console.WriteLine();
        Console.WriteLine($"| measure ({provider}, {generated.EventCount} events, {clients} clients, {batch}/document) | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| capture through POST /epcis/capture | {captureRate:F0} events/s ({captureWatch.Elapsed.TotalSeconds:F1} s) |");
        Console.WriteLine($"| share of request time in schema validation | {100 * schemaSeconds / requestSeconds:F1} % ({schemaSeconds:F1} s of {requestSeconds:F1} s) |");
        Console.WriteLine($"| share of request time storing (facts, transaction, hash chain) | {100 * storeSeconds / requestSeconds:F1} % ({storeSeconds:F1} s) |");
        Console.WriteLine($"| garbage collection during the capture (host and benchmark share the process) | {gcLine} |");
        Console.WriteLine($"| schema validation alone, as capture does it | {validateRate:F0} events/s |");
        Console.WriteLine($"| baseline: schema validation, whole document, library defaults | {plainRate:F0} events/s ({validateRate / plainRate:F2}x) |");
        Console.WriteLine($"| baseline: bulk insert of the same rows | {generated.EventCount / baselineSeconds:F0} events/s ({baselineRows} rows in {baselineSeconds:F1} s) |");
        Console.WriteLine($"| forward trace of a farm lot, p50 / p99 | {Stats.Percentile(forward, 50):F1} / {Stats.Percentile(forward, 99):F1} ms (reaches {reached.Average():F1} lots on average) |");
        Console.WriteLine($"| backward trace of a co-op lot, p50 / p99 | {Stats.Percentile(backward, 50):F1} / {Stats.Percentile(backward, 99):F1} ms |");
        Console.WriteLine();
        Console.WriteLine($"summary: capture {captureRate:F0} events/s = {100 * captureRate / (generated.EventCount / baselineSeconds):F1} % of bulk insert; trace p99 forward {Stats.Percentile(forward, 99):F1} ms, backward {Stats.Percentile(backward, 99):F1} ms");
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

        // The in-process host runs on a background thread; the process ends with the scenario.
        return 0;
    }

    /// <summary>Sends the documents stage by stage (farms first), <paramref name="clients"/> at a time; the summed request time.</summary>
    private static async Task<long> CaptureAsync(HttpClient http, Generated generated, int clients)
    {
        var requestTicks = 0L;
        foreach (var stage in generated.Documents.GroupBy(d => d.Stage).OrderBy(g => g.Key))
        {
            var queue = new Queue<Doc>(stage.OrderBy(d => d.Sequence));
            var sync = new object();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
            {
                while (true)
                {
                    Doc? next;
                    lock (sync)
                    {
                        queue.TryDequeue(out next);
                    }

                    if (next is null)
                    {
                        return;
                    }

                    var started = Stopwatch.GetTimestamp();
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/epcis/capture") { Content = new StringContent(next.Json, Encoding.UTF8, "application/ld+json") };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", next.Party.Token);
                    request.Headers.Add("Tandem-Merchant", next.Party.MerchantId.ToString());
                    using var response = await http.SendAsync(request);
                    if (response.StatusCode != HttpStatusCode.Accepted)
                    {
                        throw new InvalidOperationException($"capture failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }

                    Interlocked.Add(ref requestTicks, Stopwatch.GetTimestamp() - started);
                }
            }));
        }

        return requestTicks;
    }

    private static async Task<List<Party>> PartiesAsync(HttpClient http, Network network)
    {
        var parties = new List<Party>();
        foreach (var (role, count) in new[] { ("farm", network.Farms), ("coop", network.Coops), ("wholesaler", network.Wholesalers), ("store", network.Stores) })
        {
            for (var i = 0; i < count; i++)
            {
                parties.Add(await NewPartyAsync(http, role, i));
            }
        }

        return parties;
    }

    private static async Task<(double Ms, int Lots)> TraceAsync(HttpClient http, string token, string url)
    {
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"trace failed: {(int)response.StatusCode} {body}");
        }

        using var doc = JsonDocument.Parse(body);
        return (ms, doc.RootElement.GetProperty("lots").GetArrayLength());
    }

    private static void StartHost(string url, string directory, string provider, string connection)
    {
        string[] args =
        [
            "--urls", url, "--environment", "Bench", "--applicationName", "Tandem.Host",
            "--Tandem:DataDirectory=" + directory,
            "--Tandem:Database:Provider=" + (provider == "postgres" ? "Postgres" : "Sqlite"),
            "--ConnectionStrings:Tandem=" + (provider == "postgres" ? connection : ""),
            "--Tandem:SeedDemo=false", "--Tandem:RateLimits:Enabled=false",
            "--Tandem:Platform:AdminPhones:0=" + AdminPhone, "--Tandem:Payments:Sandbox:Secret=bench",
            "--Tandem:Traceability:ChainHeadInterval=00:00:00", "--Logging:LogLevel:Default=Warning",
        ];
        var entry = System.Reflection.Assembly.Load("Tandem.Host").EntryPoint ?? throw new InvalidOperationException("Tandem.Host has no entry point.");
        var thread = new Thread(() => entry.Invoke(null, [args])) { IsBackground = true, Name = "tandem-host" };
        thread.Start();
    }

    private static async Task WaitReadyAsync(HttpClient http)
    {
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The host did not become ready.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Account(Guid UserId, string Token);

    internal sealed record Party(string Role, int Index, Guid MerchantId, Guid StoreId, string Token);

    private static async Task<Account> SignUpAsync(HttpClient http, string phone, string name)
    {
        var response = await http.PostAsJsonAsync("/api/v1/auth/register", new { phone, password = Password, displayName = name });
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            response = await http.PostAsJsonAsync("/api/v1/auth/login", new { phone, password = Password });
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        return new Account(body.GetProperty("userId").GetGuid(), body.GetProperty("accessToken").GetString()!);
    }

    private static async Task<Party> NewPartyAsync(HttpClient http, string role, int index)
    {
        var owner = await SignUpAsync(http, $"+86138{Random.Shared.Next(10000000, 99999999)}", $"{role} {index}");
        var merchant = await SendAsync(http, HttpMethod.Post, "/api/v1/merchants", owner.Token, JsonContent.Create(new { name = $"{role} {index}", creditCode = CreditCode() }));
        var merchantId = merchant.GetProperty("merchantId").GetGuid();
        var store = await SendAsync(http, HttpMethod.Post, $"/api/v1/merchants/{merchantId}/stores", owner.Token, JsonContent.Create(new
        {
            name = $"{role} {index} site",
            address = "杭州市",
            location = new { lat = 30.0 + Random.Shared.NextDouble(), lng = 120.0 + Random.Shared.NextDouble() },
            pickup = true,
        }));
        return new Party(role, index, merchantId, store.GetProperty("storeId").GetGuid(), owner.Token);
    }

    private static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string url, string token, HttpContent content)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string CreditCode()
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        var body = new char[17];
        body[0] = '9';
        body[1] = '1';
        var sum = 9 * weights[0] + 1 * weights[1];
        for (var i = 2; i < 17; i++)
        {
            body[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            sum += alphabet.IndexOf(body[i], StringComparison.Ordinal) * weights[i];
        }

        return new string(body) + alphabet[(31 - sum % 31) % 31];
    }
}

/// <summary>How many parties a run of about <c>target</c> events has. Four co-op lots share a pallet; each co-op lot is made from three farm lots.</summary>
internal sealed record Network(int Units, int Farms, int Coops, int Wholesalers, int Stores)
{
    public const int EventsPerUnit = 10;

    public static Network For(int target)
    {
        var units = Math.Max(4, target / EventsPerUnit / 4 * 4);
        return new Network(units, Math.Clamp(units / 40, 3, 100), Math.Clamp(units / 200, 2, 40), Math.Clamp(units / 800, 1, 15), Math.Clamp(units / 200, 2, 60));
    }
}

internal sealed record Doc(int Stage, int Sequence, TraceScenario.Party Party, string Json, int Events);

internal sealed record LotId(string Gtin, string Lot);

internal sealed record Generated(List<Doc> Documents, int EventCount, List<LotId> FarmLots, List<LotId> CoopLots);

/// <summary>Builds the network's EPCIS events as documents, grouped by stage (farm, co-op, wholesaler, store) and merchant.</summary>
internal static class Generator
{
    public const string LeafGtin = "06975000000012";
    public const string TeaGtin = "06975000000029";

    public static Generated Generate(Network n, List<TraceScenario.Party> parties, string tag)
    {
        var farms = parties.Where(p => p.Role == "farm").ToList();
        var coops = parties.Where(p => p.Role == "coop").ToList();
        var wholesalers = parties.Where(p => p.Role == "wholesaler").ToList();
        var stores = parties.Where(p => p.Role == "store").ToList();
        var buffers = new Dictionary<(int Stage, Guid Merchant), List<string>>();
        var farmLots = new List<LotId>();
        var coopLots = new List<LotId>();
        var start = new DateTimeOffset(2026, 4, 1, 6, 0, 0, TimeSpan.FromHours(8));
        var count = 0;

        void Add(int stage, TraceScenario.Party party, string json)
        {
            if (!buffers.TryGetValue((stage, party.MerchantId), out var list))
            {
                buffers[(stage, party.MerchantId)] = list = [];
            }

            list.Add(json);
            count++;
        }

        for (var pallet = 0; pallet < n.Units / 4; pallet++)
        {
            var coop = coops[pallet % coops.Count];
            var wholesaler = wholesalers[pallet % wholesalers.Count];
            var store = stores[pallet % stores.Count];
            var day = start.AddMinutes(pallet);
            var coopPallet = Sscc(tag.Length == 0 ? 1 : 3, pallet);
            var storePallet = Sscc(tag.Length == 0 ? 2 : 4, pallet);
            var children = new List<string>();
            for (var u = pallet * 4; u < pallet * 4 + 4; u++)
            {
                var inputs = new List<string>();
                for (var j = 0; j < 3; j++)
                {
                    var farm = farms[(u * 3 + j) % farms.Count];
                    var lot = new LotId(LeafGtin, $"{tag}F{u}-{j}");
                    farmLots.Add(lot);
                    inputs.Add(Q(lot, 40, "KGM"));
                    Add(0, farm, Event("ObjectEvent", day, "ADD", "commissioning", farm, $"\"quantityList\": [{Q(lot, 40, "KGM")}]"));
                    Add(0, farm, Event("ObjectEvent", day.AddHours(4), "OBSERVE", "inspecting", farm, $"\"quantityList\": [{Q(lot, 40, "KGM")}], \"certificationInfo\": \"https://cert.example.cn/{u}-{j}\""));
                }

                var output = new LotId(TeaGtin, $"{tag}C{u}");
                coopLots.Add(output);
                children.Add(Q(output, 100, "EA"));
                Add(1, coop, Event("TransformationEvent", day.AddDays(1), null, "commissioning", coop,
                    $"\"inputQuantityList\": [{string.Join(", ", inputs)}], \"outputQuantityList\": [{Q(output, 100, "EA")}]"));
                Add(3, store, Event("ObjectEvent", day.AddDays(5), "OBSERVE", "retail_selling", store, $"\"quantityList\": [{Q(output, 2, "EA")}]"));
            }

            var childList = string.Join(", ", children);
            Add(1, coop, Event("AggregationEvent", day.AddDays(2), "ADD", "packing", coop, $"\"parentID\": \"{coopPallet}\", \"childQuantityList\": [{childList}]"));
            Add(1, coop, Event("ObjectEvent", day.AddDays(2).AddHours(1), "OBSERVE", "shipping", coop, $"\"epcList\": [\"{coopPallet}\"], \"disposition\": \"in_transit\""));
            Add(2, wholesaler, Event("ObjectEvent", day.AddDays(3), "OBSERVE", "receiving", wholesaler, $"\"epcList\": [\"{coopPallet}\"]"));
            Add(2, wholesaler, Event("AggregationEvent", day.AddDays(3).AddHours(1), "DELETE", "unpacking", wholesaler, $"\"parentID\": \"{coopPallet}\", \"childQuantityList\": [{childList}]"));
            Add(2, wholesaler, Event("AggregationEvent", day.AddDays(3).AddHours(2), "ADD", "packing", wholesaler, $"\"parentID\": \"{storePallet}\", \"childQuantityList\": [{childList}]"));
            Add(2, wholesaler, Event("ObjectEvent", day.AddDays(3).AddHours(3), "OBSERVE", "shipping", wholesaler, $"\"epcList\": [\"{storePallet}\"], \"disposition\": \"in_transit\""));
            Add(3, store, Event("ObjectEvent", day.AddDays(4), "OBSERVE", "receiving", store, $"\"epcList\": [\"{storePallet}\"]"));
            Add(3, store, Event("AggregationEvent", day.AddDays(4).AddHours(1), "DELETE", "unpacking", store, $"\"parentID\": \"{storePallet}\", \"childQuantityList\": [{childList}]"));
        }

        return new Generated(Documents(buffers, parties), count, farmLots, coopLots);
    }

    private static List<Doc> Documents(Dictionary<(int Stage, Guid Merchant), List<string>> buffers, List<TraceScenario.Party> parties)
    {
        var byId = parties.ToDictionary(p => p.MerchantId);
        var docs = new List<Doc>();
        var sequence = 0;
        var batch = BatchSize;
        foreach (var ((stage, merchant), events) in buffers)
        {
            foreach (var chunk in events.Chunk(batch))
            {
                var json = "{\"@context\": [\"https://ref.gs1.org/standards/epcis/epcis-context.jsonld\"], \"type\": \"EPCISDocument\", \"schemaVersion\": \"2.0\", "
                    + "\"creationDate\": \"2026-04-01T00:00:00Z\", \"epcisBody\": {\"eventList\": [" + string.Join(",", chunk) + "]}}";
                docs.Add(new Doc(stage, sequence++, byId[merchant], json, chunk.Length));
            }
        }

        // Interleave merchants within a stage so concurrent clients write to different chains.
        return docs.OrderBy(d => d.Stage).ThenBy(d => d.Sequence % 7).ThenBy(d => d.Sequence).Select((d, i) => d with { Sequence = i }).ToList();
    }

    public static int BatchSize { get; set; } = 500;

    private static string Q(LotId lot, int quantity, string uom) =>
        $"{{\"epcClass\": \"https://id.gs1.org/01/{lot.Gtin}/10/{lot.Lot}\", \"quantity\": {quantity}, \"uom\": \"{uom}\"}}";

    private static string Sscc(int kind, int pallet)
    {
        var body = "0" + "6975000" + kind.ToString(CultureInfo.InvariantCulture) + pallet.ToString("D8", CultureInfo.InvariantCulture);
        return "https://id.gs1.org/00/" + body + Kernel.Gtin.CheckDigit(body).ToString(CultureInfo.InvariantCulture);
    }

    private static string Event(string type, DateTimeOffset at, string? action, string step, TraceScenario.Party where, string body) =>
        $"{{\"type\": \"{type}\", \"eventTime\": \"{at.ToString("yyyy-MM-dd'T'HH:mm:ss'+08:00'", CultureInfo.InvariantCulture)}\", \"eventTimeZoneOffset\": \"+08:00\", "
        + (action is null ? "" : $"\"action\": \"{action}\", ")
        + $"\"bizStep\": \"{step}\", \"bizLocation\": {{\"id\": \"urn:tandem:store:{where.StoreId}\"}}, {body}}}";
}

/// <summary>The same rows the capture writes (events, index keys, graph edges), bulk-inserted with the provider's fastest path.</summary>
internal static class Baseline
{
    private sealed record Row(Guid Merchant, string EventId, EventFacts Facts, string Json, string Context, long Seq, string Prev, string Hash);

    private static List<Row> Rows(Generated generated)
    {
        var rows = new List<Row>(generated.EventCount);
        var seqs = new Dictionary<Guid, (long Seq, string Hash)>();
        var now = HashChain.Truncate(DateTime.UtcNow);
        foreach (var doc in generated.Documents)
        {
            using var parsed = JsonDocument.Parse(doc.Json);
            var context = parsed.RootElement.GetProperty("@context").GetRawText();
            foreach (var e in parsed.RootElement.GetProperty("epcisBody").GetProperty("eventList").EnumerateArray())
            {
                var facts = EventFacts.Read(e, out _, out _)!;
                var (seq, prev) = seqs.TryGetValue(doc.Party.MerchantId, out var s) ? s : (0, HashChain.Genesis);
                var id = "urn:uuid:" + Guid.CreateVersion7().ToString("D");
                var json = e.GetRawText();
                var hash = HashChain.Link(doc.Party.MerchantId, seq + 1, id, now, json, context, prev);
                seqs[doc.Party.MerchantId] = (seq + 1, hash);
                rows.Add(new Row(doc.Party.MerchantId, id, facts, json, context, seq + 1, prev, hash));
            }
        }

        return rows;
    }

    public static async Task<(long Rows, double Seconds)> SqliteAsync(string path, Generated generated)
    {
        var rows = Rows(generated);
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using (var ddl = connection.CreateCommand())
        {
            ddl.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, merchant TEXT, capture TEXT, event_id TEXT, assigned INTEGER, type TEXT, action TEXT,
                  biz_step TEXT, disposition TEXT, read_point TEXT, biz_location TEXT, event_time TEXT, record_time TEXT, json TEXT, context TEXT, seq INTEGER, prev TEXT, hash TEXT);
                CREATE UNIQUE INDEX e1 ON events (merchant, event_id); CREATE UNIQUE INDEX e2 ON events (merchant, seq);
                CREATE INDEX e3 ON events (merchant, event_time, id); CREATE INDEX e4 ON events (merchant, record_time, id);
                CREATE INDEX e5 ON events (event_time, id); CREATE INDEX e6 ON events (biz_location); CREATE INDEX e7 ON events (capture);
                CREATE TABLE event_keys (event_row INTEGER, merchant TEXT, role TEXT, key TEXT, PRIMARY KEY (event_row, role, key));
                CREATE INDEX k1 ON event_keys (key, role, event_row);
                CREATE TABLE links (id INTEGER PRIMARY KEY AUTOINCREMENT, from_key TEXT, to_key TEXT, kind TEXT, event_row INTEGER, merchant TEXT);
                CREATE INDEX l1 ON links (from_key, kind, to_key); CREATE INDEX l2 ON links (to_key, kind, from_key);
                """;
            await ddl.ExecuteNonQueryAsync();
        }

        var watch = Stopwatch.StartNew();
        long written = 0;
        await using (var tx = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            await using var ev = connection.CreateCommand();
            ev.Transaction = tx;
            ev.CommandText = "INSERT INTO events (merchant, capture, event_id, assigned, type, action, biz_step, disposition, read_point, biz_location, event_time, record_time, json, context, seq, prev, hash) "
                + "VALUES ($m, $c, $id, 1, $t, $a, $b, $d, $r, $l, $et, $rt, $j, $x, $s, $p, $h) RETURNING id";
            var names = new[] { "$m", "$c", "$id", "$t", "$a", "$b", "$d", "$r", "$l", "$et", "$rt", "$j", "$x", "$s", "$p", "$h" };
            foreach (var n in names)
            {
                ev.Parameters.Add(new SqliteParameter(n, null));
            }

            await using var key = connection.CreateCommand();
            key.Transaction = tx;
            key.CommandText = "INSERT OR IGNORE INTO event_keys (event_row, merchant, role, key) VALUES ($e, $m, $r, $k)";
            foreach (var n in new[] { "$e", "$m", "$r", "$k" })
            {
                key.Parameters.Add(new SqliteParameter(n, null));
            }

            await using var link = connection.CreateCommand();
            link.Transaction = tx;
            link.CommandText = "INSERT INTO links (from_key, to_key, kind, event_row, merchant) VALUES ($f, $t, $k, $e, $m)";
            foreach (var n in new[] { "$f", "$t", "$k", "$e", "$m" })
            {
                link.Parameters.Add(new SqliteParameter(n, null));
            }

            ev.Prepare();
            key.Prepare();
            link.Prepare();
            var capture = Guid.NewGuid().ToString();
            var now = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            foreach (var row in rows)
            {
                var f = row.Facts;
                object?[] values = [row.Merchant.ToString(), capture, row.EventId, f.Type, f.Action, f.BizStep, f.Disposition, f.ReadPoint, f.BizLocation,
                    f.EventTime.ToString("O", CultureInfo.InvariantCulture), now, row.Json, row.Context, row.Seq, row.Prev, row.Hash];
                for (var i = 0; i < values.Length; i++)
                {
                    ev.Parameters[i].Value = values[i] ?? DBNull.Value;
                }

                var id = (long)(await ev.ExecuteScalarAsync())!;
                written++;
                foreach (var (role, k) in f.Keys)
                {
                    key.Parameters[0].Value = id;
                    key.Parameters[1].Value = row.Merchant.ToString();
                    key.Parameters[2].Value = role;
                    key.Parameters[3].Value = k;
                    await key.ExecuteNonQueryAsync();
                    written++;
                }

                foreach (var (from, to, kind) in f.Links(id))
                {
                    link.Parameters[0].Value = from;
                    link.Parameters[1].Value = to;
                    link.Parameters[2].Value = kind;
                    link.Parameters[3].Value = id;
                    link.Parameters[4].Value = row.Merchant.ToString();
                    await link.ExecuteNonQueryAsync();
                    written++;
                }
            }

            await tx.CommitAsync();
        }

        return (written, watch.Elapsed.TotalSeconds);
    }

    public static async Task<(long Rows, double Seconds)> PostgresAsync(string connectionString, Generated generated)
    {
        var rows = Rows(generated);
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var ddl = new NpgsqlCommand($"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.events (id bigint PRIMARY KEY, merchant uuid, capture uuid, event_id text, assigned boolean, type text, action text, biz_step text,
              disposition text, read_point text, biz_location text, event_time timestamptz, record_time timestamptz, json text, context text, seq bigint, prev text, hash text);
            CREATE UNIQUE INDEX ON {schema}.events (merchant, event_id); CREATE UNIQUE INDEX ON {schema}.events (merchant, seq);
            CREATE INDEX ON {schema}.events (merchant, event_time, id); CREATE INDEX ON {schema}.events (merchant, record_time, id);
            CREATE INDEX ON {schema}.events (event_time, id); CREATE INDEX ON {schema}.events (biz_location); CREATE INDEX ON {schema}.events (capture);
            CREATE TABLE {schema}.event_keys (event_row bigint, merchant uuid, role text, key text, PRIMARY KEY (event_row, role, key));
            CREATE INDEX ON {schema}.event_keys (key, role, event_row);
            CREATE TABLE {schema}.links (id bigserial PRIMARY KEY, from_key text, to_key text, kind text, event_row bigint, merchant uuid);
            CREATE INDEX ON {schema}.links (from_key, kind, to_key); CREATE INDEX ON {schema}.links (to_key, kind, from_key);
            """, connection))
        {
            await ddl.ExecuteNonQueryAsync();
        }

        var watch = Stopwatch.StartNew();
        long written = 0;
        var capture = Guid.NewGuid();
        var now = DateTime.UtcNow;
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await using (var ev = await connection.BeginBinaryImportAsync($"COPY {schema}.events FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    var r = rows[i];
                    var f = r.Facts;
                    await ev.StartRowAsync();
                    await ev.WriteAsync((long)i + 1, NpgsqlDbType.Bigint);
                    await ev.WriteAsync(r.Merchant, NpgsqlDbType.Uuid);
                    await ev.WriteAsync(capture, NpgsqlDbType.Uuid);
                    await ev.WriteAsync(r.EventId, NpgsqlDbType.Text);
                    await ev.WriteAsync(true, NpgsqlDbType.Boolean);
                    await ev.WriteAsync(f.Type, NpgsqlDbType.Text);
                    foreach (var v in new[] { f.Action, f.BizStep, f.Disposition, f.ReadPoint, f.BizLocation })
                    {
                        if (v is null)
                        {
                            await ev.WriteNullAsync();
                        }
                        else
                        {
                            await ev.WriteAsync(v, NpgsqlDbType.Text);
                        }
                    }

                    await ev.WriteAsync(f.EventTime, NpgsqlDbType.TimestampTz);
                    await ev.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await ev.WriteAsync(r.Json, NpgsqlDbType.Text);
                    await ev.WriteAsync(r.Context, NpgsqlDbType.Text);
                    await ev.WriteAsync(r.Seq, NpgsqlDbType.Bigint);
                    await ev.WriteAsync(r.Prev, NpgsqlDbType.Text);
                    await ev.WriteAsync(r.Hash, NpgsqlDbType.Text);
                    written++;
                }

                await ev.CompleteAsync();
            }

            await using (var keys = await connection.BeginBinaryImportAsync($"COPY {schema}.event_keys FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    foreach (var (role, key) in rows[i].Facts.Keys)
                    {
                        await keys.WriteRowAsync(default, (long)i + 1, rows[i].Merchant, role, key);
                        written++;
                    }
                }

                await keys.CompleteAsync();
            }

            await using (var links = await connection.BeginBinaryImportAsync($"COPY {schema}.links (from_key, to_key, kind, event_row, merchant) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    foreach (var (from, to, kind) in rows[i].Facts.Links(i + 1))
                    {
                        await links.WriteRowAsync(default, from, to, kind, (long)i + 1, rows[i].Merchant);
                        written++;
                    }
                }

                await links.CompleteAsync();
            }

            await tx.CommitAsync();
        }

        var seconds = watch.Elapsed.TotalSeconds;
        await using (var drop = new NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        return (written, seconds);
    }
}
