using Microsoft.CodeAnalysis.Testing;
using Sharptune.Analyzers.CodeFixes;

namespace Sharptune.Analyzers.Tests;

/// <summary>Each code fix, on attributes and on calls, and fix-all across a document and a project.</summary>
public class CodeFixTests
{
    [Fact]
    public Task RemoveStepFromAnAttribute() => Verify.Fix<RemoveStepOrLogCodeFix>(
        "public partial class C { [{|STN1001:FloatParam(1e-3, 1, Step = 0.1, Log = true)|}] public double X { get; set; } }",
        "public partial class C { [FloatParam(1e-3, 1, Log = true)] public double X { get; set; } }",
        equivalenceKey: "Remove Step");

    [Fact]
    public Task RemoveLogFromAnAttribute() => Verify.Fix<RemoveStepOrLogCodeFix>(
        "public partial class C { [{|STN1002:IntParam(1, 100, Step = 3, Log = true)|}] public int X { get; set; } }",
        "public partial class C { [IntParam(1, 100, Step = 3)] public int X { get; set; } }",
        equivalenceKey: "Remove Log");

    [Fact]
    public Task RemoveStepFromACallNamesTheFollowingArguments() => Verify.Fix<RemoveStepOrLogCodeFix>(
        "public static class O { public static double R(ITrial t) => {|STN2001:t.SuggestFloat(\"x\", 1e-3, 1, 0.1, true)|}; }",
        "public static class O { public static double R(ITrial t) => t.SuggestFloat(\"x\", 1e-3, 1, log: true); }",
        equivalenceKey: "Remove Step");

    [Fact]
    public Task RemoveLogFromACall() => Verify.Fix<RemoveStepOrLogCodeFix>(
        "public static class O { public static int R(ITrial t) => {|STN2002:t.SuggestInt(\"n\", 1, 100, step: 3, log: true)|}; }",
        "public static class O { public static int R(ITrial t) => t.SuggestInt(\"n\", 1, 100, step: 3); }",
        equivalenceKey: "Remove Log");

    [Fact]
    public Task SwapLowAndHighInAnAttribute() => Verify.Fix<SwapLowHighCodeFix>(
        "public partial class C { [{|STN1003:FloatParam(1, -1)|}] public double X { get; set; } }",
        "public partial class C { [FloatParam(-1, 1)] public double X { get; set; } }");

    [Fact]
    public Task SwapLowAndHighInACall() => Verify.Fix<SwapLowHighCodeFix>(
        "public static class O { public static int R(ITrial t) => {|STN2003:t.SuggestInt(\"n\", high: 1, low: 9)|}; }",
        "public static class O { public static int R(ITrial t) => t.SuggestInt(\"n\", high: 9, low: 1); }");

    [Fact]
    public Task SetHighInAnAttribute() => Verify.Fix<SetHighCodeFix>(
        "public partial class C { [{|STN1006:FloatParam(0, 1, Step = 0.3)|}] public double X { get; set; } [{|STN1006:IntParam(0, 10, Step = 3)|}] public int N { get; set; } }",
        "public partial class C { [FloatParam(0, 0.9, Step = 0.3)] public double X { get; set; } [IntParam(0, 9, Step = 3)] public int N { get; set; } }");

    [Fact]
    public Task SetHighInACall() => Verify.Fix<SetHighCodeFix>(
        "public static class O { public static double R(ITrial t) => {|STN2006:t.SuggestFloat(\"x\", 0.5, 2, step: 0.4)|}; }",
        "public static class O { public static double R(ITrial t) => t.SuggestFloat(\"x\", 0.5, 1.7, step: 0.4); }");

    [Fact]
    public Task MakeTheTypePartial() => Verify.Fix<MakePartialCodeFix>(
        "public class {|STN1013:C|} { [FloatParam(0, 1)] public double X { get; set; } }\nclass {|STN1013:D|} { [FloatParam(0, 1)] public double X { get; set; } }",
        "public partial class C { [FloatParam(0, 1)] public double X { get; set; } }\npartial class D { [FloatParam(0, 1)] public double X { get; set; } }");

    [Fact]
    public Task AddASetter() => Verify.Fix<AddSetterCodeFix>(
        "public partial class C { [{|STN1014:FloatParam(0, 1)|}] public double X { get; } [Categorical(\"a\", \"b\")] public string K { get; set; } = \"a\"; [{|STN1014:IntParam(0, 3)|}, ActiveWhen(nameof(K), \"b\")] public int N { get; init; } }",
        "public partial class C { [FloatParam(0, 1)] public double X { get; set; } [Categorical(\"a\", \"b\")] public string K { get; set; } = \"a\"; [IntParam(0, 3), ActiveWhen(nameof(K), \"b\")] public int N { get; set; } }");

    [Fact]
    public async Task FixAllWorksAcrossADocumentAndAProject()
    {
        var test = new Test<SwapLowHighCodeFix>();
        test.TestState.Sources.Add(("A.cs", Verify.Usings + "public partial class A { [{|STN1003:FloatParam(1, 0)|}] public double X { get; set; } [{|STN1003:IntParam(9, 1)|}] public int N { get; set; } }"));
        test.TestState.Sources.Add(("B.cs", Verify.Usings + "public static class B { public static double R(ITrial t) => {|STN2003:t.SuggestFloat(\"x\", 3, 2)|} + {|STN2003:t.SuggestInt(\"n\", 8, 4)|}; }"));
        test.FixedState.Sources.Add(("A.cs", Verify.Usings + "public partial class A { [FloatParam(0, 1)] public double X { get; set; } [IntParam(1, 9)] public int N { get; set; } }"));
        test.FixedState.Sources.Add(("B.cs", Verify.Usings + "public static class B { public static double R(ITrial t) => t.SuggestFloat(\"x\", 2, 3) + t.SuggestInt(\"n\", 4, 8); }"));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }
}
