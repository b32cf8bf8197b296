using System.Text.Json;
using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Gpt;

/// <summary>
/// One PyTorch golden fixture: Fixtures/gpt2-tiny* (tools/reference/gpt2_reference.py) or a variant's
/// Fixtures/gpt-* (tools/reference/gpt_variants_reference.py).
/// </summary>
internal sealed class GptFixture
{
    private GptFixture(string name)
    {
        Directory = FixturePath.Of(name);
        var ids = ReadRows(Path.Combine(Directory, "input.json"), "input_ids");
        Batch = ids.Length;
        Seq = ids[0].Length;
        Ids = [.. ids.SelectMany(r => r)];
        Targets = [.. ReadRows(Path.Combine(Directory, "targets.json"), "targets").SelectMany(r => r)];
        Logits = NpyFile.Read<float>(Path.Combine(Directory, "logits.npy"));
        using var loss = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "loss.json")));
        Loss = loss.RootElement.GetProperty("loss").GetDouble();
    }

    /// <summary>GPT-2 proper (learned positions, LayerNorm, full causal attention).</summary>
    public static TheoryData<string> Names => new(Gpt2);

    /// <summary>One per pluggable variant: sinusoidal, rotary, rotary + sliding window, RMSNorm.</summary>
    public static TheoryData<string> VariantNames => new(Variants);

    /// <summary>Backend × GPT-2's fixtures.</summary>
    public static TheoryData<string, string> EveryBackendAndGpt2
    {
        get
        {
            var cases = new TheoryData<string, string>();
            foreach (var backend in TestBackends.Names)
                foreach (var fixture in Gpt2)
                    cases.Add(backend, fixture);
            return cases;
        }
    }

    /// <summary>Backend × every fixture, GPT-2's and the variants'.</summary>
    public static TheoryData<string, string> EveryBackendAndFixture
    {
        get
        {
            var cases = new TheoryData<string, string>();
            foreach (var backend in TestBackends.Names)
                foreach (var fixture in Gpt2.Concat(Variants))
                    cases.Add(backend, fixture);
            return cases;
        }
    }

    private static readonly string[] Gpt2 = ["gpt2-tiny", "gpt2-tiny-tied"];
    private static readonly string[] Variants = ["gpt-sinusoidal", "gpt-rope", "gpt-rope-sliding-window", "gpt-rmsnorm"];

    public static GptFixture Load(string name) => new(name);

    public string Directory { get; }

    public int Batch { get; }

    public int Seq { get; }

    /// <summary>[Batch · Seq], row-major.</summary>
    public int[] Ids { get; }

    public int[] Targets { get; }

    /// <summary>[Batch, Seq, vocab].</summary>
    public NpyArray<float> Logits { get; }

    public double Loss { get; }

    public string GradsPath => Path.Combine(Directory, "grads.safetensors");

    private static int[][] ReadRows(string path, string key)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return [.. json.RootElement.GetProperty(key).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray())];
    }
}
