namespace Sharptune.Samplers.Tpe;

/// <summary>
/// Reusable arrays for one estimator role (below or above) of a sampler, so that sampling allocates almost nothing
/// from one trial to the next. Arrays are handed out by (role, index), grow when too small and are not cleared:
/// callers initialize the part they use. Only valid while the sampler holds its lock.
/// </summary>
internal sealed class TpeWorkspace
{
    /// <summary>The observations of a dimension (index = dimension).</summary>
    public const int Observations = 0;

    /// <summary>The mixture weights.</summary>
    public const int Weights = 1;

    /// <summary>The cumulative mixture weights.</summary>
    public const int Cumulative = 2;

    /// <summary>The per-kernel constant term.</summary>
    public const int BaseLog = 3;

    /// <summary>The bandwidths of a dimension.</summary>
    public const int Sigma = 4;

    /// <summary>The truncation masses of a dimension.</summary>
    public const int LogNorm = 5;

    /// <summary>The scaled inverse bandwidths of a dimension.</summary>
    public const int ScaledInv = 6;

    /// <summary>The sort order of a dimension.</summary>
    public const int Order = 7;

    /// <summary>The trial number of each kernel.</summary>
    public const int KernelNumber = 8;

    /// <summary>The kernel of each trial number.</summary>
    public const int KernelOfNumber = 9;

    /// <summary>The packed kernels.</summary>
    public const int Packed = 10;

    /// <summary>The packed start terms.</summary>
    public const int PackedStart = 11;

    /// <summary>The packed terms.</summary>
    public const int PackedTerms = 12;

    /// <summary>Per-candidate start terms.</summary>
    public const int Start = 13;

    /// <summary>Sort keys.</summary>
    public const int Keys = 14;

    /// <summary>
    /// The acquisition argmax's scratch arrays (doubles: 0 maxima, 1 bounds, 2 vector maxima, 3 points; ints: 0 order).
    /// </summary>
    public const int Argmax = 15;

    /// <summary>
    /// Drawn candidate points (doubles: slot × dimensions + dimension, the values; ints: slot, each point's kernel).
    /// Slot 0 holds the acquisition's candidates and slot 1 the refinement's, which are alive at the same time.
    /// </summary>
    public const int Candidates = 16;

    /// <summary>
    /// Per-point scratch (doubles: 0 and 1, log l(x) of candidate slot 0 and 1; 2, transformed points of LogPdf; 3, the
    /// log-densities of an argmax evaluated in full).
    /// </summary>
    public const int Scores = 17;

    /// <summary>
    /// The cell layout of <see cref="PackedKernels.ByCells"/> (doubles: 0, the boxes' statistics; ints: 0, 1 and 3
    /// scratch, 2 the slabs' first cells, 4 the cells' first blocks, 5 the kernel of each position). One packing by
    /// cells at a time (the acquisition's).
    /// </summary>
    public const int Cells = 18;

    /// <summary>Per-dimension scratch of <see cref="ParzenEstimator.LogPdf"/> (ints: 0, the continuous dimensions; 1, the discrete strides).</summary>
    public const int Dimensions = 19;

    private const int RoleCount = 20;

    /// <summary>Jagged containers (one array per dimension) of an estimator: means, bandwidths, scaled inverse bandwidths, truncation masses, categorical rows and their logs.</summary>
    public const int JaggedMu = 0;

    /// <summary>See <see cref="JaggedMu"/>.</summary>
    public const int JaggedSigma = 1;

    /// <summary>See <see cref="JaggedMu"/>.</summary>
    public const int JaggedInv = 2;

    /// <summary>See <see cref="JaggedMu"/>.</summary>
    public const int JaggedLogNorm = 3;

    /// <summary>See <see cref="JaggedMu"/>.</summary>
    public const int JaggedProbs = 4;

    /// <summary>See <see cref="JaggedMu"/>.</summary>
    public const int JaggedLogProbs = 5;

    /// <summary>The observations and the parameter columns handed to an estimator.</summary>
    public const int JaggedObservations = 6;

    /// <summary>See <see cref="JaggedObservations"/>.</summary>
    public const int JaggedColumns = 7;

    /// <summary>The continuous means and inverse bandwidths that <see cref="ParzenEstimator.LogPdf"/> packs.</summary>
    public const int JaggedPackMu = 8;

    /// <summary>See <see cref="JaggedPackMu"/>.</summary>
    public const int JaggedPackInv = 9;

