using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Sharptune.Samplers.Nsga;

/// <summary>
/// A crossover of the genetic samplers (Optuna's <c>BaseCrossover</c>): it combines the numeric parameters of
/// <see cref="ParentCount"/> parents, in the transformed space (log scale for log distributions, ranges widened by
/// half a step for discrete ones), into one child. Children outside the bounds are redrawn by the sampler.
/// </summary>
public interface ICrossover
{
    /// <summary>Gets the number of parents the crossover combines.</summary>
    int ParentCount { get; }

    /// <summary>Creates a child.</summary>
    /// <param name="parentsParams">One row per parent, one column per numeric parameter (transformed space).</param>
    /// <param name="rng">The random generator to draw from.</param>
    /// <param name="study">The study (some crossovers depend on the number of objectives).</param>
    /// <param name="searchSpaceBounds">The bounds of each column.</param>
    /// <returns>The child's columns.</returns>
    double[] Crossover(IReadOnlyList<double[]> parentsParams, Random rng, Study study, IReadOnlyList<(double Low, double High)> searchSpaceBounds);
}

/// <summary>Uniform crossover (Optuna's <c>UniformCrossover</c>): each gene comes from one of two parents.</summary>
public sealed class UniformCrossover : ICrossover
{
    /// <summary>Initializes a new instance of the <see cref="UniformCrossover"/> class.</summary>
    /// <param name="swappingProb">The probability of taking a gene from the second parent.</param>
    /// <exception cref="ArgumentOutOfRangeException">The probability is outside [0, 1].</exception>
    public UniformCrossover(double swappingProb = 0.5)
    {
        if (!(swappingProb >= 0.0 && swappingProb <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(swappingProb), swappingProb, "swappingProb must be a value within the range [0.0, 1.0].");
        }

        SwappingProb = swappingProb;
    }

    /// <summary>Gets the probability of taking a gene from the second parent.</summary>
    public double SwappingProb { get; }

    /// <inheritdoc/>
    public int ParentCount => 2;

    /// <inheritdoc/>
    public double[] Crossover(IReadOnlyList<double[]> parentsParams, Random rng, Study study, IReadOnlyList<(double Low, double High)> searchSpaceBounds)
    {
        ArgumentNullException.ThrowIfNull(parentsParams);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(searchSpaceBounds);
        var child = new double[searchSpaceBounds.Count];
        for (int i = 0; i < child.Length; i++)
        {
            child[i] = rng.NextDouble() >= SwappingProb ? parentsParams[1][i] : parentsParams[0][i];
        }

        return child;
    }

    /// <inheritdoc/>
    public override string ToString() => "UniformCrossover";
}

/// <summary>
/// Blend crossover BLX-α (Optuna's <c>BLXAlphaCrossover</c>): each gene is uniform on the parents' interval widened
/// by α times its length on both sides.
/// </summary>
public sealed class BlxAlphaCrossover : ICrossover
{
    /// <summary>Initializes a new instance of the <see cref="BlxAlphaCrossover"/> class.</summary>
    /// <param name="alpha">The widening factor α.</param>
    public BlxAlphaCrossover(double alpha = 0.5)
    {
        Alpha = alpha;
    }

    /// <summary>Gets the widening factor α.</summary>
    public double Alpha { get; }

    /// <inheritdoc/>
    public int ParentCount => 2;

    /// <inheritdoc/>
    public double[] Crossover(IReadOnlyList<double[]> parentsParams, Random rng, Study study, IReadOnlyList<(double Low, double High)> searchSpaceBounds)
    {
        ArgumentNullException.ThrowIfNull(parentsParams);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(searchSpaceBounds);
        int n = searchSpaceBounds.Count;
        var child = new double[n];
        for (int i = 0; i < n; i++)
        {
            double lo = Math.Min(parentsParams[0][i], parentsParams[1][i]);
            double hi = Math.Max(parentsParams[0][i], parentsParams[1][i]);
            double diff = Alpha * (hi - lo);
            lo -= diff;
            hi += diff;
            child[i] = lo + ((hi - lo) * rng.NextDouble());
        }

        return child;
    }

    /// <inheritdoc/>
    public override string ToString() => "BLXAlphaCrossover";
}

