// Learn 3 — language models before attention.
//
// Three next-character models of the same text, scored on the same held-out tail:
//   1. a bigram count model (Shannon's n-gram with n = 2): P(b | a) from how often b followed a, add-one smoothed;
//   2. Bengio et al.'s 2003 neural LM: the embeddings of the last n characters, concatenated → tanh hidden layer →
//      softmax over the vocabulary; it shares what it learns between similar contexts, which counts cannot;
//   3. the baby GPT of Learn 8, whose attention reads its whole 64-character window.
// The score is perplexity, exp(mean cross-entropy in nats): the number of characters the model is "choosing between"
// on average. Lower is better; a uniform guess scores the vocabulary size.
//
// Usage: dotnet run -c Release --project samples/03-BeforeAttention      (prints only; no pictures)
using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Plotting;
using LlmForge.Samples;
using LlmForge.Tokenization;
using LlmForge.Training;

// ---------------------------------------------------------------------------------------------- the text, one split
// The course's short story when ../shared/data holds it, else the .NET reference docs; characters as tokens. Every model
// trains on the first 90% and is scored on every next character of the last 10%.
string? verdict = SampleFiles.SharedText("the-verdict.txt");
string text = verdict is not null ? File.ReadAllText(verdict) : DefaultCorpus.Load().Text;
var tokenizer = CharTokenizer.FromCorpus(text);
int vocab = tokenizer.VocabSize;
int[] ids = [.. tokenizer.Encode(text)];
var (trainMemory, validationMemory) = TrainValidationSplit.Split(ids, 0.9);
int[] train = trainMemory.ToArray(), validation = validationMemory.ToArray();
Console.WriteLine($"Text: {(verdict is not null ? "the-verdict.txt" : "the .NET reference docs")}, vocabulary {vocab} characters " +
    $"(uniform guess: perplexity {vocab}); train {train.Length:N0}, validation {validation.Length:N0} characters");
var backend = new ManagedBackend();

// ---------------------------------------------------------------------------------------------- 1. bigram counts
// counts[a, b] = how often b followed a in the training text. Add-one (Laplace) smoothing: P(b | a) = (counts[a, b] + 1)
// / (counts[a, ·] + V), so a pair never seen still gets a small probability instead of log 0 = −∞ on validation.
var counts = new double[vocab, vocab];
for (int i = 1; i < train.Length; i++) counts[train[i - 1], train[i]]++;
var rowTotals = new double[vocab];
for (int a = 0; a < vocab; a++) for (int b = 0; b < vocab; b++) rowTotals[a] += counts[a, b];
double bigramNats = 0;
for (int i = 1; i < validation.Length; i++)
{
    int a = validation[i - 1], b = validation[i];
    bigramNats -= Math.Log((counts[a, b] + 1) / (rowTotals[a] + vocab));
}
double bigramLoss = bigramNats / (validation.Length - 1);
Console.WriteLine($"1. Bigram counts: {vocab} × {vocab} table, validation cross-entropy {bigramLoss:F4}");

// ---------------------------------------------------------------------------------------------- 2. Bengio's MLP
// Context n = 6 characters, each a learned vector of d = 16; concatenated (6·16 = 96) → tanh(96 → 128) → 128 → V logits.
// Trained by the library's Trainer: only the objective is the sample's own (NextAfterWindow, below), which turns each
// random window of n characters into one prediction: the character after its last.
const int Context = 6, EmbeddingDim = 16, Hidden = 128;
var mlp = new BengioMlp(new ModuleInit(backend, seed: 1), vocab, Context, EmbeddingDim, Hidden);
var mlpOptions = new TrainingOptions
{
    MaxSteps = 3000, BatchSize = 64, LearningRate = 3e-3f, MinLearningRate = 3e-4f, WarmupSteps = 100,
    EvalInterval = 3000, EvalBatches = 10, LogInterval = 1000, CheckpointInterval = 0, WeightDecay = 0.01f, Seed = 1,
};
var mlpTrainer = new Trainer(new NextAfterWindow(mlp,
    new RandomWindowSampler(train, mlpOptions.BatchSize, Context, 1), new RandomWindowSampler(train, mlpOptions.BatchSize, Context, 3),
    new RandomWindowSampler(validation, mlpOptions.BatchSize, Context, 2)), mlpOptions);
