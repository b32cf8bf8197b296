// Learn 8 — training the baby GPT, and decoding it.
//
// A GPT of a few hundred thousand parameters learns a short story one character at a time: the library's Trainer runs
// the loop (AdamW, warm-up then cosine, clipping, evaluations) and CausalLanguageModeling says what is learned (the next
// character of random windows). The sample collects the reports the trainer sends through IProgress<TrainingProgress>,
// draws the loss curves, then continues one prompt with five decoding rules side by side: greedy, temperature 0.7 and
// 1.5, top-k 10 and top-p 0.9, each with a fixed seed.
//
// Usage: dotnet run -c Release --project samples/08-Training [-- OUTPUT_DIR]      (08-training-loss.png)
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Generation;
using LlmForge.Gpt;
using LlmForge.Plotting;
using LlmForge.Samples;
using LlmForge.Tokenization;
using LlmForge.Training;

string outputDirectory = SampleFiles.OutputDirectory(args);

// ---------------------------------------------------------------------------------------------- 1. the text and its split
// The course's short story when ../shared/data holds it, else the .NET reference docs the CLI trains on by default.
// Characters as tokens: a vocabulary of a few dozen ids, so the model's size goes to its blocks, not to its tables.
// The first 90% trains, the last 10% is never trained on: its loss says whether the model generalizes or memorizes.
var (corpusName, text, tokenizer, trainIds, validationIds) = CharacterCorpus.Load();
bool verdict = corpusName == "the-verdict.txt";
Console.WriteLine($"1. Text: {corpusName}, {text.Length:N0} characters, " +
    $"vocabulary {tokenizer.VocabSize} characters; train {trainIds.Length:N0} tokens, validation {validationIds.Length:N0}");

// ---------------------------------------------------------------------------------------------- 2. the baby GPT
// GPT-2's architecture at toy size: context T = 64 characters, width C = 64, 2 blocks of 4 heads (16 dimensions each),
// a tied head (logits = h · Eᵀ). No dropout: a run this short does not overfit enough to need it.
var config = new GptConfig
{
    VocabSize = tokenizer.VocabSize, ContextLength = 64, EmbeddingDim = 64, Layers = 2, Heads = 4,
    EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
};
var model = new GptModel(config, new ManagedBackend(), seed: 1);
Console.WriteLine($"2. Baby GPT: T = {config.ContextLength}, C = {config.EmbeddingDim}, {config.Layers} layers × {config.Heads} heads, " +
    $"{model.ParameterCount():N0} parameters");

// ---------------------------------------------------------------------------------------------- 3. train with the Trainer
// Each step: a batch of 16 random windows (B = 16, T = 64) → logits [16, 64, vocab] → the mean cross-entropy of the 1,024
// next characters → backward → clip the gradient norm to 1 → AdamW. The learning rate warms up for 30 steps, then
// follows a cosine down to a tenth. Every 50 steps the trainer scores 10 batches of each split in eval mode.
var options = new TrainingOptions
{
    MaxSteps = 600, BatchSize = 16, LearningRate = 3e-3f, MinLearningRate = 3e-4f, WarmupSteps = 30,
    EvalInterval = 50, EvalBatches = 10, LogInterval = 100, CheckpointInterval = 0, WeightDecay = 0.1f, Seed = 1,
};
var trainer = new Trainer(CausalLanguageModeling.ForCorpus(model, trainIds, validationIds, options.BatchSize, seed: 1), options);
// Before any step the model guesses uniformly: its loss is about ln(vocabulary).
double validationBefore = trainer.Evaluate(TrainingStream.Validation);
Console.WriteLine($"3. Training {options.MaxSteps} steps of {options.BatchSize} × {config.ContextLength} characters (AdamW, lr {options.LearningRate:G3})");
Console.WriteLine($"   val loss before = {validationBefore:F4}   (ln {tokenizer.VocabSize} = {Math.Log(tokenizer.VocabSize):F4}: a uniform guess)");
var reports = new TrainingReports();
var result = trainer.Train(TextWriter.Null, TextWriter.Null, progress: reports);
foreach (var p in reports.Evaluations.Where(p => p.Step % 150 == 0 || p.Step == 50))
    Console.WriteLine($"   step {p.Step,4}: batch loss {p.Loss:F3}, lr {p.LearningRate:G3}, train {p.TrainLoss:F3}, val {p.ValidationLoss:F3}, {p.Elapsed.TotalSeconds:F1} s");
Console.WriteLine($"   val loss after = {result.ValidationLoss:F4}   (train {result.TrainLoss:F4}; perplexity {Math.Exp(result.ValidationLoss):F2} " +
    $"characters instead of {tokenizer.VocabSize}), {result.Elapsed.TotalSeconds:F1} s");

// The curves: the batch loss of every step (noisy: one batch each), and the evaluations' means (smooth: 10 batches each).
string png = PngChart.Lines(Path.Combine(outputDirectory, "08-training-loss.png"), "Baby GPT: cross-entropy while training",
    "step", "loss (nats per character)",
[
    reports.BatchLoss("train loss (batch)"),
    new LineSeries("train loss (eval)", [.. reports.Evaluations.Select(p => (double)p.Step)], [.. reports.Evaluations.Select(p => p.TrainLoss!.Value)]),
    // Validation starts at step 0 with the untrained model's loss.
    reports.Validation("val loss (eval)", validationBefore),
]);
Console.WriteLine($"   loss curves: {png}");

// ---------------------------------------------------------------------------------------------- 4. decoding, side by side
// The model gives a distribution over the next character; the decoding rule picks one, appends it and repeats.
//   greedy        the most likely id every time: deterministic, and prone to loops;
//   temperature   logits / τ before softmax: τ < 1 sharpens (safer), τ > 1 flattens (more surprising, more misspellings);
//   top-k         sample only among the k most likely ids;
//   top-p         sample among the fewest ids whose probabilities reach p (the "nucleus"), however many that is.
// Each sampler has its own seed, so every line is reproducible.
model.Eval();
string prompt = verdict ? "I had always thought" : "Returns the";
var rules = new (string Name, SamplingOptions Sampling)[]
{
    ("greedy", SamplingOptions.Greedy),
    ("temperature 0.7", new SamplingOptions { Temperature = 0.7f, Seed = 7 }),
    ("temperature 1.5", new SamplingOptions { Temperature = 1.5f, Seed = 7 }),
    ("top-k 10", new SamplingOptions { TopK = 10, Seed = 7 }),
    ("top-p 0.9", new SamplingOptions { TopP = 0.9f, Seed = 7 }),
};
string Continue(SamplingOptions sampling) =>
    new TextGenerator(new GptLanguageModel(model), sampling).Complete(tokenizer, prompt, 120).ReplaceLineEndings(" ");
Console.WriteLine($"4. \"{prompt}\" continued by each rule (120 characters):");
var table = new TextTable("rule", "continuation");
foreach (var (name, sampling) in rules) table.Add(name, Continue(sampling));
Console.Write(table);
// Greedy has no randomness: the same weights give the same text again.
Console.WriteLine($"   greedy again: {(Continue(SamplingOptions.Greedy) == Continue(rules[0].Sampling) ? "the same text" : "DIFFERENT text")}");
