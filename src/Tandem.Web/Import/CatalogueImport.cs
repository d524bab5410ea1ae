using System.Globalization;
using System.Text;
using Tandem.Web.Api;

namespace Tandem.Web.Import;

/// <summary>One checked row of a catalogue file: the product and its stock per store.</summary>
public sealed record ImportRow(int Line, string Gtin14, string Name, long PriceFen, IReadOnlyDictionary<Guid, long> Stock);

/// <summary>A problem with one row (or the header, row 1), in the user's language.</summary>
public sealed record ImportProblem(int Line, string Message);

/// <summary>The whole file checked: either every row is good, or the list of every bad row and why.</summary>
public sealed record ImportCheck(IReadOnlyList<ImportRow> Rows, IReadOnlyList<ImportProblem> Problems)
{
    public bool Ok => Problems.Count == 0 && Rows.Count > 0;
}

/// <summary>
/// Imports a catalogue from CSV: <c>gtin,name,price[,store columns...]</c>, prices in yuan (12.99), one stock
/// column per store headed by the store's name or id. The whole file is checked first, against the same rules
/// the API applies; any bad row means nothing is written. A product whose GTIN the merchant already has is updated.
/// A clean file is then written through the public API (products created or updated by GTIN, then stock counts).
/// </summary>
public static class CatalogueImport
{
    public const int MaxRows = 2000;

    private static readonly string[] GtinHeaders = ["gtin", "barcode", "条码", "商品条码"];
    private static readonly string[] NameHeaders = ["name", "名称", "商品名称"];
    private static readonly string[] PriceHeaders = ["price", "价格", "售价"];

    public static ImportCheck Check(string csv, IReadOnlyList<StoreResult> stores, UiText t)
    {
        var rows = new List<ImportRow>();
        var problems = new List<ImportProblem>();
        var records = Csv.Parse(csv).Where(r => r.Fields.Any(f => f.Length > 0)).ToList();
        if (records.Count == 0)
        {
            return new ImportCheck(rows, [new ImportProblem(1, t["imp.empty"])]);
        }

        var header = records[0].Fields.Select(h => h.Trim()).ToList();
        if (header.Count < 3 || !Is(header[0], GtinHeaders) || !Is(header[1], NameHeaders) || !Is(header[2], PriceHeaders))
        {
            return new ImportCheck(rows, [new ImportProblem(records[0].Line, t["imp.header"])]);
        }

        var storeColumns = new List<(int Index, StoreResult Store)>();
        for (var i = 3; i < header.Count; i++)
        {
            var store = stores.FirstOrDefault(s => string.Equals(s.Name.Trim(), header[i], StringComparison.OrdinalIgnoreCase)
                || string.Equals(s.StoreId.ToString(), header[i], StringComparison.OrdinalIgnoreCase));
            if (store is null)
            {
                problems.Add(new ImportProblem(records[0].Line, t["imp.unknownstore", header[i]]));
            }
            else
            {
                storeColumns.Add((i, store));
            }
        }

        if (records.Count - 1 > MaxRows)
        {
            problems.Add(new ImportProblem(records[MaxRows + 1].Line, t["imp.toolarge"]));
            return new ImportCheck([], problems);
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records.Skip(1))
        {
            var reasons = new List<string>();
            var f = record.Fields;
            if (f.Count != header.Count)
            {
                problems.Add(new ImportProblem(record.Line, t["imp.columns", header.Count]));
                continue;
            }

            var gtin = NormaliseGtin(f[0]);
            if (gtin is null)
            {
                reasons.Add(t["imp.gtin"]);
            }
            else if (seen.TryGetValue(gtin, out var firstLine))
            {
                reasons.Add(t["imp.gtin.dup", firstLine]);
            }
            else
            {
                seen[gtin] = record.Line;
            }

            var name = f[1].Trim();
            if (name.Length is 0 or > 100 || name.Any(char.IsControl))
            {
                reasons.Add(t["imp.name"]);
            }

            var price = Price.ParseYuan(f[2]);
            if (price is null)
            {
                reasons.Add(t["imp.price"]);
            }

            var stock = new Dictionary<Guid, long>();
            foreach (var (index, store) in storeColumns)
            {
                var cell = f[index].Trim();
                if (cell.Length == 0)
                {
                    continue;
                }

                if (!long.TryParse(cell, NumberStyles.None, CultureInfo.InvariantCulture, out var onHand) || onHand > 1_000_000_000)
                {
                    reasons.Add(t["imp.stock", store.Name]);
                }
                else
                {
                    stock[store.StoreId] = onHand;
                }
            }

            if (reasons.Count > 0)
            {
                problems.Add(new ImportProblem(record.Line, string.Join("；", reasons)));
            }
            else
            {
                rows.Add(new ImportRow(record.Line, gtin!, name, price!.Value, stock));
            }
        }

        if (records.Count == 1 && problems.Count == 0)
        {
            problems.Add(new ImportProblem(1, t["imp.empty"]));
        }

        return new ImportCheck(problems.Count == 0 ? rows : [], problems);
    }

    /// <summary>Writes a checked file through the API: create or update each product by GTIN, then count its stock.</summary>
    public static async Task<int> ApplyAsync(TandemApi api, Guid merchantId, ImportCheck check, IReadOnlyList<ProductResult> existing, CancellationToken ct)
    {
        var byGtin = existing.Where(p => p.Gtin is not null).GroupBy(p => p.Gtin!).ToDictionary(g => g.Key, g => g.First());
        var count = 0;
        foreach (var row in check.Rows)
        {
            Guid productId;
            if (byGtin.TryGetValue(row.Gtin14, out var current))
            {
                // PUT replaces every field: keep what the file does not carry.
                await api.UpdateProductAsync(current.ProductId, new
                {
                    name = row.Name,
                    nameEn = current.NameEn,
                    price = new { amount = row.PriceFen, currency = "CNY" },
                    gtin = row.Gtin14,
                    unit = current.Unit,
                    description = current.Description,
                }, ct);
                productId = current.ProductId;
            }
            else
            {
                var created = await api.CreateProductAsync(merchantId, new { name = row.Name, price = new { amount = row.PriceFen, currency = "CNY" }, gtin = row.Gtin14 }, ct);
                productId = created.ProductId;
            }

            foreach (var (storeId, onHand) in row.Stock)
            {
                await api.CountStockAsync(storeId, productId, onHand, ct);
            }

            count++;
        }

        return count;
    }

    /// <summary>A GTIN-8/12/13/14 with a right check digit, as 14 digits; null otherwise.</summary>
    public static string? NormaliseGtin(string? text)
    {
        var s = text?.Trim() ?? "";
        if (s.Length is not (8 or 12 or 13 or 14) || !s.All(char.IsAsciiDigit))
        {
            return null;
        }

        var sum = 0;
        for (var i = s.Length - 2; i >= 0; i--)
        {
            var weight = (s.Length - 2 - i) % 2 == 0 ? 3 : 1;
            sum += (s[i] - '0') * weight;
        }

        var check = (10 - sum % 10) % 10;
        return check == s[^1] - '0' ? s.PadLeft(14, '0') : null;
    }

    private static bool Is(string header, string[] names) => names.Any(n => string.Equals(n, header, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A small RFC 4180 reader: quoted fields, doubled quotes, commas and newlines inside quotes, a BOM.</summary>
public static class Csv
{
    public sealed record Record(int Line, List<string> Fields);

    public static IEnumerable<Record> Parse(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return new Record(recordLine, fields);
                    fields = [];
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return new Record(recordLine, fields);
        }
    }
}
