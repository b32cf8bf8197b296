using LlmForge.Plotting;
using LlmForge.Training;

namespace LlmForge.Samples;

/// <summary>
/// Every report a <see cref="Trainer"/> sends through <see cref="IProgress{T}"/>, kept in order on the training thread
/// (<see cref="Progress{T}"/> would post them to the thread pool), and the loss curves the samples draw from them.
/// Compiled into the samples that train (linked source, not a library).
/// </summary>
internal sealed class TrainingReports : IProgress<TrainingProgress>
{
    /// <summary>The reports, one a step, in order.</summary>
    public List<TrainingProgress> All { get; } = [];

    /// <summary>The reports of the steps that ended with an evaluation.</summary>
    public IEnumerable<TrainingProgress> Evaluations => All.Where(p => p.Evaluated);

    /// <summary>Keeps <paramref name="value"/>.</summary>
    public void Report(TrainingProgress value) => All.Add(value);

    /// <summary>The batch loss of every step: noisy, one batch each.</summary>
    public LineSeries BatchLoss(string label) => new(label, [.. All.Select(p => (double)p.Step)], [.. All.Select(p => p.Loss)]);

    /// <summary>The validation loss of every evaluation, from step 0 with the untrained model's <paramref name="before"/>.</summary>
    public LineSeries Validation(string label, double before) =>
        new(label, [0, .. Evaluations.Select(p => (double)p.Step)], [before, .. Evaluations.Select(p => p.ValidationLoss!.Value)]);
}
