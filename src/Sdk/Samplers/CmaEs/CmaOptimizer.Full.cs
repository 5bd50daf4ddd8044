
namespace Sharptune.Samplers.CmaEs;

internal sealed partial class CmaOptimizer
{
    private void TellFull((double[] X, double Value)[] sorted)
    {
        int n = _n, lambda = PopulationSize;
        var b = _b!;
        var d = _d!;
        double[]? oldMean = null;
        double oldSigma = _sigma;
        double[]? oldSigmaMat = null;
        double[]? oldInvSqrtC = null;

        // C^(-1/2) = B D^-1 Bᵀ
        var invSqrtC = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++)
                {
                    s += b[(i * n) + k] / d[k] * b[(j * n) + k];
                }

                invSqrtC[(i * n) + j] = s;
            }
        }

        if (AdaptsLearningRate)
        {
            oldMean = (double[])_mean.Clone();
            oldSigmaMat = new double[n * n];
            for (int k = 0; k < n * n; k++)
            {
                oldSigmaMat[k] = _sigma * _sigma * _c[k];
            }

            oldInvSqrtC = (double[])invSqrtC.Clone();
        }

        var (y, yw) = MoveMean(sorted);

        double hSigma = UpdatePaths(MatVec(invSqrtC, yw, n), null, yw);

        var wio = new double[lambda];
        for (int k = 0; k < lambda; k++)
        {
            if (_weights[k] >= 0)
            {
                wio[k] = _weights[k];
            }
            else
            {
                var cy = MatVec(invSqrtC, y[k], n);
                double nrm = 0;
                foreach (double v in cy)
                {
                    nrm += v * v;
                }

                wio[k] = _weights[k] * n / (nrm + Eps);
            }
        }

        double deltaH = (1 - hSigma) * _cc * (2 - _cc);
        double sumW = _weights.Sum();
        double decay = 1 + (_c1 * deltaH) - _c1 - (_cmu * sumW);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double rankMu = 0;
                for (int k = 0; k < lambda; k++)
                {
                    rankMu += wio[k] * y[k][i] * y[k][j];
                }

                _c[(i * n) + j] = (decay * _c[(i * n) + j]) + (_c1 * _pc[i] * _pc[j]) + (_cmu * rankMu);
            }
        }

        if (AdaptsLearningRate)
        {
            AdaptLearningRate(oldMean!, oldSigma, oldSigmaMat!, oldInvSqrtC!);
        }
    }

    private static (double[] W, int Mu, double MuEff, double Cc, double C1, double Cmu, double CSigma, double DSigma) FullConstants(int n, int lambda)
    {
        int mu = lambda / 2;
        var wp = new double[lambda];
        for (int i = 0; i < lambda; i++)
        {
            wp[i] = Math.Log((lambda + 1) / 2.0) - Math.Log(i + 1);
        }

        double sumPos = 0, sumPos2 = 0, sumNeg = 0, sumNeg2 = 0;
        for (int i = 0; i < mu; i++)
        {
            sumPos += wp[i];
            sumPos2 += wp[i] * wp[i];
        }

        for (int i = mu; i < lambda; i++)
        {
            sumNeg += wp[i];
            sumNeg2 += wp[i] * wp[i];
        }

        double muEff = sumPos * sumPos / sumPos2;
        double muEffMinus = sumNeg2 > 0 ? sumNeg * sumNeg / sumNeg2 : 0;
        const double AlphaCov = 2;
        double c1 = AlphaCov / (Math.Pow(n + 1.3, 2) + muEff);
        double cmu = Math.Min(1 - c1 - 1e-8, AlphaCov * (muEff - 2 + (1 / muEff)) / (Math.Pow(n + 2, 2) + (AlphaCov * muEff / 2)));
        double minAlpha = Math.Min(1 + (c1 / cmu), Math.Min(1 + (2 * muEffMinus / (muEff + 2)), (1 - c1 - cmu) / (n * cmu)));
        double positive = wp.Where(w => w > 0).Sum();
        double negative = wp.Where(w => w < 0).Sum(w => -w);
        var weights = new double[lambda];
        for (int i = 0; i < lambda; i++)
        {
            weights[i] = wp[i] >= 0 ? wp[i] / positive : minAlpha / negative * wp[i];
        }

        double cSigma = (muEff + 2) / (n + muEff + 5);
        double dSigma = 1 + (2 * Math.Max(0, Math.Sqrt((muEff - 1) / (n + 1)) - 1)) + cSigma;
        double cc = (4 + (muEff / n)) / (n + 4 + (2 * muEff / n));
        return (weights, mu, muEff, cc, c1, cmu, cSigma, dSigma);
    }
}
