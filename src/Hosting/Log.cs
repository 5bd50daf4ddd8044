using Microsoft.Extensions.Logging;

namespace Sharptune.Hosting;

/// <summary>The log messages of hosted studies; event ids 1001–1099 are stable and never reused.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, EventName = "StudyStarting", Level = LogLevel.Information,
        Message = "Study '{StudyName}' starts: {Done} Complete or Pruned trials stored, {Remaining} to run (objective {Objective}, concurrency {Concurrency}).")]
    public static partial void StudyStarting(ILogger logger, string studyName, int done, string remaining, string objective, int concurrency);

    [LoggerMessage(EventId = 1002, EventName = "StudyBudgetReached", Level = LogLevel.Information,
        Message = "Study '{StudyName}' already has {Done} Complete or Pruned trials of the {NTrials} asked; no trial to run.")]
    public static partial void StudyBudgetReached(ILogger logger, string studyName, int done, int nTrials);

    [LoggerMessage(EventId = 1003, EventName = "StudyCompleted", Level = LogLevel.Information,
        Message = "Study '{StudyName}' finished its run: {Completed} complete, {Pruned} pruned, {Failed} failed.")]
    public static partial void StudyCompleted(ILogger logger, string studyName, int completed, int pruned, int failed);

    [LoggerMessage(EventId = 1004, EventName = "StudyStopped", Level = LogLevel.Information,
        Message = "Study '{StudyName}' stopped by the host: {Completed} complete, {Pruned} pruned, {Failed} failed this run; a restart resumes it.")]
    public static partial void StudyStopped(ILogger logger, string studyName, int completed, int pruned, int failed);

    [LoggerMessage(EventId = 1005, EventName = "StudyFaulted", Level = LogLevel.Error,
        Message = "Study '{StudyName}' stopped with an error.")]
    public static partial void StudyFaulted(ILogger logger, string studyName, Exception exception);

    [LoggerMessage(EventId = 1006, EventName = "TrialAbandoned", Level = LogLevel.Warning,
        Message = "Trial {Number} of study '{StudyName}' did not finish within the host's shutdown timeout; it is marked TrialState.Fail.")]
    public static partial void TrialAbandoned(ILogger logger, int number, string studyName);

    [LoggerMessage(EventId = 1007, EventName = "StudyDisabled", Level = LogLevel.Information,
        Message = "Study '{StudyName}' is disabled ({ConfigurationPath}:Enabled is false).")]
    public static partial void StudyDisabled(ILogger logger, string studyName, string configurationPath);

    [LoggerMessage(EventId = 1008, EventName = "MonitorUpdateFailed", Level = LogLevel.Warning,
        Message = "Recording trial {Number} of study '{StudyName}' in the monitor and metrics failed.")]
    public static partial void MonitorUpdateFailed(ILogger logger, int number, string studyName, Exception exception);

    [LoggerMessage(EventId = 1009, EventName = "ShutdownIncomplete", Level = LogLevel.Error,
        Message = "The hosted studies did not finish marking abandoned trials within {Wait}; some trials may still be TrialState.Running.")]
    public static partial void ShutdownIncomplete(ILogger logger, TimeSpan wait);

    [LoggerMessage(EventId = 1010, EventName = "StudyKeepsFailing", Level = LogLevel.Warning,
        Message = "Study '{StudyName}': the last {Count} trials failed.")]
    public static partial void StudyKeepsFailing(ILogger logger, string studyName, int count);

    [LoggerMessage(EventId = 1011, EventName = "StudyOpened", Level = LogLevel.Information,
        Message = "Study '{StudyName}' opened in {Storage} with sampler {Sampler} and pruner {Pruner}.")]
    public static partial void StudyOpened(ILogger logger, string studyName, string storage, string sampler, string pruner);

    [LoggerMessage(EventId = 1012, EventName = "AllStudiesFinished", Level = LogLevel.Information,
        Message = "Every hosted study has finished its run; stopping the application (Sharptune:StopApplicationWhenFinished).")]
    public static partial void AllStudiesFinished(ILogger logger);
}
