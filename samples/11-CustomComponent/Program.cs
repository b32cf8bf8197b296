// Learn 11 — Your own component.
//
// The chapters so far used LlmForge's own parts. A transformer is a stack of interchangeable ones, though: the
// attention, the positional encoding and the normalization of every block are each chosen by a kind name
// ("scaled-dot", "rotary", "layernorm", …) that a model variant in appsettings.json sets, and the library builds the
// model from whatever the dependency-injection container registered under those names. So trying an idea of your own is
// one class and one line, not a fork of the library:
//
//   1. write the component from the public primitives — MyNorm, at the bottom of this file: RMSNorm with a learned bias,
//      x / √(mean(x²) + ε) · γ + β, a kind no built-in provides; its gradients come from the primitives' own;
//   2. register it under a name — services.AddNormalization("my-norm", context => new MyNorm(context)); the context
//      carries the width C and the ε the variant asks for (AddAttention and AddPositionalEncoding work the same way);
//   3. select it by name in configuration — "Normalization": { "Kind": "my-norm" } in this folder's appsettings.json,
//      which describes a GPT and a BERT that use it in every block.
//
// Then, for the GPT (next-token prediction) and for the BERT (masked-LM), this program
//   4. builds the model from the configured variant through IModelFactory,
//   5. trains it with the library's Trainer and the model's objective, a CancellationToken (Ctrl-C stops after the
//      step in flight) and an IProgress<TrainingProgress> that prints the progress lines,
//   6. saves it: config.json records "my-norm" by name and the weights are a state dict, names → tensors,
//   7. starts itself again as a new process that reloads the directory and predicts. Loading works only because the new
//      process registers "my-norm" too (without it, LoadGpt fails with one line naming the kind and how to register
//      it): a saved model names its parts, the code that builds them is the application's;
//   8. checks that both processes printed the same text ("identical: True", twice).
//
// It uses the public API only, as an application of yours would: tools/pack/check-packages.sh builds this very file
// outside the repository against the NuGet packages.
//
// Usage: dotnet run -c Release --project samples/11-CustomComponent [-- --steps N] [--out DIR]
//        (defaults: appsettings' MaxSteps, samples/out/11-custom-component; LlmForge__Backend=Mkl picks the MKL backend)
//        11-custom-component --reload-gpt DIR | --reload-bert DIR      (the child process; prints its prediction only)
using System.Diagnostics;
using System.Globalization;
using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Backends.Mkl;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Data;
using LlmForge.Generation;
using LlmForge.Hosting;
using LlmForge.Layers;
using LlmForge.Tokenization;
using LlmForge.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

Flags flags;
try { flags = Flags.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine($"11-custom-component: {e.Message}"); return 2; }

// ---------------------------------------------------------------------------------------------- 1–3. the container: the kinds by name
// The same registration in the parent and in the child: a reloaded model finds "my-norm" only because the new process
// registers it too (without it, LoadGpt fails with one line naming the kind and how to register it).
using var provider = BuildServices(flags.Steps);
var factory = provider.GetRequiredService<IModelFactory>();

// The child process: reload, predict, print the prediction alone on stdout, exit.
if (flags.ReloadGpt is { } gptDirectory)
{
    var tokenizer = TokenizerFiles.Load(gptDirectory);
    Console.Out.Write(Generate(factory.LoadGpt(gptDirectory), tokenizer));
    return 0;
}
if (flags.ReloadBert is { } bertDirectory)
{
    Console.Out.Write(FillMasks(factory.LoadBert(bertDirectory), WordPieceTokenizer.FromDirectory(bertDirectory)));
    return 0;
}

// Ctrl-C asks the training to stop: the step in flight finishes, then the trainer throws OperationCanceledException.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
var training = provider.GetRequiredService<IOptions<LlmForgeOptions>>().Value.Training;
var progress = new Progress(training.LogInterval);
Directory.CreateDirectory(flags.Output);

