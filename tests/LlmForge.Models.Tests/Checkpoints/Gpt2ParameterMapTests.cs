using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class Gpt2ParameterMapTests
{
    private static readonly GptConfig OneLayer = new()
    {
        VocabSize = 11, ContextLength = 8, EmbeddingDim = 4, Layers = 1, Heads = 2, InnerDim = 16, TieWeights = false,
    };

    /// <summary>The whole table for one block: the HF ↔ LlmForge contract (STYLE.md §6). Change it only on purpose.</summary>
    [Fact]
    public void Snapshot_of_the_table()
    {
        const string Expected = """
            transformer.wte.weight [11, 4] Same → tok_emb.weight
            transformer.wpe.weight [8, 4] Same → pos_emb.weight
            transformer.h.0.ln_1.weight [4] Same → trf_blocks.0.norm1.scale
            transformer.h.0.ln_1.bias [4] Same → trf_blocks.0.norm1.shift
            transformer.h.0.attn.c_attn.weight [4, 12] Conv1D → trf_blocks.0.att.W_query.weight | trf_blocks.0.att.W_key.weight | trf_blocks.0.att.W_value.weight
            transformer.h.0.attn.c_attn.bias [12] Same → trf_blocks.0.att.W_query.bias | trf_blocks.0.att.W_key.bias | trf_blocks.0.att.W_value.bias
            transformer.h.0.attn.c_proj.weight [4, 4] Conv1D → trf_blocks.0.att.out_proj.weight
            transformer.h.0.attn.c_proj.bias [4] Same → trf_blocks.0.att.out_proj.bias
            transformer.h.0.ln_2.weight [4] Same → trf_blocks.0.norm2.scale
            transformer.h.0.ln_2.bias [4] Same → trf_blocks.0.norm2.shift
            transformer.h.0.mlp.c_fc.weight [4, 16] Conv1D → trf_blocks.0.ff.layers.0.weight
            transformer.h.0.mlp.c_fc.bias [16] Same → trf_blocks.0.ff.layers.0.bias
            transformer.h.0.mlp.c_proj.weight [16, 4] Conv1D → trf_blocks.0.ff.layers.2.weight
            transformer.h.0.mlp.c_proj.bias [4] Same → trf_blocks.0.ff.layers.2.bias
            transformer.ln_f.weight [4] Same → final_norm.scale
            transformer.ln_f.bias [4] Same → final_norm.shift
            lm_head.weight [11, 4] Same → out_head.weight
            """;
        Assert.Equal(Expected.ReplaceLineEndings("\n"), string.Join("\n", Gpt2ParameterMap.For(OneLayer)));
    }

    public static TheoryData<bool, bool> Variants => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    [Theory, MemberData(nameof(Variants))]
    public void Rows_are_exactly_the_HF_tensors_and_cover_every_parameter_once(bool qkvBias, bool tied)
    {
        var config = OneLayer with { Layers = 2, QkvBias = qkvBias, TieWeights = tied };
        var map = Gpt2ParameterMap.For(config);
        Assert.Equal(
            Gpt2TensorNames.Expected(config).Select(t => (t.Name, string.Join(",", t.Shape))),
            map.Select(r => (r.HfName, string.Join(",", r.HfShape))));

        var model = new GptModel(config, new ManagedBackend());
        var mapped = map.SelectMany(r => r.Parameters.Select(p => (Name: p, Shape: string.Join(",", r.ParameterShape)))).ToList();
        var parameters = model.NamedParameters().Select(p => (p.Name, Shape: string.Join(",", p.Parameter.Shape))).ToList();
        Assert.Equal(parameters.OrderBy(p => p.Name, StringComparer.Ordinal), mapped.OrderBy(p => p.Name, StringComparer.Ordinal));
    }

    [Fact]
    public void C_attn_splits_into_q_k_v_along_the_output_axis_and_transposes_to_out_in()
    {
        var row = Gpt2ParameterMap.For(OneLayer with { EmbeddingDim = 2, Heads = 1 }).Single(r => r.HfName.EndsWith("c_attn.weight"));
        Assert.Equal([2, 6], row.HfShape);
        Assert.Equal([2, 2], row.ParameterShape);
        // HF Conv1D [in = 2, out = 6]: hf[i, j] = 10·i + j; q is columns 0-1, k 2-3, v 4-5.
        float[] hf = [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15];
        float[][] expected = [[0, 10, 1, 11], [2, 12, 3, 13], [4, 14, 5, 15]]; // Linear [out, in]: W[o, i] = hf[i, part·2 + o]
        for (int part = 0; part < 3; part++)
        {
            var parameter = new float[4];
            Gpt2ParameterMap.ToParameter(row, part, hf, parameter);
            Assert.Equal(expected[part], parameter);
        }
    }

    [Fact]
    public void C_attn_bias_splits_into_thirds()
    {
        var row = Gpt2ParameterMap.For(OneLayer with { EmbeddingDim = 2, Heads = 1 }).Single(r => r.HfName.EndsWith("c_attn.bias"));
        float[] hf = [0, 1, 2, 3, 4, 5];
        var k = new float[2];
        Gpt2ParameterMap.ToParameter(row, 1, hf, k);
        Assert.Equal([2f, 3f], k);
    }

    [Fact]
    public void FromParameter_inverts_ToParameter_for_every_row()
    {
        var rng = new Random(1);
        foreach (var row in Gpt2ParameterMap.For(OneLayer))
        {
            var hf = Enumerable.Range(0, row.HfShape.Aggregate(1, (n, d) => n * d)).Select(_ => rng.NextSingle()).ToArray();
            var back = new float[hf.Length];
            for (int p = 0; p < row.Parameters.Count; p++)
            {
                var parameter = new float[hf.Length / row.Parameters.Count];
                Gpt2ParameterMap.ToParameter(row, p, hf, parameter);
                Gpt2ParameterMap.FromParameter(row, p, parameter, back);
            }
            Assert.Equal(hf, back);
        }
    }

    [Fact]
    public void RmsNorm_and_rotary_map_every_parameter_of_their_model()
    {
        var config = OneLayer with { Normalization = NormalizationType.RmsNorm, PositionEmbedding = PositionEmbeddingType.Rotary };
        var mapped = Gpt2ParameterMap.For(config).SelectMany(r => r.Parameters).Order().ToList();
        var model = new GptModel(config, new ManagedBackend());
        Assert.Equal(model.NamedParameters().Select(p => p.Name).Order().ToList(), mapped);
        Assert.DoesNotContain(mapped, p => p.EndsWith(".shift", StringComparison.Ordinal) || p.StartsWith("pos_emb", StringComparison.Ordinal));
    }
}
