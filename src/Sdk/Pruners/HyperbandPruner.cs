using System.Globalization;
using System.Text;

namespace Sharptune.Pruners;

/// <summary>
/// Hyperband (Optuna's <c>HyperbandPruner</c>): several <see cref="SuccessiveHalvingPruner"/> brackets with
/// different early-stopping rates, each trial assigned to one bracket.
/// <list type="bullet">
/// <item><c>n_brackets = ⌊log_η(max_resource / min_resource)⌋ + 1</c>; bracket <c>b</c> is an ASHA with
/// <c>min_early_stopping_rate = b</c> and a trial budget <c>⌈n_brackets · η^s / (s + 1)⌉</c>, <c>s = n_brackets − 1 − b</c>.</item>
/// <item>The bracket of trial <c>n</c> is <c>crc32(UTF-8("{study_name}_{n}")) mod Σ budgets</c>, walked through the
/// budgets in order, so it depends only on the study name and the trial number (name the study to make it
/// reproducible).</item>
/// <item>Bracket-aware: the bracket's pruner, and the sampler through <see cref="FilterStudy"/>, see only the
/// trials of the same bracket (Optuna's <c>_BracketStudy</c>).</item>
/// <item>With an automatic maximum resource, nothing is pruned (and every trial is in bracket 0) until a trial is
/// COMPLETE; the maximum resource is then its largest last step + 1.</item>
/// </list>
/// </summary>
public sealed class HyperbandPruner : IPruner
{
    private readonly Lock _lock = new();
    private int? _maxResource;
    private Brackets? _brackets;
    private string? _cacheStudyName;
    private readonly List<int> _bracketCache = [];
    private readonly Lock _viewsLock = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Study, BracketViews> _views = new();

    /// <summary>Initializes a new instance of the <see cref="HyperbandPruner"/> class.</summary>
    /// <param name="minResource">The minimum resource <c>r</c> of a trial (≥ 1).</param>
    /// <param name="maxResource">
    /// The maximum resource (the number of steps of a full trial, ≥ <paramref name="minResource"/>), or
    /// <see langword="null"/> for Optuna's <c>"auto"</c>: the largest last step of the first COMPLETE trials + 1.
    /// </param>
    /// <param name="reductionFactor">The reduction factor <c>η</c> (≥ 2).</param>
    /// <param name="bootstrapCount">Trials that must complete a rung before any is promoted (≥ 0; needs an explicit <paramref name="maxResource"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="bootstrapCount"/> &gt; 0 with an automatic maximum resource.</exception>
    public HyperbandPruner(int minResource = 1, int? maxResource = null, int reductionFactor = 3, int bootstrapCount = 0)
    {
        // Optuna checks these only when the brackets are built, with SuccessiveHalvingPruner's messages.
        SuccessiveHalvingPruner.CheckArguments(minResource, reductionFactor, 0, bootstrapCount);
        if (bootstrapCount > 0 && maxResource is null)
        {
            throw new ArgumentException(
                $"bootstrap_count > 0 and max_resource == 'auto' are mutually incompatible, bootstrap_count is {bootstrapCount}",
                nameof(bootstrapCount));
        }

        // Optuna accepts a smaller maximum and then never prunes; Sharptune reports the mistake.
        PrunerMath.Check(maxResource is null || maxResource >= minResource, nameof(maxResource), maxResource,
            $"The value of `max_resource` is {maxResource}, but must be `max_resource >= min_resource` ({minResource}) or 'auto'");
        MinResource = minResource;
        _maxResource = maxResource;
        ReductionFactor = reductionFactor;
        BootstrapCount = bootstrapCount;
    }

    /// <summary>Gets the minimum resource.</summary>
    public int MinResource { get; }

    /// <summary>Gets the maximum resource, or <see langword="null"/> while an automatic one is not known yet.</summary>
    public int? MaxResource
    {
        get
        {
            lock (_lock)
            {
                return _maxResource;
            }
        }
    }

    /// <summary>Gets the reduction factor <c>η</c>.</summary>
    public int ReductionFactor { get; }

    /// <summary>Gets the number of values a rung needs before promotions start.</summary>
    public int BootstrapCount { get; }

    /// <summary>Gets the number of brackets, or <see langword="null"/> before they are built.</summary>
    public int? BracketCount => Volatile.Read(ref _brackets)?.Pruners.Length;

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        var brackets = EnsureBrackets(study);
        if (brackets is null || brackets.Pruners.Length == 0)
        {
            return false;
        }