var mlpRun = mlpTrainer.Train(TextWriter.Null, TextWriter.Null);
double mlpLoss = mlp.Score(validation);
Console.WriteLine($"2. Bengio MLP: n = {Context}, d = {EmbeddingDim}, hidden {Hidden}, {mlp.ParameterCount():N0} parameters, " +
    $"{mlpOptions.MaxSteps} steps of {mlpOptions.BatchSize} in {mlpRun.Elapsed.TotalSeconds:F1} s, validation cross-entropy {mlpLoss:F4}");

// ---------------------------------------------------------------------------------------------- 3. the baby GPT
// T = 64, C = 64, 2 blocks of 4 heads, trained with CausalLanguageModeling as in Learn 8: each (16, 64) batch gives 1,024
// predictions, every position of every window, each with all the characters before it in the window as context.
var gptConfig = new GptConfig
{
    VocabSize = vocab, ContextLength = 64, EmbeddingDim = 64, Layers = 2, Heads = 4,
    EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
};
var gpt = new GptModel(gptConfig, backend, seed: 1);
var gptOptions = new TrainingOptions
{
    MaxSteps = 1200, BatchSize = 16, LearningRate = 3e-3f, MinLearningRate = 3e-4f, WarmupSteps = 30,
    EvalInterval = 800, EvalBatches = 10, LogInterval = 100, CheckpointInterval = 0, WeightDecay = 0.1f, Seed = 1,
};
var gptRun = new Trainer(CausalLanguageModeling.ForCorpus(gpt, train, validation, gptOptions.BatchSize, seed: 1), gptOptions)
    .Train(TextWriter.Null, TextWriter.Null);
// Scored on consecutive windows covering the validation text: each window's targets are its inputs shifted by one.
gpt.Eval();
int t = gptConfig.ContextLength, windows = (validation.Length - 1) / t;
int[] inputs = validation[..(windows * t)], targets = validation[1..(windows * t + 1)];
double gptLoss;
using (GradMode.NoGrad()) gptLoss = gpt.Loss(inputs, targets, windows, t).Item();
Console.WriteLine($"3. Baby GPT: T = {t}, {gpt.ParameterCount():N0} parameters, {gptOptions.MaxSteps} steps of {gptOptions.BatchSize} × {t} " +
    $"in {gptRun.Elapsed.TotalSeconds:F1} s, validation cross-entropy {gptLoss:F4}");

// ---------------------------------------------------------------------------------------------- the table
// More context, used well, is what lowers perplexity: one character (bigram), n characters through a shared embedding
// (MLP), a whole window weighed by attention (GPT).
Console.WriteLine();
var table = new TextTable("model", "context", "parameters", "val cross-entropy", "val perplexity");
table.Add("bigram (add-one)", "1", $"{vocab * vocab:N0}", $"{bigramLoss:F4}", $"{Math.Exp(bigramLoss):F2}");
table.Add("Bengio MLP", $"{Context}", $"{mlp.ParameterCount():N0}", $"{mlpLoss:F4}", $"{Math.Exp(mlpLoss):F2}");
table.Add("baby GPT", $"{t}", $"{gpt.ParameterCount():N0}", $"{gptLoss:F4}", $"{Math.Exp(gptLoss):F2}");
Console.Write(table);
bool ordered = bigramLoss > mlpLoss && mlpLoss > gptLoss;
Console.WriteLine(ordered ? "perplexity: bigram > MLP > GPT" : "perplexity: NOT in the order bigram > MLP > GPT");
return ordered ? 0 : 1;

