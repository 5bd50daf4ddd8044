using Sharptune.Internal;
using Sharptune.Importance;

namespace Sharptune.Tests.Importance;

/// <summary>
/// fANOVA and mean decrease impurity against Optuna 5 on every recorded case. The forests are grown from different
/// random streams, so values must agree within 0.05 and the ranking wherever Optuna's importances are more than 0.1
/// apart; errors must be Optuna's.
/// </summary>
public sealed class ForestParityTests
{
    public static TheoryData<string, int> FanovaCases => ImportanceCases.CasesOf("fanova");

    public static TheoryData<string, int> MdiCases => ImportanceCases.CasesOf("mdi");

    [Theory]
    [MemberData(nameof(FanovaCases))]
    public void FanovaMatchesOptuna(string studyName, int index) => Check(studyName, index);

    [Theory]
    [MemberData(nameof(MdiCases))]
    public void MeanDecreaseImpurityMatchesOptuna(string studyName, int index) => Check(studyName, index);

    private static void Check(string studyName, int index)
    {
        var c = ImportanceCases.Case(studyName, index);
        var study = ImportanceCases.Study(studyName);
        string where = $"{studyName} case {index} ({c["evaluator"]}): {PyJson.Serialize(c["options"], compact: true)} params={PyJson.Serialize(c["params"], compact: true)} target={c["target"]} normalize={c["normalize"]}";
        var evaluator = ImportanceCases.Evaluator(c);
        var parameters = ImportanceCases.Params(c["params"]);
        var target = ImportanceCases.Target(c["target"]);
        bool normalize = (bool)c["normalize"]!;
        if (c.TryGetValue("error", out object? error))
        {
            var ex = Assert.Throws<ArgumentException>(() => Sharptune.Importance.Importance.Get(study, evaluator, parameters, target, normalize));
            string optunaMessage = (string)((OrderedDictionary<string, object?>)error!)["message"]!;

            // Optuna's words name its Python keyword (`study`, target=lambda ...); Sharptune's say the same in .NET names.
            string expected = optunaMessage.StartsWith("If the `study` is being used for multi-objective", StringComparison.Ordinal)
                ? ImportanceInputs.MultiObjectiveTargetMessage
                : optunaMessage;
            Assert.Equal(expected, ex.Message.Split(" (Parameter")[0]);
            return;
        }

        var actual = Sharptune.Importance.Importance.Get(study, evaluator, parameters, target, normalize);
        ImportanceAssert.CloseWithSameClearRanking(ImportanceCases.Expected(c), actual, 0.05, 0.1, where);
    }
}
