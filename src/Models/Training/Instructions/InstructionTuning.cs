using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>
/// Instruction fine-tuning of a causal LM (Raschka's chapter 7): each <see cref="InstructionExample"/> is formatted by a
/// prompt template (<see cref="IPromptTemplate"/>, Alpaca's by default), followed by its response and the end-of-text
/// token, and the loss is the mean next-token cross-entropy over the response's tokens only — prompt and padding
/// positions hold the ignore index -100 (<see cref="InstructionBatch"/>). Batches group examples of similar length
/// (<see cref="LengthBatching"/>) and are padded to their longest row.
/// </summary>
/// <remarks>
/// Usage, with any GPT the library loads (<see cref="PretrainedModel"/>) and the library's one training loop:
/// <code>
/// var pretrained = PretrainedModel.Load("gpt2-dir", backend);
/// var examples = InstructionDataFile.Read("data.jsonl");                     // or a JSON array file
/// var (train, validation) = ShuffledSplit.Split(examples, 0.1, seed: 123);
/// var objective = new InstructionTuning(pretrained.Gpt, pretrained.Tokenizer, train, validation,
///     new InstructionTuningOptions { BatchSize = 8, Seed = 123 });          // Template = PromptTemplates.Alpaca
/// var trainer = new Trainer(objective, new TrainingOptions { MaxSteps = 200, LearningRate = 5e-5f,
///     EvalBatches = objective.EvaluationBatches });
/// trainer.Train(Console.Out, Console.Error);
/// string prompt = objective.Template.FormatPrompt(new InstructionExample("Name a color.", "", ""));
/// </code>
/// The training stream runs in epochs: epoch e visits every example once in the batches of
/// <see cref="LengthBatching.ByLength"/> for (seed, e). Its position is the number of batches drawn, which fixes the
/// epoch and the batch, so a resume is exact. Evaluations walk the training and validation examples in order from the
/// start each time; a batch's weight is its trained-token count, so an evaluation of <see cref="EvaluationBatches"/>
/// batches is the mean over every response token of its set; a batch drawn past the end weighs 0 and costs nothing, so
/// a larger <see cref="TrainingOptions.EvalBatches"/> is harmless.
/// </remarks>
public sealed class InstructionTuning : ITrainingObjective
{
    /// <summary>The objective's <see cref="Kind"/> in trainer_state.json.</summary>
    public const string ObjectiveKind = "instruction-tuning";

    private readonly EncodedInstruction[] _train, _validation;
    private readonly int[] _trainLengths;
    private int[][] _epochBatches = [];
    private int _epoch = -1;
    private long _drawn;
    private int _trainEvaluationNext, _validationNext;

    /// <param name="model">The causal LM to fine-tune (GPT-2 or Llama layout).</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="train">The training examples.</param>
    /// <param name="validation">The examples the evaluations' val_loss scores; null or empty: the training examples.</param>
    /// <param name="options">Batch size, seed, template, length limit, end-of-text id.</param>
    /// <exception cref="ArgumentException">
    /// No training example, a tokenizer of another vocabulary size, no end-of-text id (the tokenizer has none and
    /// <see cref="InstructionTuningOptions.EndOfTextId"/> is unset), or a prompt that fills the context (naming its line).
    /// </exception>
    public InstructionTuning(GptModel model, ITokenizer tokenizer, IReadOnlyList<InstructionExample> train,
        IReadOnlyList<InstructionExample>? validation = null, InstructionTuningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(train);
        options ??= new InstructionTuningOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        if (train.Count == 0) throw new ArgumentException("InstructionTuning: no training examples.", nameof(train));
        if (tokenizer.VocabSize > model.Config.VocabSize)
            throw new ArgumentException($"InstructionTuning: the tokenizer has {tokenizer.VocabSize} tokens, more than the model's vocab_size {model.Config.VocabSize}.", nameof(tokenizer));
        int endOfText = options.EndOfTextId ?? tokenizer.EndOfTextId
            ?? throw new ArgumentException("InstructionTuning: the tokenizer has no end-of-text token; set InstructionTuningOptions.EndOfTextId.", nameof(tokenizer));
        Model = model;
        Tokenizer = tokenizer;
        Template = options.Template;
        BatchSize = options.BatchSize;
        Seed = options.Seed;
        EndOfTextId = endOfText;
        MaxLength = Math.Min(options.MaxLength ?? model.Config.ContextLength, model.Config.ContextLength);
        _train = [.. train.Select(Encode)];
        _validation = validation is { Count: > 0 } ? [.. validation.Select(Encode)] : _train;
        _trainLengths = [.. _train.Select(e => e.Length)];
    }

