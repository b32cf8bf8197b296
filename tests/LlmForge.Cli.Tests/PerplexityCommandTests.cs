using System.Globalization;
using System.Text.Json;
using LlmForge.Checkpoints;
using LlmForge.Evaluation;
using LlmForge.Generation;
using LlmForge.Layers;
using LlmForge.Tests.Gpt;
using LlmForge.Tokenization;
using Xunit;
using TempDirectory = LlmForge.Tests.Checkpoints.TempDirectory;

namespace LlmForge.Tests.Cli;

/// <summary><c>llmforge perplexity</c> and <c>generate --sinks/--window</c> against the library they call.</summary>
public class PerplexityCommandTests
{
    /// <summary>61 characters for the rotary fixture's 61 ids.</summary>
    private static readonly CharTokenizer Characters = new("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,!?éü→🙂");

    /// <summary>A model directory (the fixture's weights and a char tokenizer) and a text file of 60 characters.</summary>
    private static (string Model, string Text, int[] Ids) RotaryDirectory(TempDirectory temp, string fixture = "gpt-rope")
    {
        File.Copy(FixturePath.Of(fixture, "config.json"), temp.File("config.json"));
        File.Copy(FixturePath.Of(fixture, "model.safetensors"), temp.File("model.safetensors"));
        Characters.Save(temp.Path);
        var rng = new Random(41);
        string text = new([.. Enumerable.Range(0, 60).Select(_ => "abcdefghij klmnop,."[rng.Next(19)])]);
        File.WriteAllText(temp.File("text.txt"), text);
        return (temp.Path, temp.File("text.txt"), [.. Characters.Encode(text)]);
    }

    private static string Expected(PerplexityReport report) =>
        string.Concat(report.Buckets.Select(b => string.Create(CultureInfo.InvariantCulture,
            $"{{\"from\":{b.From},\"to\":{b.To},\"ppl\":{b.Perplexity:0.0000},\"tokens\":{b.Tokens}}}\n")))
        + string.Create(CultureInfo.InvariantCulture, $"ppl={report.Perplexity:0.0000}\n");

    [Theory]
    [InlineData(new[] { "--policy", "sink", "--sinks", "2", "--window", "5" }, KvCacheKind.Sink, 2, 5, 1)]
    [InlineData(new[] { "--policy", "window", "--window", "6" }, KvCacheKind.Window, 0, 6, 1)]
    [InlineData(new[] { "--policy", "recompute", "--window", "8", "--stride", "3" }, KvCacheKind.Recompute, 0, 8, 3)]
    [InlineData(new[] { "--policy", "dense" }, KvCacheKind.Dense, 0, null, 1)]
    public void Prints_the_evaluators_buckets_then_the_overall_perplexity(string[] flags, KvCacheKind kind, int sinks, int? window, int stride)
    {
        using var temp = new TempDirectory();
        var (model, text, ids) = RotaryDirectory(temp);
        var (code, stdout, stderr) = Cli.Run(["perplexity", "--model", model, "--file", text, "--bucket", "16", .. flags]);

        Assert.True(code == 0, stderr);
        var gpt = Gpt2Checkpoint.Load(model, new LlmForge.Backends.Managed.ManagedBackend());
        var policy = new KvCachePolicy { Kind = kind, Sinks = sinks, Window = window };
        var report = new LongTextPerplexity(gpt, policy) { BucketSize = 16, Stride = stride }.Evaluate(ids);
        Assert.Equal(Expected(report), stdout);
        foreach (string line in stdout.Split('\n')[..^2])
            Assert.Equal(4, JsonDocument.Parse(line).RootElement.EnumerateObject().Count()); // from, to, ppl, tokens
        Assert.Contains("tokens/s", stderr);
    }

    [Theory]
    [InlineData("bf16")]
    [InlineData("int8")]
    public void Weights_score_with_the_linear_layers_copies(string weights)
    {
        using var temp = new TempDirectory();
        var (model, text, ids) = RotaryDirectory(temp);
        var (code, stdout, stderr) = Cli.Run(["perplexity", "--model", model, "--file", text, "--bucket", "16", "--policy", "window",
            "--window", "6", "--weights", weights]);

        Assert.True(code == 0, stderr);
        var policy = new KvCachePolicy { Kind = KvCacheKind.Window, Window = 6 };
        var gpt = Gpt2Checkpoint.Load(model, new LlmForge.Backends.Managed.ManagedBackend());
        var float32 = new LongTextPerplexity(gpt, policy) { BucketSize = 16 }.Evaluate(ids);
        gpt.UseWeights(WeightFormats.Parse(weights));
        var report = new LongTextPerplexity(gpt, policy) { BucketSize = 16 }.Evaluate(ids);
        Assert.Equal(Expected(report), stdout);
        Assert.NotEqual(Expected(float32), stdout); // the copies are read
        Assert.Contains($"{weights} weights", stderr);
    }

