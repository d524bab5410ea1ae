using CsCheck;
using Tandem.Kernel;
using Tandem.Traceability.DigitalLink;
using Tandem.Traceability.Epcis;

namespace Tandem.Tests.Traceability;

public sealed class DigitalLinkTests
{
    private const string Cset82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

    private static readonly Gen<string> Value = Gen.Char[Cset82].Array[1, 20].Select(c => new string(c));

    private static readonly Gen<Gtin> Gtins = Gen.Long[0, 9_999_999_999_999L].Select(n =>
    {
        var body = n.ToString("0000000000000", System.Globalization.CultureInfo.InvariantCulture);
        Gtin.TryParse(body + Gtin.CheckDigit(body), out var gtin).ShouldBeTrue();
        return gtin!.Value;
    });

    [Fact]
    public void Any_lot_and_serial_round_trip_through_a_generated_link()
    {
        Gen.Select(Gtins, Value, Value, Gen.Bool).Sample((gtin, lot, serial, withSerial) =>
        {
            var link = withSerial ? DigitalLinkUri.ForItem(gtin, lot, serial) : DigitalLinkUri.ForLot(gtin, lot);
            var uri = link.ToUri("https://tandem.example");
            DigitalLinkUri.TryParse(uri, out var parsed, out var error).ShouldBeTrue(error);
            parsed.Gtin.ShouldBe(gtin.Value);
            parsed.Lot.ShouldBe(lot);
            parsed.Serial.ShouldBe(withSerial ? serial : null);
            parsed.Path.ShouldBe(link.Path);
        });
    }

    [Fact]
    public void Generated_links_contain_only_unreserved_characters_and_percent_escapes()
    {
        Gen.Select(Gtins, Value).Sample((gtin, lot) =>
        {
            var path = DigitalLinkUri.ForLot(gtin, lot).Path;
            path.All(c => char.IsAsciiLetterOrDigit(c) || "-._~/%".Contains(c)).ShouldBeTrue(path);
        });
    }

    [Fact]
    public void An_EPC_URN_and_a_Digital_Link_on_any_host_are_one_key()
    {
        var urn = EpcKeys.Normalise("urn:epc:id:sgtin:0614141.107346.2017");
        urn.ShouldBe("https://id.gs1.org/01/10614141073464/21/2017");
        EpcKeys.Normalise("https://example.com/01/10614141073464/21/2017").ShouldBe(urn);
        EpcKeys.Normalise("https://tandem.example/some/prefix/01/10614141073464/21/2017?linkType=all").ShouldBe(urn);
        EpcKeys.Normalise("https://id.gs1.org/01/10614141073464/10/LOT9/21/2017").ShouldBe(urn);
        EpcKeys.Normalise("urn:epc:class:lgtin:4012345.012345.998877").ShouldBe("https://id.gs1.org/01/04012345123456/10/998877");
        EpcKeys.Normalise("urn:epc:id:sscc:0614141.1234567890").ShouldBe(EpcKeys.Normalise("https://id.gs1.org/00/106141412345678908"));
        EpcKeys.Normalise("urn:epc:id:sgln:0614141.07346.1234").ShouldBe("https://id.gs1.org/414/0614141073467/254/1234");
        EpcKeys.Normalise("urn:epc:id:sgln:0012345.11111.0").ShouldBe("https://id.gs1.org/414/0012345111112");
    }

    [Fact]
    public void EPC_URN_serials_are_unescaped_before_they_become_keys()
    {
        EpcKeys.Normalise("urn:epc:id:sgtin:0614141.107346.A%2FB").ShouldBe("https://id.gs1.org/01/10614141073464/21/A%2FB");
        EpcKeys.Normalise("https://id.gs1.org/01/10614141073464/21/A%2fB").ShouldBe("https://id.gs1.org/01/10614141073464/21/A%2FB");
    }

    [Theory]
    [InlineData("https://id.gs1.org/01/00614141073468/10/ABC", "check digit")]
    [InlineData("https://id.gs1.org/01/0061414107349/10/ABC", "check digit")]
    [InlineData("https://id.gs1.org/01/10614141073464/21/S/10/L", "order")]
    [InlineData("https://id.gs1.org/01/10614141073464/10/L/10/M", "order")]
    [InlineData("https://id.gs1.org/01/10614141073464/10/ABCDEFGHIJKLMNOPQRSTU", "1 to 20")]
    [InlineData("https://id.gs1.org/01/10614141073464/10/%E4%B8%AD", "1 to 20")]
    [InlineData("https://id.gs1.org/01/10614141073464/10/%ZZ", "percent")]
    [InlineData("https://id.gs1.org/01/10614141073464/99/X", "qualifier")]
    [InlineData("https://id.gs1.org/01/10614141073464/10", "needs a value")]
    [InlineData("https://id.gs1.org/00/106141412345678907", "SSCC")]
    [InlineData("https://example.com/po/12345", "primary key")]
    public void Bad_links_are_refused_with_a_reason(string link, string reason)
    {
        DigitalLinkUri.TryParse(link, out var parsed, out var error).ShouldBeFalse();
        parsed.ShouldBeNull();
        error.ShouldContain(reason, Case.Insensitive);
    }

    [Fact]
    public void Short_GTINs_are_padded_to_fourteen_digits()
    {
        DigitalLinkUri.TryParse("https://id.gs1.org/01/9521141012345/10/A1", out var link).ShouldBeTrue();
        link.Gtin.ShouldBe("09521141012345");
    }

    [Fact]
    public void Parsing_arbitrary_text_never_throws()
    {
        Gen.String.Sample(s =>
        {
            _ = DigitalLinkUri.TryParse("https://id.gs1.org/01/10614141073464/10/" + s, out _, out _);
            _ = DigitalLinkUri.TryParse(s, out _, out _);
            EpcKeys.Normalise(s).ShouldNotBeNull();
        });
    }
}
