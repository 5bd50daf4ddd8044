namespace Sharptune.Analyzers.Tests;

/// <summary>Every STN2xxx diagnostic on define-by-run suggest calls: positive and negative.</summary>
public class CallDiagnosticTests
{
    private static string Method(string body) => "public static class Objective { public static double Run(ITrial t) { " + body + " return 0; } }";

    public static TheoryData<string, string, string> Cases => new()
    {
        {
            "STN2001",
            Method("{|STN2001:t.SuggestFloat(\"x\", 1e-3, 1, step: 0.1, log: true)|}; {|STN2001:t.SuggestFloat(\"y\", 1e-3, 1, 0.1, true)|};"),
            Method("t.SuggestFloat(\"x\", 1e-3, 1, log: true); t.SuggestFloat(\"y\", 0.1, 1, 0.1, false); t.SuggestFloat(\"z\", 1e-3, 1, null, true);")
        },
        {
            "STN2002",
            Method("{|STN2002:t.SuggestInt(\"n\", 1, 100, step: 3, log: true)|}; {|STN2002:t.SuggestLong(\"m\", 1, 100, 3, true)|};"),
            Method("t.SuggestInt(\"n\", 1, 100, log: true); t.SuggestLong(\"m\", 1, 100, 3);")
        },
        {
            "STN2003",
            Method("{|STN2003:t.SuggestFloat(\"x\", 1, 0)|}; {|STN2003:t.SuggestInt(\"n\", high: 1, low: 5)|};"),
            Method("t.SuggestFloat(\"x\", 0, 1); t.SuggestInt(\"n\", high: 5, low: 1);")
        },
        {
            "STN2004",
            Method("{|STN2004:t.SuggestFloat(\"x\", 0, 1, log: true)|}; {|STN2004:t.SuggestInt(\"n\", 0, 10, log: true)|};"),
            Method("t.SuggestFloat(\"x\", 1e-5, 1, log: true); t.SuggestInt(\"n\", 1, 10, log: true);")
        },
        {
            "STN2005",
            Method("{|STN2005:t.SuggestFloat(\"x\", 0, 1, step: 0)|}; {|STN2005:t.SuggestInt(\"n\", 0, 10, -2)|};"),
            Method("t.SuggestFloat(\"x\", 0, 1, step: 0.5); t.SuggestInt(\"n\", 0, 10, 2);")
        },
        {
            "STN2006",
            Method("{|STN2006:t.SuggestFloat(\"x\", 0, 1, step: 0.3)|}; {|STN2006:t.SuggestInt(\"n\", 0, 10, 3)|};"),
            Method("t.SuggestFloat(\"x\", 0, 0.9, step: 0.3); t.SuggestInt(\"n\", 0, 9, 3);")
        },
        {
            "STN2007",
            Method("t.SuggestFloat(\"x\", 0, 1); {|STN2007:t.SuggestInt(\"x\", 0, 1)|}; t.SuggestFloat(\"lr\", 1e-3, 1, log: true); {|STN2007:t.SuggestFloat(\"lr\", 1e-3, 1)|}; t.SuggestCategorical(\"c\", new[] { \"a\", \"b\" }); {|STN2007:t.SuggestCategorical(\"c\", new[] { \"a\", \"z\" })|};"),
            Method("t.SuggestFloat(\"x\", 0, 1); t.SuggestFloat(\"x\", 0, 2); t.SuggestInt(\"n\", 0, 1); t.SuggestLong(\"n\", 0, 5); t.SuggestCategorical(\"c\", new[] { \"a\", \"b\" }); t.SuggestCategorical(\"c\", new[] { \"a\", \"b\" });")
        },
        {
            "STN2008",
            Method("{|STN2008:t.SuggestCategorical(\"a\", new string[0])|}; {|STN2008:t.SuggestCategorical(\"b\", System.Array.Empty<int>())|}; {|STN2008:t.SuggestCategorical(\"c\", new bool[] { })|}; {|STN2008:t.SuggestCategorical<string>(\"d\", [])|};"),
            Method("t.SuggestCategorical(\"a\", new string[1]); t.SuggestCategorical(\"b\", new[] { 1 }); t.SuggestCategorical<string>(\"d\", [\"x\"]);")
        },
        {
            "STN2009",
            Method("{|STN2009:t.SuggestFloat(\"x\", 0, double.PositiveInfinity)|}; {|STN2009:t.SuggestFloat(\"y\", double.NegativeInfinity, double.PositiveInfinity)|}; {|STN2009:t.SuggestFloat(\"z\", 0, 1, step: double.PositiveInfinity)|}; {|STN2009:t.SuggestFloat(\"w\", double.NaN, 1)|}; {|STN2009:t.SuggestFloat(\"v\", 0, 1, 1.0 / 0)|};"),
            Method("t.SuggestFloat(\"x\", 0, double.MaxValue); t.SuggestFloat(\"y\", -1e300, 1e300); t.SuggestFloat(\"z\", 0, 1, step: 0.5);")
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task ReportsTheMistake(string id, string invalid, string valid)
    {
        _ = valid;
        Assert.Contains(id, invalid, StringComparison.Ordinal);
        return Verify.Analyzer(invalid);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AcceptsTheCorrection(string id, string invalid, string valid)
    {
        _ = (id, invalid);
        return Verify.Analyzer(valid);
    }

    [Fact]
    public Task ConcreteTrialTypesAndNonConstantArgumentsAreHandled() => Verify.Analyzer(
        """
        public static class Objective
        {
            public static double Run(Trial t, FixedTrial f, double high, bool log)
            {
                {|STN2003:t.SuggestFloat("a", 2, 1)|};
                {|STN2004:f.SuggestInt("b", 0, 3, log: true)|};
                t.SuggestFloat("c", 0, high, step: 0.3);
                t.SuggestFloat("d", 0.1, 1, step: 0.1, log: log);
                return 0;
            }
        }
        """);

    [Fact]
    public Task ConsistencyIsCheckedPerMethod() => Verify.Analyzer(
        """
        public static class Objectives
        {
            public static double A(ITrial t) => t.SuggestFloat("x", 0, 1);
            public static double B(ITrial t) => t.SuggestInt("x", 0, 1);
        }
        """);

    [Fact]
    public Task ExclusiveBranchesAreNotIncompatible() => Verify.Analyzer(
        """
        public static class Objective
        {
            public static double Run(ITrial t, bool flag, int mode)
            {
                double a;
                if (flag) { a = t.SuggestFloat("x", 0, 1); }
                else if (mode > 1) { a = t.SuggestInt("x", 0, 3); }
                else { a = t.SuggestFloat("x", 1e-3, 1, log: true); }

                double b = flag ? t.SuggestFloat("y", 0, 1) : t.SuggestInt("y", 0, 1);
                switch (mode)
                {
                    case 0: b += t.SuggestFloat("z", 0, 1); break;
                    default: b += t.SuggestInt("z", 0, 1); break;
                }

                b += mode switch { 0 => t.SuggestFloat("w", 0, 1), _ => t.SuggestInt("w", 0, 1) };
                if (flag) { b += t.SuggestFloat("v", 0, 1); }
                b += {|STN2007:t.SuggestInt("v", 0, 1)|};
                return a + b;
            }
        }
        """);

    [Fact]
    public Task MessagesStateTheDetails() => Verify.Analyzer(
        Method("t.SuggestInt(\"n\", 0, 10, 3); t.SuggestFloat(\"x\", 0, 1); t.SuggestInt(\"x\", 0, 1);"),
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult("STN2006", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)
            .WithSpan(3, 70, 3, 97).WithArguments("n", "0", "10", "3", "9"),
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult("STN2007", Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
            .WithSpan(3, 126, 3, 149).WithArguments("x", "Cannot set different distribution kind to the same parameter name."));

    [Fact]
    public Task InfiniteArgumentsAreNamed() => Verify.Analyzer(
        Method("t.SuggestFloat(\"x\", 0, double.PositiveInfinity); t.SuggestFloat(\"y\", 0, 1, double.NegativeInfinity);"),
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult("STN2009", Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
            .WithSpan(3, 70, 3, 117).WithArguments("x", "high", "double.PositiveInfinity"),
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult("STN2009", Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
            .WithSpan(3, 119, 3, 169).WithArguments("y", "step", "double.NegativeInfinity"));
}
