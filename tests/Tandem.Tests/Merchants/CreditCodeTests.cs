using CsCheck;
using Tandem.Merchants.Contracts;

namespace Tandem.Tests.Merchants;

/// <summary>GB 32100-2015 check characters, without a database.</summary>
public sealed class CreditCodeTests
{
    private static readonly Gen<char[]> Bodies = Gen.Char[CreditCode.Alphabet].Array[17];

    [Theory]
    [InlineData("91110000600037341L")]
    [InlineData("913301060568340008")]
    [InlineData("91330102073624120T")]
    [InlineData("52330106739214560T")]
    [InlineData("123301004701045672")]
    public void Real_shaped_codes_with_the_right_check_character_parse(string code)
    {
        CreditCode.TryParse(code, out var parsed).ShouldBeTrue();
        parsed!.Value.Value.ShouldBe(code);
    }

    [Fact]
    public void Input_is_trimmed_and_upper_cased()
    {
        CreditCode.TryParse("  91110000600037341l ", out var parsed).ShouldBeTrue();
        parsed!.Value.Value.ShouldBe("91110000600037341L");
    }

    [Theory]
    [InlineData("91110000600037341K")] // wrong check character
    [InlineData("91110000600037342L")] // a changed body digit
    [InlineData("91110000600037341")] // 17 characters
    [InlineData("91110000600037341LL")] // 19 characters
    [InlineData("9111000060003734IL")] // I is not in the alphabet
    [InlineData("9111000060003734OL")] // nor O
    [InlineData("91110000600037S41L")] // nor S
    [InlineData("911100006000V7341L")] // nor V
    [InlineData("91110000600037Z41L")] // nor Z
    [InlineData("9111000060003734-L")]
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_codes_are_refused(string? code) => CreditCode.TryParse(code, out _).ShouldBeFalse();

    [Fact]
    public void A_computed_check_character_always_round_trips() =>
        Bodies.Sample(body =>
        {
            var code = new string(body) + CreditCode.CheckCharacter(body);
            CreditCode.TryParse(code, out var parsed).ShouldBeTrue();
            parsed!.Value.Value.ShouldBe(code);
        });

    [Fact]
    public void Any_single_character_change_is_rejected() =>
        Gen.Select(Bodies, Gen.Int[0, 17], Gen.Int[1, CreditCode.Alphabet.Length - 1]).Sample((body, position, shift) =>
        {
            var code = (new string(body) + CreditCode.CheckCharacter(body)).ToCharArray();
            var index = CreditCode.Alphabet.IndexOf(code[position], StringComparison.Ordinal);
            code[position] = CreditCode.Alphabet[(index + shift) % CreditCode.Alphabet.Length];
            CreditCode.TryParse(new string(code), out _).ShouldBeFalse();
        });

    [Fact]
    public void Swapping_two_different_adjacent_characters_is_rejected() =>
        Gen.Select(Bodies, Gen.Int[0, 16]).Sample((body, i) =>
        {
            var code = (new string(body) + CreditCode.CheckCharacter(body)).ToCharArray();
            if (code[i] == code[i + 1])
            {
                return;
            }

            (code[i], code[i + 1]) = (code[i + 1], code[i]);
            CreditCode.TryParse(new string(code), out _).ShouldBeFalse();
        });
}
