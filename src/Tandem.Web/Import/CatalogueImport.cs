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
/// A clean file is then written through the public API in one request, which imports it in one transaction.
/// Excel workbooks (.xlsx) are read with MiniExcel into the same records, so both formats follow the same rules.
/// </summary>
public static class CatalogueImport
{
    public const int MaxRows = 2000;

    private static readonly string[] GtinHeaders = ["gtin", "barcode", "条码", "商品条码"];
    private static readonly string[] NameHeaders = ["name", "名称", "商品名称"];
    private static readonly string[] PriceHeaders = ["price", "价格", "售价"];

    public static ImportCheck Check(string csv, IReadOnlyList<StoreResult> stores, UiText t) => Check(Csv.Parse(csv), stores, t);

    /// <summary>Checks a file already read into records (CSV lines or spreadsheet rows).</summary>
    public static ImportCheck Check(IEnumerable<Csv.Record> file, IReadOnlyList<StoreResult> stores, UiText t)
    {
        var rows = new List<ImportRow>();
        var problems = new List<ImportProblem>();
        var records = file.Where(r => r.Fields.Any(f => f.Length > 0)).ToList();
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

    /// <summary>Writes a checked file in one request: the API upserts every product by GTIN and counts its stock in one transaction.</summary>
    public static async Task<ImportResult> ApplyAsync(TandemApi api, Guid merchantId, ImportCheck check, CancellationToken ct) =>
        await api.ImportCatalogueAsync(merchantId, new
        {
            rows = check.Rows.Select(row => new
            {
                gtin = row.Gtin14,
                name = row.Name,
                price = new { amount = row.PriceFen, currency = "CNY" },
                stock = row.Stock.Select(s => new { storeId = s.Key, onHand = s.Value }),
            }),
        }, ct);

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

/// <summary>The first sheet of an Excel workbook (.xlsx) as records: one per row, cells as the text a person sees.</summary>
public static class Spreadsheet
{
    public static IEnumerable<Csv.Record> Read(Stream xlsx)
    {
        var line = 0;
        foreach (IDictionary<string, object?> row in MiniExcelLibs.MiniExcel.Query(xlsx, excelType: MiniExcelLibs.ExcelType.XLSX))
        {
            line++;
            yield return new Csv.Record(line, row.Values.Select(Cell).ToList());
        }
    }

    /// <summary>Numbers without exponent or grouping (a GTIN typed as a number stays 13 digits; 12.99 stays 12.99).</summary>
    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => d.ToString("0.##########", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
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
