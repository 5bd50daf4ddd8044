using MathNet.Numerics.Random;

namespace Sharptune.Samplers;

/// <summary>
/// Draws every parameter independently and uniformly in the transformed space (Optuna's <c>RandomSampler</c>):
/// uniform in log space for log distributions, equal mass on each grid point for discrete ones.
/// </summary>
public sealed class RandomSampler : ISampler
{
    // Guards the generator. A draw holds it for a few nanoseconds, several times per trial: a spin lock without owner
    // tracking reads no thread id (Lock does, which precompiled code reads through a runtime helper in a fresh process).
    // Mutable struct: never copied, never readonly. Reseed takes it too.
    private SpinLock _lock = new(enableThreadOwnerTracking: false);
    private Xoshiro256StarStar _rng;

    /// <summary>Initializes a new instance of the <see cref="RandomSampler"/> class.</summary>
    /// <param name="seed">The seed; <see langword="null"/> for a random one.</param>
    public RandomSampler(int? seed = null)
    {
        _rng = seed is { } s ? new Xoshiro256StarStar(s, threadSafe: false) : new Xoshiro256StarStar(threadSafe: false);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => FrozenTrial.EmptyDistributions;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) => FrozenTrial.EmptyInternal;

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return SampleIndependent(distribution);
    }

    /// <summary>Draws one value of <paramref name="distribution"/> (internal representation).</summary>
    internal double SampleIndependent(Distribution distribution)
    {
        bool taken = false;
        try
        {
            _lock.Enter(ref taken);
            return Sample(_rng, distribution);
        }
        finally
        {
            if (taken)
            {
                _lock.Exit();
            }
        }
    }

    /// <summary>Draws one value of a distribution uniformly in the transformed space.</summary>
    /// <param name="rng">The generator.</param>
    /// <param name="distribution">The distribution.</param>
    /// <returns>The internal representation.</returns>
    internal static double Sample(System.Random rng, Distribution distribution)
    {
        if (distribution is CategoricalDistribution c)
        {
            return rng.Next(c.Choices.Count);
        }

        var (lo, hi) = SearchSpaceTransform.NumericBounds(distribution);
        double u = lo + (rng.NextDouble() * (hi - lo));
        return SearchSpaceTransform.UntransformNumeric(distribution, u);
    }

    /// <inheritdoc/>
    public void Reseed()
    {
        var fresh = new Xoshiro256StarStar(threadSafe: false);
        bool taken = false;
        try
        {
            _lock.Enter(ref taken);
            _rng = fresh;
        }
        finally
        {
            if (taken)
            {
                _lock.Exit();
            }
        }
    }
}
