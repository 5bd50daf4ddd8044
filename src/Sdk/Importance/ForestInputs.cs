using Sharptune.Samplers;

namespace Sharptune.Importance;

/// <summary>The data the forest evaluators fit: one row per usable trial in the untransformed one-hot space.</summary>
internal sealed class ForestInputs
{
    private ForestInputs(SearchSpaceTransform transform, double[] x, double[] y, int rows)
    {
        Transform = transform;
        X = x;
        Y = y;
        Rows = rows;
    }

    /// <summary>Gets the transform (raw numeric values, categoricals one-hot; no log or step transform).</summary>
    public SearchSpaceTransform Transform { get; }

    /// <summary>Gets the features, row-major.</summary>
    public double[] X { get; }

    /// <summary>Gets the targets.</summary>
    public double[] Y { get; }

    /// <summary>Gets the number of rows.</summary>
    public int Rows { get; }

    /// <summary>
    /// Collects the COMPLETE trials that hold every parameter of <paramref name="required"/> and have a finite target,
    /// in the space of <paramref name="space"/>.
    /// </summary>
    public static ForestInputs Collect(IReadOnlyList<FrozenTrial> complete, IReadOnlyDictionary<string, Distribution> space,
        IReadOnlyList<string> required, Func<FrozenTrial, double>? target)
    {
        var transform = new SearchSpaceTransform(space, transformLog: false, transformStep: false);
        int columns = transform.ColumnCount;
        var names = transform.ParamNames;
        var x = new List<double>(complete.Count * columns);
        var y = new List<double>(complete.Count);
        foreach (var trial in complete)
        {
            if (!ImportanceInputs.HasAll(trial, required))
            {
                continue;
            }

            double value = ImportanceInputs.TargetOf(trial, target);
            if (!double.IsFinite(value))
            {
                continue;
            }

            y.Add(value);
            int start = x.Count;
            for (int c = 0; c < columns; c++)
            {
                x.Add(0);
            }

            for (int p = 0; p < names.Count; p++)
            {
                double v = trial.InternalParams[names[p]];
                int c0 = transform.ColumnStarts[p];
                if (space[names[p]] is CategoricalDistribution)
                {
                    x[start + c0 + (int)v] = 1;
                }
                else
                {
                    x[start + c0] = v;
                }
            }
        }

        return new ForestInputs(transform, [.. x], [.. y], y.Count);
    }
}