        int bracket = GetBracketId(study.StudyName, trial.Number);
        return brackets.Pruners[bracket].Prune(BracketStudy(study, bracket), trial);
    }

    /// <summary>Returns the view of <paramref name="study"/> that holds the trials of <paramref name="trial"/>'s bracket.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The trial.</param>
    /// <returns>The bracket's view.</returns>
    public Study FilterStudy(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        return BracketStudy(study, GetBracketId(study.StudyName, trial.Number));
    }

    /// <summary>
    /// Returns the bracket of a trial (Optuna's <c>_get_bracket_id</c>); 0 until the brackets are built.
    /// </summary>
    /// <param name="studyName">The study name.</param>
    /// <param name="trialNumber">The trial number.</param>
    /// <returns>The bracket index.</returns>
    public int GetBracketId(string studyName, int trialNumber)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        var brackets = Volatile.Read(ref _brackets);
        if (brackets is null || brackets.Pruners.Length == 0)
        {
            return 0;
        }

        lock (_lock)
        {
            if (!string.Equals(_cacheStudyName, studyName, StringComparison.Ordinal))
            {
                _cacheStudyName = studyName;
                _bracketCache.Clear();
            }

            while (_bracketCache.Count <= trialNumber)
            {
                _bracketCache.Add(-1);
            }

            int cached = trialNumber >= 0 ? _bracketCache[trialNumber] : -1;
            if (cached >= 0)
            {
                return cached;
            }

            int id = ComputeBracketId(brackets, studyName, trialNumber);
            if (trialNumber >= 0)
            {
                _bracketCache[trialNumber] = id;
            }

            return id;
        }
    }

    private static int ComputeBracketId(Brackets brackets, string studyName, int trialNumber)
    {
        string key = studyName + "_" + trialNumber.ToString(CultureInfo.InvariantCulture);
        long n = Crc32.Compute(Encoding.UTF8.GetBytes(key)) % brackets.TotalBudget;
        for (int b = 0; b < brackets.Budgets.Length; b++)
        {
            n -= brackets.Budgets[b];
            if (n < 0)
            {
                return b;
            }
        }

        throw new InvalidOperationException("This line should be unreachable.");
    }

    /// <summary>
    /// Returns the view of a bracket. Views are kept per study object and set of brackets, so that the trial
    /// history a sampler reads through a bracket's view persists from trial to trial; the views made before the
    /// brackets existed (every trial in bracket 0) are dropped once they exist.
    /// </summary>
    private Study BracketStudy(Study study, int bracket)
    {
        var brackets = Volatile.Read(ref _brackets);
        lock (_viewsLock)
        {
            if (!_views.TryGetValue(study, out var views) || !ReferenceEquals(views.Brackets, brackets))
            {
                views = new BracketViews(brackets, new Study?[Math.Max(1, brackets?.Pruners.Length ?? 1)]);
                _views.AddOrUpdate(study, views);
            }

            return views.Studies[bracket] ??= study.WithTrialFilter(t => GetBracketId(study.StudyName, t.Number) == bracket);
        }
    }

    private sealed record BracketViews(Brackets? Brackets, Study?[] Studies);

    private Brackets? EnsureBrackets(Study study)
    {
        var brackets = Volatile.Read(ref _brackets);
        if (brackets is not null)
        {
            return brackets;
        }

        lock (_lock)
        {
            if (_brackets is not null)
            {
                return _brackets;
            }

            if (_maxResource is null)
            {
                int? maxLastStep = null;
                foreach (var t in study.GetTrials(PrunerMath.CompleteOnly))
                {
                    if (t.LastStep is { } s && (maxLastStep is null || s > maxLastStep))
                    {
                        maxLastStep = s;
                    }
                }

                if (maxLastStep is null)
                {
                    return null;
                }

                _maxResource = maxLastStep.Value + 1;
            }

            // Python's math.log(x, base) is log(x) / log(base); the ratio is a float division.
            int nBrackets = (int)Math.Floor(Math.Log((double)_maxResource.Value / MinResource) / Math.Log(ReductionFactor)) + 1;
            nBrackets = Math.Max(nBrackets, 0);
            var budgets = new long[nBrackets];
            var pruners = new SuccessiveHalvingPruner[nBrackets];
            long total = 0;
            for (int b = 0; b < nBrackets; b++)
            {
                int s = nBrackets - 1 - b;
                budgets[b] = (long)Math.Ceiling(nBrackets * Math.Pow(ReductionFactor, s) / (s + 1));
                total += budgets[b];
                pruners[b] = new SuccessiveHalvingPruner(MinResource, ReductionFactor, b, BootstrapCount);
            }

            var built = new Brackets(pruners, budgets, total);
            Volatile.Write(ref _brackets, built);
            return built;
        }
    }

    private sealed record Brackets(SuccessiveHalvingPruner[] Pruners, long[] Budgets, long TotalBudget);
}

/// <summary>CRC-32 (IEEE 802.3, zlib's and Python's <c>binascii.crc32</c>).</summary>
internal static class Crc32
{
    private static readonly uint[] Table = CreateTable();

    /// <summary>Computes the checksum of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The CRC-32.</returns>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
