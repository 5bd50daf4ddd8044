namespace Sharptune.Samplers.Nsga;

/// <summary>
/// A mutation of the genetic samplers (Optuna's <c>BaseMutation</c>): it perturbs one numeric parameter in the
/// transformed space; the sampler clips the result to the bounds. Without a mutation, a mutated parameter is
/// redrawn uniformly.
/// </summary>
public interface IMutation
{
    /// <summary>Mutates one parameter.</summary>
    /// <param name="param">The value in the transformed space.</param>
    /// <param name="rng">The random generator to draw from.</param>
    /// <param name="study">The study.</param>
    /// <param name="searchSpaceBounds">The bounds of the parameter in the transformed space.</param>
    /// <returns>The mutated value (clipped by the caller).</returns>
    double Mutate(double param, Random rng, Study study, (double Low, double High) searchSpaceBounds);
}

/// <summary>Deb's polynomial mutation (Optuna's <c>PolynomialMutation</c>, new in Optuna 5).</summary>
public sealed class PolynomialMutation : IMutation
{
    /// <summary>Initializes a new instance of the <see cref="PolynomialMutation"/> class.</summary>
    /// <param name="eta">The distribution index η: larger values keep children closer to the parent.</param>
    /// <exception cref="ArgumentOutOfRangeException">η is negative.</exception>
    public PolynomialMutation(double eta = 20.0)
    {
        if (!(eta >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(eta), eta, "eta must be a non-negative value.");
        }

        Eta = eta;
    }

    /// <summary>Gets the distribution index η.</summary>
    public double Eta { get; }

    /// <inheritdoc/>
    public double Mutate(double param, Random rng, Study study, (double Low, double High) searchSpaceBounds)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double u = rng.NextDouble();
        var (lb, ub) = searchSpaceBounds;
        double width = ub - lb;
        if (!(width > 0.0))
        {
            return param;
        }

        double power = 1.0 / (Eta + 1.0);
        double deltaQ;
        if (u <= 0.5)
        {
            double xy = 1.0 - ((param - lb) / width);
            double value = (2.0 * u) + ((1.0 - (2.0 * u)) * Math.Pow(xy, Eta + 1.0));
            deltaQ = Math.Pow(value, power) - 1.0;
        }
        else
        {
            double xy = 1.0 - ((ub - param) / width);
            double value = (2.0 * (1.0 - u)) + (2.0 * (u - 0.5) * Math.Pow(xy, Eta + 1.0));
            deltaQ = 1.0 - Math.Pow(value, power);
        }

        return param + (deltaQ * width);
    }

    /// <inheritdoc/>
    public override string ToString() => "PolynomialMutation";
}
