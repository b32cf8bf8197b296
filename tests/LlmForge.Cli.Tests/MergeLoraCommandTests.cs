using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Lora;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Cli;

public class MergeLoraCommandTests
{
    [Fact]
    public void Merge_lora_saves_a_plain_model_with_the_adapted_outputs_and_the_base_tokenizer()
    {
        using var temp = new TempDirectory();
        string baseDir = System.IO.Path.Combine(temp.Path, "base"), adapterDir = System.IO.Path.Combine(temp.Path, "adapter"), output = System.IO.Path.Combine(temp.Path, "merged");
        var tokenizer = CharTokenizer.FromCorpus("abcdefgh ");
        var model = new GptModel(new GptConfig { VocabSize = tokenizer.VocabSize, ContextLength = 8, EmbeddingDim = 16, Layers = 1, Heads = 2 }, new ManagedBackend(), seed: 2);
        Gpt2Checkpoint.Save(model, baseDir);
        tokenizer.Save(baseDir);
        var adapters = LoraAdapters.Create(model, new LoraOptions { Rank = 2, Alpha = 4 }, seed: 3);
        foreach (var layer in adapters.Layers) Array.Fill(layer.B.Weight.Data, 0.05f);
        LoraAdapterFiles.Save(adapters, adapterDir);
        int[] ids = [1, 2, 3, 4, 5, 6, 7, 0];
        float[] adapted = Logits(model, ids);

        var (code, stdout, stderr) = Cli.Run("merge-lora", "--model", baseDir, "--adapter", adapterDir, "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("merged 4 adapters (r 2, alpha 4, 512 parameters; attn.qkv, attn.proj, mlp)", stdout);
        Assert.True(File.Exists(System.IO.Path.Combine(output, TokenizerFiles.CharTokenizerFile)));
        float[] merged = Logits(Gpt2Checkpoint.Load(output, new ManagedBackend()), ids);
        float diff = adapted.Zip(merged, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(diff <= 1e-5f, $"merged directory vs adapted model: {diff}");

        var again = Cli.Run("merge-lora", "--model", baseDir, "--adapter", adapterDir, "--out", output);
        Assert.Equal(2, again.Code);
        Assert.Contains("merge-lora: --out '", again.Err);
        Assert.Contains("already holds", again.Err);
    }

    private static float[] Logits(GptModel model, int[] ids)
    {
        model.Eval();
        using var _ = GradMode.NoGrad();
        return (float[])model.Forward(ids, 1, ids.Length).Data.Clone();
    }
}
