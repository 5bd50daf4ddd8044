using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Sharptune.Samplers.CmaEs;

internal sealed partial class CmaOptimizer
{
    // Learning-rate adaptation constants (Nomura et al., GECCO 2023).
    private const double LraAlpha = 1.4;
    private const double LraBetaMean = 0.1;
    private const double LraBetaSigma = 0.03;
    private const double LraGamma = 0.1;

    // Learning-rate adaptation state.
    private double[]? _eMean;
    private double[]? _eSigma;
    private double _vMean;
    private double _vSigma;
    private double _etaMean = 1;
    private double _etaSigma = 1;

    private void AdaptLearningRate(double[] oldMean, double oldSigma, double[] oldSigmaMat, double[] oldInvSqrtC)
    {
        int n = _n;
        var deltaMean = new double[n];
        for (int i = 0; i < n; i++)
        {
            deltaMean[i] = _mean[i] - oldMean[i];
        }

        var deltaSigma = new double[n * n];
        for (int k = 0; k < n * n; k++)
        {
            deltaSigma[k] = (_sigma * _sigma * _c[k]) - oldSigmaMat[k];
        }

        // Local coordinates: Σ_old^(-1/2) = C_old^(-1/2) / σ_old.
        var inv = new double[n * n];
        for (int k = 0; k < n * n; k++)
        {
            inv[k] = oldInvSqrtC[k] / oldSigma;
        }

        var locMean = MatVec(inv, deltaMean, n);
        var locSigma = MatMul(MatMul(inv, deltaSigma, n), inv, n);
        double sqrt2 = Math.Sqrt(2);
        for (int k = 0; k < n * n; k++)
        {
            locSigma[k] /= sqrt2;
        }

        double normLocMean2 = 0, normLocSigma2 = 0;
        for (int i = 0; i < n; i++)
        {
            _eMean![i] = ((1 - LraBetaMean) * _eMean[i]) + (LraBetaMean * locMean[i]);
            normLocMean2 += locMean[i] * locMean[i];
        }

        for (int k = 0; k < n * n; k++)
        {
            _eSigma![k] = ((1 - LraBetaSigma) * _eSigma[k]) + (LraBetaSigma * locSigma[k]);
            normLocSigma2 += locSigma[k] * locSigma[k];
        }

        _vMean = ((1 - LraBetaMean) * _vMean) + (LraBetaMean * normLocMean2);
        _vSigma = ((1 - LraBetaSigma) * _vSigma) + (LraBetaSigma * normLocSigma2);

        double sqE = _eMean!.Sum(v => v * v);
        double snrMean = (sqE - (LraBetaMean / (2 - LraBetaMean) * _vMean)) / (_vMean - sqE);
        double sqES = _eSigma!.Sum(v => v * v);
        double snrSigma = (sqES - (LraBetaSigma / (2 - LraBetaSigma) * _vSigma)) / (_vSigma - sqES);

        double beforeEtaMean = _etaMean;
        double relMean = Math.Clamp((snrMean / LraAlpha / _etaMean) - 1, -1, 1);
        _etaMean *= Math.Exp(Math.Min(LraGamma * _etaMean, LraBetaMean) * relMean);
        double relSigma = Math.Clamp((snrSigma / LraAlpha / _etaSigma) - 1, -1, 1);
        _etaSigma *= Math.Exp(Math.Min(LraGamma * _etaSigma, LraBetaSigma) * relSigma);
        _etaMean = Math.Min(_etaMean, 1.0);
        _etaSigma = Math.Min(_etaSigma, 1.0);

        for (int i = 0; i < n; i++)
        {
            _mean[i] = oldMean[i] + (_etaMean * deltaMean[i]);
        }

        var sigmaMat = Matrix<double>.Build.Dense(n, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                sigmaMat[i, j] = oldSigmaMat[(i * n) + j] + (_etaSigma * deltaSigma[(i * n) + j]);
            }
        }

        // σ = det(Σ)^(1/2n), C = Σ / σ².
        var eig = sigmaMat.Evd(Symmetricity.Symmetric).EigenValues;
        double logSum = 0;
        for (int k = 0; k < n; k++)
        {
            logSum += Math.Log(eig[k].Real);
        }

        _sigma = Math.Min(Math.Exp(logSum / 2.0 / n), SigmaMax);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                _c[(i * n) + j] = sigmaMat[i, j] / (_sigma * _sigma);
            }
        }

        _sigma *= beforeEtaMean / _etaMean;
    }
}
