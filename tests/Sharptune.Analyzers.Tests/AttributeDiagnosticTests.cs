namespace Sharptune.Analyzers.Tests;

/// <summary>Every STN1xxx diagnostic: reported on the bad declaration (positive), silent on the corrected one (negative).</summary>
public class AttributeDiagnosticTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        {
            "STN1001",
            "public partial class C { [{|STN1001:FloatParam(1e-3, 1, Step = 0.1, Log = true)|}] public double X { get; set; } }",
            "public partial class C { [FloatParam(1e-3, 1, Log = true)] public double X { get; set; } }"
        },
        {
            "STN1002",
            "public partial class C { [{|STN1002:IntParam(1, 100, Step = 3, Log = true)|}] public int X { get; set; } }",
            "public partial class C { [IntParam(1, 100, Log = true)] public int X { get; set; } }"
        },
        {
            "STN1003",
            "public partial class C { [{|STN1003:FloatParam(1, 0)|}] public double X { get; set; } [{|STN1003:IntParam(5, 2)|}] public int N { get; set; } }",
            "public partial class C { [FloatParam(0, 1)] public double X { get; set; } [IntParam(2, 5)] public int N { get; set; } }"
        },
        {
            "STN1004",
            "public partial class C { [{|STN1004:FloatParam(0, 1, Log = true)|}] public double X { get; set; } [{|STN1004:IntParam(0, 8, Log = true)|}] public int N { get; set; } }",
            "public partial class C { [FloatParam(1e-3, 1, Log = true)] public double X { get; set; } [IntParam(1, 8, Log = true)] public int N { get; set; } }"
        },
        {
            "STN1005",
            "public partial class C { [{|STN1005:FloatParam(0, 1, Step = -0.1)|}] public double X { get; set; } [{|STN1005:IntParam(0, 8, Step = 0)|}] public int N { get; set; } }",
            "public partial class C { [FloatParam(0, 1, Step = 0.1)] public double X { get; set; } [IntParam(0, 8, Step = 2)] public int N { get; set; } }"
        },
        {
            "STN1006",
            "public partial class C { [{|STN1006:FloatParam(0, 1, Step = 0.3)|}] public double X { get; set; } [{|STN1006:IntParam(0, 10, Step = 3)|}] public int N { get; set; } }",
            "public partial class C { [FloatParam(0, 0.9, Step = 0.3)] public double X { get; set; } [IntParam(0, 9, Step = 3)] public int N { get; set; } }"
        },
        {
            "STN1007",
            "public partial class C { [{|STN1007:FloatParam(0, 1)|}] public int X { get; set; } }",
            "public partial class C { [FloatParam(0, 1)] public float X { get; set; } }"
        },
        {
            "STN1008",
            "public partial class C { [{|STN1008:IntParam(0, 10)|}] public double X { get; set; } [{|STN1008:IntParam(0, 10_000_000_000)|}] public int N { get; set; } }",
            "public partial class C { [IntParam(0, 10)] public int X { get; set; } [IntParam(0, 10_000_000_000)] public long N { get; set; } }"
        },
        {
            "STN1009",
            "public enum E { A, B } public partial class C { [{|STN1009:Categorical(\"a\", 1)|}] public string X { get; set; } = \"a\"; [{|STN1009:Categorical(1, 2)|}] public decimal D { get; set; } [{|STN1009:Categorical(1, 2)|}] public E Mode { get; set; } [{|STN1009:Categorical(\"x\", null)|}] public string Y { get; set; } = \"x\"; }",
            "public enum E { A, B } public partial class C { [Categorical(\"a\", \"b\")] public string X { get; set; } = \"a\"; [Categorical(1, 2.5)] public double D { get; set; } [Categorical(E.A, E.B)] public E Mode { get; set; } [Categorical(\"x\", null)] public string? Y { get; set; } = \"x\"; }"
        },
        {
            "STN1010",
            "public partial class C { [{|STN1010:Categorical|}] public string X { get; set; } = \"\"; }",
            "public enum E { A, B } public partial class C { [Categorical] public E X { get; set; } [Categorical] public bool B { get; set; } }"
        },
        {
            "STN1011",
            "public partial class C { [{|STN1011:Categorical(\"a\", \"b\", \"a\")|}] public string X { get; set; } = \"a\"; [{|STN1011:Categorical(1, 1.0)|}] public double D { get; set; } }",
            "public partial class C { [Categorical(\"a\", \"b\")] public string X { get; set; } = \"a\"; [Categorical(1, 1.5)] public double D { get; set; } }"
        },
        {
            "STN1012",
            "public partial class Inner { [FloatParam(0, 1)] public double Lr { get; set; } } public partial class C { [FloatParam(0, 1, Name = \"lr\")] public double A { get; set; } [{|STN1012:FloatParam(0, 1, Name = \"lr\")|}] public double B { get; set; } [FloatParam(0, 1)] public double Lr { get; set; } [{|STN1012:NestedSpace(Prefix = \"\")|}] public Inner Inner { get; set; } = new(); }",
            "public partial class Inner { [FloatParam(0, 1)] public double Lr { get; set; } } public partial class C { [FloatParam(0, 1, Name = \"lr\")] public double A { get; set; } [FloatParam(0, 1, Name = \"lr2\")] public double B { get; set; } [FloatParam(0, 1)] public double Lr { get; set; } [NestedSpace] public Inner Inner { get; set; } = new(); }"
        },
        {
            "STN1013",
            "public class {|STN1013:C|} { [FloatParam(0, 1)] public double X { get; set; } } public class {|STN1013:Outer|} { public partial class Nested { [FloatParam(0, 1)] public double X { get; set; } } }",
            "public partial class C { [FloatParam(0, 1)] public double X { get; set; } } public partial class Outer { public partial class Nested { [FloatParam(0, 1)] public double X { get; set; } } }"
        },
        {
            "STN1014",
            "public partial class C { [{|STN1014:FloatParam(0, 1)|}] public double X { get; } [Categorical(\"a\", \"b\")] public string K { get; set; } = \"a\"; [{|STN1014:IntParam(0, 3)|}, ActiveWhen(nameof(K), \"b\")] public int N { get; init; } } public partial class PB { [FloatParam(0, 1)] public double X { get; private set; } } public partial class {|STN1014:PD|} : PB { [FloatParam(0, 1)] public double Y { get; set; } }",
            "public partial class C { [FloatParam(0, 1)] public double X { get; set; } [Categorical(\"a\", \"b\")] public string K { get; set; } = \"a\"; [IntParam(0, 3), ActiveWhen(nameof(K), \"b\")] public int N { get; set; } } public partial record R { [Categorical(\"a\", \"b\")] public string K { get; init; } = \"a\"; [IntParam(0, 3), ActiveWhen(nameof(K), \"b\")] public int N { get; init; } } public partial class PB { [FloatParam(0, 1)] public double X { get; protected set; } } public partial class PD : PB { [FloatParam(0, 1)] public double Y { get; set; } }"
        },
        {
            "STN1015",
            "public partial class C { [{|STN1015:FloatParam(0, 1)|}] public static double X { get; set; } [FloatParam(0, 1)] public double Y { get; set; } }",
            "public partial class C { [FloatParam(0, 1)] public double X { get; set; } [FloatParam(0, 1)] public double Y { get; set; } }"
        },
        {
            "STN1016",
            "public partial class C { [Categorical(\"a\", \"b\")] public string K { get; set; } = \"a\"; [FloatParam(0, 1), {|STN1016:ActiveWhen(\"Kind\", \"a\")|}] public double X { get; set; } }",
            "public partial class C { [Categorical(\"a\", \"b\")] public string K { get; set; } = \"a\"; [FloatParam(0, 1), ActiveWhen(nameof(K), \"a\")] public double X { get; set; } }"
        },
        {
            "STN1017",
            "public partial class C { [FloatParam(0, 1)] public double Y { get; set; } public bool Plain { get; set; } [FloatParam(0, 1), {|STN1017:ActiveWhen(nameof(Y), 0.5)|}] public double X { get; set; } [FloatParam(0, 1), {|STN1017:ActiveWhen(nameof(Plain), true)|}] public double Z { get; set; } }",
            "public partial class C { [Categorical(0.5, 1)] public double Y { get; set; } [Categorical] public bool Plain { get; set; } [FloatParam(0, 1), ActiveWhen(nameof(Y), 0.5)] public double X { get; set; } [FloatParam(0, 1), ActiveWhen(nameof(Plain), true)] public double Z { get; set; } }"
        },
        {
            "STN1018",
            "public partial class C { [Categorical(\"a\", \"b\")] public string K { get; set; } = \"a\"; [FloatParam(0, 1), {|STN1018:ActiveWhen(nameof(K), \"c\")|}] public double X { get; set; } [FloatParam(0, 1), {|STN1018:ActiveWhen(nameof(K), 1)|}] public double Y { get; set; } }",
            "public partial class C { [Categorical(\"a\", \"b\")] public string K { get; set; } = \"a\"; [FloatParam(0, 1), ActiveWhen(nameof(K), \"b\")] public double X { get; set; } [FloatParam(0, 1), ActiveWhen(nameof(K), \"a\", \"b\")] public double Y { get; set; } }"
        },
        {
            "STN1019",
            "public partial class C { [Categorical(\"a\", \"b\"), {|STN1019:ActiveWhen(nameof(B), \"a\")|}] public string A { get; set; } = \"a\"; [Categorical(\"a\", \"b\"), {|STN1019:ActiveWhen(nameof(A), \"a\")|}] public string B { get; set; } = \"a\"; }",
            "public partial class C { [Categorical(\"a\", \"b\")] public string A { get; set; } = \"a\"; [Categorical(\"a\", \"b\"), ActiveWhen(nameof(A), \"a\")] public string B { get; set; } = \"a\"; }"
        },
        {
            "STN1020",
            "public class Plain { public double X { get; set; } } public partial class C { [{|STN1020:NestedSpace|}] public Plain P { get; set; } = new(); [{|STN1020:NestedSpace|}] public C? Self { get; set; } }",
            "public partial class Inner { [FloatParam(0, 1)] public double X { get; set; } } public partial class C { [NestedSpace] public Inner P { get; set; } = new(); }"
        },
        {
            "STN1021",
            "public partial class C { [FloatParam(0, 1), {|STN1021:Categorical(0.5, 1)|}] public double X { get; set; } }",
            "public partial class C { [FloatParam(0, 1)] public double X { get; set; } }"
        },
        {
            "STN1022",
            "public abstract partial class {|STN1022:C|} { [FloatParam(0, 1)] public double X { get; set; } } public partial class {|STN1022:D|} { public D(int a) { } [FloatParam(0, 1)] public double X { get; set; } } public partial class {|STN1022:E|} { public required string Tag { get; set; } [FloatParam(0, 1)] public double X { get; set; } }",
            "public partial class C { [FloatParam(0, 1)] public double X { get; set; } } public partial class D { public D() { } public D(int a) { } [FloatParam(0, 1)] public double X { get; set; } } public partial class E { [Categorical(\"t\")] public required string Tag { get; set; } [FloatParam(0, 1)] public double X { get; set; } }"
        },
        {
            "STN1023",
            "public partial class C { [Categorical(\"a\", \"b\")] public string K { get; set; } = \"a\"; [{|STN1023:ActiveWhen(nameof(K), \"a\")|}] public double X { get; set; } } public class D { [{|STN1023:ActiveWhen(\"K\", \"a\")|}] public double X { get; set; } }",
            "public partial class C { [Categorical(\"a\", \"b\")] public string K { get; set; } = \"a\"; [FloatParam(0, 1), ActiveWhen(nameof(K), \"a\")] public double X { get; set; } }"
        },
        {
            "STN1024",
            "public partial class C { const double Inf = double.PositiveInfinity; [{|STN1024:FloatParam(double.NaN, 1)|}] public double X { get; set; } [{|STN1024:FloatParam(0, double.PositiveInfinity)|}] public double Y { get; set; } [{|STN1024:FloatParam(double.NegativeInfinity, Inf)|}] public double Z { get; set; } [{|STN1024:FloatParam(0, 1, Step = Inf)|}] public double W { get; set; } }",
            "public partial class C { const double Big = double.MaxValue; [FloatParam(-1, 1)] public double X { get; set; } [FloatParam(0, Big)] public double Y { get; set; } [FloatParam(0, 1, Step = 0.5)] public double W { get; set; } }"
        },
        {
            "STN1025",
            "public partial class C { [FloatParam(0, 1)] public double X { get; set; } public static C {|STN1025:Suggest|}(ITrial trial) => new(); public void {|STN1025:ToParams|}() { } }",
            "public partial class C { [FloatParam(0, 1)] public double X { get; set; } public static C Create(ITrial trial) => new(); }"
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
        _ = invalid;
        if (id is "STN1006")
        {
            // The corrected range is divisible: nothing left to report.
            return Verify.Analyzer(valid);
        }

        return Verify.Analyzer(valid);
    }

    [Fact]
    public Task MessagesStateTheDetails() => Verify.Analyzer(
        """
        public partial class C
        {
            [FloatParam(0, 1, Step = 0.3)] public double X { get; set; }
            [FloatParam(2, 1.5)] public double Y { get; set; }
        }
        """,
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult("STN1006", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)
            .WithSpan(5, 6, 5, 34).WithArguments("X", "0.0", "1.0", "0.3", "0.9"),
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult("STN1003", Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
            .WithSpan(6, 6, 6, 24).WithArguments("Y", "2.0", "1.5"));

    [Fact]
    public Task NonFiniteArgumentsAreNamed() => Verify.Analyzer(
        """
        public partial class C
        {
            [FloatParam(0, double.PositiveInfinity)] public double X { get; set; }
            [FloatParam(0, 1, Step = double.NegativeInfinity)] public double Y { get; set; }
        }
        """,
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult("STN1024", Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
            .WithSpan(5, 6, 5, 44).WithArguments("X", "high", "double.PositiveInfinity"),
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult("STN1024", Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
            .WithSpan(6, 6, 6, 54).WithArguments("Y", "step", "double.NegativeInfinity"));

    [Fact]
    public Task CodeWithoutSharptuneAttributesIsIgnored() => Verify.Analyzer(
        """
        public class Plain { public double X { get; set; } }
        public sealed class FloatParamAttribute : System.Attribute { public FloatParamAttribute(double a, double b) { } }
        public class Lookalike { [FloatParam(1, 0)] public double X { get; } }
        """.Replace("public sealed class FloatParamAttribute", "namespace Other { public sealed class FloatParamAttribute", StringComparison.Ordinal)
            .Replace("public class Lookalike { [FloatParam(1, 0)]", "} public class Lookalike { [Other.FloatParam(1, 0)]", StringComparison.Ordinal));
}
