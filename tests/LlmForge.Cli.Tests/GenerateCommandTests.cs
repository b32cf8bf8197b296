using LlmForge.Checkpoints;
using LlmForge.Generation;
using LlmForge.Layers;
using LlmForge.Tests.Checkpoints;
using TempDirectory = LlmForge.Tests.Checkpoints.TempDirectory;
using LlmForge.Tests.Generation;
using LlmForge.Tests.Gpt;
using LlmForge.Tests.Tokenization;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Cli;

public class GenerateCommandTests
{
    public static TheoryData<string, string> Cases => ForwardCommandTests.Cases;

    private static int[] ParseIds(string line)
    {
        Assert.Matches(@"^\[(\d+(,\d+)*)?\]\n$", line); // one compact JSON array line
        return System.Text.Json.JsonSerializer.Deserialize<int[]>(line)!;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Greedy_output_ids_equal_an_independent_greedy_loop(string backend, string fixtureName)
    {
        var fixture = GptFixture.Load(fixtureName);
        int[] prompt = fixture.Ids[..5];
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create(backend));
        int[] expected = GreedyReference.IndependentGreedy(model, prompt, 20); // runs past the context of 16

        var (code, stdout, stderr) = Cli.Run("generate", "--model", fixture.Directory, "--prompt-ids", string.Join(",", prompt),
            "--max-new-tokens", "20", "--temperature", "0", "--output-ids", "--backend", Cli.BackendFlag(backend));

        Assert.True(code == 0, stderr);
        Assert.Equal(expected, ParseIds(stdout));
    }

    [Theory, MemberData(nameof(Cases))]
    public void No_kv_cache_prints_the_same_ids_as_the_cache(string backend, string fixtureName)
    {
        string[] common = ["generate", "--model", FixturePath.Of(fixtureName), "--prompt-ids", "4,8,15,16,23", "--max-new-tokens", "20",
            "--seed", "42", "--output-ids", "--backend", Cli.BackendFlag(backend)];

        var cached = Cli.Run(common);
        var uncached = Cli.Run([.. common, "--no-kv-cache"]);

        Assert.True(cached.Code == 0, cached.Err);
        Assert.Equal(20, ParseIds(cached.Out).Length); // runs past the context of 16: the cache hands over to cropping
        Assert.Equal(cached.Out, uncached.Out);
    }

    public static TheoryData<string, string> BackendsAndWeights => new()
    {
        { "Managed", "bf16" }, { "Mkl", "bf16" }, { "Managed", "int8" }, { "Mkl", "int8" },
    };

    [Theory, MemberData(nameof(BackendsAndWeights))]
    public void Bf16_and_int8_weights_print_the_ids_of_a_generator_over_the_model_with_those_weights(string backend, string weights)
    {
        var fixture = GptFixture.Load("gpt2-tiny");
        int[] prompt = fixture.Ids[..5];
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create(backend));
        model.UseWeights(WeightFormats.Parse(weights));
        int[] expected = [.. new TextGenerator(model.AsLanguageModel(), LlmForge.Generation.SamplingOptions.Greedy).Generate(prompt, 12)];

        var (code, stdout, stderr) = Cli.Run("generate", "--model", fixture.Directory, "--prompt-ids", string.Join(",", prompt),
            "--max-new-tokens", "12", "--temperature", "0", "--output-ids", "--backend", Cli.BackendFlag(backend), "--weights", weights);