    [Theory]
    [InlineData("window", new[] { "--policy", "window", "--window", "6" }, 0, 6)]
    [InlineData("sink", new[] { "--policy", "sink", "--sinks", "1", "--window", "5" }, 1, 5)]
    public void A_model_with_a_learned_sink_token_scores_as_the_library_does(string kind, string[] flags, int sinks, int window)
    {
        using var temp = new TempDirectory();
        var (model, text, ids) = RotaryDirectory(temp);
        var backend = new LlmForge.Backends.Managed.ManagedBackend();
        var sinkModel = SinkTokenModels.WithSinkToken(Gpt2Checkpoint.Load(model, backend));
        Gpt2Checkpoint.Save(sinkModel, model);
        var (code, stdout, stderr) = Cli.Run(["perplexity", "--model", model, "--file", text, "--bucket", "16", .. flags]);

        Assert.True(code == 0, stderr);
        var policy = new KvCachePolicy { Kind = KvCachePolicy.ParseKind(kind)!.Value, Sinks = sinks, Window = window };
        var report = new LongTextPerplexity(Gpt2Checkpoint.Load(model, backend), policy) { BucketSize = 16 }.Evaluate(ids);
        Assert.Equal(Expected(report), stdout);
        var plain = new LongTextPerplexity(Gpt2Checkpoint.Load(GptFixture.Load("gpt-rope").Directory, backend), policy) { BucketSize = 16 }.Evaluate(ids);
        Assert.NotEqual(Expected(plain), stdout); // the sink token is read
    }

    [Theory]
    [InlineData(new[] { "--policy", "window", "--sinks", "2" }, 1, "LlmForge:KvCache:Sinks: 2 sinks need Kind sink, not window.")]
    [InlineData(new[] { "--policy", "sink", "--stride", "2" }, 2, "--stride applies to --policy recompute, not sink")]
    [InlineData(new[] { "--policy", "sinks" }, 2, "valid values: dense, recompute, window, sink")]
    [InlineData(new[] { "--policy", "recompute", "--window", "100" }, 1, "KvCache:Window: recompute re-encodes 100 tokens, more than the context length 16.")]
    public void Bad_input_is_one_line_naming_the_key_or_flag(string[] flags, int exitCode, string message)
    {
        using var temp = new TempDirectory();
        var (model, text, _) = RotaryDirectory(temp);
        var (code, stdout, stderr) = Cli.Run(["perplexity", "--model", model, "--file", text, .. flags]);
        Assert.Equal(exitCode, code);
        Assert.Equal("", stdout);
        Assert.Contains(message, stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_streaming_policy_on_learned_positions_names_the_kind()
    {
        using var temp = new TempDirectory();
        var (model, text, _) = RotaryDirectory(temp, "gpt2-tiny");
        var (code, _, stderr) = Cli.Run("perplexity", "--model", model, "--file", text, "--policy", "sink");
        Assert.Equal(1, code);
        Assert.Contains("KvCache:Kind: sink assigns positions inside the cache, which needs rotary positions", stderr);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Generate_with_sinks_and_a_window_prints_the_ids_of_the_library_generator_past_the_context(string backend)
    {
        var fixture = GptFixture.Load("gpt-rope");
        int[] prompt = fixture.Ids[..10]; // longer than 2 sinks + window 5: prefilled, then fed token by token
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create(backend));
        foreach (var (flags, policy) in new[]
        {
            (new[] { "--sinks", "2", "--window", "5" }, new KvCachePolicy { Kind = KvCacheKind.Sink, Sinks = 2, Window = 5 }),
            (new[] { "--window", "6" }, new KvCachePolicy { Kind = KvCacheKind.Window, Window = 6 }),
        })
        {
            int[] expected = [.. new TextGenerator(model.AsLanguageModel(policy), SamplingOptions.Greedy).Generate(prompt, 40)];
            var (code, stdout, stderr) = Cli.Run(["generate", "--model", fixture.Directory, "--prompt-ids", string.Join(",", prompt),
                "--max-new-tokens", "40", "--temperature", "0", "--output-ids", "--backend", Cli.BackendFlag(backend), .. flags]);
            Assert.True(code == 0, stderr);
            Assert.Equal(expected, JsonSerializer.Deserialize<int[]>(stdout));
        }
    }

    [Fact]
    public void Generate_refuses_sinks_without_the_cache_or_on_learned_positions()
    {
        var noCache = Cli.Run("generate", "--model", FixturePath.Of("gpt-rope"), "--prompt-ids", "1,2", "--sinks", "4", "--no-kv-cache", "--output-ids");
        Assert.Equal(2, noCache.Code);
        Assert.Contains("--no-kv-cache recomputes the context for every token; a sink KV cache", noCache.Err);
        var learned = Cli.Run("generate", "--model", FixturePath.Of("gpt2-tiny"), "--prompt-ids", "1,2", "--sinks", "4", "--output-ids");
        Assert.Equal(1, learned.Code);
        Assert.Contains("KvCache:Kind: sink assigns positions inside the cache", learned.Err);
    }
}
