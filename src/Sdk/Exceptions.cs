namespace Sharptune;

/// <summary>The base class of Sharptune's own exceptions (Optuna's <c>OptunaError</c>).</summary>
public class SharptuneException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SharptuneException"/> class.</summary>
    public SharptuneException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SharptuneException"/> class.</summary>
    /// <param name="message">The message.</param>
    public SharptuneException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SharptuneException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SharptuneException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Thrown by an objective to end its trial as PRUNED (Optuna's <c>TrialPruned</c>). The trial keeps its last
/// reported intermediate value as its value.
/// </summary>
public class TrialPrunedException : SharptuneException
{
    /// <summary>Initializes a new instance of the <see cref="TrialPrunedException"/> class.</summary>
    public TrialPrunedException()
        : base(string.Empty)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TrialPrunedException"/> class.</summary>
    /// <param name="message">The message.</param>
    public TrialPrunedException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TrialPrunedException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TrialPrunedException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Thrown when a study is created with a name that already exists (Optuna's <c>DuplicatedStudyError</c>).</summary>
public class DuplicatedStudyException : SharptuneException
{
    /// <summary>Initializes a new instance of the <see cref="DuplicatedStudyException"/> class.</summary>
    public DuplicatedStudyException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DuplicatedStudyException"/> class.</summary>
    /// <param name="message">The message.</param>
    public DuplicatedStudyException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DuplicatedStudyException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DuplicatedStudyException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Thrown when a finished trial is modified (Optuna's <c>UpdateFinishedTrialError</c>).</summary>
public class UpdateFinishedTrialException : SharptuneException
{
    /// <summary>Initializes a new instance of the <see cref="UpdateFinishedTrialException"/> class.</summary>
    public UpdateFinishedTrialException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UpdateFinishedTrialException"/> class.</summary>
    /// <param name="message">The message.</param>
    public UpdateFinishedTrialException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UpdateFinishedTrialException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public UpdateFinishedTrialException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Thrown when a storage backend fails (Optuna's <c>StorageInternalError</c>).</summary>
public class StorageInternalException : SharptuneException
{
    /// <summary>Initializes a new instance of the <see cref="StorageInternalException"/> class.</summary>
    public StorageInternalException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StorageInternalException"/> class.</summary>
    /// <param name="message">The message.</param>
    public StorageInternalException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StorageInternalException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StorageInternalException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
