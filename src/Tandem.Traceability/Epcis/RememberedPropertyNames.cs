using System.Runtime.CompilerServices;
using System.Text.Json;
using Json.More;
using Json.Schema;
using Json.Schema.Keywords;

namespace Tandem.Traceability.Epcis;

/// <summary>
/// The library's <c>propertyNames</c>, remembering per subschema whether a member name passed. The subschema is applied
/// to the name alone (a string), so the answer cannot depend on anything else: draft-07 has no dynamic references and the
/// format checks are pure. EPCIS puts a <c>propertyNames</c> on every event and most objects in it (an extension must be
/// a known term or a URI), and the events of a document repeat the same few dozen names; evaluating each again, through
/// an <c>anyOf</c> whose failing <c>enum</c> branch formats an error message, was a third of the evaluation time.
/// Used only for the yes/no pass; a failing document is evaluated again by the unmodified schema to explain it.
/// </summary>
internal sealed class RememberedPropertyNames : PropertyNamesKeyword
{
    private const int NamesPerSubschema = 256;

    private readonly ConditionalWeakTable<JsonSchemaNode, RememberedAnswers> _answers = new();

    /// <summary>How many names were evaluated rather than remembered (for tests).</summary>
    public long Evaluated => Interlocked.Read(ref _evaluated);

    private long _evaluated;

    public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
    {
        if (context.Instance.ValueKind != JsonValueKind.Object)
        {
            return KeywordEvaluation.Ignore;
        }

        var subschema = keyword.Subschemas[0];
        var answers = _answers.GetValue(subschema, _ => new RememberedAnswers(NamesPerSubschema));
        var evaluationPath = context.EvaluationPath.Combine(Name);
        foreach (var member in context.Instance.EnumerateObject())
        {
            var valid = answers.Get(member.Name, (Member: member, Context: context), state =>
            {
                Interlocked.Increment(ref _evaluated);
                return subschema.Evaluate(state.Context with
                {
                    InstanceLocation = state.Context.InstanceLocation.Combine(state.Member.Name),
                    Instance = state.Member.Name.AsJsonElement(),
                    EvaluationPath = evaluationPath,
                }).IsValid;
            });

            if (!valid)
            {
                return new KeywordEvaluation { Keyword = Name, IsValid = false, Details = [] };
            }
        }

        return new KeywordEvaluation { Keyword = Name, IsValid = true, Details = [] };
    }
}
