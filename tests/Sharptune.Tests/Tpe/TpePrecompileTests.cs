using System.Reflection;
using System.Runtime.CompilerServices;
using Sharptune.Samplers;
using Sharptune.Samplers.Tpe;

namespace Sharptune.Tests.Tpe;

/// <summary>The background compilation of TPE's hot methods that a new <see cref="TpeSampler"/> starts.</summary>
public sealed class TpePrecompileTests
{
    [Fact]
    public void TargetsAreEveryMethodOfTpeThatTheJitCompilesAtFirstCall()
    {
        // Found independently of the list: every method of the TPE types with AggressiveOptimization, which keeps it
        // out of the ReadyToRun image. A new one must be compiled in the background too.
        const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var expected = typeof(TpeSampler).Assembly.GetTypes()
            .Where(t => t.Namespace == "Sharptune.Samplers.Tpe" || t == typeof(TpeSampler) || t.DeclaringType == typeof(TpeSampler))
            .SelectMany(t => t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared)))
            .Where(m => (m.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0)
            .Select(Name)
            .Order()
            .ToArray();

        var targets = TpePrecompile.Targets();

        Assert.True(expected.Length >= 15, $"only {expected.Length} methods found");
        Assert.Equal(expected, targets.Select(Name).Order().ToArray());
        Assert.Equal(targets.Count, targets.Distinct().Count());

        // RuntimeHelpers.PrepareMethod compiles nothing for a virtual method (an interface implementation included):
        // such a target would silently wait for its first call.
        Assert.All(targets, m => Assert.False(m.IsVirtual, $"{Name(m)} is virtual"));

        // The methods a small study never calls come after those the first TPE trial needs.
        var names = targets.Select(m => m.Name).ToList();
        Assert.True(names.IndexOf("LogSumTiled") > names.IndexOf("LogPdf"));

        // The first TPE trial calls the sampler's row check first, then builds the estimators.
        Assert.Equal("TpeSampler.TryRow", Name(targets[0]).Split('(')[0]);
    }

    [Fact]
    public void CompilingTheTargetsSucceeds()
    {
        Assert.True(RuntimeFeature.IsDynamicCodeCompiled);

        int compiled = TpePrecompile.Run();

        Assert.Equal(TpePrecompile.Targets().Count, compiled);
    }

    [Fact]
    public void SamplersCreatedWhileTheBackgroundCompilationRunsGiveTheSameTrials()
    {
        // Many samplers at once start (at most) one compilation thread and choose exactly as one sampler alone.
        static double[] Run(int seed)
        {
            var study = Study.Create(new StudyOptions { Sampler = new TpeSampler(seed: seed, nStartupTrials: 3) });
            study.Optimize(t => Math.Pow(t.SuggestFloat("x", -5, 5) - 1, 2) + Math.Pow(t.SuggestFloat("y", -5, 5), 2), nTrials: 25);
            return study.Trials.Select(t => t.Value!.Value).ToArray();
        }

        var alone = Run(7);
        var together = Enumerable.Range(0, 4).AsParallel().Select(_ => Run(7)).ToArray();

        Assert.All(together, values => Assert.Equal(alone, values));
    }

    private static string Name(MethodBase m) =>
        $"{m.DeclaringType!.Name}.{m.Name}({string.Join(",", m.GetParameters().Select(p => p.ParameterType.Name))})";
}