/// <summary>
/// Simulated binary crossover (Optuna's <c>SBXCrossover</c>), bounded version: two children are spread around the
/// parents with a polynomial distribution of index η, genes are exchanged between them, and one is kept.
/// </summary>
public sealed class SbxCrossover : ICrossover
{
    /// <summary>Initializes a new instance of the <see cref="SbxCrossover"/> class.</summary>
    /// <param name="eta">The distribution index η; <see langword="null"/> means 20 for multi-objective studies, 2 otherwise.</param>
    /// <param name="uniformCrossoverProb">The probability of swapping a gene between the two children.</param>
    /// <param name="useChildGeneProb">The probability of taking a gene from the children rather than the parents.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public SbxCrossover(double? eta = null, double uniformCrossoverProb = 0.5, double useChildGeneProb = 0.5)
    {
        (Eta, UniformCrossoverProb, UseChildGeneProb) = SbxArguments.Check(eta, uniformCrossoverProb, useChildGeneProb);
    }

    /// <summary>Gets the distribution index, or <see langword="null"/> for the default.</summary>
    public double? Eta { get; }

    /// <summary>Gets the probability of swapping a gene between the two children.</summary>
    public double UniformCrossoverProb { get; }

    /// <summary>Gets the probability of taking a gene from the children.</summary>
    public double UseChildGeneProb { get; }

    /// <inheritdoc/>
    public int ParentCount => 2;

    /// <inheritdoc/>
    public double[] Crossover(IReadOnlyList<double[]> parentsParams, Random rng, Study study, IReadOnlyList<(double Low, double High)> searchSpaceBounds)
    {
        ArgumentNullException.ThrowIfNull(parentsParams);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(searchSpaceBounds);
        int n = searchSpaceBounds.Count;
        double eta = Eta ?? (study.IsMultiObjective ? 20.0 : 2.0);
        var c1 = new double[n];
        var c2 = new double[n];
        var us = new double[n];
        for (int i = 0; i < n; i++)
        {
            us[i] = rng.NextDouble();
        }

        for (int i = 0; i < n; i++)
        {
            double xl = searchSpaceBounds[i].Low, xu = searchSpaceBounds[i].High;
            double xmin = Math.Min(parentsParams[0][i], parentsParams[1][i]);
            double xmax = Math.Max(parentsParams[0][i], parentsParams[1][i]);
            double diff = Math.Max(xmax - xmin, 1e-10);
            double beta1 = 1 + (2 * (xmin - xl) / diff);
            double beta2 = 1 + (2 * (xu - xmax) / diff);
            double alpha1 = 2 - Math.Pow(beta1, -(eta + 1));
            double alpha2 = 2 - Math.Pow(beta2, -(eta + 1));
            double u = us[i];
            double betaq1 = u > 1 / alpha1 ? Math.Pow(1 / (2 - (u * alpha1)), 1 / (eta + 1)) : Math.Pow(u * alpha1, 1 / (eta + 1));
            double betaq2 = u > 1 / alpha2 ? Math.Pow(1 / (2 - (u * alpha2)), 1 / (eta + 1)) : Math.Pow(u * alpha2, 1 / (eta + 1));
            c1[i] = 0.5 * (xmin + xmax - (betaq1 * diff));
            c2[i] = 0.5 * (xmin + xmax + (betaq2 * diff));
        }

        return SbxArguments.Mix(c1, c2, parentsParams, rng, UniformCrossoverProb, UseChildGeneProb);
    }

    /// <inheritdoc/>
    public override string ToString() => "SBXCrossover";
}

/// <summary>
/// Vector-wise simulated binary crossover (Optuna's <c>VSBXCrossover</c>): SBX without bounds, the spread drawn per
/// gene but the direction per child.
/// </summary>
public sealed class VsbxCrossover : ICrossover
{
    /// <summary>Initializes a new instance of the <see cref="VsbxCrossover"/> class.</summary>
    /// <param name="eta">The distribution index η; <see langword="null"/> means 20 for multi-objective studies, 2 otherwise.</param>
    /// <param name="uniformCrossoverProb">The probability of swapping a gene between the two children.</param>
    /// <param name="useChildGeneProb">The probability of taking a gene from the children rather than the parents.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public VsbxCrossover(double? eta = null, double uniformCrossoverProb = 0.5, double useChildGeneProb = 0.5)
    {
        (Eta, UniformCrossoverProb, UseChildGeneProb) = SbxArguments.Check(eta, uniformCrossoverProb, useChildGeneProb);
    }

    /// <summary>Gets the distribution index, or <see langword="null"/> for the default.</summary>
    public double? Eta { get; }

    /// <summary>Gets the probability of swapping a gene between the two children.</summary>
    public double UniformCrossoverProb { get; }

    /// <summary>Gets the probability of taking a gene from the children.</summary>
    public double UseChildGeneProb { get; }

    /// <inheritdoc/>
    public int ParentCount => 2;

