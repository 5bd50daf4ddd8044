// Hyperband pruning of an iterative training loop: logistic regression trained by mini-batch SGD on a
// synthetic dataset. Each epoch reports the validation log-loss; Hyperband stops unpromising configurations
// early. The same 60 configurations (same sampler seed) then run without pruning, to measure what pruning saved.
// Wall time depends on what else the machine runs; CPU time and epochs are the steadier measures.
using System.Diagnostics;
using Sharptune;
using Sharptune.Pruners;
using Sharptune.Samplers;

const int Epochs = 27;
const int Trials = 60;
var data = Dataset.Generate(samples: 12_000, features: 40, seed: 7);
new LogisticRegression(data.Features).TrainEpoch(data, 0.1, 0, 32, seed: 0); // JIT warm-up, outside the measures

var pruned = Run(new HyperbandPruner(minResource: 1, maxResource: Epochs, reductionFactor: 3), "with Hyperband");
var full = Run(new NopPruner(), "without pruning");

Console.WriteLine();
Console.WriteLine($"Pruned trials:  {pruned.Pruned} of {Trials}");
Console.WriteLine($"Epochs trained: {pruned.Epochs} instead of {full.Epochs} ({100.0 * (full.Epochs - pruned.Epochs) / full.Epochs:F0}% fewer)");
Console.WriteLine($"CPU time:       {pruned.Cpu.TotalSeconds:F2} s instead of {full.Cpu.TotalSeconds:F2} s (saved {(full.Cpu - pruned.Cpu).TotalSeconds:F2} s, {100 * (1 - (pruned.Cpu / full.Cpu)):F0}%)");
Console.WriteLine($"Wall time:      {pruned.Time.TotalSeconds:F2} s instead of {full.Time.TotalSeconds:F2} s (saved {(full.Time - pruned.Time).TotalSeconds:F2} s, {100 * (1 - (pruned.Time / full.Time)):F0}%)");
Console.WriteLine($"Best loss:      {pruned.Best:F4} with pruning, {full.Best:F4} without");
return;

Outcome Run(IPruner pruner, string label)
{
    var study = Study.Create(new StudyOptions { StudyName = "logistic-sgd", Sampler = new RandomSampler(seed: 42), Pruner = pruner });
    long epochs = 0;
    var process = Process.GetCurrentProcess();
    var cpuStart = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    study.Optimize(trial =>
    {
        double learningRate = trial.SuggestFloat("learning_rate", 1e-4, 1.0, log: true);
        double l2 = trial.SuggestFloat("l2", 1e-6, 1e-1, log: true);
        int batchSize = trial.SuggestCategorical("batch_size", [16, 32, 64, 128]);
        var model = new LogisticRegression(data.Features);
        double loss = double.NaN;
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            model.TrainEpoch(data, learningRate / Math.Sqrt(epoch + 1), l2, batchSize, seed: (trial.Number * 1000) + epoch);
            Interlocked.Increment(ref epochs);
            loss = model.ValidationLoss(data);
            trial.Report(loss, epoch);
            if (trial.ShouldPrune())
            {
                throw new TrialPrunedException($"Pruned at epoch {epoch} with validation loss {loss:F4}.");
            }
        }

        return loss;
    }, nTrials: Trials);
    clock.Stop();
    process.Refresh();
    var cpu = process.TotalProcessorTime - cpuStart;

    var best = study.BestTrial;
    int prunedCount = study.Trials.Count(t => t.State == TrialState.Pruned);
    Console.WriteLine($"{label,-16}: best loss {best.Value:F4} (trial {best.Number}: learning_rate={best.Params["learning_rate"]:G3}, l2={best.Params["l2"]:G3}, batch_size={best.Params["batch_size"]}), {prunedCount} pruned, {epochs} epochs");
    return new Outcome(prunedCount, epochs, clock.Elapsed, cpu, best.Value!.Value);
}

internal sealed record Outcome(int Pruned, long Epochs, TimeSpan Time, TimeSpan Cpu, double Best);

/// <summary>A binary classification dataset drawn from a noisy logistic model, split into training and validation.</summary>
internal sealed class Dataset
{
    private Dataset(double[][] x, int[] y, int trainCount)
    {
        X = x;
        Y = y;
        TrainCount = trainCount;
    }

    public double[][] X { get; }

    public int[] Y { get; }

    public int TrainCount { get; }

    public int Features => X[0].Length;

    public static Dataset Generate(int samples, int features, int seed)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var truth = Enumerable.Range(0, features).Select(i => i < features / 2 ? Normal() : 0.0).ToArray();
        var x = new double[samples][];
        var y = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            x[i] = Enumerable.Range(0, features).Select(_ => Normal()).ToArray();
            double logit = x[i].Zip(truth, (a, b) => a * b).Sum() + Normal();
            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? 1 : 0;
        }

        return new Dataset(x, y, samples * 3 / 4);
    }
}

/// <summary>Logistic regression with an L2 penalty, trained by mini-batch stochastic gradient descent.</summary>
internal sealed class LogisticRegression(int features)
{
    private readonly double[] _weights = new double[features];
    private double _bias;

    public void TrainEpoch(Dataset data, double learningRate, double l2, int batchSize, int seed)
    {
        var order = Enumerable.Range(0, data.TrainCount).ToArray();
        new Random(seed).Shuffle(order);
        var gradient = new double[_weights.Length];
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int end = Math.Min(start + batchSize, order.Length);
            Array.Clear(gradient);
            double biasGradient = 0;
            for (int k = start; k < end; k++)
            {
                var x = data.X[order[k]];
                double error = Predict(x) - data.Y[order[k]];
                for (int j = 0; j < x.Length; j++)
                {
                    gradient[j] += error * x[j];
                }

                biasGradient += error;
            }

            double scale = learningRate / (end - start);
            for (int j = 0; j < _weights.Length; j++)
            {
                _weights[j] -= (scale * gradient[j]) + (learningRate * l2 * _weights[j]);
            }

            _bias -= scale * biasGradient;
        }
    }

    public double ValidationLoss(Dataset data)
    {
        double loss = 0;
        for (int i = data.TrainCount; i < data.X.Length; i++)
        {
            double p = Math.Clamp(Predict(data.X[i]), 1e-12, 1 - 1e-12);
            loss -= data.Y[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }

        return loss / (data.X.Length - data.TrainCount);
    }

    private double Predict(double[] x)
    {
        double z = _bias;
        for (int j = 0; j < x.Length; j++)
        {
            z += _weights[j] * x[j];
        }

        return 1 / (1 + Math.Exp(-z));
    }
}
