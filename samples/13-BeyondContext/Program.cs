// Learn 13 — beyond the context window: streaming with attention sinks, and what sliding costs.
//
// A GPT is trained on windows of T tokens. Generating or scoring past T, something must give: the model has no
// position for token T + 1 (learned positions), or has never seen such distances (rotary). Four KV-cache policies
// (KvCachePolicy in LlmForge.Layers) answer differently:
//   dense      keep every token at its own position: rotary extrapolates to distances it never saw;
//   recompute  re-encode the last W tokens from scratch for every prediction: exact, but O(W²) work per token;
//   window     keep the keys and values of the last W tokens only: constant memory and work per token;
//   sink       keep the first S tokens too (StreamingLLM's "attention sinks", Xiao et al. 2023), positions counted
//              inside the cache, so the model never meets a distance past S + W − 1.
// This sample trains a small rotary GPT, scores held-out text at 8× its context under each policy
// (LongTextPerplexity), and draws perplexity against position. Given a trained model directory and a text instead
// (README "Past the context": gpt-rope-sink-8h, a baby that parks its attention on a learned sink token), it scores
// that text at 16× the model's context, with the sink token alone as one more policy.
//
// Usage: dotnet run -c Release --project samples/13-BeyondContext [-- OUTPUT_DIR [MODEL_DIR TEXT_FILE]]
//        (13-beyond-context.png, and 13-beyond-context-streaming.png without dense)
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Evaluation;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Plotting;
using LlmForge.Samples;
using LlmForge.Tokenization;
using LlmForge.Training;

string outputDirectory = SampleFiles.OutputDirectory(args);

// ---------------------------------------------------------------------------------------------- 1. a small rotary GPT
GptModel model;
int[] validationIds;
int lengthTimes;
try
{
    (model, validationIds, lengthTimes) = args.Length >= 3 ? Trained(args[1], args[2]) : TrainHere();
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException) // a bad directory or text: one line
{
    Console.Error.WriteLine($"13-beyond-context: {e.Message}");
    return 1;
}
int context = model.Config.ContextLength;

// ---------------------------------------------------------------------------------------------- 2. scoring past the context
// The validation text in segments of 8·T tokens (16·T for a model read from disk), each scored from a fresh state:
// token t of a segment is predicted from what the policy keeps of tokens 0 … t − 1. Losses are averaged per bucket of
// T positions, so the first bucket is "within the context" and the others show what each policy does once it is left
// behind. A model with a learned sink token reads it before every segment; window evicts it, sink keeps it first.
int segment = lengthTimes * context;
const int sinks = 4;
int segments = Math.Max(1, Math.Min(args.Length >= 3 ? 20 : 6, validationIds.Length / segment));
int[] scored = validationIds[..Math.Min(validationIds.Length, segments * segment)];
var policies = new List<(string Name, KvCachePolicy Policy)>
{
    ("dense", KvCachePolicy.Dense),
    ($"recompute (W {context})", new KvCachePolicy { Kind = KvCacheKind.Recompute, Window = context }),
    ($"window (W {context})", new KvCachePolicy { Kind = KvCacheKind.Window, Window = context }),
    ($"sink (S {sinks} + W {context - sinks})", new KvCachePolicy { Kind = KvCacheKind.Sink, Sinks = sinks, Window = context - sinks }),
};
if (model.Config.SinkToken)
    policies.Add(($"sink token (S 1 + W {context - 1})", new KvCachePolicy { Kind = KvCacheKind.Sink, Sinks = 1, Window = context - 1 }));
Console.WriteLine($"2. Perplexity of {segments} validation segments of {segment} tokens ({lengthTimes}× the context) by position:");
var table = new TextTable(["positions", .. policies.Select(p => p.Name)]);
var reports = policies.Select(p => new LongTextPerplexity(model, p.Policy) { SegmentLength = segment }.Evaluate(scored)).ToArray();
for (int b = 0; b < reports[0].Buckets.Count; b++)
    table.Add([$"{reports[0].Buckets[b].From}–{reports[0].Buckets[b].To}", .. reports.Select(r => r.Buckets[b].Perplexity.ToString("F3"))]);
table.Add(["all", .. reports.Select(r => r.Perplexity.ToString("F3"))]);
table.Add(["tokens/s", .. reports.Select(r => r.TokensPerSecond.ToString("F0"))]);
Console.Write(table);