    /// <inheritdoc/>
    public double[] Crossover(IReadOnlyList<double[]> parentsParams, Random rng, Study study, IReadOnlyList<(double Low, double High)> searchSpaceBounds)
    {
        ArgumentNullException.ThrowIfNull(parentsParams);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(searchSpaceBounds);
        int n = searchSpaceBounds.Count;
        double eta = Eta ?? (study.IsMultiObjective ? 20.0 : 2.0);
        const double Eps = 1e-10;
        var beta1 = new double[n];
        var beta2 = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u = rng.NextDouble();
            beta1[i] = Math.Pow(1 / Math.Max(2 * u, Eps), 1 / (eta + 1));
            beta2[i] = Math.Pow(1 / Math.Max(2 * (1 - u), Eps), 1 / (eta + 1));
        }

        var p0 = parentsParams[0];
        var p1 = parentsParams[1];
        var c1 = new double[n];
        var c2 = new double[n];
        bool first1 = rng.NextDouble() <= 0.5;
        for (int i = 0; i < n; i++)
        {
            c1[i] = first1
                ? 0.5 * (((1 + beta1[i]) * p0[i]) + ((1 - beta2[i]) * p1[i]))
                : 0.5 * (((1 - beta1[i]) * p0[i]) + ((1 + beta2[i]) * p1[i]));
        }

        bool first2 = rng.NextDouble() <= 0.5;
        for (int i = 0; i < n; i++)
        {
            c2[i] = first2
                ? 0.5 * (((3 - beta1[i]) * p0[i]) - ((1 - beta2[i]) * p1[i]))
                : 0.5 * ((-(1 - beta1[i]) * p0[i]) + ((3 - beta2[i]) * p1[i]));
        }

        return SbxArguments.Mix(c1, c2, parentsParams, rng, UniformCrossoverProb, UseChildGeneProb);
    }

    /// <inheritdoc/>
    public override string ToString() => "VSBXCrossover";
}

/// <summary>
/// Simplex crossover (Optuna's <c>SPXCrossover</c>): the child is drawn in the simplex of three parents expanded by
/// ε around their centroid.
/// </summary>
public sealed class SpxCrossover : ICrossover
{
    /// <summary>Initializes a new instance of the <see cref="SpxCrossover"/> class.</summary>
    /// <param name="epsilon">The expansion rate; <see langword="null"/> means √(n + 2) for n numeric parameters.</param>
    public SpxCrossover(double? epsilon = null)
    {
        Epsilon = epsilon;
    }

    /// <summary>Gets the expansion rate, or <see langword="null"/> for the default.</summary>
    public double? Epsilon { get; }

    /// <inheritdoc/>
    public int ParentCount => 3;

    /// <inheritdoc/>
    public double[] Crossover(IReadOnlyList<double[]> parentsParams, Random rng, Study study, IReadOnlyList<(double Low, double High)> searchSpaceBounds)
    {
        ArgumentNullException.ThrowIfNull(parentsParams);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(searchSpaceBounds);
        int dim = searchSpaceBounds.Count;
        int k = ParentCount - 1;
        var g = new double[dim];
        foreach (var p in parentsParams)
        {
            for (int i = 0; i < dim; i++)
            {
                g[i] += p[i] / parentsParams.Count;
            }
        }

        var rs = new double[k];
        for (int j = 0; j < k; j++)
        {
            rs[j] = Math.Pow(rng.NextDouble(), 1.0 / (j + 1));
        }

        double eps = Epsilon ?? Math.Sqrt(dim + 2);
        var xs = new double[parentsParams.Count][];
        for (int p = 0; p < xs.Length; p++)
        {
            xs[p] = new double[dim];
            for (int i = 0; i < dim; i++)
            {
                xs[p][i] = g[i] + (eps * (parentsParams[p][i] - g[i]));
            }
        }

        var c = new double[dim];
        for (int j = 1; j < ParentCount; j++)
        {
            for (int i = 0; i < dim; i++)
            {
                c[i] = rs[j - 1] * (xs[j - 1][i] - xs[j][i] + c[i]);
            }
        }

        var child = new double[dim];
        for (int i = 0; i < dim; i++)
        {
            child[i] = xs[^1][i] + c[i];
        }

        return child;
    }

    /// <inheritdoc/>
    public override string ToString() => "SPXCrossover";
}

/// <summary>
/// Unimodal normal distribution crossover (Optuna's <c>UNDXCrossover</c>): the child is normal around the midpoint
/// of two parents, along their difference (σξ) and across it, scaled by the third parent's distance (ση).
/// </summary>
public sealed class UndxCrossover : ICrossover
{
    /// <summary>Initializes a new instance of the <see cref="UndxCrossover"/> class.</summary>
    /// <param name="sigmaXi">The spread along the line through the first two parents.</param>
    /// <param name="sigmaEta">The spread across it; <see langword="null"/> means 0.35 / √n.</param>
    public UndxCrossover(double sigmaXi = 0.5, double? sigmaEta = null)
    {
        SigmaXi = sigmaXi;
        SigmaEta = sigmaEta;
    }

