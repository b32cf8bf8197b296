using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.EncoderDecoder;
using LlmForge.Layers;
using LlmForge.Tests.Checkpoints;
using Xunit;

namespace LlmForge.Tests.EncoderDecoder;

/// <summary>
/// The MarianMT directory layout both ways: a fixture saved again holds the names save_pretrained writes and reloads to
/// the same logits; config.json errors name their keys (one line each); weights that do not fit are listed by name.
/// </summary>
public class MarianCheckpointTests
{
    private static readonly LlmForge.Backends.ITensorBackend Backend = TestBackends.Create("Managed");

    [Fact]
    public void A_saved_model_holds_the_HF_names_and_reloads_to_the_same_logits()
    {
        var fixture = MarianFixture.Tiny;
        var model = MarianCheckpoint.Load(fixture.Directory, Backend);
        using var dir = new TempDirectory();
        MarianCheckpoint.Save(model, dir.Path);

        using (var saved = SafeTensorsFile.Open(dir.File(MarianCheckpoint.WeightsFileName)))
        using (var original = SafeTensorsFile.Open(fixture.File(MarianCheckpoint.WeightsFileName)))
        {
            // the fixture has the tied copies too (an older layout); save_pretrained's names are the rest
            var expected = original.Entries.Select(e => e.Name).Except(MarianParameterMap.TiedCopies).Order(StringComparer.Ordinal);
            Assert.Equal(expected, saved.Entries.Select(e => e.Name).Order(StringComparer.Ordinal));
            Assert.Equal([1, 40], saved.GetEntry("final_logits_bias").Shape);
            Assert.Equal(original.ReadFloat32("model.decoder.layers.1.encoder_attn.k_proj.weight"),
                saved.ReadFloat32("model.decoder.layers.1.encoder_attn.k_proj.weight"));
        }
        var reloaded = MarianCheckpoint.Load(dir.Path, Backend);
        Assert.Equal(model.Config, reloaded.Config);
        using (GradMode.NoGrad())
            Assert.Equal(model.Forward(fixture.Input).ToArray(), reloaded.Forward(fixture.Input).ToArray());
        Assert.True(MarianCheckpoint.Check(dir.Path).Matches);
        Assert.True(MarianCheckpoint.IsMarianDirectory(dir.Path));
    }

    [Fact]
    public void Our_sinusoids_are_the_table_HF_saves_sin_first_half_cos_second()
    {
        var fixture = MarianFixture.Tiny;
        using var file = SafeTensorsFile.Open(fixture.File(MarianCheckpoint.WeightsFileName));
        var saved = file.ReadFloat32("model.encoder.embed_positions.weight"); // [32, 16]
        var ours = new SinusoidalPositionalEncoding(new ModuleInit(Backend, 0), 32, 16, SinusoidLayout.Halves).Table(0, 32).ToArray();
        for (int i = 0; i < saved.Length; i++)
            Assert.True(Math.Abs(saved[i] - ours[i]) <= 1e-6, $"PE[{i / 16}, {i % 16}]: HF {saved[i]}, ours {ours[i]}");
        Assert.Equal(MathF.Sin(3f), ours[3 * 16 + 0], 5);   // dim 0 of position 3: sin(3·ω_0), ω_0 = 1
        Assert.Equal(MathF.Cos(3f), ours[3 * 16 + 8], 5);   // dim C/2 of position 3: cos(3·ω_0)
        var interleaved = new SinusoidalPositionalEncoding(new ModuleInit(Backend, 0), 32, 16).Table(0, 32).ToArray();
        Assert.Equal(MathF.Cos(3f), interleaved[3 * 16 + 1], 5); // the paper's layout: cos on dim 1
    }

    [Fact]
    public void Bad_config_keys_are_reported_one_line_each()
    {
        string json = File.ReadAllText(MarianFixture.Tiny.File("config.json"))
            .Replace("\"encoder_attention_heads\": 4", "\"encoder_attention_heads\": 5", StringComparison.Ordinal)
            .Replace("\"encoder_ffn_dim\": 24", "\"encoder_ffn_dim\": 0", StringComparison.Ordinal)
            .Replace("\"eos_token_id\": 0", "\"eos_token_id\": 400", StringComparison.Ordinal);
        var error = Assert.Throws<CheckpointFormatException>(() => MarianConfigJson.Parse(json, "config.json"));
        var lines = error.Message.Split(Environment.NewLine);
        Assert.Equal(3, lines.Length);
        Assert.Contains("EncoderHeads (encoder_attention_heads) 5 must divide ModelDim (d_model) 16.", lines[0], StringComparison.Ordinal);
        Assert.Equal("EncoderFfnDim (encoder_ffn_dim) must be positive, got 0.", lines[1]);
        Assert.Equal("EosTokenId (eos_token_id) 400 is outside the vocabulary [0, 40).", lines[2]);
    }

