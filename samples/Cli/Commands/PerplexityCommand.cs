using System.CommandLine;
using System.Globalization;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Cli.Parsing;
using LlmForge.Data;
using LlmForge.Evaluation;
using LlmForge.Layers;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge perplexity</c>: a text's perplexity by position under a KV-cache policy (<see cref="LongTextPerplexity"/>),
/// one JSON line per bucket of positions, <c>{"from":0,"to":64,"ppl":5.1234,"tokens":63}</c>, then <c>ppl=5.1234</c>
/// over every token; the policy and speed go to stderr.
/// </summary>
public sealed class PerplexityCommand : ICommand
{
    public string Name => "perplexity";

    public string Summary => "a long text's perplexity by position under a KV-cache policy (dense, recompute, window, sink)";

    public string Synopsis =>
        "usage: llmforge perplexity --model DIR --file FILE [--policy dense|recompute|window|sink] [--window W] [--sinks S] [--stride N] [--weights float32|bf16|int8]";

    public string Notes =>
        "Output: one line per bucket of positions, {\"from\":0,\"to\":64,\"ppl\":5.1234,\"tokens\":63}, then ppl=5.1234. " +
        "dense attends to every earlier token (past the context only rotary positions can); recompute re-encodes the last W " +
        "tokens for each prediction (--stride N scores N tokens per forward); window keeps the last W tokens; sink the first " +
        "S plus the last W. Without --policy: LlmForge:KvCache (dense).";

    private static readonly Option<string?> Model = Flag.Text("--model", "DIR", "a GPT model directory with its tokenizer");
    private static readonly Option<string?> FileFlag = Flag.Text("--file", "FILE", "the UTF-8 text to score");
    private static readonly Option<string?> Policy = Flag.Choice("--policy", "KIND",
        "what each prediction sees: dense, recompute, window or sink (default: LlmForge:KvCache, dense)", "dense", "recompute", "window", "sink");
    private static readonly Option<int?> Window = Flag.Int("--window", "W", "the most recent tokens kept (default: the context length minus the sinks)", min: 1);
    private static readonly Option<int?> Sinks = Flag.Int("--sinks", "S", "the first tokens a sink policy keeps (default 4)", min: 0);
    private static readonly Option<int?> Stride = Flag.Int("--stride", "N", "recompute: how far the window moves per forward (default 1: one forward per token)", min: 1);
    private static readonly Option<int?> Segment = Flag.Int("--segment", "N", "score the text in segments of N tokens, each from a fresh state (default: one segment)", min: 2);
    private static readonly Option<int?> Bucket = Flag.Int("--bucket", "N", "positions per output line (default: the context length)", min: 1);

    private static readonly Option<string?> Weights = Flag.Choice("--weights", "FORMAT",
        "float32 (default), bf16 or int8 (q8_0 blocks of 32): what the linear layers multiply by, to compare the formats' perplexities",
        "float32", "bf16", "int8");

    public IReadOnlyList<Option> Options { get; } = [Model, FileFlag, Policy, Window, Sinks, Stride, Segment, Bucket, BackendFlags.Backend, Weights];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        string directory = ModelDirectory.Require(Name, "model", parsed.GetValue(Model));
        string file = parsed.GetValue(FileFlag) ?? throw new CliException($"{Name}: --file FILE is required");
        var policy = KvCacheSettings.FromConfiguration(parsed.GetValue(Policy), parsed.GetValue(Sinks), parsed.GetValue(Window));
        if (parsed.GetValue(Stride) is not null && policy.Kind != KvCacheKind.Recompute)
            throw new CliException($"{Name}: --stride applies to --policy recompute, not {policy.KindName}");
        var tokenizer = ModelDirectory.LoadTokenizer(directory)
            ?? throw new CliException($"{Name}: no tokenizer in '{directory}': expected vocab.json + merges.txt, encoder.json + vocab.bpe or llmforge_char_tokenizer.json");
        var ids = tokenizer.Encode(TextFile.Read(file, "Text file", allowEmpty: true));

        var model = Gpt2Checkpoint.Load(directory, BackendFactory.FromConfiguration(parsed.GetValue(BackendFlags.Backend)));
        var weights = WeightFormats.Parse(parsed.GetValue(Weights));
        model.UseWeights(weights);
        var evaluator = new LongTextPerplexity(model, policy)
        {
            Stride = parsed.GetValue(Stride) ?? 1,
            SegmentLength = parsed.GetValue(Segment) ?? 0,
            BucketSize = parsed.GetValue(Bucket) ?? 0,
        };
        var report = evaluator.Evaluate(ids);
        foreach (var bucket in report.Buckets)
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"from\":{bucket.From},\"to\":{bucket.To},\"ppl\":{bucket.Perplexity:0.0000},\"tokens\":{bucket.Tokens}}}"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ppl={report.Perplexity:0.0000}"));
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: {policy.Describe(model.Config.ContextLength)}, {weights.Name()} weights: {report.Tokens} tokens in {report.Elapsed.TotalSeconds:0.0} s ({report.TokensPerSecond:0} tokens/s)"));
        return 0;
    }
}