    /// <summary>Gets the spread along the line through the first two parents.</summary>
    public double SigmaXi { get; }

    /// <summary>Gets the spread across that line, or <see langword="null"/> for the default.</summary>
    public double? SigmaEta { get; }

    /// <inheritdoc/>
    public int ParentCount => 3;

    /// <inheritdoc/>
    public double[] Crossover(IReadOnlyList<double[]> parentsParams, Random rng, Study study, IReadOnlyList<(double Low, double High)> searchSpaceBounds)
    {
        ArgumentNullException.ThrowIfNull(parentsParams);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(searchSpaceBounds);
        int n = searchSpaceBounds.Count;
        var x1 = parentsParams[0];
        var x2 = parentsParams[1];
        var x3 = parentsParams[2];
        double sigmaEta = SigmaEta ?? 0.35 / Math.Sqrt(n);

        // As in Optuna, the squared sigmas are passed as standard deviations.
        var etas = new double[n];
        for (int i = 0; i < n; i++)
        {
            etas[i] = Normal.Sample(rng, 0, sigmaEta * sigmaEta);
        }

        double xi = Normal.Sample(rng, 0, SigmaXi * SigmaXi);
        var child = new double[n];
        for (int i = 0; i < n; i++)
        {
            child[i] = ((x1[i] + x2[i]) / 2) + (xi * (x1[i] - x2[i]));
        }

        if (n > 1)
        {
            // Unit vector from x1 to x2, an orthonormal basis of its complement, and the distance of x3 from the line.
            var e12 = new double[n];
            double norm = 0;
            for (int i = 0; i < n; i++)
            {
                e12[i] = x2[i] - x1[i];
                norm += e12[i] * e12[i];
            }

            norm = Math.Max(Math.Sqrt(norm), 1e-10);
            bool nonZero = false;
            for (int i = 0; i < n; i++)
            {
                e12[i] /= norm;
                nonZero |= e12[i] != 0;
            }

            var basis = Matrix<double>.Build.DenseIdentity(n);
            if (nonZero)
            {
                basis.SetRow(0, e12);
            }

            var q = basis.Transpose().QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Full).Q;
            double dot = 0;
            for (int i = 0; i < n; i++)
            {
                dot += (x3[i] - x1[i]) * e12[i];
            }

            double dist = 0;
            for (int i = 0; i < n; i++)
            {
                double v = x3[i] - x1[i] - (dot * e12[i]);
                dist += v * v;
            }

            dist = Math.Sqrt(dist);
            for (int j = 0; j < n - 1; j++)
            {
                for (int i = 0; i < n; i++)
                {
                    child[i] += dist * etas[j] * q[i, j + 1];
                }
            }
        }

        return child;
    }

    /// <inheritdoc/>
    public override string ToString() => "UNDXCrossover";
}

/// <summary>Argument checks and gene mixing shared by SBX and VSBX.</summary>
internal static class SbxArguments
{
    public static (double? Eta, double Uniform, double UseChild) Check(double? eta, double uniformCrossoverProb, double useChildGeneProb)
    {
        if (eta is { } e && !(e >= 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(eta), eta, "eta must be greater than or equal to 0.0.");
        }

        if (!(uniformCrossoverProb >= 0.0 && uniformCrossoverProb <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(uniformCrossoverProb), uniformCrossoverProb, "uniformCrossoverProb must be in the range [0.0, 1.0].");
        }

        if (!(useChildGeneProb > 0.0 && useChildGeneProb <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(useChildGeneProb), useChildGeneProb, "useChildGeneProb must be in the range (0.0, 1.0].");
        }

        return (eta, uniformCrossoverProb, useChildGeneProb);
    }

    public static double[] Mix(double[] c1, double[] c2, IReadOnlyList<double[]> parents, Random rng, double uniformProb, double useChildProb)
    {
        int n = c1.Length;
        var child1 = new double[n];
        var child2 = new double[n];
        for (int i = 0; i < n; i++)
        {
            bool fromChildren = rng.NextDouble() < useChildProb;
            bool keep = rng.NextDouble() >= uniformProb;
            double a = fromChildren ? c1[i] : parents[0][i];
            double b = fromChildren ? c2[i] : parents[1][i];
            child1[i] = keep ? a : b;
            child2[i] = keep ? b : a;
        }

        return rng.NextDouble() < 0.5 ? child1 : child2;
    }
}
