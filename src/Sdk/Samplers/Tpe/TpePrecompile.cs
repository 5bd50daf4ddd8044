using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Sharptune.Samplers.Tpe;

/// <summary>
/// Compiles TPE's hot methods on a background thread as soon as a process creates its first <see cref="TpeSampler"/>.
/// </summary>
/// <remarks>
/// Methods marked <see cref="MethodImplOptions.AggressiveOptimization"/> are not in the ReadyToRun image: the JIT
/// compiles them, fully optimized, at their first call. In a fresh process that first call is the first TPE trial after
/// the random start-up trials, which then waits about 25 ms for fifteen compilations. Started when the sampler is
/// created, a second processor compiles them while the start-up trials run, in the order the first TPE trial calls
/// them; a method the trial reaches first is compiled by the trial and only once. Nothing changes what is computed.
/// Skipped where code is not compiled at run time (Native AOT). A failure here is ignored: the methods are then
/// compiled at their first call, as without this class.
/// </remarks>
internal static class TpePrecompile
{
    private const DynamicallyAccessedMemberTypes Methods =
        DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods
        | DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.NonPublicConstructors;

    private static int _started;

    /// <summary>Starts the background compilation once per process (later calls do nothing).</summary>
    public static void Start()
    {
        if (!RuntimeFeature.IsDynamicCodeCompiled || Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        var thread = new Thread(() => Run()) { IsBackground = true, Priority = ThreadPriority.BelowNormal, Name = "Sharptune TPE precompilation" };
        thread.Start();
    }

    /// <summary>Compiles every target now, on the calling thread.</summary>
    /// <returns>The number of methods compiled, or −1 when compilation failed (and was abandoned).</returns>
    internal static int Run()
    {
        try
        {
            var targets = Targets();
            foreach (var method in targets)
            {
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
            }

            return targets.Count;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // An optimization only: the methods are compiled at their first call instead.
            return -1;
        }
    }

    /// <summary>The methods compiled, in the order a multivariate TPE trial first calls them, those it may never call last.</summary>
    /// <returns>Every method with AggressiveOptimization of the TPE types.</returns>
    internal static List<MethodBase> Targets()
    {
        var targets = new List<MethodBase>();
        Add(targets, typeof(TpeSampler));
        Add(targets, typeof(ParzenEstimator));
        TpeSampler.AddPrecompileTargets(targets);
        Add(targets, typeof(NumpyArgSort));
        Add(targets, typeof(ParamColumn));
        Add(targets, typeof(PackedKernels));
        Add(targets, typeof(IncrementalAbove));

        // After the methods of the first TPE trial, those of the rebuilt above estimator (used instead of the kept one
        // with running trials, several objectives, custom weights or non-continuous parameters); last, the methods a
        // study reaches late or never (so that the first TPE trial waits only for its own): the large-mixture passes,
        // the per-point sums of discrete spaces, the start terms of 3000 kernels or more and the argmax blocks of the
        // width this machine does not use.
        bool wide = PackedKernels.CanUseWide;
        var late = new HashSet<string>(StringComparer.Ordinal)
        {
            "LogSumTiled", "LogSum", "CellStarts", wide ? "TiledMaxima" : "TiledMaximaWide", wide ? "SumTiledOne" : "SumTiledOneWide",
        };
        int Rank(MethodBase m) =>
            late.Contains(m.Name) ? 2
            : m.Name == "ComputeSigmas" || (m.DeclaringType == typeof(ParzenEstimator) && m.Name == "ArgMaxRatio" && !m.IsStatic) ? 1
            : 0;
        var ordered = new List<MethodBase>(targets.Count);
        for (int rank = 0; rank <= 2; rank++)
        {
            ordered.AddRange(targets.Where(m => Rank(m) == rank));
        }

        return ordered;
    }

    /// <summary>Adds the methods of one type that are compiled at their first call rather than precompiled.</summary>
    /// <param name="targets">The list to add to.</param>
    /// <param name="type">The type.</param>
    internal static void Add(List<MethodBase> targets, [DynamicallyAccessedMembers(Methods)] Type type)
    {
        const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var method in type.GetConstructors(Declared))
        {
            AddIfCompiledAtFirstCall(targets, method);
        }

        foreach (var method in type.GetMethods(Declared))
        {
            AddIfCompiledAtFirstCall(targets, method);
        }
    }

    private static void AddIfCompiledAtFirstCall(List<MethodBase> targets, MethodBase method)
    {
        if ((method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0 && !method.ContainsGenericParameters)
        {
            targets.Add(method);
        }
    }
}
