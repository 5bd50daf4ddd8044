using Sharptune.Internal;
using Sharptune.Importance;

namespace Sharptune.Tests.Importance;

/// <summary>PED-ANOVA against Optuna 5 on every recorded case: the same values (within 1e-6) in the same order.</summary>
public sealed class PedAnovaParityTests
{
    public static TheoryData<string, int> Cases => ImportanceCases.CasesOf("ped");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOptuna(string studyName, int index)
    {
        var c = ImportanceCases.Case(studyName, index);
        var study = ImportanceCases.Study(studyName);
        string where = $"{studyName} case {index}: {PyJson.Serialize(c["options"], compact: true)} params={PyJson.Serialize(c["params"], compact: true)} target={c["target"]}";
        var evaluator = ImportanceCases.Evaluator(c);
        var parameters = ImportanceCases.Params(c["params"]);
        var target = ImportanceCases.Target(c["target"]);
        bool normalize = (bool)c["normalize"]!;
        if (c.TryGetValue("error", out object? error))
        {
            var ex = Assert.Throws<ArgumentException>(() => Sharptune.Importance.Importance.Get(study, evaluator, parameters, target, normalize));
            Assert.Equal((string)((OrderedDictionary<string, object?>)error!)["message"]!, ex.Message.Split(" (Parameter")[0]);
            return;
        }

        var actual = Sharptune.Importance.Importance.Get(study, evaluator, parameters, target, normalize);
        ImportanceAssert.SameOrderAndValues(ImportanceCases.Expected(c), actual, 1e-6, where);
    }
}