    [Theory]
    [InlineData("\"share_encoder_decoder_embeddings\": true", "\"share_encoder_decoder_embeddings\": false", "share_encoder_decoder_embeddings")]
    [InlineData("\"decoder_vocab_size\": 40", "\"decoder_vocab_size\": 41", "decoder_vocab_size")]
    [InlineData("\"model_type\": \"marian\"", "\"model_type\": \"bart\"", "model_type")]
    [InlineData("\"normalize_before\": false", "\"normalize_before\": true", "normalize_before")]
    public void Unsupported_config_values_name_their_key(string from, string to, string key)
    {
        string json = File.ReadAllText(MarianFixture.Tiny.File("config.json")).Replace(from, to, StringComparison.Ordinal);
        var error = Assert.Throws<CheckpointFormatException>(() => MarianConfigJson.Parse(json, "config.json"));
        Assert.Contains($"\"{key}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_that_do_not_fit_are_listed_by_name()
    {
        var fixture = MarianFixture.Tiny;
        using var dir = new TempDirectory();
        File.Copy(fixture.File("config.json"), dir.File("config.json"));
        using (var file = SafeTensorsFile.Open(fixture.File(MarianCheckpoint.WeightsFileName)))
        {
            var tensors = file.Entries
                .Where(e => e.Name != "model.decoder.layers.0.encoder_attn.q_proj.bias")
                .Select(e =>
                {
                    var data = file.ReadFloat32(e.Name);
                    if (e.Name is "lm_head.weight" or "model.decoder.embed_positions.weight") data[3] += 0.5f;
                    return (e.Name, e.Shape, (ReadOnlyMemory<float>)data);
                })
                .Append(("model.decoder.layers.0.extra.weight", new[] { 2 }, (ReadOnlyMemory<float>)new float[2]))
                .ToList();
            SafeTensorsWriter.Write(dir.File(MarianCheckpoint.WeightsFileName), tensors);
        }
        var error = Assert.Throws<CheckpointFormatException>(() => MarianCheckpoint.Load(dir.Path, Backend));
        Assert.Contains("missing tensor 'model.decoder.layers.0.encoder_attn.q_proj.bias' [16]", error.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'lm_head.weight' differs from 'model.shared.weight'", error.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'model.decoder.embed_positions.weight' is not the sinusoid table", error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected tensor 'model.decoder.layers.0.extra.weight' [2]", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, MarianCheckpoint.Check(dir.Path).Problems.Count);
    }

    [Fact]
    public void A_pre_LN_model_saves_as_llmforge_marian_with_final_norms_and_reloads()
    {
        var config = new EncoderDecoderConfig
        {
            VocabSize = 30, ModelDim = 8, EncoderLayers = 1, DecoderLayers = 1, EncoderHeads = 2, DecoderHeads = 2,
            EncoderFfnDim = 16, DecoderFfnDim = 16, MaxPositions = 16, PadTokenId = 29, DecoderStartTokenId = 29,
            NormPosition = LayerNormPosition.Pre, DropRate = 0,
        };
        var model = new EncoderDecoderModel(config, Backend, seed: 5);
        using var dir = new TempDirectory();
        MarianCheckpoint.Save(model, dir.Path);
        Assert.Contains("\"model_type\": \"llmforge-marian\"", File.ReadAllText(dir.File("config.json")), StringComparison.Ordinal);
        using (var file = SafeTensorsFile.Open(dir.File(MarianCheckpoint.WeightsFileName)))
            Assert.True(file.Contains("model.encoder.layer_norm.weight") && file.Contains("model.decoder.layer_norm.bias"));
        var input = new Seq2SeqInput([1, 2, 3, 29], 2, 2, [29, 4, 29, 5], 2, [1, 1, 1, 0]);
        using (GradMode.NoGrad())
            Assert.Equal(model.Forward(input).ToArray(), MarianCheckpoint.Load(dir.Path, Backend).Forward(input).ToArray());
    }
}
