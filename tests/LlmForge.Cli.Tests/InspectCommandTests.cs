using System.Text.Json;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Tests.Bert;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tests.Gpt;
using LlmForge.Tests.Samples;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>
/// <c>llmforge inspect</c> on a tiny GPT-2 directory (vocab 50257, n_embd 8, 1 layer, 2 heads, GPT-2's tokenizer) and on
/// Fixtures/bert-tiny: the tree's and components' totals are the model's ParameterCount, --param/--row print the
/// stored values, --json parses, --attention draws a PNG of every head whose weights are causal softmax rows.
/// </summary>
public class InspectCommandTests
{
    [Fact]
    public void The_components_and_the_tensors_sum_to_the_parameter_count()
    {
        using var temp = new TempDirectory();
        string dir = Cli.WriteGpt2TinyDirectory(temp.Path);
        long expected = Gpt2Checkpoint.Load(dir, new ManagedBackend()).ParameterCount();

        var (code, stdout, stderr) = Cli.Run("inspect", "--model", dir);
        Assert.True(code == 0, stderr);
        string[] lines = stdout.Split('\n');
        Assert.StartsWith($"GptModel: {expected:N0} parameters", lines[0]);
        int header = Array.FindIndex(lines, l => l.StartsWith("component ", StringComparison.Ordinal));
        int total = Array.FindIndex(lines, l => l.StartsWith("total ", StringComparison.Ordinal));
        long sum = lines[(header + 1)..total].Sum(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2].Replace(",", "")));
        Assert.Equal(expected, sum);
        Assert.Contains(lines, l => l.StartsWith("trf_blocks.0.att ", StringComparison.Ordinal) && l.Contains("attention"));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("trf_blocks.0.att.W_query.weight ", StringComparison.Ordinal) && l.Contains("[8, 8]"));

        (code, stdout, stderr) = Cli.Run("inspect", "--model", dir, "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(expected, root.GetProperty("parameters").GetInt64());
        Assert.Equal(expected, root.GetProperty("components").EnumerateArray().Sum(c => c.GetProperty("parameters").GetInt64()));
        Assert.Equal(expected, root.GetProperty("tensors").EnumerateArray().Sum(c => c.GetProperty("parameters").GetInt64()));
        Assert.Equal(expected, root.GetProperty("tree").GetProperty("parameters").GetInt64());
    }

    [Fact]
    public void Param_and_row_print_the_stored_values_with_statistics()
    {
        using var temp = new TempDirectory();
        string dir = Cli.WriteGpt2TinyDirectory(temp.Path);
        var model = Gpt2Checkpoint.Load(dir, new ManagedBackend());
        float[] row = model.TokenEmbedding.Weight.ToArray()[(40 * 8)..(41 * 8)]; // the 40th embedding, C = 8

        var (code, stdout, stderr) = Cli.Run("inspect", "--model", dir, "--param", "tok_emb.weight", "--row", "40", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal([50257, 8], root.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(40, root.GetProperty("row").GetInt32());
        Assert.Equal(row, root.GetProperty("values").EnumerateArray().Select(v => v.GetSingle()));
        double mean = row.Average(v => (double)v);
        Assert.True(Math.Abs(root.GetProperty("mean").GetDouble() - mean) <= 1e-9);
        Assert.Equal(row.Min(), root.GetProperty("min").GetDouble());

        (code, stdout, stderr) = Cli.Run("inspect", "--model", dir, "--param", "final_norm.scale", "--values", "3");
        Assert.True(code == 0, stderr);
        Assert.Equal(
            ["final_norm.scale: shape [8], 8 values", "mean 1  std 0  min 1  max 1", "first 3: 1 1 1"],
            stdout.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("--param tok_emb.wieght", 1, "no parameter 'tok_emb.wieght'; closest: tok_emb.weight")]
    [InlineData("--param tok_emb.weight --row 50257", 1, "row 50257 is out of range for 'tok_emb.weight' [50257, 8]: rows are 0 … 50256")]
    [InlineData("--param final_norm.shift --row 0", 1, "has no rows")]
    [InlineData("--row 3", 2, "--row needs --param NAME")]
    [InlineData("--attention", 2, "--attention needs --text")]
    [InlineData("--png x.png", 2, "--text and --png go with --attention")]
    public void Bad_requests_are_one_line(string flags, int exitCode, string message)
    {
        using var temp = new TempDirectory();
        string dir = Cli.WriteGpt2TinyDirectory(temp.Path);
        var (code, stdout, stderr) = Cli.Run(["inspect", "--model", dir, .. flags.Split(' ')]);
        Assert.Equal(exitCode, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(message, stderr);
        Assert.StartsWith("llmforge inspect: ", stderr);
    }

    [Fact]
    public void A_missing_directory_is_one_line()
    {
        var (code, _, stderr) = Cli.Run("inspect", "--model", "/no/such/model/dir");
        Assert.Equal(2, code);
        Assert.Equal("llmforge inspect: --model '/no/such/model/dir': no such directory\n", stderr);
    }

    [Fact]
    public void Attention_draws_every_head_and_returns_causal_softmax_rows()
    {
        using var temp = new TempDirectory();
        string dir = Cli.WriteGpt2TinyDirectory(Directory.CreateDirectory(temp.File("model")).FullName);
        string png = temp.File("attention.png");
        int tokens = TokenizerFiles.Load(dir).Encode("Hello, I am a model").Count;

        var (code, stdout, stderr) = Cli.Run("inspect", "--model", dir, "--attention", "--text", "Hello, I am a model", "--png", png, "--json");
        Assert.True(code == 0, stderr);
        PngFile.AssertValid(png, 2 * 300, 1 * 300); // one row (layer) of two panels (heads)
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(tokens, json.RootElement.GetProperty("tokens").GetArrayLength());
        var layers = json.RootElement.GetProperty("attentions").EnumerateArray().ToArray();
        Assert.Single(layers);
        var heads = layers[0].EnumerateArray().ToArray();
        Assert.Equal(2, heads.Length);
        foreach (var head in heads)
        {
            var rows = head.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            Assert.Equal(tokens, rows.Length);
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.True(Math.Abs(rows[i].Sum() - 1) <= 1e-5, $"row {i} sums to {rows[i].Sum()}");
                for (int j = i + 1; j < rows[i].Length; j++) Assert.Equal(0, rows[i][j]); // causal: no later key
            }
        }

        (code, stdout, stderr) = Cli.Run("inspect", "--model", dir, "--attention", "--text", "Hello, I am a model");
        Assert.True(code == 0, stderr);
        Assert.StartsWith($"tokens ({tokens}): Hello , ·I ·am ·a ·model", stdout);
        Assert.Contains("attention: 1 layers × 2 heads", stdout);
    }

    [Fact]
    public void A_learned_sink_token_is_the_first_key_of_every_map()
    {
        using var temp = new TempDirectory();
        File.Copy(FixturePath.Of("gpt-rope", "config.json"), temp.File("config.json"));
        File.Copy(FixturePath.Of("gpt-rope", "model.safetensors"), temp.File("model.safetensors"));
        new CharTokenizer("abcdefghijklmnopqrstuvwxyz ").Save(temp.Path);
        Gpt2Checkpoint.Save(SinkTokenModels.WithSinkToken(Gpt2Checkpoint.Load(temp.Path, new ManagedBackend())), temp.Path);

        var (code, stdout, stderr) = Cli.Run("inspect", "--model", temp.Path, "--attention", "--text", "to be or", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        string[] tokens = [.. json.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!)];
        Assert.Equal(["<sink>", "t", "o", " ", "b", "e", " ", "o", "r"], tokens);
        foreach (var head in json.RootElement.GetProperty("attentions").EnumerateArray().SelectMany(l => l.EnumerateArray()))
        {
            var rows = head.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            Assert.Equal(tokens.Length, rows.Length);
            Assert.Equal(1.0, rows[0][0]);                      // the sink sees only itself
            Assert.All(rows, r => Assert.True(Math.Abs(r.Sum() - 1) <= 1e-5));
        }
    }

    [Fact]
    public void Bert_directories_are_inspected_too()
    {
        string dir = BertFixture.Tiny.Directory;
        long expected = BertCheckpoint.Load(dir, new ManagedBackend()).ParameterCount();
        var (code, stdout, stderr) = Cli.Run("inspect", "--model", dir, "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("BertModel", json.RootElement.GetProperty("model").GetString());
        Assert.Equal(expected, json.RootElement.GetProperty("components").EnumerateArray().Sum(c => c.GetProperty("parameters").GetInt64()));

        (code, stdout, stderr) = Cli.Run("inspect", "--model", dir, "--attention", "--text", "the cat sat", "--json");
        Assert.True(code == 0, stderr);
        using var attention = JsonDocument.Parse(stdout);
        var tokens = attention.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()).ToArray();
        Assert.Equal("[CLS]", tokens[0]);
        Assert.Equal("[SEP]", tokens[^1]);
        var first = attention.RootElement.GetProperty("attentions")[0][0][0].EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.True(Math.Abs(first.Sum() - 1) <= 1e-5 && first.All(v => v > 0)); // bidirectional: [CLS] sees every token
    }
}
