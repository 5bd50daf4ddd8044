using System.Globalization;
using ScottPlot;

namespace Sharptune.Visualization.Rendering;

/// <summary>Maps one axis's data values to ScottPlot coordinates (log10 for log axes, indices for categories).</summary>
internal sealed class AxisMap
{
    private readonly AxisSpec _axis;
    private readonly Dictionary<string, int> _categories = new(StringComparer.Ordinal);
    private readonly List<string> _categoryOrder = [];

    public AxisMap(AxisSpec axis, IEnumerable<TraceSpec> traces, bool isX)
    {
        _axis = axis;
        if (axis.Categories is not null)
        {
            foreach (string c in axis.Categories)
            {
                AddCategory(c);
            }
        }

        if (axis.Kind != AxisKind.Category)
        {
            return;
        }

        foreach (var trace in traces)
        {
            IReadOnlyList<string>? texts = trace switch
            {
                ScatterSpec s => isX ? s.XText : s.YText,
                ContourSpec c => isX ? c.XText : c.YText,
                BarSpec b when !isX => b.PositionText,
                _ => null,
            };
            foreach (string t in texts ?? [])
            {
                AddCategory(t);
            }
        }
    }

    public double Map(double value) => _axis.Kind == AxisKind.Log ? (value > 0 ? Math.Log10(value) : double.NaN) : value;

    public double MapCategory(string value) => _categories.TryGetValue(value, out int i) ? i : double.NaN;

    public void Apply(Plot plot, IAxis axis, bool bottom)
    {
        if (_axis.Title is not null)
        {
            axis.Label.Text = _axis.Title;
        }

        if (!_axis.Visible)
        {
            axis.Label.Text = string.Empty;
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
            axis.MajorTickStyle.Length = 0;
            axis.MinorTickStyle.Length = 0;
            axis.FrameLineStyle.Width = 0;
        }
        else if (_axis.Kind == AxisKind.Date && bottom)
        {
            plot.Axes.DateTimeTicksBottom();
            plot.Axes.Bottom.Label.Text = _axis.Title ?? string.Empty;
        }
        else if (_axis.Kind == AxisKind.Category)
        {
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            for (int i = 0; i < _categoryOrder.Count; i++)
            {
                ticks.AddMajor(i, Shorten(_categoryOrder[i]));
            }

            axis.TickGenerator = ticks;
        }
        else if (_axis.TickValues is not null)
        {
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            for (int i = 0; i < _axis.TickValues.Count; i++)
            {
                string label = _axis.TickText is not null && i < _axis.TickText.Count ? _axis.TickText[i] : ImageRenderer.Format(_axis.TickValues[i]);
                ticks.AddMajor(Map(_axis.TickValues[i]), label);
            }

            axis.TickGenerator = ticks;
        }
        else if (_axis.Kind == AxisKind.Log)
        {
            axis.TickGenerator = LogTicks();
        }

        if (!_axis.ShowTickLabels)
        {
            axis.TickLabelStyle.IsVisible = false;
        }

        if (_axis.Range is { } range)
        {
            double low = Map(range.Low), high = Map(range.High);
            if (double.IsFinite(low) && double.IsFinite(high) && high > low)
            {
                if (bottom)
                {
                    plot.Axes.SetLimitsX(low, high);
                }
                else
                {
                    plot.Axes.SetLimitsY(low, high);
                }
            }
        }
        else if (_axis.Kind == AxisKind.Category && _categoryOrder.Count > 0)
        {
            double pad = Math.Max(0.5, _categoryOrder.Count * 0.05);
            if (bottom)
            {
                plot.Axes.SetLimitsX(-pad, _categoryOrder.Count - 1 + pad);
            }
            else
            {
                plot.Axes.SetLimitsY(-pad, _categoryOrder.Count - 1 + pad);
            }
        }
    }

    private ScottPlot.TickGenerators.NumericManual LogTicks()
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        double low = -10, high = 10;
        if (_axis.Range is { } r && r.Low > 0 && r.High > r.Low)
        {
            low = Math.Log10(r.Low);
            high = Math.Log10(r.High);
        }

        int first = (int)Math.Floor(low), last = (int)Math.Ceiling(high);
        bool fewDecades = last - first <= 2;
        for (int k = first; k <= last; k++)
        {
            foreach (int m in fewDecades ? new[] { 1, 2, 5 } : [1])
            {
                double v = Math.Log10(m) + k;
                if (v >= low - 1e-9 && v <= high + 1e-9)
                {
                    ticks.AddMajor(v, Math.Pow(10, v).ToString("0.###e0", CultureInfo.InvariantCulture).Replace("e0", string.Empty, StringComparison.Ordinal) is var s && Math.Abs(v) < 4 ? Math.Pow(10, v).ToString("G4", CultureInfo.InvariantCulture) : Math.Pow(10, v).ToString("0e0", CultureInfo.InvariantCulture));
                }
            }

            for (int m = 2; m <= 9; m++)
            {
                ticks.AddMinor(Math.Log10(m) + k);
            }
        }

        return ticks;
    }

    private static string Shorten(string s) => s.Length <= 14 ? s : s[..13] + "…";

    private void AddCategory(string c)
    {
        if (_categories.TryAdd(c, _categoryOrder.Count))
        {
            _categoryOrder.Add(c);
        }
    }
}