    /// <summary>The candidate values of slot 0 and 1 (see <see cref="Candidates"/>).</summary>
    public const int JaggedCandidates = 10;

    private double[][]?[] _jagged = new double[][]?[12];
    private int[]?[]? _jaggedOrder;

    private readonly double[][][] _doubles = new double[RoleCount][][];
    private readonly int[][][] _ints = new int[RoleCount][][];

    /// <summary>Returns a double array of at least <paramref name="size"/> elements (contents undefined).</summary>
    /// <param name="role">The role.</param>
    /// <param name="index">The index within the role (a dimension, or 0).</param>
    /// <param name="size">The minimum length.</param>
    /// <returns>The array.</returns>
    public double[] Doubles(int role, int index, int size) => Get(ref _doubles[role], index, size);

    /// <summary>Returns an int array of at least <paramref name="size"/> elements (contents undefined).</summary>
    /// <param name="role">The role.</param>
    /// <param name="index">The index within the role.</param>
    /// <param name="size">The minimum length.</param>
    /// <returns>The array.</returns>
    public int[] Ints(int role, int index, int size) => Get(ref _ints[role], index, size);

    private static T[] Get<T>(ref T[][] slots, int index, int size)
    {
        slots ??= new T[Math.Max(4, index + 1)][];
        if (index >= slots.Length)
        {
            Array.Resize(ref slots, Math.Max(index + 1, slots.Length * 2));
        }

        var a = slots[index];
        if (a is null || a.Length < size)
        {
            a = new T[Math.Max(size, (a?.Length ?? 0) * 2)];
            slots[index] = a;
        }

        return a;
    }

    /// <summary>
    /// Returns a jagged container of exactly <paramref name="length"/> entries, reused from one call to the next with
    /// the same index (a new one without a workspace). Its entries are null until the caller sets them (typed non-null
    /// for the callers, which set every entry they read).
    /// </summary>
    /// <param name="workspace">The workspace, or <see langword="null"/>.</param>
    /// <param name="index">Which container (<see cref="JaggedMu"/> and the following constants).</param>
    /// <param name="length">The number of entries.</param>
    /// <returns>The container.</returns>
    public static double[][] Jagged(TpeWorkspace? workspace, int index, int length)
    {
        if (workspace is null)
        {
            return new double[length][];
        }

        if (index >= workspace._jagged.Length)
        {
            Array.Resize(ref workspace._jagged, index + 1);
        }

        var a = workspace._jagged[index];
        if (a is null || a.Length != length)
        {
            a = new double[length][];
            workspace._jagged[index] = a;
        }
        else
        {
            Array.Clear(a);
        }

        return a;
    }

    /// <summary>The jagged container of an estimator's sort orders (see <see cref="Jagged"/>).</summary>
    /// <param name="workspace">The workspace, or <see langword="null"/>.</param>
    /// <param name="length">The number of entries.</param>
    /// <returns>The container.</returns>
    public static int[]?[] JaggedOrders(TpeWorkspace? workspace, int length)
    {
        if (workspace is null)
        {
            return new int[length][];
        }

        var a = workspace._jaggedOrder;
        if (a is null || a.Length != length)
        {
            a = new int[length][];
            workspace._jaggedOrder = a;
        }
        else
        {
            Array.Clear(a);
        }

        return a;
    }

    /// <summary>Returns a double array from a workspace, or a new exact-size one without a workspace.</summary>
    /// <param name="workspace">The workspace, or <see langword="null"/>.</param>
    /// <param name="role">The role.</param>
    /// <param name="index">The index within the role.</param>
    /// <param name="size">The minimum length.</param>
    /// <returns>The array.</returns>
    public static double[] Doubles(TpeWorkspace? workspace, int role, int index, int size) =>
        workspace is null ? new double[size] : workspace.Doubles(role, index, size);

    /// <summary>Returns an int array from a workspace, or a new exact-size one without a workspace.</summary>
    /// <param name="workspace">The workspace, or <see langword="null"/>.</param>
    /// <param name="role">The role.</param>
    /// <param name="index">The index within the role.</param>
    /// <param name="size">The minimum length.</param>
    /// <returns>The array.</returns>
    public static int[] Ints(TpeWorkspace? workspace, int role, int index, int size) =>
        workspace is null ? new int[size] : workspace.Ints(role, index, size);
}
