using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Hosting;

namespace LlmForge.Training;

/// <summary>
/// A whole instruction-tuning run (<c>llmforge train --objective instruct</c>): a pretrained causal LM and its tokenizer
/// (<see cref="PretrainedStart"/>), the instruction file split by a seeded shuffle into training and validation
/// examples, the <see cref="InstructionTuning"/> objective over them and the one <see cref="Training.Trainer"/>, whose
/// checkpoints are the model's Hugging Face directory with its tokenizer, optimizer.safetensors and trainer_state.json
/// (objective "instruction-tuning", "init_from" the starting directory) and resume exactly.
/// </summary>
public sealed class InstructionTuningRun
{
    private InstructionTuningRun(InstructionTuning objective, Trainer trainer, PretrainedModel start, int examples)
    {
        Objective = objective;
        Trainer = trainer;
        Start = start;
        Examples = examples;
    }

    /// <summary>The objective: its model, tokenizer, template and encoded examples.</summary>
    public InstructionTuning Objective { get; }

    /// <summary>The trainer of the run.</summary>
    public Trainer Trainer { get; }

    /// <summary>The directory the model was loaded from (the pretrained one, or the checkpoint when resuming).</summary>
    public PretrainedModel Start { get; }

    /// <summary>The LoRA adapters the run trains (with the base frozen); null when every parameter trains.</summary>
    public Lora.LoraAdapters? Adapters { get; private init; }

    /// <summary>Examples in the file.</summary>
    public int Examples { get; }

    /// <summary>Asks the model being tuned for a response (greedy).</summary>
    public InstructionResponder Responder => InstructionResponder.For(Objective);

    /// <summary>
    /// The run <paramref name="settings"/> describe: the model loaded (from InitFrom, or from the checkpoint when
    /// resuming), the data read and split, the checkpoint resumed.
    /// </summary>
    /// <param name="settings">Data, starting directory or checkpoint, template, training options.</param>
    /// <param name="factory">Loads the model on the configured backend with the registered component kinds.</param>
    /// <param name="log">Receives the "initialized from", data and resume lines.</param>
    /// <exception cref="ArgumentException">No InitFrom for a new run, a BERT directory, an unknown template, a tokenizer without end-of-text, a prompt that fills the context.</exception>
    /// <exception cref="InvalidDataException">A bad data file (naming file, line and key).</exception>
    /// <exception cref="CheckpointFormatException">A checkpoint of another run or objective; an unsupported model_type.</exception>
    public static InstructionTuningRun Create(InstructionTuningSettings settings, IModelFactory factory, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(log);
        var options = settings.Training;
        int seed = GptTrainingRun.DataSeed(options.Seed);
        var template = PromptTemplates.Get(settings.Template);
        Lora.LoraTraining.CheckStart(settings.Lora, settings.InitFrom, settings.ResumeDirectory);
        TrainerState? resumed = settings.ResumeDirectory is { } resumeDirectory ? TrainingCheckpoint.Load(resumeDirectory) : null;
        if (resumed is not null && resumed.Objective != InstructionTuning.ObjectiveKind)
            throw new CheckpointFormatException(Path.Combine(settings.ResumeDirectory!, TrainerStateJson.FileName),
                $"key \"objective\" is {resumed.Objective}, not {InstructionTuning.ObjectiveKind}: resume it with the objective it was trained with.");
        string start = resumed is not null ? Lora.LoraTraining.ModelDirectoryOf(settings.ResumeDirectory!, resumed)
            : settings.InitFrom ?? throw new ArgumentException("instruction tuning starts from a pretrained model: give the model directory to start from (InitFrom, --init-from DIR).", nameof(settings));
        var pretrained = PretrainedStart.LoadCausal(start, factory, seed);
        var examples = InstructionDataFile.Read(settings.DataPath);
        var (train, validation) = ShuffledSplit.Split(examples, options.ValidationFraction, seed);
        InstructionTuning objective;
        try
        {
            objective = new InstructionTuning(pretrained.Gpt!, pretrained.Tokenizer, train, validation,
                new InstructionTuningOptions { BatchSize = options.BatchSize, Seed = seed, Template = template });
        }
        catch (ArgumentException e) when (e.Message.StartsWith("line ", StringComparison.Ordinal))
        {
            string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new InvalidDataException($"{settings.DataPath}: {message}", e);
        }
        int[] tokens = [.. objective.TrainExamples.Concat(objective.ValidationExamples).SelectMany(e => e.Tokens)];
        var corpus = CorpusFingerprint.Of(settings.DataPath, tokens);
        string kind = resumed?.Tokenizer ?? Tokenization.TokenizerKinds.KindOf(pretrained.Tokenizer);
        var files = CheckpointFiles.ForGpt(objective.Model, pretrained.Tokenizer, resumed?.Variant ?? pretrained.ModelType, kind, corpus)
            with { InitializedFrom = resumed?.InitializedFrom ?? pretrained.Directory };
        ITrainingObjective trained = objective;
        Lora.LoraAdapters? adapters = null;
        if ((settings.Lora ?? Lora.LoraTraining.Resumed(objective.Model, settings.ResumeDirectory)) is { } lora)
        {
            (var adapted, files) = Lora.LoraTraining.Adapt(objective, objective.Model, pretrained.Tokenizer, lora, seed, files);
            adapters = adapted.Adapters;
            trained = adapted;
        }
        var trainer = new Trainer(trained, options, files);
        if (resumed is null) log.WriteLine($"initialized from '{start}' ({pretrained.ModelType}, {kind} tokenizer): fresh optimizer and schedule");
        log.WriteLine($"instruction data: {examples.Count} examples, {train.Count} for training and {validation.Count} for validation " +
            $"(template {template.Name}, {objective.TrainExamples.Sum(e => e.ResponseTokens)} trained tokens per epoch, {objective.BatchesPerEpoch} batches per epoch)");
        if (options.EvalBatches < objective.EvaluationBatches)
            log.WriteLine($"note: Training:EvalBatches {options.EvalBatches} scores the first {options.EvalBatches * objective.BatchSize} examples of each set; " +
                $"{objective.EvaluationBatches} would score them all");
        if (resumed is not null)
        {
            trainer.Resume(settings.ResumeDirectory!, resumed);
            log.WriteLine($"resumed '{settings.ResumeDirectory}' at step {resumed.Step} of {options.MaxSteps}");
        }
        log.WriteLine($"model: {objective.Model.ParameterCount():N0} parameters, vocab {pretrained.Tokenizer.VocabSize}, backend {objective.Model.Backend.Name}");
        if (adapters is not null) log.WriteLine(Lora.LoraTraining.Describe(adapters));
        return new InstructionTuningRun(objective, trainer, pretrained, examples.Count) { Adapters = adapters };
    }

    /// <summary>
    /// Trains from the current step to MaxSteps (<see cref="Trainer.Train"/>): progress and evaluations on
    /// <paramref name="output"/>, checkpoints into <paramref name="checkpointDirectory"/> announced on <paramref name="log"/>.
    /// </summary>
    public TrainingResult Train(TextWriter output, TextWriter log, string checkpointDirectory, bool overwrite = false,
        CancellationToken cancellationToken = default, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(checkpointDirectory);
        return Trainer.Train(output, log, checkpointDirectory, overwrite, cancellationToken, progress);
    }
}
