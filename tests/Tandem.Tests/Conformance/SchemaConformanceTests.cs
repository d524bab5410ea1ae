using System.Text;
using System.Text.Json;
using Tandem.Traceability.Epcis;

namespace Tandem.Tests.Conformance;

/// <summary>The official schema, as Tandem evaluates it, against the GS1 and OpenEPCIS material (no HTTP).</summary>
public sealed class SchemaConformanceTests
{
    public static TheoryData<string> Gs1Examples => ConformanceFiles.Under("gs1/examples", "*.jsonld");

    public static TheoryData<string> Invalid => ConformanceFiles.Under("openepcis/Capture/Invalid", "*.json");

    public static TheoryData<string> Valid => ConformanceFiles.Under("openepcis/Capture/Documents", "*.json");

    [Theory]
    [MemberData(nameof(Gs1Examples))]
    public void Every_GS1_example_is_strict_JSON_and_valid_against_the_official_schema(string file)
    {
        var text = ConformanceFiles.Read(file);
        var strict = StrictJson.Check(Encoding.UTF8.GetBytes(text));
        if (file.EndsWith("AssociationEvent-h.jsonld", StringComparison.Ordinal))
        {
            strict.ShouldNotBeNull();
            strict.Path.ShouldBe("epcisBody.eventList[0].eventID");
            return;
        }

        strict.ShouldBeNull();
        using var doc = JsonDocument.Parse(text);
        EpcisSchema.Instance.Validate(doc.RootElement).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Every_invalid_OpenEPCIS_document_fails_the_schema_naming_a_field(string file)
    {
        using var doc = JsonDocument.Parse(ConformanceFiles.Read(file));
        var violations = EpcisSchema.Instance.Validate(doc.RootElement);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", violations));
        violations.ShouldNotBeEmpty();
        violations[0].Field.ShouldNotBe("$");
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_OpenEPCIS_documents_pass_the_schema(string file)
    {
        using var doc = JsonDocument.Parse(ConformanceFiles.Read(file));
        var violations = EpcisSchema.Instance.Validate(doc.RootElement);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", violations));
        violations.ShouldBeEmpty();
    }
}
