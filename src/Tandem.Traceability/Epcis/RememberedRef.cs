using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Json.Schema;
using Json.Schema.Keywords;

namespace Tandem.Traceability.Epcis;

/// <summary>
/// The library's <c>$ref</c>, remembering per reference whether a short value passed the schema it points to. In
/// draft-07 a reference's target is fixed (no dynamic scope), the yes/no pass keeps no annotations and its format
/// checks are pure, so the answer depends on the value's text alone. EPCIS events repeat the same small values in
/// every event (<c>bizStep</c>, <c>disposition</c>, <c>bizLocation</c>, <c>readPoint</c>, time zone, quantity
/// elements of one lot), and each went again through the definitions' <c>anyOf</c>/<c>pattern</c>/<c>format</c>
/// checks. Values are compared byte for byte, never by hash alone. Used only by the yes/no pass, like
/// <see cref="RememberedPropertyNames"/>.
/// </summary>
internal sealed class RememberedRef : RefKeyword
{
    private const int ValuesPerReference = 512;

    private readonly ConditionalWeakTable<KeywordData, RememberedAnswers> _answers = new();

    /// <summary>How many values were evaluated rather than remembered (for tests).</summary>
    public long Evaluated => Interlocked.Read(ref _evaluated);

    private long _evaluated;

    public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
    {
        var instance = context.Instance;
        if (instance.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.String))
        {
            return base.Evaluate(keyword, context);
        }

        var raw = JsonMarshal.GetRawUtf8Value(instance);
        if (raw.Length > RememberedAnswers.MaxKeyLength)
        {
            return base.Evaluate(keyword, context);
        }

        var answers = _answers.GetValue(keyword, _ => new RememberedAnswers(ValuesPerReference));
        var valid = answers.Get(raw, (Keyword: keyword, Context: context, Self: this), state =>
        {
            Interlocked.Increment(ref state.Self._evaluated);
            return state.Self.EvaluateUnremembered(state.Keyword, state.Context).IsValid;
        });
        return new KeywordEvaluation { Keyword = Name, IsValid = valid, Details = [] };
    }

    private KeywordEvaluation EvaluateUnremembered(KeywordData keyword, EvaluationContext context) => base.Evaluate(keyword, context);
}
