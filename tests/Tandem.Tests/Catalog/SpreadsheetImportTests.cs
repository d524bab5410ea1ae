using MiniExcelLibs;
using Tandem.Web;
using Tandem.Web.Api;
using Tandem.Web.Import;

namespace Tandem.Tests.Catalog;

/// <summary>An Excel workbook goes through the same checks as a CSV file: numbers typed as numbers still read right.</summary>
public sealed class SpreadsheetImportTests
{
    private static readonly StoreResult Store = new(Guid.NewGuid(), Guid.NewGuid(), "湖滨店", "杭州", new LocationJson(30.27, 120.15), true, null);

    private static MemoryStream Workbook(params object[][] rows)
    {
        var stream = new MemoryStream();
        var sheet = rows.Select(r => r.Select((v, i) => (Key: ((char)('A' + i)).ToString(), Value: v)).ToDictionary(c => c.Key, c => c.Value)).ToList();
        stream.SaveAs(sheet, printHeader: false, excelType: ExcelType.XLSX);
        stream.Position = 0;
        return stream;
    }

    [Fact]
    public void A_workbook_with_numeric_cells_reads_as_the_same_rows_a_CSV_would()
    {
        using var xlsx = Workbook(
            ["gtin", "name", "price", "湖滨店"],
            [6901234567892d, "龙井茶 250g", 88d, 20d],
            ["06920202888883", "纯牛奶 1L", "12.99", 48d]);

        var check = CatalogueImport.Check(Spreadsheet.Read(xlsx).ToList(), [Store], new UiText());

        check.Problems.ShouldBeEmpty();
        check.Rows.Count.ShouldBe(2);
        check.Rows[0].Gtin14.ShouldBe("06901234567892");
        check.Rows[0].PriceFen.ShouldBe(8800);
        check.Rows[0].Stock[Store.StoreId].ShouldBe(20);
        check.Rows[1].PriceFen.ShouldBe(1299);
        check.Rows[1].Line.ShouldBe(3);
    }

    [Fact]
    public void Bad_rows_in_a_workbook_are_reported_by_row_and_nothing_is_kept()
    {
        using var xlsx = Workbook(
            ["gtin", "name", "price", "湖滨店"],
            [6901234567892d, "龙井茶 250g", 88d, 20d],
            [6901234567891d, "错误条码", 5d, 1d],
            [6920202888883d, "", -3d, 1d]);

        var check = CatalogueImport.Check(Spreadsheet.Read(xlsx).ToList(), [Store], new UiText());

        check.Ok.ShouldBeFalse();
        check.Rows.ShouldBeEmpty();
        check.Problems.Select(p => p.Line).ShouldBe([3, 4]);
    }
}
