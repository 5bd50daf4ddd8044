using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
            bool warmed = false;
            foreach (var method in targets)
            {
                if (!warmed && Rank(method) > 0)
                {
                    CallLibraryCode();
                    warmed = true;
                }

                RuntimeHelpers.PrepareMethod(method.MethodHandle);
            }

            if (!warmed)
            {
                CallLibraryCode();
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
        var ordered = new List<MethodBase>(targets.Count);
        for (int rank = 0; rank <= 2; rank++)
        {
            ordered.AddRange(targets.Where(m => Rank(m) == rank));
        }

        return ordered;
    }

    /// <summary>0: a method of the first TPE trial; 1: of the rebuilt above estimator; 2: reached late or never.</summary>
    /// <param name="m">The method.</param>
    /// <returns>The rank.</returns>
    internal static int Rank(MethodBase m)
    {
        bool wide = PackedKernels.CanUseWide;
        if (m.Name is "LogSumTiled" or "LogSum" or "CellStarts"
            || m.Name == (wide ? "TiledMaxima" : "TiledMaximaWide") || m.Name == (wide ? "SumTiledOne" : "SumTiledOneWide"))
        {
            return 2;
        }

        return m.Name == "ComputeSigmas" || (m.DeclaringType == typeof(ParzenEstimator) && m.Name == "ArgMaxRatio" && !m.IsStatic) ? 1 : 0;
    }

    /// <summary>
    /// Calls, once, the library code of the first TPE trial that no precompiled image holds for this machine, so that
    /// its JIT happens here: the vector exponential (CoreLib's precompiled code is rejected where wider vectors are
    /// accelerated) and MathNet's error function and normal sampler (MathNet is not precompiled). Nothing is kept.
    /// </summary>
    private static void CallLibraryCode()
    {
        _ = Vector.Exp(Vector<double>.One);
        if (Vector512.IsHardwareAccelerated)
        {
            _ = Vector512.Exp(Vector512<double>.One);
        }

        _ = MathNet.Numerics.SpecialFunctions.Erf(0.5) + MathNet.Numerics.SpecialFunctions.Erfc(0.5) + MathNet.Numerics.SpecialFunctions.Log1p(0.5);
        _ = MathNet.Numerics.Distributions.Normal.Sample(new MathNet.Numerics.Random.Xoshiro256StarStar(1, threadSafe: false), 0.0, 1.0);
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
