namespace Sharptune.Visualization.Rendering;

/// <summary>The colours Optuna's plots use (plotly's sequential scales and default trace colours).</summary>
internal static class Palette
{
    /// <summary>plotly's default trace colours, in order.</summary>
    public static readonly string[] Cycle = ["#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692", "#B6E880", "#FF97FF", "#FECB52"];

    public static readonly ColorScale Blues = Even("Blues", [
        new(247, 251, 255), new(222, 235, 247), new(198, 219, 239), new(158, 202, 225), new(107, 174, 214),
        new(66, 146, 198), new(33, 113, 181), new(8, 81, 156), new(8, 48, 107)]);

    public static readonly ColorScale Reds = Even("Reds", [
        new(255, 245, 240), new(254, 224, 210), new(252, 187, 161), new(252, 146, 114), new(251, 106, 74),
        new(239, 59, 44), new(203, 24, 29), new(165, 15, 21), new(103, 0, 13)]);

    /// <summary>RdYlBu reversed: blue (low) to red (high).</summary>
    public static readonly ColorScale RdYlBuReversed = Even("RdYlBu_r", [
        new(49, 54, 149), new(69, 117, 180), new(116, 173, 209), new(171, 217, 233), new(224, 243, 248),
        new(255, 255, 191), new(254, 224, 144), new(253, 174, 97), new(244, 109, 67), new(215, 48, 39), new(165, 0, 38)]);

    public const string Infeasible = "#cccccc";

    public static string CycleColor(int index) => Cycle[index % Cycle.Length];

    private static ColorScale Even(string name, Rgb[] colors) =>
        new(name, colors.Select((c, i) => (i * (1.0 / (colors.Length - 1)), c)).ToArray()); // plotly: i * (1 / (n - 1))
}
