using System.Text;
using CsCheck;
using Tandem.Traceability.Epcis;

namespace Tandem.Tests.Conformance;

/// <summary>
/// The schema's remembered answers are a cache in front of a pure check: whatever the keys, their collisions and the
/// order they come in, an answer is always the check's own answer for that exact key.
/// </summary>
public sealed class RememberedAnswersTests
{
    // Few slots, short keys from a small alphabet: collisions and overwrites on almost every call.
    private static readonly Gen<string> Keys = Gen.String[Gen.Char["ab€é\\\"/:"], 0, 6];

    private static bool Check(string key) => (key.Length + key.Count(c => c == 'a')) % 3 == 0;

    [Fact]
    public void A_remembered_answer_is_always_the_checks_answer_for_that_key() =>
        Gen.Select(Gen.Int[0, 4].Select(p => 1 << p), Keys.Array[1, 200]).Sample((slots, keys) =>
        {
            var answers = new RememberedAnswers(slots);
            foreach (var key in keys)
            {
                answers.Get(key, key, Check).ShouldBe(Check(key), key);
                answers.Get(Encoding.UTF8.GetBytes(key), key, Check).ShouldBe(Check(key), key);
            }
        });

    [Fact]
    public void Answers_under_concurrency_are_the_checks_answers() =>
        Keys.Array[50, 300].Sample(keys =>
        {
            var answers = new RememberedAnswers(4);
            Parallel.For(0, keys.Length * 4, i =>
            {
                var key = keys[i % keys.Length];
                var answer = i % 2 == 0 ? answers.Get(key, key, Check) : answers.Get(Encoding.UTF8.GetBytes(key), key, Check);
                if (answer != Check(key))
                {
                    throw new InvalidOperationException($"wrong answer for {key}");
                }
            });
        }, iter: 20);

    [Fact]
    public void Keys_longer_than_the_limit_are_checked_every_time()
    {
        var calls = 0;
        var answers = new RememberedAnswers(8);
        var key = new string('a', RememberedAnswers.MaxKeyLength + 1);
        for (var i = 0; i < 3; i++)
        {
            answers.Get(key, key, k => { calls++; return Check(k); });
        }

        calls.ShouldBe(3);
        answers.Get("short", "short", Check);
        answers.Get("short", "short", _ => throw new InvalidOperationException("a short key is remembered"));
    }
}