/// <summary>
/// Bengio et al. (2003): x = [E[c₁]; …; E[cₙ]] (n·d) → h = tanh(W x + b) (hidden) → logits = U h + c (V). The original
/// also had direct input-to-output connections; this is the variant the course and most re-implementations use.
/// </summary>
internal sealed class BengioMlp : Module
{
    private readonly Embedding _embedding;
    private readonly Linear _hidden, _output;

    public BengioMlp(ModuleInit init, int vocab, int context, int dim, int hidden)
    {
        Context = context;
        _embedding = RegisterModule("emb", new Embedding(init, vocab, dim, std: 1f));   // [V, d]
        _hidden = RegisterModule("hidden", new Linear(init, context * dim, hidden, std: 0.1f)); // [n·d → H]
        _output = RegisterModule("out", new Linear(init, hidden, vocab));                       // [H → V]
    }

    /// <summary>n, the characters the model reads.</summary>
    public int Context { get; }

    /// <summary>contexts: <paramref name="rows"/> × n ids, row-major → logits [rows, V].</summary>
    public Tensor Logits(int[] contexts, int rows)
    {
        var x = _embedding.Forward(contexts, rows, Context);                 // [rows, n, d]
        var h = _hidden.Forward(x.Reshape(rows, Context * _embedding.Dim)).Tanh(); // [rows, H]
        return _output.Forward(h);                                            // [rows, V]
    }

    /// <summary>Mean cross-entropy of every character of <paramref name="text"/> that has n characters before it.</summary>
    public double Score(int[] text)
    {
        Eval();
        int rows = text.Length - Context;
        var contexts = new int[rows * Context];
        var next = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(text, r, contexts, r * Context, Context);
            next[r] = text[r + Context];
        }
        using (GradMode.NoGrad()) return Logits(contexts, rows).CrossEntropy(next).Item();
    }
}

/// <summary>
/// The MLP's training objective: a random window of n characters from a <see cref="RandomWindowSampler"/> (its targets
/// are the inputs shifted by one) becomes one example — the window is the context, its last target the character to
/// predict. Weight 1 a batch, B predictions.
/// </summary>
internal sealed class NextAfterWindow(BengioMlp model, RandomWindowSampler train, RandomWindowSampler trainEvaluation, RandomWindowSampler validation)
    : ITrainingObjective
{
    private readonly Dictionary<TrainingStream, RandomWindowSampler> _streams = TrainingStreams.Map(train, trainEvaluation, validation);

    public string Kind => "next-after-window";

    public Module Model => model;

    public bool IsEmbedding(string parameterName) => parameterName.StartsWith("emb.", StringComparison.Ordinal);

    public void BeginEvaluation(TrainingStream stream) { }

    public ObjectiveLoss NextLoss(TrainingStream stream)
    {
        var batch = _streams[stream].NextBatch();                   // inputs, targets [B, n]
        var next = new int[batch.BatchSize];
        for (int b = 0; b < next.Length; b++) next[b] = batch.TargetRow(b)[^1];
        return new(model.Logits(batch.Inputs, batch.BatchSize).CrossEntropy(next), 1, batch.BatchSize);
    }

    public IReadOnlyDictionary<TrainingStream, TrainingStreamState> CaptureStreams() =>
        _streams.ToDictionary(s => s.Key, s => TrainingStreamState.Of(s.Value.GetState()));

    public void RestoreStreams(IReadOnlyDictionary<TrainingStream, TrainingStreamState> states, string source)
    {
        ArgumentNullException.ThrowIfNull(states);
        foreach (var (stream, sampler) in _streams)
            sampler.Restore((states.TryGetValue(stream, out var state) ? state
                : throw new InvalidDataException($"{source}: no state for the {TrainingStreams.Key(stream)} stream.")).ToSampler(source, TrainingStreams.Key(stream)));
    }
}
