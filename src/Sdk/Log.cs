using Microsoft.Extensions.Logging;

namespace Sharptune;

/// <summary>Sharptune's log messages, with Optuna's texts and stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "A new study created in {StorageKind} with name: {StudyName}")]
    public static partial void StudyCreated(ILogger logger, string storageKind, string studyName);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Using an existing study with name '{StudyName}' instead of creating a new one.")]
    public static partial void UsingExistingStudy(ILogger logger, string studyName);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Trial {Number} finished with value: {Value} and parameters: {Params}. Best is trial {BestNumber} with value: {BestValue}.")]
    public static partial void TrialFinishedWithBest(ILogger logger, int number, string value, string @params, int bestNumber, string bestValue);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Trial {Number} finished with value: {Value} and parameters: {Params}.")]
    public static partial void TrialFinished(ILogger logger, int number, string value, string @params);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Trial {Number} finished with values: {Values} and parameters: {Params}.")]
    public static partial void TrialFinishedMulti(ILogger logger, int number, string values, string @params);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Trial {Number} pruned. {Reason}")]
    public static partial void TrialPruned(ILogger logger, int number, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Trial {Number} failed with parameters: {Params} because of the following error: {Error}.")]
    public static partial void TrialFailed(ILogger logger, int number, string @params, string error, Exception? exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Trial {Number} failed with value {Value}.")]
    public static partial void TrialFailedValue(ILogger logger, int number, string value);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Skipped telling trial {Number} with values {Values} and state {State} since trial was already finished. Finished trial has values {FinishedValues} and state {FinishedState}.")]
    public static partial void TellSkipped(ILogger logger, int number, string values, string state, string finishedValues, string finishedState);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void Warning(ILogger logger, string message);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Trial with params {Params} already exists. Skipping enqueue.")]
    public static partial void EnqueueSkipped(ILogger logger, string @params);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Failed to record the heartbeat of trial {TrialId}; retrying at the next interval.")]
    public static partial void HeartbeatFailed(ILogger logger, int trialId, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Trial {Number} was failed because its heartbeat stopped for more than {GracePeriod} s.")]
    public static partial void StaleTrialFailed(ILogger logger, int number, double gracePeriod);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "The value {Value} of the parameter '{Name}' is out of the range of the distribution {Distribution}.")]
    public static partial void FixedValueOutOfRange(ILogger logger, string value, string name, Distribution distribution);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Inconsistent parameter values for distribution with name \"{Name}\"! This might be a configuration mistake. Optuna allows to call the same distribution with the same name more than once in a trial. When the parameter values are inconsistent optuna only uses the values of the first call and ignores all following. Using these values: {Attributes}")]
    public static partial void InconsistentDistribution(ILogger logger, string name, Distribution attributes);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "Fixed parameter {Name} with value {Value} is out of range for distribution {Distribution}.")]
    public static partial void FixedParamOutOfRange(ILogger logger, string name, string value, Distribution distribution);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning, Message = "The reported value is ignored because this `step` {Step} is already reported.")]
    public static partial void StepAlreadyReported(ILogger logger, int step);

    [LoggerMessage(EventId = 18, Level = LogLevel.Warning, Message = "The constraint value is ignored because this constraint `key={Key}` is already set.")]
    public static partial void ConstraintAlreadySet(ILogger logger, string key);
}
