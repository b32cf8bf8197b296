using System.Globalization;

namespace LlmForge.Training;

/// <summary>
/// The text form of a run's progress (the command line's lines, a contract kept as they are); <see cref="Snapshot"/>
/// gives the same figures as a <see cref="TrainingProgress"/> for an <see cref="IProgress{T}"/>.
/// Console progress for a training run of <see cref="TotalSteps"/> steps. Call
/// <see cref="ReportStep"/> after every optimizer step (it counts tokens every step and prints
/// every <see cref="LogInterval"/> steps), <see cref="ReportEval"/> after each evaluation:
/// <code>
/// step 120/2000 | loss 2.3412 | lr 9.80e-04 | 1234 tok/s | elapsed 0:42 | eta 11:03
/// eval step 250: train_loss 2.1034 val_loss 2.1521 val_ppl 8.60
/// </code>
/// tok/s is measured over the steps since the previous line; the ETA extrapolates the average
/// time per step of this run (a resumed run counts from its <c>startStep</c>).
/// </summary>
public sealed class TrainingProgressWriter
{
    private readonly TextWriter _output;
    private readonly TimeProvider _clock;
    private readonly long _startTimestamp;
    private long _lastPrintTimestamp;
    private long _tokensSincePrint;
    private long _tokensTotal;

    /// <param name="output">Where lines go (Console.Out in the CLI).</param>
    /// <param name="totalSteps">Steps the run ends at (max_iters).</param>
    /// <param name="logInterval">Print a step line when step % interval == 0 (and on the first and last step).</param>
    /// <param name="startStep">Steps already done before this run (when resuming); timing starts now.</param>
    /// <param name="clock">Time source; <see cref="TimeProvider.System"/> (a Stopwatch timestamp) by default.</param>
    public TrainingProgressWriter(TextWriter output, int totalSteps, int logInterval = 10, int startStep = 0, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (totalSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "TotalSteps must be at least 1.");
        if (logInterval < 1)
            throw new ArgumentOutOfRangeException(nameof(logInterval), logInterval, "The log interval must be at least 1 step.");
        if (startStep < 0 || startStep > totalSteps)
            throw new ArgumentOutOfRangeException(nameof(startStep), startStep, $"The start step must be in [0, {totalSteps}].");
        _output = output;
        _clock = clock ?? TimeProvider.System;
        TotalSteps = totalSteps;
        LogInterval = logInterval;
        StartStep = startStep;
        _startTimestamp = _lastPrintTimestamp = _clock.GetTimestamp();
    }

    /// <summary>The step the run ends at.</summary>
    public int TotalSteps { get; }

    /// <summary>A step line every this many steps (and on the first and last).</summary>
    public int LogInterval { get; }

    /// <summary>Steps done before this run (a resume's).</summary>
    public int StartStep { get; }

    /// <summary>Wall time since this reporter was created.</summary>
    public TimeSpan Elapsed => _clock.GetElapsedTime(_startTimestamp);

    /// <summary>Records a finished step and prints its line when due.</summary>
    /// <param name="step">Steps completed so far, 1..TotalSteps (the 0-based iteration + 1).</param>
    /// <param name="tokens">Tokens processed by this step (B·T, times gradient-accumulation steps).</param>
    /// <returns>Whether a line was printed.</returns>
    /// <param name="loss">The step's mean training loss.</param>
    /// <param name="learningRate">The learning rate it used.</param>
    public bool ReportStep(int step, double loss, double learningRate, long tokens)
    {
        if (step <= StartStep || step > TotalSteps)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"The step must be in [{StartStep + 1}, {TotalSteps}].");
        _tokensSincePrint += tokens;
        _tokensTotal += tokens;
        if (step % LogInterval != 0 && step != TotalSteps && step != StartStep + 1)
            return false;

        long now = _clock.GetTimestamp();
        TimeSpan interval = _clock.GetElapsedTime(_lastPrintTimestamp, now);
        TimeSpan elapsed = _clock.GetElapsedTime(_startTimestamp, now);
        TimeSpan eta = elapsed * ((double)(TotalSteps - step) / (step - StartStep));
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"step {step}/{TotalSteps} | loss {loss:F4} | lr {FormatRate(learningRate)} | " +
            $"{FormatTokensPerSecond(_tokensSincePrint, interval)} tok/s | elapsed {FormatDuration(elapsed)} | eta {FormatDuration(eta)}"));
        _lastPrintTimestamp = now;
        _tokensSincePrint = 0;
        return true;
    }

    /// <summary>
    /// The <see cref="TrainingProgress"/> of a step just passed to <see cref="ReportStep"/>: its figures, this run's
    /// elapsed time and average tokens per second so far.
    /// </summary>
    /// <param name="step">Steps completed so far.</param>
    /// <param name="loss">The step's mean training loss.</param>
    /// <param name="learningRate">The learning rate it used.</param>
    /// <param name="tokens">Tokens processed by this step.</param>
    public TrainingProgress Snapshot(int step, double loss, double learningRate, long tokens)
    {
        TimeSpan elapsed = Elapsed;
        double perSecond = elapsed > TimeSpan.Zero ? _tokensTotal / elapsed.TotalSeconds : 0;
        return new TrainingProgress(step, TotalSteps, loss, learningRate, tokens, perSecond, elapsed);
    }

    /// <summary>Prints an evaluation line; val_ppl = exp(val_loss), the perplexity.</summary>
    public void ReportEval(int step, double trainLoss, double validationLoss)
    {
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"eval step {step}: train_loss {trainLoss:F4} val_loss {validationLoss:F4} val_ppl {Math.Exp(validationLoss):F2}"));
    }

    /// <summary>Prints an evaluation's other scores: <c>eval step 250: bleu 12.34 chrf 45.67</c>.</summary>
    public void ReportScores(int step, IReadOnlyList<EvaluationScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"eval step {step}: {string.Join(" ", scores.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Value:F2}")))}"));
    }

    /// <summary>Prints the closing summary: steps, wall time and average throughput of this run.</summary>
    public void ReportDone(int step)
    {
        TimeSpan elapsed = Elapsed;
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done: {step - StartStep} steps in {FormatDuration(elapsed)} | {FormatTokensPerSecond(_tokensTotal, elapsed)} tok/s average"));
    }

    /// <summary>"m:ss" under an hour, "h:mm:ss" above (hours not wrapped at 24).</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) duration = TimeSpan.Zero;
        long seconds = (long)Math.Round(duration.TotalSeconds, MidpointRounding.AwayFromZero);
        long h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
        return h > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{h}:{m:00}:{s:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{m}:{s:00}");
    }

    /// <summary>Learning rate in the "9.80e-04" form.</summary>
    public static string FormatRate(double learningRate) =>
        learningRate.ToString("0.00e+00", CultureInfo.InvariantCulture);

    /// <summary>Whole tokens per second, or "-" when no time has passed.</summary>
    public static string FormatTokensPerSecond(long tokens, TimeSpan time) =>
        time > TimeSpan.Zero
            ? (tokens / time.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture)
            : "-";
}
