
namespace Sharptune.Samplers.CmaEs;

internal sealed partial class CmaOptimizer
{
    private void TellSeparable((double[] X, double Value)[] sorted)
    {
        int n = _n;
        var d = _d!;
        var (y, yw) = MoveMean(sorted);

        double hSigma = UpdatePaths(yw, d, yw);

        double deltaH = (1 - hSigma) * _cc * (2 - _cc);
        double decay = 1 + (_c1 * deltaH) - _c1 - (_cmu * _weights.Sum());
        for (int i = 0; i < n; i++)
        {
            double rankMu = 0;
            for (int k = 0; k < _mu; k++)
            {
                rankMu += _weights[k] * y[k][i] * y[k][i];
            }

            _c[i] = (decay * _c[i]) + (_c1 * _pc[i] * _pc[i]) + (_cmu * rankMu);
        }
    }

    // ----- margin (CMA-ES with margin, Hamano et al. 2022) -----

    private static (double[] W, int Mu, double MuEff, double Cc, double C1, double Cmu, double CSigma, double DSigma) SeparableConstants(int n, int lambda)
    {
        int mu = lambda / 2;
        var wp = new double[mu];
        for (int i = 0; i < mu; i++)
        {
            wp[i] = Math.Log(mu + 1) - Math.Log(i + 1);
        }

        double s = wp.Sum();
        var weights = wp.Select(w => w / s).ToArray();
        double muEff = 1 / weights.Sum(w => w * w);
        const double AlphaCov = 2;
        double c1 = AlphaCov / (Math.Pow(n + 1.3, 2) + muEff);
        double cmuFull = (2 / muEff / Math.Pow(n + Math.Sqrt(2), 2)) + ((1 - (1 / muEff)) * Math.Min(1, ((2 * muEff) - 1) / (Math.Pow(n + 2, 2) + muEff)));
        double cmu = (n + 2) / 3.0 * cmuFull;
        double cSigma = (muEff + 2) / (n + muEff + 3);
        double dSigma = 1 + (2 * Math.Max(0, Math.Sqrt((muEff - 1) / (n + 1)) - 1)) + cSigma;
        double cc = 4.0 / (n + 4);
        return (weights, mu, muEff, cc, c1, cmu, cSigma, dSigma);
    }
}
