using System.Text.Json;
using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Llama;

/// <summary>
/// One PyTorch golden fixture of a Llama-layout decoder (tools/reference/llama_reference.py): a Hugging Face
/// LlamaForCausalLM / Qwen2 / Mistral directory with random weights, the reference's logits for input.json, and the
/// tokens greedy decoding appends to a prompt.
/// </summary>
internal sealed class LlamaFixture
{
    private LlamaFixture(string name)
    {
        Name = name;
        Directory = FixturePath.Of(name);
        using var input = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "input.json")));
        var rows = input.RootElement.GetProperty("input_ids").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Batch = rows.Length;
        Seq = rows[0].Length;
        Ids = [.. rows.SelectMany(r => r)];
        Logits = NpyFile.Read<float>(Path.Combine(Directory, "logits.npy"));
        using var greedy = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "greedy.json")));
        Prompt = [.. greedy.RootElement.GetProperty("prompt").EnumerateArray().Select(v => v.GetInt32())];
        GreedyTokens = [.. greedy.RootElement.GetProperty("tokens").EnumerateArray().Select(v => v.GetInt32())];
    }

    /// <summary>
    /// MHA untied (rope_theta 10000), GQA tied (rope_theta 500000), MQA with rope_scaling llama3, Qwen2 with q/k/v bias
    /// stored in BF16, and Mistral with a sliding window of 4.
    /// </summary>
    public static readonly string[] Names = ["llama-mha", "llama-gqa-tied", "llama-mqa-llama3", "qwen2-bias-bf16", "mistral-window"];

    /// <summary>Backend × every fixture.</summary>
    public static TheoryData<string, string> EveryBackendAndFixture
    {
        get
        {
            var cases = new TheoryData<string, string>();
            foreach (var backend in TestBackends.Names)
                foreach (var fixture in Names)
                    cases.Add(backend, fixture);
            return cases;
        }
    }

    public static LlamaFixture Load(string name) => new(name);

    public string Name { get; }

    public string Directory { get; }

    public int Batch { get; }

    public int Seq { get; }

    /// <summary>[Batch · Seq], row-major.</summary>
    public int[] Ids { get; }

    /// <summary>[Batch, Seq, vocab]: LlamaForCausalLM's logits in float32.</summary>
    public NpyArray<float> Logits { get; }

    /// <summary>The prompt greedy decoding starts from.</summary>
    public int[] Prompt { get; }

    /// <summary>The tokens the reference's greedy decoding appends (full recompute each step).</summary>
    public int[] GreedyTokens { get; }
}