    /// <summary>"instruction-tuning".</summary>
    public string Kind => ObjectiveKind;

    /// <summary>The causal LM being fine-tuned.</summary>
    public GptModel Model { get; }

    Module ITrainingObjective.Model => Model;

    /// <summary>The model's tokenizer.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>How examples become prompt and response text.</summary>
    public IPromptTemplate Template { get; }

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Seed of the epochs' batches.</summary>
    public int Seed { get; }

    /// <summary>The id after each response (trained) and in padding (ignored).</summary>
    public int EndOfTextId { get; }

    /// <summary>Longest row in tokens (at most the model's context).</summary>
    public int MaxLength { get; }

    /// <summary>The encoded training examples.</summary>
    public IReadOnlyList<EncodedInstruction> TrainExamples => _train;

    /// <summary>The encoded validation examples.</summary>
    public IReadOnlyList<EncodedInstruction> ValidationExamples => _validation;

    /// <summary>Training batches per epoch.</summary>
    public int BatchesPerEpoch => (_train.Length + BatchSize - 1) / BatchSize;

    /// <summary>Batches an evaluation needs to score every example of the larger of its two sets (use as <see cref="TrainingOptions.EvalBatches"/>).</summary>
    public int EvaluationBatches => (Math.Max(_train.Length, _validation.Length) + BatchSize - 1) / BatchSize;

    /// <summary>Encodes one example with this objective's template, tokenizer, end-of-text and length limit.</summary>
    public EncodedInstruction Encode(InstructionExample example) => EncodedInstruction.Encode(example, Template, Tokenizer, EndOfTextId, MaxLength);

    /// <summary>The token, position and sink-token tables, as for <see cref="CausalLanguageModeling"/>.</summary>
    public bool IsEmbedding(string parameterName) => parameterName.EndsWith("_emb.weight", StringComparison.Ordinal);

    /// <summary>Rewinds an evaluation stream to the first example of its set.</summary>
    public void BeginEvaluation(TrainingStream stream)
    {
        if (stream == TrainingStream.TrainEvaluation) _trainEvaluationNext = 0;
        else if (stream == TrainingStream.Validation) _validationNext = 0;
    }

    /// <summary>The next batch of <paramref name="stream"/>: its mean cross-entropy over response tokens, weighted by their count.</summary>
    public ObjectiveLoss NextLoss(TrainingStream stream)
    {
        var (batch, counts) = NextBatch(stream);
        // An evaluation batch past the end of its set weighs nothing, so it is not computed either.
        if (!counts) return new(Autograd.Tensor.Scalar(Model.Backend, 0f), 0, 0);
        var loss = Model.Loss(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength, InstructionBatch.IgnoreIndex);
        return new(loss, batch.TrainedTokens, batch.Inputs.Length);
    }

    /// <summary>The next batch of <paramref name="stream"/> (advancing it), and whether it counts in an evaluation (false past the set's end).</summary>
    public (InstructionBatch Batch, bool Counts) NextBatch(TrainingStream stream)
    {
        if (stream == TrainingStream.Train)
        {
            int epoch = checked((int)(_drawn / BatchesPerEpoch)), index = (int)(_drawn % BatchesPerEpoch);
            if (epoch != _epoch)
            {
                _epochBatches = LengthBatching.ByLength(_trainLengths, BatchSize, Seed, epoch);
                _epoch = epoch;
            }
            _drawn++;
            return (InstructionBatch.Collate([.. _epochBatches[index].Select(i => _train[i])], EndOfTextId), true);
        }
        bool validation = stream == TrainingStream.Validation;
        var set = validation ? _validation : _train;
        ref int next = ref validation ? ref _validationNext : ref _trainEvaluationNext;
        bool counts = next < set.Length;
        int start = counts ? next : 0; // past the end: the first batch again, weighing nothing
        next += BatchSize;
        return (InstructionBatch.Collate(set[start..Math.Min(set.Length, start + BatchSize)], EndOfTextId), counts);
    }

    /// <summary>The training stream's batches drawn ("step") and seed; the evaluation streams restart at every evaluation.</summary>
    public IReadOnlyDictionary<TrainingStream, TrainingStreamState> CaptureStreams() => EpochStreams.Capture(_drawn, Seed);

    /// <summary>Puts the training stream back at its saved batch.</summary>
    /// <exception cref="CheckpointFormatException">The state is missing or of another seed.</exception>
    public void RestoreStreams(IReadOnlyDictionary<TrainingStream, TrainingStreamState> states, string source) =>
        _drawn = EpochStreams.Restore(states, source, Seed);
}
