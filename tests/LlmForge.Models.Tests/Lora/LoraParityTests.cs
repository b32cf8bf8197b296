using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Lora;
using LlmForge.Tests;
using Xunit;

namespace LlmForge.Tests.Lora;

/// <summary>
/// LoRA on GPT-2's fused c_attn against PEFT's math in plain PyTorch (tools/reference/lora_reference.py): the output of
/// q | k | v with the adapter, the adapter's gradients, and the merged Conv1D weight (fan_in_fan_out).
/// </summary>
public sealed class LoraParityTests
{
    private static float[] Npy(string name) => NpyFile.Read<float>(FixturePath.Of("lora", name + ".npy")).Data;

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void CAttnAdapter_MatchesPeft_ForwardGradientsAndMerge(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var model = new GptModel(new GptConfig { VocabSize = 11, ContextLength = 4, EmbeddingDim = 8, Layers = 1, Heads = 2 }, backend);
        var qkv = Gpt2ParameterMap.For(model.Config).Single(r => r.HfName == "transformer.h.0.attn.c_attn.weight");
        var bias = Gpt2ParameterMap.For(model.Config).Single(r => r.HfName == "transformer.h.0.attn.c_attn.bias");
        for (int p = 0; p < 3; p++)
        {
            Gpt2ParameterMap.ToParameter(qkv, p, Npy("c_attn_weight"), model.GetParameter(qkv.Parameters[p]).Data);
            Gpt2ParameterMap.ToParameter(bias, p, Npy("c_attn_bias"), model.GetParameter(bias.Parameters[p]).Data);
        }
        var adapters = LoraAdapters.Create(model, new LoraOptions { Rank = 2, Alpha = 4, Targets = ["attn.qkv"] });
        var layer = Assert.Single(adapters.Layers);
        Npy("lora_A").CopyTo(layer.A.Weight.Data, 0);
        Npy("lora_B").CopyTo(layer.B.Weight.Data, 0);

        var attention = (MultiHeadAttention)model.Blocks[0].Attention;
        var x = Tensor.FromArray(backend, Npy("x"), 2, 3, 8);
        var y = F.Concat(2, attention.Query.Forward(x), attention.Key.Forward(x), attention.Value.Forward(x)); // (2, 3, 24)
        AssertClose(Npy("y"), y.Data, 1e-5f, "y");
        (y * Tensor.FromArray(backend, Npy("grad_out"), 2, 3, 24)).Sum().Backward();
        AssertClose(Npy("dA"), layer.A.Weight.Grad!, 1e-4f, "dA");
        AssertClose(Npy("dB"), layer.B.Weight.Grad!, 1e-4f, "dB");

        adapters.Merge();
        var merged = new float[8 * 24];
        for (int p = 0; p < 3; p++) Gpt2ParameterMap.FromParameter(qkv, p, model.GetParameter(qkv.Parameters[p]).Data, merged);
        AssertClose(Npy("merged_weight"), merged, 1e-5f, "merged c_attn.weight");
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        Assert.True(max <= tolerance && expected.Zip(actual).All(p => float.IsFinite(p.Second)), $"{what}: max |diff| {max}");
    }
}
