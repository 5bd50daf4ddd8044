using System.Globalization;
using Sharptune.Internal;
using Sharptune.Samplers;

namespace Sharptune.Cli;

/// <summary>Creates a sampler from Optuna's class name and its keyword arguments as JSON (<c>ask --sampler --sampler-kwargs</c>).</summary>
internal static class SamplerFactory
{
    /// <summary>The sampler class names <c>--sampler</c> takes.</summary>
    public static readonly string[] Names =
        ["RandomSampler", "TPESampler", "CmaEsSampler", "NSGAIISampler", "NSGAIIISampler", "QMCSampler", "GPSampler", "BruteForceSampler"];

    /// <summary>Creates the sampler.</summary>
    /// <param name="name">Optuna's class name, e.g. <c>TPESampler</c>.</param>
    /// <param name="kwargsJson">The keyword arguments as a JSON object (snake_case names), or <see langword="null"/>.</param>
    /// <returns>The sampler.</returns>
    /// <exception cref="CliException">The name, the JSON or an argument is not valid.</exception>
    public static ISampler Create(string name, string? kwargsJson)
    {
        var kwargs = new KwArgs(name, kwargsJson);
        ISampler sampler = name switch
        {
            "RandomSampler" => new RandomSampler(kwargs.Int("seed")),
            "TPESampler" => new TpeSampler(
                seed: kwargs.Int("seed"),
                nStartupTrials: kwargs.Int("n_startup_trials") ?? 10,
                nEiCandidates: kwargs.Int("n_ei_candidates") ?? 24,
                multivariate: kwargs.Bool("multivariate"),
                group: kwargs.Bool("group") ?? false,
                constantLiar: kwargs.Bool("constant_liar") ?? true,
                priorWeight: kwargs.Double("prior_weight") ?? 1.0,
                considerMagicClip: kwargs.Bool("consider_magic_clip") ?? true,
                considerEndpoints: kwargs.Bool("consider_endpoints") ?? false,
                nRefineCandidates: kwargs.Int("n_refine_candidates") ?? TpeSampler.DefaultRefineCandidates),
            "CmaEsSampler" => new CmaEsSampler(
                sigma0: kwargs.Double("sigma0"),
                nStartupTrials: kwargs.Int("n_startup_trials") ?? 1,
                seed: kwargs.Int("seed"),
                considerPrunedTrials: kwargs.Bool("consider_pruned_trials") ?? false,
                restartStrategy: kwargs.String("restart_strategy") switch
                {
                    null => CmaRestartStrategy.None,
                    "ipop" => CmaRestartStrategy.Ipop,
                    "bipop" => CmaRestartStrategy.Bipop,
                    string s => throw new CliException($"restart_strategy should be either 'ipop' or 'bipop', got '{s}'."),
                },
                popsize: kwargs.Int("popsize"),
                incPopsize: kwargs.Int("inc_popsize") ?? 2,
                useSeparableCma: kwargs.Bool("use_separable_cma") ?? false,
                withMargin: kwargs.Bool("with_margin") ?? false,
                lrAdapt: kwargs.Bool("lr_adapt") ?? false),
            "NSGAIISampler" => new NsgaIISampler(
                populationSize: kwargs.Int("population_size") ?? 50,
                mutationProb: kwargs.Double("mutation_prob"),
                crossoverProb: kwargs.Double("crossover_prob") ?? 0.9,
                swappingProb: kwargs.Double("swapping_prob") ?? 0.5,
                seed: kwargs.Int("seed")),
            "NSGAIIISampler" => new NsgaIIISampler(
                populationSize: kwargs.Int("population_size") ?? 50,
                mutationProb: kwargs.Double("mutation_prob"),
                crossoverProb: kwargs.Double("crossover_prob") ?? 0.9,
                swappingProb: kwargs.Double("swapping_prob") ?? 0.5,
                seed: kwargs.Int("seed")),
            "QMCSampler" => new QmcSampler(
                qmcType: kwargs.String("qmc_type") switch
                {
                    null or "sobol" => QmcType.Sobol,
                    "halton" => QmcType.Halton,
                    string s => throw new CliException($"The `qmc_type`, \"{s}\", is not a valid. It must be one of \"sobol\" or \"halton\"."),
                },
                scramble: kwargs.Bool("scramble") ?? false,
                seed: kwargs.Int("seed")),
            "GPSampler" => new GpSampler(
                seed: kwargs.Int("seed"),
                nStartupTrials: kwargs.Int("n_startup_trials") ?? 10,
                deterministicObjective: kwargs.Bool("deterministic_objective") ?? false),
            "BruteForceSampler" => new BruteForceSampler(kwargs.Int("seed"), kwargs.Bool("avoid_premature_stop") ?? false),
            _ => throw new CliException($"Unknown sampler '{name}'. Choose one of {string.Join(", ", Names)}."),
        };
        kwargs.ThrowIfUnused();
        return sampler;
    }

    /// <summary>Keyword arguments read once each; an argument no sampler parameter reads is an error, as in Python.</summary>
    private sealed class KwArgs
    {
        private readonly string _sampler;
        private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);

        public KwArgs(string sampler, string? json)
        {
            _sampler = sampler;
            if (json is null)
            {
                return;
            }

            object? parsed;
            try
            {
                parsed = PyJson.Parse(json);
            }
            catch (FormatException e)
            {
                throw new CliException($"--sampler-kwargs is not valid JSON: {e.Message}");
            }

            if (parsed is not IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                throw new CliException("--sampler-kwargs must be a JSON object of keyword arguments, e.g. '{\"seed\": 1}'.");
            }

            foreach (var (k, v) in pairs)
            {
                _values[k] = v;
            }
        }

        public int? Int(string key) => Get(key) switch
        {
            null => null,
            long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
            int i => i,
            object v => throw Invalid(key, v, "an integer"),
        };

        public double? Double(string key) => Get(key) switch
        {
            null => null,
            double d => d,
            long l => l,
            int i => i,
            object v => throw Invalid(key, v, "a number"),
        };

        public bool? Bool(string key) => Get(key) switch
        {
            null => null,
            bool b => b,
            object v => throw Invalid(key, v, "true or false"),
        };

        public string? String(string key) => Get(key) switch
        {
            null => null,
            string s => s,
            object v => throw Invalid(key, v, "a string"),
        };

        public void ThrowIfUnused()
        {
            foreach (string key in _values.Keys)
            {
                if (!_read.Contains(key))
                {
                    throw new CliException($"{_sampler}.__init__() got an unexpected keyword argument '{key}'");
                }
            }
        }

        private object? Get(string key)
        {
            _read.Add(key);
            return _values.TryGetValue(key, out object? v) ? v : null;
        }

        private CliException Invalid(string key, object value, string expected) =>
            new($"{_sampler}: the keyword argument '{key}' must be {expected}, got {PyFormat.Repr(value)}.");
    }
}

/// <summary>An error the CLI reports as one line, with exit code 1 (Optuna's <c>CLIUsageError</c> and argument checks).</summary>
internal sealed class CliException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CliException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public CliException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
