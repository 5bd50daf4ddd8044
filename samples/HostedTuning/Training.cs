using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sharptune.Hosting;

namespace Sharptune.Samples.HostedTuning;

/// <summary>The hyperparameters tuned: the Sharptune generator turns this class into a search space.</summary>
public partial class TrainingConfig
{
    /// <summary>Gets or sets the learning rate.</summary>
    [FloatParam(1e-4, 1, Log = true)]
    public double LearningRate { get; set; }

    /// <summary>Gets or sets the L2 penalty.</summary>
    [FloatParam(1e-6, 1e-1, Log = true)]
    public double L2 { get; set; }

    /// <summary>Gets or sets the number of epochs.</summary>
    [IntParam(5, 30)]
    public int Epochs { get; set; }

    /// <summary>Gets or sets the degree of the polynomial features.</summary>
    [Categorical(1, 2, 3)]
    public int Degree { get; set; }
}

/// <summary>A small regression data set: y = sin(2x) + noise, split into training and validation halves.</summary>
public sealed class Dataset
{
    public Dataset()
    {
        var random = new Random(7);
        var x = new double[200];
        var y = new double[200];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (random.NextDouble() * 2) - 1;
            y[i] = Math.Sin(2 * x[i]) + (0.05 * (random.NextDouble() - 0.5));
        }

        (TrainX, TrainY, ValidX, ValidY) = (x[..100], y[..100], x[100..], y[100..]);
    }

    public double[] TrainX { get; }

    public double[] TrainY { get; }

    public double[] ValidX { get; }

    public double[] ValidY { get; }
}

/// <summary>Fits a polynomial by gradient descent, one epoch at a time (scoped: one per trial).</summary>
public sealed class Trainer(Dataset data)
{
    private double[] _w = [];

    public void Reset(int degree) => _w = new double[degree + 1];

    public void Epoch(double learningRate, double l2)
    {
        var grad = new double[_w.Length];
        for (int i = 0; i < data.TrainX.Length; i++)
        {
            double err = Predict(data.TrainX[i]) - data.TrainY[i];
            double p = 1;
            for (int k = 0; k < _w.Length; k++, p *= data.TrainX[i])
            {
                grad[k] += 2 * err * p / data.TrainX.Length;
            }
        }

        for (int k = 0; k < _w.Length; k++)
        {
            _w[k] -= learningRate * (grad[k] + (2 * l2 * _w[k]));
        }
    }

    public double ValidationLoss()
    {
        double sum = 0;
        for (int i = 0; i < data.ValidX.Length; i++)
        {
            double err = Predict(data.ValidX[i]) - data.ValidY[i];
            sum += err * err;
        }

        return sum / data.ValidX.Length;
    }

    private double Predict(double x)
    {
        double y = 0, p = 1;
        foreach (double w in _w)
        {
            y += w * p;
            p *= x;
        }

        return y;
    }
}

/// <summary>The objective: trains with the suggested configuration, reports each epoch, honours cancellation.</summary>
public sealed class TrainingObjective(Trainer trainer, ILogger<TrainingObjective> logger) : IObjective<TrainingConfig>
{
    public async ValueTask<double> EvaluateAsync(TrainingConfig config, ITrial trial, CancellationToken cancellationToken)
    {
        trainer.Reset(config.Degree);
        double loss = double.NaN;
        for (int epoch = 0; epoch < config.Epochs; epoch++)
        {
            // Stands for real work; the token ends the trial promptly when the host stops.
            await Task.Delay(20, cancellationToken);
            trainer.Epoch(config.LearningRate, config.L2);
            loss = trainer.ValidationLoss();
            trial.Report(loss, epoch);
            if (trial.ShouldPrune())
            {
                throw new TrialPrunedException($"Pruned at epoch {epoch}.");
            }
        }

        logger.LogDebug("Trial {Number}: loss {Loss}", trial.Number, loss);
        return loss;
    }
}

/// <summary>Logs the study's progress every two seconds from the <see cref="IStudyMonitor"/>.</summary>
public sealed partial class ProgressReporter(IStudyMonitor monitor, ILogger<ProgressReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var s in monitor.GetStatuses())
                {
                    if (s.State == HostedStudyState.Running)
                    {
                        Progress(logger, s.Name, s.TrialsFinished, s.TargetTrials, s.TrialsRunning, s.BestValue, s.EstimatedTimeLeft);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Study}: {Finished} trials stored (target {Target} complete or pruned), {Running} running, best {Best}, about {Left} left")]
    private static partial void Progress(ILogger logger, string study, int finished, int? target, int running, double? best, TimeSpan? left);
}