try
{
    // ------------------------------------------------------------------------------------------ 4–5. a GPT, built and trained
    // A character tokenizer of the built-in text; the model's vocabulary is the tokenizer's, whatever the variant says.
    var chars = CharTokenizer.FromCorpus(SampleText.Paragraph);
    var gpt = factory.CreateGpt("gpt-my-norm", vocabSize: chars.VocabSize, seed: 1);
    Console.WriteLine($"gpt: {factory.GetVariant("gpt-my-norm").Describe()}, {gpt.ParameterCount():N0} parameters, final norm {gpt.FinalNorm.GetType().Name}, backend {gpt.Backend.Name}");

    // The Trainer owns the loop for every objective: micro-batches, the NaN policy, clipping, evaluations, checkpoints,
    // cancellation. The objective says what is learned from which data: next-token prediction on random windows of the
    // text's first part, evaluated on its tail. CheckpointFiles says what a checkpoint holds (the model directory and
    // the tokenizer, beside optimizer.safetensors and trainer_state.json), so the run can be resumed exactly.
    // The trainer's own progress lines go to TextWriter.Null here: the sample prints its own from IProgress.
    int[] characters = [.. chars.Encode(SampleText.Paragraph)];
    var (gptTrain, gptValidation) = TrainValidationSplit.Split(characters, 1 - training.ValidationFraction);
    int seed = GptTrainingRun.DataSeed(training.Seed);
    var gptTrainer = new Trainer(CausalLanguageModeling.ForCorpus(gpt, gptTrain, gptValidation, training.BatchSize, seed), training,
        CheckpointFiles.ForGpt(gpt, chars, "gpt-my-norm", TokenizerKinds.Char, CorpusFingerprint.Of(null, characters)));
    gptTrainer.Train(TextWriter.Null, Console.Error, Path.Combine(flags.Output, "gpt-run"), overwrite: true, cancellation.Token, progress);

    // ------------------------------------------------------------------------------------------ 6. save
    // config.json names "my-norm" under its "llmforge" key; the tokenizer goes beside it for the child.
    string gptSaved = Path.Combine(flags.Output, "gpt");
    Gpt2Checkpoint.Save(gpt, gptSaved);
    chars.Save(gptSaved);
    string gptText = Generate(gpt, chars);
    Console.WriteLine($"gpt saved to {gptSaved}; greedy text: {gptText.ReplaceLineEndings(" ")}");

    // ------------------------------------------------------------------------------------------ 7–8. reload elsewhere, compare
    // A new process reloads it and generates.
    bool gptIdentical = CompareWithChild("--reload-gpt", gptSaved, gptText);

    // ------------------------------------------------------------------------------------------ 4–8 again, a BERT masked-LM
    // A WordPiece vocabulary trained on the same text; the encoder gets the masked-LM head by default.
    var wordPiece = WordPieceTrainer.Train(SampleText.Paragraph, new WordPieceTrainerOptions { VocabSize = 300, LowerCase = true });
    var bert = factory.CreateBert("bert-my-norm", vocabSize: wordPiece.VocabSize, seed: 1, padTokenId: wordPiece.PaddingId);
    Console.WriteLine($"bert: {factory.GetVariant("bert-my-norm").Describe()}, {bert.ParameterCount():N0} parameters, {wordPiece.VocabSize} WordPiece tokens");

    // Rows are [CLS] window [SEP], 15% of their tokens masked (80% [MASK], 10% random, 10% kept); the validation rows
    // come from the tail of the text. The same Trainer, another objective: masked-token prediction.
    int[] ids = [.. wordPiece.Encode(SampleText.Paragraph, allowSpecialTokens: false)];
    var (trainIds, validationIds) = TrainValidationSplit.Split(ids, 1 - training.ValidationFraction);
    var masker = new MlmMasker(wordPiece.VocabSize, wordPiece.MaskId, wordPiece.SpecialTokens.Values);
    int sequence = bert.Config.MaxPositions;
    MlmBatchSource Rows(ReadOnlyMemory<int> tokens, bool shuffle, int s) => MlmBatchSource.FromTokenIds(
        tokens, sequence, training.BatchSize, masker, wordPiece.ClassificationId, wordPiece.SeparatorId, shuffle, s);
    var maskedLM = new MaskedLanguageModeling(bert, Rows(trainIds, true, seed), Rows(trainIds, true, seed + 1), Rows(validationIds, false, seed + 2));
    new Trainer(maskedLM, training).Train(TextWriter.Null, Console.Error, checkpointDirectory: null, cancellationToken: cancellation.Token, progress: progress);

    string bertSaved = Path.Combine(flags.Output, "bert");
    BertCheckpoint.Save(bert, bertSaved);
    wordPiece.Save(bertSaved);
    string bertText = FillMasks(bert, wordPiece);
    Console.Write($"bert saved to {bertSaved}; fill-mask:\n{bertText}");

    bool bertIdentical = CompareWithChild("--reload-bert", bertSaved, bertText);
    return gptIdentical && bertIdentical ? 0 : 1;
}
catch (OperationCanceledException e)
{
    // A clean stop: the message names the step and, for the GPT, where its checkpoint is.
    Console.Error.WriteLine($"stopped: {e.Message}");
    return 130;
}

