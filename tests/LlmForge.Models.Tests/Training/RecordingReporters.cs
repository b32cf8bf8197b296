using LlmForge.Training;
using Microsoft.Extensions.Logging;

namespace LlmForge.Tests.Training;

/// <summary>
/// Collects every report synchronously, on the reporting thread (<see cref="Progress{T}"/> would post them to the
/// thread pool, so a test could read the list before they arrive).
/// </summary>
internal sealed class RecordingProgress : IProgress<TrainingProgress>
{
    public List<TrainingProgress> Reports { get; } = [];

    public void Report(TrainingProgress value) => Reports.Add(value);
}

/// <summary>An <see cref="ILogger{T}"/> that keeps each entry's event id, level and formatted message.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public List<(int EventId, LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Add((eventId.Id, logLevel, formatter(state, exception)));
}
