using CsCheck;
using Tandem.Kernel;

namespace Tandem.Tests.Catalog;

/// <summary>GS1 check digits, without a database.</summary>
public sealed class GtinPropertyTests
{
    private static readonly Gen<string> Bodies =
        Gen.OneOf(7, 11, 12, 13).SelectMany(length => Gen.Char['0', '9'].Array[length].Select(c => new string(c)));

    [Fact]
    public void A_computed_check_digit_parses_to_the_same_14_digits_at_any_length() =>
        Bodies.Sample(body =>
        {
            var gtin = body + Gtin.CheckDigit(body);
            Gtin.TryParse(gtin, out var parsed).ShouldBeTrue();
            parsed!.Value.Value.ShouldBe(gtin.PadLeft(14, '0'));
            Gtin.TryParse(parsed.Value.Value, out var again).ShouldBeTrue();
            again.ShouldBe(parsed);
        });

    [Fact]
    public void Any_single_digit_change_is_rejected() =>
        Gen.Select(Bodies, Gen.Int[0, 13], Gen.Int[1, 9]).Sample((body, position, shift) =>
        {
            var gtin = (body + Gtin.CheckDigit(body)).ToCharArray();
            var i = position % gtin.Length;
            gtin[i] = (char)('0' + (gtin[i] - '0' + shift) % 10);
            Gtin.TryParse(new string(gtin), out _).ShouldBeFalse();
        });

    [Theory]
    [InlineData("6901234567892", "06901234567892")]
    [InlineData("96385074", "00000096385074")]
    [InlineData("036000291452", "00036000291452")]
    public void Known_codes_parse(string code, string stored)
    {
        Gtin.TryParse(code, out var parsed).ShouldBeTrue();
        parsed!.Value.Value.ShouldBe(stored);
    }
}
