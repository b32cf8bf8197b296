using System.Text.Json;
using LlmForge.Checkpoints;
using LlmForge.Tests.Bert;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tests.EncoderDecoder;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>forward and info on the MarianMT fixtures (Fixtures/marian-tiny*, PyTorch reference).</summary>
public class EncoderDecoderCommandTests
{
    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var backend in TestBackends.Names)
                foreach (var fixture in new[] { "marian-tiny", "marian-tiny-relu" })
                    data.Add(backend, fixture);
            return data;
        }
    }

    private static MarianFixture Fixture(string name) => name == "marian-tiny" ? MarianFixture.Tiny : MarianFixture.TinyRelu;

    [Theory, MemberData(nameof(Cases))]
    public void Forward_writes_the_decoder_logits_of_PyTorch(string backend, string fixtureName)
    {
        var fixture = Fixture(fixtureName);
        using var temp = new TempDirectory();
        string output = temp.File("logits.npy");

        var (code, stdout, stderr) = Cli.Run("forward", "--model", fixture.Directory, "--input", fixture.File("input.json"),
            "--out", output, "--backend", Cli.BackendFlag(backend));

        Assert.True(code == 0, stderr);
        Assert.Equal($"{output}: float32 [{string.Join(", ", fixture.Logits.Shape)}]\n", stdout);
        var logits = NpyFile.Read<float>(output);
        Assert.Equal(fixture.Logits.Shape, logits.Shape);
        double error = BertFixture.MaxAbsDifference(logits.Data, fixture.Logits.Data);
        Assert.True(error <= 1e-4, $"max |Δ| {error:E3} > 1e-4");
    }

    [Theory]
    [InlineData("""{"input_ids": [[1, 2, 0]]}""", "no \"decoder_input_ids\" key")]
    [InlineData("""{"input_ids": [[1, 2, 0]], "decoder_input_ids": [[39], [39]]}""", "\"decoder_input_ids\" has 2 rows but \"input_ids\" has 1")]
    [InlineData("""{"input_ids": [[1, 2, 0]], "decoder_input_ids": [[39, 40]]}""", "decoder_input_ids[0][1] = 40 is outside the model's vocabulary [0, 40)")]
    [InlineData("""{"input_ids": [[1, 2, 0]], "decoder_input_ids": [[39]], "token_type_ids": [[0, 0, 0]]}""", "\"token_type_ids\" is not read for an encoder-decoder model")]
    public void Bad_encoder_decoder_input_is_one_line_naming_the_key(string json, string expected)
    {
        using var temp = new TempDirectory();
        string input = temp.File("input.json");
        File.WriteAllText(input, json);

        var (code, stdout, stderr) = Cli.Run("forward", "--model", MarianFixture.Tiny.Directory, "--input", input, "--out", temp.File("o.npy"));

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith($"llmforge forward: {input}: ", stderr);
        Assert.Contains(expected, stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(temp.File("o.npy")));
    }

    [Fact]
    public void Info_shows_the_encoder_decoder_and_checks_its_weights()
    {
        var fixture = MarianFixture.Tiny;
        long parameters;
        using (var file = SafeTensorsFile.Open(fixture.File("model.safetensors")))
            parameters = file.Entries.Where(e => !e.Name.Contains("embed_", StringComparison.Ordinal) && e.Name != "lm_head.weight")
                .Sum(e => e.ElementCount); // the tied copies and the sinusoid tables are no parameters

        var (code, stdout, stderr) = Cli.Run("info", "--model", fixture.Directory);

        Assert.True(code == 0, stderr);
        string[] lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Contains("model_type     marian (MarianMTModel, encoder-decoder)", lines);
        Assert.Contains("layers         2 encoder + 2 decoder (encoder_layers, decoder_layers), post-LN", lines);
        Assert.Contains("hidden         16 (d_model), ffn 24 / 24, silu, embeddings ×√d_model", lines);
        Assert.Contains("vocab          40 (vocab_size, shared by source and target), pad 39, eos 0, decoder start 39", lines);
        Assert.Contains($"parameters     {parameters:N0} (lm_head tied to model.shared)", lines);
        Assert.Contains(lines, l => l.StartsWith("weights        model.safetensors matches config.json", StringComparison.Ordinal));

        var (jsonCode, json, _) = Cli.Run("info", "--model", fixture.Directory, "--json");
        Assert.Equal(0, jsonCode);
        using var document = JsonDocument.Parse(json);
        Assert.Equal("marian", document.RootElement.GetProperty("model_type").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("decoder_layers").GetInt32());
        Assert.Equal(parameters, document.RootElement.GetProperty("parameters").GetInt64());
    }

    [Theory]
    [InlineData("marian")]
    [InlineData("transformer-mini")]
    public void Train_asks_an_encoder_decoder_variant_for_its_pairs_in_one_line(string variant)
    {
        using var temp = new TempDirectory();
        var (code, stdout, stderr) = Cli.Run("train", "--variant", variant, "--steps", "1", "--out", temp.File("run"));

        Assert.Equal(2, code); // a usage error, as train's other refusals of a flag combination
        Assert.Empty(stdout);
        Assert.Equal($"llmforge train: '{variant}' is an encoder-decoder (translation) variant: give --pairs FILE (source<TAB>target lines)\n", stderr);
        Assert.False(Directory.Exists(temp.File("run")));
    }
}
