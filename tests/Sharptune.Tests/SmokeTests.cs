namespace Sharptune.Tests;

public class SmokeTests
{
    [Fact]
    public void QuadraticIsMinimised()
    {
        var study = Study.Create(new StudyOptions { Sampler = new Sharptune.Samplers.RandomSampler(seed: 1) });
        study.Optimize(t => Math.Pow(t.SuggestFloat("x", -10, 10) - 2, 2), nTrials: 200);
        Assert.Equal(200, study.Trials.Count);
        Assert.True(study.BestValue < 0.05, $"best {study.BestValue}");
    }
}
