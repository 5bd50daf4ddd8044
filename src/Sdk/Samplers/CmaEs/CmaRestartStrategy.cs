namespace Sharptune.Samplers;

/// <summary>What <see cref="CmaEsSampler"/> does when a CMA-ES run converges or diverges.</summary>
public enum CmaRestartStrategy
{
    /// <summary>Never restart (Optuna 5's only behaviour).</summary>
    None,

    /// <summary>IPOP-CMA-ES (Auger and Hansen, 2005): restart from a random mean with the population size multiplied by the increment.</summary>
    Ipop,

    /// <summary>
    /// BIPOP-CMA-ES (Hansen, 2009): alternate between large-population regimes (growing as in IPOP) and
    /// small-population regimes with a random population size, giving both about the same evaluation budget.
    /// </summary>
    Bipop,
}