// ---------------------------------------------------------------------------------------------- 3. what it shows
// Dense extrapolates rotary angles to distances never trained: the loss climbs once the context is left behind.
// Recompute is the exact baseline. Window and sink keep S + W slots whatever the length (constant memory), at a
// fraction of recompute's work per token; how close they stay to it is the question StreamingLLM asks.
double inContext = reports[1].Buckets[0].Perplexity;
double denseLast = reports[0].Buckets[^1].Perplexity, recompute = reports[1].Perplexity, window = reports[2].Perplexity, sink = reports[3].Perplexity;
Console.WriteLine($"3. in-context perplexity {inContext:F3}; dense at {segment - context}–{segment}: {denseLast:F3} ({denseLast / inContext:F1}× in-context)");
Console.WriteLine($"   sink vs recompute: {100 * (sink / recompute - 1):+0.0;-0.0} %; window vs recompute: {100 * (window / recompute - 1):+0.0;-0.0} %");
if (model.Config.SinkToken) // the learned token alone as the sink
    Console.WriteLine($"   sink token alone vs recompute: {100 * (reports[4].Perplexity / recompute - 1):+0.0;-0.0} %");
Console.WriteLine($"   cache slots per layer: window {context}, sink {context}, whatever the length; dense {segment} at the end of a segment");

LineSeries[] curves = [.. policies.Select((p, i) => new LineSeries(p.Name,
    [.. reports[i].Buckets.Select(b => (b.From + b.To) / 2.0)], [.. reports[i].Buckets.Select(b => b.Perplexity)]))];
const string positionAxis = "position in the segment (bucket middle)";
string png = PngChart.Lines(Path.Combine(outputDirectory, "13-beyond-context.png"),
    $"Rotary GPT (context {context}): perplexity by position past the context", positionAxis, "perplexity", curves);
// Dense dwarfs the rest; the same curves without it show how far window and sink stay from recompute.
string closeUp = PngChart.Lines(Path.Combine(outputDirectory, "13-beyond-context-streaming.png"),
    $"Rotary GPT (context {context}): the constant-memory policies against recompute", positionAxis, "perplexity", curves[1..]);
Console.WriteLine($"   charts: {png}, {closeUp}");
return 0;

// A rotary GPT trained here in seconds: characters of the-verdict.txt (the .NET reference docs without ../shared),
// context T = 32, rotary positions (nothing is added to the embeddings: q and k are turned by their positions inside
// attention, so q·k sees only distances). Scored at 8× its context.
static (GptModel Model, int[] Validation, int LengthTimes) TrainHere()
{
    var (_, _, tokenizer, trainIds, validationIds) = CharacterCorpus.Load();
    const int context = 32;
    var config = new GptConfig
    {
        VocabSize = tokenizer.VocabSize, ContextLength = context, EmbeddingDim = 64, Layers = 2, Heads = 4,
        PositionEmbedding = PositionEmbeddingType.Rotary,
        EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
    };
    var model = new GptModel(config, new ManagedBackend(), seed: 1);
    var options = new TrainingOptions
    {
        MaxSteps = 300, BatchSize = 16, LearningRate = 3e-3f, MinLearningRate = 3e-4f, WarmupSteps = 30,
        EvalInterval = 300, EvalBatches = 10, LogInterval = 300, CheckpointInterval = 0, WeightDecay = 0.1f, Seed = 1,
    };
    var result = new Trainer(CausalLanguageModeling.ForCorpus(model, trainIds, validationIds, options.BatchSize, seed: 1), options)
        .Train(TextWriter.Null, TextWriter.Null);
    Console.WriteLine($"1. Rotary GPT: T = {context}, {model.ParameterCount():N0} parameters, {options.MaxSteps} steps of {options.BatchSize} × {context} " +
        $"characters: val loss {result.ValidationLoss:F4} in {result.Elapsed.TotalSeconds:F1} s");
    return (model, validationIds, 8);
}

// A model directory (config.json, weights, tokenizer files) and a text its tokenizer encodes; scored at 16× its context.
static (GptModel Model, int[] Validation, int LengthTimes) Trained(string directory, string textFile)
{
    var model = Gpt2Checkpoint.Load(directory, new ManagedBackend());
    if (model.Config.PositionEmbedding != PositionEmbeddingType.Rotary) // dense past T, window and sink need rotary
        throw new InvalidDataException($"'{directory}' has {model.Config.PositionEmbedding.ToString().ToLowerInvariant()} positions; " +
            "the policies compared here need a rotary model (position_embedding_type rotary)");
    int[] ids = [.. TokenizerFiles.Load(directory).Encode(TextFile.Read(textFile, "Text file", allowEmpty: false))];
    Console.WriteLine($"1. {Path.GetFileName(Path.TrimEndingDirectorySeparator(directory))}: T = {model.Config.ContextLength}, " +
        $"{model.Config.Heads} heads, {model.ParameterCount():N0} parameters{(model.Config.SinkToken ? ", a learned sink token" : "")}; " +
        $"{Path.GetFileName(textFile)}: {ids.Length:N0} tokens");
    return (model, ids, 16);
}