        Assert.True(code == 0, stderr);
        Assert.Equal(expected, ParseIds(stdout));
        var bad = Cli.Run("generate", "--model", fixture.Directory, "--prompt-ids", "1", "--weights", "int4");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--weights 'int4' is not valid; valid values: float32, bf16, int8", bad.Err);
    }

    [Fact]
    public void Sampling_is_reproducible_by_seed_and_respects_the_flags()
    {
        string[] Run(params string[] extra) =>
            [Cli.Run(["generate", "--model", FixturePath.Of("gpt2-tiny"), "--prompt-ids", "1, 2, 3", "--max-new-tokens", "30", "--output-ids", .. extra]).Out];

        Assert.Equal(Run("--seed", "5"), Run("--seed", "5"));
        Assert.NotEqual(Run("--seed", "5"), Run("--seed", "6"));
        Assert.Equal(Run(), Run("--seed", "1337")); // the documented default seed
        Assert.Equal(Run("--temperature", "0"), Run("--top-k", "1", "--seed", "9"));
        Assert.Equal(30, ParseIds(Run("--top-p", "0.5")[0]).Length);
    }

    [Fact]
    public void Text_mode_streams_the_prompt_and_the_decoded_new_tokens()
    {
        using var temp = new TempDirectory();
        File.Copy(FixturePath.Of("gpt2-tiny", "config.json"), temp.File("config.json"));
        File.Copy(FixturePath.Of("gpt2-tiny", "model.safetensors"), temp.File("model.safetensors"));
        // 61 characters for the 61 ids; sorted by code point, so 'é' and '🙂' are the last ids
        var tokenizer = new CharTokenizer("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,!?éü→🙂");
        Assert.Equal(61, tokenizer.VocabSize);
        tokenizer.Save(temp.Path);

        string[] common = ["generate", "--model", temp.Path, "--prompt", "Hé 🙂", "--max-new-tokens", "25", "--seed", "3"];
        var ids = ParseIds(Cli.Run([.. common, "--output-ids"]).Out);
        var (code, stdout, stderr) = Cli.Run(common);

        Assert.True(code == 0, stderr);
        Assert.Equal("Hé 🙂" + tokenizer.Decode(ids) + "\n", stdout);
    }

    [Fact]
    public void Gpt2_text_keeps_multi_byte_characters_whole_and_stops_at_end_of_text()
    {
        using var temp = new TempDirectory();
        Cli.WriteGpt2TinyDirectory(temp.Path, endOfTextFirst: true);

        var ids = Cli.Run("generate", "--model", temp.Path, "--prompt", "Hi 🙂 ünï", "--temperature", "0", "--output-ids");
        Assert.Equal("[50256]\n", ids.Out); // the stop token ends generation and is the only new id

        var text = Cli.Run("generate", "--model", temp.Path, "--prompt", "Hi 🙂 ünï", "--temperature", "0");
        Assert.True(text.Code == 0, text.Err);
        Assert.Equal("Hi 🙂 ünï\n", text.Out); // prompt echoed through the streaming decoder; <|endoftext|> not printed

        // an empty prompt starts from <|endoftext|>
        Assert.Equal("[50256]\n", Cli.Run("generate", "--model", temp.Path, "--prompt", "", "--temperature", "0", "--output-ids").Out);
    }

    [Fact]
    public void Gpt2_sampled_text_equals_the_decoded_ids()
    {
        using var temp = new TempDirectory();
        Cli.WriteGpt2TinyDirectory(temp.Path);
        string[] common = ["generate", "--model", temp.Path, "--prompt", "Hello, I am", "--max-new-tokens", "40", "--seed", "11"];

        var ids = ParseIds(Cli.Run([.. common, "--output-ids"]).Out);
        var (code, stdout, stderr) = Cli.Run(common);

        Assert.True(code == 0, stderr);
        Assert.Equal(40, ids.Length);
        Assert.Equal("Hello, I am" + Gpt2Vocabulary.Tokenizer.Decode(ids.Where(i => i != 50256)) + "\n", stdout);
    }

    [Theory]
    [InlineData(new[] { "--prompt-ids", "1,2" }, 2, "generate: '{dir}' has no tokenizer")]
    [InlineData(new[] { "--prompt", "hi", "--output-ids" }, 2, "give --prompt-ids instead of --prompt")]
    [InlineData(new[] { "--output-ids" }, 2, "give exactly one of --prompt TEXT or --prompt-ids 1,2,3")]
    [InlineData(new[] { "--prompt-ids", "1", "--prompt", "x", "--output-ids" }, 2, "give exactly one of")]
    [InlineData(new[] { "--prompt-ids", "1,-2", "--output-ids" }, 2, "--prompt-ids must be comma-separated non-negative integer ids like 1,2,3; item 2 is '-2'")]
    [InlineData(new[] { "--prompt-ids", "1,61", "--output-ids" }, 2, "--prompt-ids: id 61 at position 1 is outside the model's vocabulary [0, 61)")]
    [InlineData(new[] { "--prompt-ids", "1", "--output-ids", "--temperature", "-1" }, 2, "--temperature must be a number ≥ 0, got '-1'")]
    [InlineData(new[] { "--prompt-ids", "1", "--output-ids", "--top-p", "0" }, 2, "--top-p must be a number in (0, 1], got '0'")]
    [InlineData(new[] { "--prompt-ids", "1", "--output-ids", "--top-k", "2.5" }, 2, "--top-k must be an integer ≥ 0, got '2.5'")]
    [InlineData(new[] { "--prompt-ids", "1", "--output-ids", "--max-new-tokens", "x" }, 2, "--max-new-tokens must be an integer ≥ 0, got 'x'")]
    [InlineData(new[] { "--prompt-ids", "1", "--output-ids", "--temp", "1" }, 2, "unknown flag --temp")]
    public void Bad_flags_are_one_line_errors(string[] flags, int exitCode, string expected)
    {
        string dir = FixturePath.Of("gpt2-tiny");
        var (code, stdout, stderr) = Cli.Run(["generate", "--model", dir, .. flags]);
        Assert.Equal(exitCode, code);
        Assert.Empty(stdout);
        Assert.StartsWith("llmforge generate: ", stderr);
        Assert.Contains(expected.Replace("{dir}", dir), stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }
}