// ---------------------------------------------------------------------------------------------- the pieces

// Options from the sample's appsettings.json (beside the program, wherever it is started from) and LlmForge__*
// environment variables; the backends, the user's kind, then AddLlmForge: the built-in kinds, the validated options
// and IModelFactory.
static ServiceProvider BuildServices(int? steps)
{
    // --steps N shortens the run and its warm-up with it (a tenth of the steps), as a settings file would.
    var overrides = new Dictionary<string, string?>();
    if (steps is { } n)
    {
        overrides["LlmForge:Training:MaxSteps"] = n.ToString(CultureInfo.InvariantCulture);
        overrides["LlmForge:Training:WarmupSteps"] = (n / 10).ToString(CultureInfo.InvariantCulture);
    }
    var configuration = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
        .AddEnvironmentVariables()                                      // LlmForge__Backend=Mkl, inherited by the child
        .AddInMemoryCollection(overrides)
        .Build();
    return new ServiceCollection()
        .AddManagedBackend()
        .AddMklBackend(() => new ManagedBackend())                       // chosen by "Backend": "Mkl" (falls back without MKL)
        .AddNormalization("my-norm", c => new MyNorm(c))                 // the context carries the width and the epsilon
        .AddLlmForge(configuration.GetSection(LlmForgeOptions.SectionName))
        .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
}

// Greedy decoding: no randomness, so the same weights give the same text in any process.
static string Generate(LlmForge.Gpt.GptModel model, ITokenizer tokenizer)
{
    model.Eval();
    const string Prompt = "The model ";
    return Prompt + new TextGenerator(new GptLanguageModel(model), SamplingOptions.Greedy).Complete(tokenizer, Prompt, 80);
}

// The top three tokens for each [MASK], with their probabilities printed round-trip exact ("R"): two processes agree
// on this text only if the reloaded MLM logits are the saved model's.
static string FillMasks(BertModel model, WordPieceTokenizer tokenizer)
{
    model.Eval();
    var lines = new System.Text.StringBuilder();
    foreach (string sentence in SampleText.Cloze)
        foreach (var result in FillMask.Predict(model, tokenizer, sentence, topK: 3))
            lines.Append(CultureInfo.InvariantCulture, $"  {sentence} -> ")
                 .AppendJoin(", ", result.Candidates.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Token} {c.Probability:R}")))
                 .Append('\n');
    return lines.ToString();
}

// Starts this program again (the apphost, or `dotnet 11-custom-component.dll`) with the reload flag, and compares what
// it prints with what this process computed.
static bool CompareWithChild(string flag, string directory, string expected)
{
    string host = Environment.ProcessPath!;
    var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()!.Location);
    start.ArgumentList.Add(flag);
    start.ArgumentList.Add(directory);
    using var child = Process.Start(start)!;
    string reloaded = child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    bool identical = child.ExitCode == 0 && reloaded == expected;
    Console.WriteLine($"reloaded in process {child.Id} ({flag[2..]}): identical: {identical}");
    if (!identical) Console.WriteLine($"  the new process printed (exit {child.ExitCode}):\n{reloaded}");
    return identical;
}

