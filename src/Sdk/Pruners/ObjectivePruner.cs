using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;

namespace Sharptune.Pruners;

/// <summary>
/// Applies any single-objective pruner to one objective of a multi-objective study (beyond Optuna). The wrapped
/// pruner sees a view of the study with one direction, <c>directions[<see cref="ObjectiveIndex"/>]</c>, in which
/// every trial's values and intermediate values are the chosen component of its values and of its intermediate
/// vectors (<see cref="FrozenTrial.IntermediateVectors"/>). Everything else, rung attributes included, is the
/// trial's own. In a single-objective study (index 0) the wrapped pruner sees the study unchanged.
/// </summary>
public sealed class ObjectivePruner : IPruner
{
    private readonly ConditionalWeakTable<FrozenTrial, FrozenTrial> _projected = new();

    /// <summary>Initializes a new instance of the <see cref="ObjectivePruner"/> class.</summary>
    /// <param name="pruner">The single-objective pruner to apply.</param>
    /// <param name="objectiveIndex">The index of the objective, from 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="objectiveIndex"/> is negative.</exception>
    public ObjectivePruner(IPruner pruner, int objectiveIndex)
    {
        ArgumentNullException.ThrowIfNull(pruner);
        PrunerMath.Check(objectiveIndex >= 0, nameof(objectiveIndex), objectiveIndex,
            $"The objective index cannot be negative, but got objective_index={objectiveIndex}.");
        Pruner = pruner;
        ObjectiveIndex = objectiveIndex;
    }

    /// <summary>Gets the wrapped pruner.</summary>
    public IPruner Pruner { get; }

    /// <summary>Gets the index of the objective the wrapped pruner judges.</summary>
    public int ObjectiveIndex { get; }

    /// <inheritdoc/>
    public bool SupportsMultiObjective => true;

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The study has no objective at <see cref="ObjectiveIndex"/>.</exception>
    public bool Prune(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        var directions = study.Directions;
        if (ObjectiveIndex >= directions.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(study), ObjectiveIndex, $"The objective index {ObjectiveIndex} is out of range for a study with {directions.Count} objectives.");
        }

        if (directions.Count == 1)
        {
            return Pruner.Prune(study, trial);
        }

        var view = study.WithProjection(Project, [directions[ObjectiveIndex]]);
        return Pruner.Prune(view, Project(trial));
    }

    /// <summary>Forwards to the wrapped pruner, so that a wrapped <see cref="HyperbandPruner"/> keeps its brackets.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The trial.</param>
    /// <returns>The wrapped pruner's view of the study.</returns>
    public Study FilterStudy(Study study, FrozenTrial trial) => Pruner.FilterStudy(study, trial);

    private FrozenTrial Project(FrozenTrial trial)
    {
        // Finished trials never change: their projection is computed once.
        if (trial.State.IsFinished())
        {
            return _projected.GetValue(trial, ProjectCore);
        }

        return ProjectCore(trial);
    }

    private FrozenTrial ProjectCore(FrozenTrial trial)
    {
        var intermediate = new SortedList<int, double>(trial.IntermediateVectors.Count);
        foreach (var (step, vector) in trial.IntermediateVectors)
        {
            if (ObjectiveIndex < vector.Count)
            {
                intermediate[step] = vector[ObjectiveIndex];
            }
        }

        IReadOnlyList<double>? values = trial.Values is { } v && ObjectiveIndex < v.Count ? [v[ObjectiveIndex]] : null;
        return new FrozenTrial(
            trial.Number,
            trial.TrialId,
            trial.State,
            values,
            trial.DatetimeStart,
            trial.DatetimeComplete,
            trial.InternalParams,
            trial.Distributions,
            trial.UserAttrs,
            trial.SystemAttrs,
            intermediate.Count == 0 ? FrozenTrial.EmptyIntermediate : new ReadOnlyDictionary<int, double>(intermediate))
        {
            Live = trial.Live, // the wrapped pruner's writes (SuccessiveHalving's rungs) still reach the live trial
        };
    }
}
