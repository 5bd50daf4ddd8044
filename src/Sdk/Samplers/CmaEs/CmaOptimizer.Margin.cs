using MathNet.Numerics.Distributions;

namespace Sharptune.Samplers.CmaEs;

internal sealed partial class CmaOptimizer
{
    // Margin state (CMA-ES with margin).
    private readonly double[]? _steps;
    private readonly int[] _discrete = [];
    private readonly int[] _continuous = [];
    private double[]? _a;
    private double _margin;

    private double DiscreteStep(int i) => _steps![i];

    private int DiscreteSize(int i) => (int)Math.Ceiling((_upper[i] + (_steps![i] / 2) - _lower[i]) / _steps[i]);

    private double DiscreteValue(int i, int index) => _lower[i] + (index * DiscreteStep(i));

    private double LimitValue(int i, int index) => (DiscreteValue(i, index) + DiscreteValue(i, index + 1)) / 2;

    private int DiscreteIndex(int i, double value)
    {
        int size = DiscreteSize(i);
        int idx = (int)Math.Clamp(Math.Floor(((value - _lower[i]) / DiscreteStep(i)) + 0.5), 0, size - 1);
        if (idx > 0 && value <= LimitValue(i, Math.Max(idx - 1, 0)))
        {
            idx--;
        }

        if (idx < size - 1 && value > LimitValue(i, Math.Min(idx, size - 2)))
        {
            idx++;
        }

        return idx;
    }

    private (double Low, double Up) DiscreteLimits(int i, double value)
    {
        int size = DiscreteSize(i);
        int pos = DiscreteIndex(i, value);
        int lo = Math.Clamp(pos - 1, 0, size - 2);
        int up = Math.Clamp(pos, 0, size - 2);
        return (LimitValue(i, lo), LimitValue(i, up));
    }

    private void ApplyMargin()
    {
        double sigma = _sigma;
        foreach (int i in _discrete)
        {
            double cii = _separable ? _c[i] : _c[(i * _n) + i];
            double m = _mean[i];
            var (zLow, zUp) = DiscreteLimits(i, m);
            double scale = sigma * _a![i] * Math.Sqrt(cii);
            double lowCdf = Normal.CDF(m, scale, zLow);
            double upCdf = 1.0 - Normal.CDF(m, scale, zUp);
            double midCdf = 1.0 - (lowCdf + upCdf);
            bool edge = Math.Max(lowCdf, upCdf) > 0.5;
            bool side = !edge;
            if (edge && Math.Min(lowCdf, upCdf) < _margin)
            {
                // chi2 quantile (1 dof) at 1 − 2·margin is the squared normal quantile at 1 − margin.
                double chi = -Normal.InvCDF(0, 1, _margin);
                double dist = sigma * _a[i] * chi * Math.Sqrt(cii);
                _mean[i] = zUp + (Math.Sign(m - zUp) * dist);
            }

            lowCdf = Math.Max(lowCdf, _margin / 2.0);
            upCdf = Math.Max(upCdf, _margin / 2.0);
            double denom = lowCdf + midCdf + upCdf - (3.0 * _margin / 2);
            double rest = 1.0 - lowCdf - upCdf - midCdf;
            double modLow = Math.Clamp(lowCdf + (rest * (lowCdf - (_margin / 2)) / denom), 1e-10, 0.5 - 1e-10);
            double modUp = Math.Clamp(upCdf + (rest * (upCdf - (_margin / 2)) / denom), 1e-10, 0.5 - 1e-10);
            double chiLow = -Normal.InvCDF(0, 1, modLow);
            double chiUp = -Normal.InvCDF(0, 1, modUp);
            if (side)
            {
                _a[i] = (zUp - zLow) / ((chiLow + chiUp) * sigma * Math.Sqrt(cii));
                _mean[i] = ((zLow * chiUp) + (zUp * chiLow)) / (chiLow + chiUp);
            }
        }
    }
}