/// <summary>
/// The sample's own normalization: RMSNorm with a learned bias, x / √(mean(x²) + eps) · γ + β over the last axis —
/// a kind no built-in provides, written from the public primitives, so its gradients come from theirs.
/// </summary>
internal sealed class MyNorm : Module, INormalization
{
    private readonly Tensor _gain, _bias;
    private readonly float _epsilon;

    public MyNorm(NormalizationContext context)
    {
        _epsilon = context.Epsilon;
        _gain = RegisterParameter("weight", Tensor.Full(context.Init.Backend, 1f, context.Dim));   // [C]
        _bias = RegisterParameter("bias", Tensor.Full(context.Init.Backend, 0f, context.Dim));     // [C]
    }

    /// <param name="x">[B, T, C]</param>
    public Tensor Forward(Tensor x)
    {
        var inverseRms = (x.Square().MeanLastAxis(keepDim: true) + _epsilon).Rsqrt();   // [B, T, 1]
        return x * inverseRms * _gain + _bias;                                          // per row, then per channel
    }
}

/// <summary>Prints a line every <c>every</c> steps and after each evaluation, as the training reports them.</summary>
internal sealed class Progress(int every) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress p)
    {
        if (p.Step % every != 0 && !p.Evaluated) return;
        string evaluation = p.Evaluated ? FormattableString.Invariant($", train {p.TrainLoss:F3}, val {p.ValidationLoss:F3}") : "";
        Console.WriteLine(FormattableString.Invariant($"  step {p.Step}/{p.MaxSteps}: loss {p.Loss:F3}, lr {p.LearningRate:G3}{evaluation}, {p.Elapsed.TotalSeconds:F1} s"));
    }
}

/// <summary>The command line: a step count and an output directory, or a reload flag for the child process.</summary>
internal sealed record Flags(int? Steps, string Output, string? ReloadGpt, string? ReloadBert)
{
    public static Flags Parse(string[] args)
    {
        int? steps = null;
        string output = Path.Combine("samples", "out", "11-custom-component");
        string? gpt = null, bert = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--steps":
                    string s = Value();
                    steps = int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n
                        : throw new ArgumentException($"--steps {s} is not a positive whole number");
                    break;
                case "--out": output = Value(); break;
                case "--reload-gpt": gpt = Value(); break;
                case "--reload-bert": bert = Value(); break;
                default: throw new ArgumentException($"unknown argument {args[i]}; use --steps N, --out DIR");
            }
        }
        return new Flags(steps, Path.GetFullPath(output), gpt, bert);
    }
}

/// <summary>
/// The text both models learn from, built in so the sample needs no files: a few paragraphs written for it, repeated
/// in different orders so the held-out tail is the same kind of text as the rest.
/// </summary>
internal static class SampleText
{
    private static readonly string[] Paragraphs =
    [
        "The model reads a line of text and guesses the next letter. At first every guess is noise. After a few hundred " +
        "steps the model has learned which letters follow which, where the spaces go, and how a sentence ends. ",
        "A normalization keeps the numbers of each row in a useful range. This one divides every row by the root of its " +
        "mean square, then scales and shifts each channel with weights the model learns like any other. ",
        "The trainer draws random windows of the text, computes the loss, follows the gradient and repeats. Every so " +
        "often it measures the loss on text it never trained on, to see whether the model learns or only remembers. ",
        "When the run ends the weights are saved with the name of every component. A new process reads the names, finds " +
        "the same components registered, builds the same model and loads the weights, so it writes the same text. ",
        "The encoder sees a sentence with some words hidden and learns to fill them in from the words around them. The " +
        "decoder sees only the words before and learns to write the next one. Both learn from the same small text. ",
    ];

    /// <summary>Every paragraph, then every paragraph again in the reverse order, three times over (about 5,000 characters).</summary>
    public static string Paragraph { get; } = string.Concat(Enumerable.Range(0, 3).SelectMany(_ => Paragraphs.Concat(Paragraphs.Reverse())));

    /// <summary>Sentences of the text with one word masked, for the masked-LM's predictions.</summary>
    public static IReadOnlyList<string> Cloze { get; } =
    [
        "the trainer draws random [MASK] of the text.",
        "a new process reads the [MASK].",
        "the model reads a line of [MASK] and guesses the next letter.",
    ];
}
